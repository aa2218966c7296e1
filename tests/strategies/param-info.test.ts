/** Each strategy's params as form fields, read from its own schema (signals.strategies → params). */
import { describe, expect, it } from 'vitest';
import { STRATEGY_IDS, parseParams } from '../../engine/strategies';
import { strategyInfo } from '../../engine/strategies/param-info';

describe('strategy params as form fields', () => {
  it('ema_cross: fast and slow with their defaults, ranges and one-line descriptions', () => {
    const info = strategyInfo('ema_cross');
    const fast = info.params.find((p) => p.name === 'fast');
    expect(fast).toEqual({ name: 'fast', type: 'integer', default: 9, min: 1, max: 500, minExclusive: false, maxExclusive: false, description: 'Bars of the fast EMA (must be shorter than slow).' });
    const stopAtr = info.params.find((p) => p.name === 'stopAtr');
    expect(stopAtr).toMatchObject({ type: 'number', default: 1.5, min: 0, minExclusive: true, max: 20 });
    expect(info.params.map((p) => p.name)).toEqual(['fast', 'slow', 'atr', 'stopAtr', 'rewardRisk']);
  });
  it('every param of every strategy has a field: its default is the schema default, and a description that is a sentence', () => {
    for (const id of STRATEGY_IDS) {
      const info = strategyInfo(id);
      const defaults = parseParams(id, {});
      expect(info.params.map((p) => p.name).sort()).toEqual(Object.keys(defaults).sort());
      for (const p of info.params) {
        expect(p.default, `${id}.${p.name}`).toBe(defaults[p.name]);
        expect(p.description, `${id}.${p.name}`).toMatch(/^[A-Z].+\.$/);
        expect(p.min === null || p.max === null || p.min < p.max).toBe(true);
      }
    }
  });
});
