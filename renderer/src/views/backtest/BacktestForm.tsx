/**
 * The backtest form: strategy and its params (placeholders show the defaults), source, symbols,
 * timeframe, range, costs, direction; "Run backtest" (Enter) and, with values per param in the
 * sweep column, "Run sweep" (Ctrl+Enter). Every field is a labelled native control, so Tab and
 * the keyboard reach all of it.
 */
import { useEffect, useState } from 'react';
import { BACKTEST_OBJECTIVES, TIMEFRAMES, type BacktestRunInput, type StrategyInfo } from '../../../../engine/api';
import { api } from '../../api/client';
import { useBacktest, type BacktestForm as Form } from '../../stores/backtest';

type ParamValue = number | boolean | string;

function parseValue(raw: string, def: unknown): ParamValue {
  const t = raw.trim();
  if (typeof def === 'boolean') return t === 'true';
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

const day = (s: string, end: boolean): number | undefined => (s ? Date.parse(`${s}T00:00:00Z`) + (end ? 86_400_000 - 1 : 0) : undefined);
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The run input the form describes (the engine validates it again). */
export function toInput(f: Form, defaults: Record<string, unknown>): BacktestRunInput {
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(f.params)) if (v.trim() !== '') params[k] = parseValue(v, defaults[k]);
  return {
    strategy: { id: f.strategy, params },
    source: f.source.trim(),
    symbols: f.symbols.split(',').map((s) => s.trim()).filter(Boolean),
    timeframe: f.timeframe,
    from: day(f.from, false),
    to: day(f.to, true),
    initialBalance: num(f.initialBalance),
    stake: { mode: f.stakeMode, value: Number(f.stakeValue) },
    takerBps: num(f.takerBps),
    makerBps: num(f.makerBps),
    slippageBps: num(f.slippageBps),
    direction: f.direction,
    minConfidence: num(f.minConfidence),
  };
}

export function BacktestFormPanel({ onStarted }: { onStarted: (id: number) => void }) {
  const { form, setForm, setError, refresh } = useBacktest();
  const [strategies, setStrategies] = useState<StrategyInfo[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api.call('signals.strategies', {}).then(setStrategies, (e: Error) => setError(e.message));
  }, [setError]);
  const defaults = strategies.find((s) => s.id === form.strategy)?.defaults ?? {};
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ [k]: e.target.value } as Partial<Form>);

  async function submit(sweep: boolean): Promise<void> {
    setBusy(true);
    try {
      const input = toInput(form, defaults);
      if (sweep) {
        const grid: Record<string, ParamValue[]> = {};
        for (const [k, v] of Object.entries(form.grid)) {
          const vals = v.split(',').map((x) => x.trim()).filter(Boolean).map((x) => parseValue(x, defaults[k]));
          if (vals.length) grid[k] = vals;
        }
        if (!Object.keys(grid).length) throw new Error('Sweep: give values for at least one parameter (e.g. 5, 9, 13)');
        const r = await api.call('backtest.sweep', { ...input, grid, objective: form.objective });
        onStarted(r.id);
      } else {
        const r = await api.call('backtest.run', input);
        onStarted(r.id);
      }
      setError(null);
      await refresh();
    } catch (e) {
      setError(`refused: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="bt-form"
      data-testid="backtest-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void submit(true);
        }
      }}
    >
      <fieldset>
        <legend>Strategy</legend>
        <label>
          Strategy
          <select value={form.strategy} onChange={(e) => setForm({ strategy: e.target.value, params: {}, grid: {} })} data-testid="bt-strategy">
            {strategies.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </label>
        <table className="bt-params">
          <thead>
            <tr>
              <th>Param</th>
              <th>Value</th>
              <th>Sweep values</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(defaults).map(([k, d]) => (
              <tr key={k}>
                <td>{k}</td>
                <td>
                  <input aria-label={`Param ${k}`} placeholder={String(d)} value={form.params[k] ?? ''} onChange={(e) => setForm({ params: { ...form.params, [k]: e.target.value } })} />
                </td>
                <td>
                  <input aria-label={`Sweep ${k}`} placeholder="e.g. 5, 9, 13" value={form.grid[k] ?? ''} onChange={(e) => setForm({ grid: { ...form.grid, [k]: e.target.value } })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <fieldset>
        <legend>Market</legend>
        <label>
          Source
          <input aria-label="Source" value={form.source} onChange={set('source')} />
        </label>
        <label>
          Symbols
          <input aria-label="Symbols" value={form.symbols} onChange={set('symbols')} placeholder="BTC/USDT, ETH/USDT" />
        </label>
        <label>
          Timeframe
          <select aria-label="Timeframe" value={form.timeframe} onChange={set('timeframe')}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input aria-label="From" type="date" value={form.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input aria-label="To" type="date" value={form.to} onChange={set('to')} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Account &amp; costs</legend>
        <label>
          Balance
          <input aria-label="Initial balance" value={form.initialBalance} onChange={set('initialBalance')} inputMode="decimal" />
        </label>
        <label>
          Stake
          <span className="bt-pair">
            <input aria-label="Stake" value={form.stakeValue} onChange={set('stakeValue')} inputMode="decimal" />
            <select aria-label="Stake mode" value={form.stakeMode} onChange={set('stakeMode')}>
              <option value="quoteAmount">quote</option>
              <option value="equityPercent">% equity</option>
            </select>
          </span>
        </label>
        <label>
          Taker bps
          <input aria-label="Taker bps" value={form.takerBps} onChange={set('takerBps')} inputMode="decimal" />
        </label>
        <label>
          Maker bps
          <input aria-label="Maker bps" value={form.makerBps} onChange={set('makerBps')} inputMode="decimal" />
        </label>
        <label>
          Slippage bps
          <input aria-label="Slippage bps" value={form.slippageBps} onChange={set('slippageBps')} inputMode="decimal" />
        </label>
        <label>
          Direction
          <select aria-label="Direction" value={form.direction} onChange={set('direction')}>
            <option value="long">long</option>
            <option value="short">short</option>
            <option value="both">both</option>
          </select>
        </label>
        <label>
          Min confidence
          <input aria-label="Min confidence" value={form.minConfidence} onChange={set('minConfidence')} inputMode="decimal" />
        </label>
        <label>
          Sweep objective
          <select aria-label="Objective" value={form.objective} onChange={set('objective')}>
            {BACKTEST_OBJECTIVES.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
      </fieldset>
      <div className="bt-actions">
        <button type="submit" className="btn primary" disabled={busy} data-testid="bt-run">
          Run backtest <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void submit(true)} data-testid="bt-sweep">
          Run sweep <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
    </form>
  );
}
