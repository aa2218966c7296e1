import { describe, expect } from 'vitest';
import { rigTest as it } from '../helpers/rig';
import type { Signal } from '../../engine/api';
import { alertRig, T0, type AlertRig } from './rig';


/** Records a signal of the channel and its outcome as the signals module does, then publishes signal.updated. */
function outcome(rig: AlertRig, channelId: number, k: number, result: 'win' | 'loss', profitPct: number): void {
  const row = { channel_id: channelId, autopilot: 0, source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', strategy: 'ema_cross', bar_time: T0 + k * 60_000, side: 'buy', entry: 100, stop_loss: 99, take_profit: 102, confidence: 0.7, reasons: '[]', status: 'delivered', reject_reason: null, created_at: T0 + k };
  const id = Number(rig.s.db.prepare(`INSERT INTO signals (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row)).lastInsertRowid);
  rig.s.signals.outcomes.insert(id, channelId, 'ema_cross', { result, exitPrice: 100 + profitPct, profitPct, bars: 3, timeToOutcomeMs: 180_000, closedAt: T0 + k * 60_000 + 180_000 });
  rig.s.bus.publish('signal.updated', rig.s.signals.signals.get(id, rig.s.signals.channels.names()) as Signal);
}

describe('alerts: performance rules', () => {
  it('win rate below X % over the last N outcomes fires once when it drops, and again only after it recovered and dropped again', async ({ track }) => {
    const r = track(await alertRig());
    const ch = await r.s.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    await r.create({ kind: 'performance', condition: { channel: ch, metric: 'win_rate', below: 50, lastN: 4 } });
    const seq: Array<'win' | 'loss'> = ['win', 'win', 'loss', 'win', 'loss', 'loss', 'loss', 'win', 'win', 'win', 'loss', 'loss'];
    seq.forEach((res, k) => outcome(r, ch, k, res, res === 'win' ? 2 : -1));
    // windows of 4 (newest last): below 50 % after k=5 (w l l... → 1/4), recovers at k=9 (3/4 ≥ 50), below again at k=11 (2/4 = 50: not below) → one firing only
    const fired = r.fired();
    expect(fired).toHaveLength(1);
    expect(fired[0]!.message).toBe(`Channel ${ch}: win rate 25.0 % over its last 4 outcomes, below 50 %`);
    outcome(r, ch, 12, 'loss', -1); // 1/4 wins: below again after a recovery
    expect(r.fired()).toHaveLength(2);
  });
});
