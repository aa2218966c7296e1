/**
 * Edit a channel strategy's params: the form from the strategy's schema, "Backtest these first"
 * (backtest.run of the current and the edited params on the channel's symbols and timeframe, side
 * by side), then "Apply" (strategies.setParams). On a live autopilot channel the engine may refuse
 * new params under the promotion rule: the refusal shows its numbers and takes the typed
 * confirmation. Keyboard: Tab through the fields, Ctrl+B backtest, Ctrl+Enter apply, Esc close.
 */
import { useEffect, useRef, useState } from 'react';
import type { BacktestMetricsView, BacktestRun, StrategyChannelRow, StrategyInfo } from '../../../../engine/api';
import { api } from '../../api/client';
import { Modal } from '../../components/Modal';
import { formFor, paramsOf, StrategyParams, type ParamsForm } from '../../components/StrategyParams';
import { useApp } from '../../stores/app';
import { useBacktest } from '../../stores/backtest';
import { ConfirmOverride, promotionRefusal } from './ConfirmOverride';
import { num, paramsText, pct } from './format';

type Side = { id: number; run: BacktestRun | null; error?: string };
const MAX_SYMBOLS = 20;
const FINISHED = ['done', 'failed', 'cancelled'];

async function untilFinished(id: number, alive: () => boolean): Promise<BacktestRun> {
  for (;;) {
    const r = await api.call('backtest.get', { id });
    if (FINISHED.includes(r.status) || !alive()) return r;
    await new Promise((res) => setTimeout(res, 400));
  }
}

const ROWS: Array<[string, (m: BacktestMetricsView) => string]> = [
  ['Return', (m) => pct(m.totalReturnPct)],
  ['Trades', (m) => String(m.trades)],
  ['Win rate', (m) => (m.winRatePct === null ? '—' : `${m.winRatePct.toFixed(0)} %`)],
  ['Profit factor', (m) => num(m.profitFactor)],
  ['Expectancy (per trade)', (m) => num(m.expectancy)],
  ['Max drawdown', (m) => `${m.maxDrawdownPct.toFixed(2)} %`],
  ['Sharpe', (m) => num(m.sharpe)],
];

export function ParamsDialog({ row, info, onClose, onApplied }: { row: StrategyChannelRow; info: StrategyInfo; onClose: () => void; onApplied: (text: string) => void }) {
  const [form, setForm] = useState<ParamsForm>(() => formFor(info, row.params, true));
  const [runs, setRuns] = useState<{ current: Side; edited: Side; tested: Record<string, unknown> } | null>(null);
  const [testing, setTesting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ReturnType<typeof promotionRefusal>>(null);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const edited = (): Record<string, unknown> | null => {
    const r = paramsOf(info, form);
    if ('error' in r) {
      setError(r.error);
      return null;
    }
    return r.params;
  };

  const symbols = async (): Promise<string[]> => {
    if ('symbols' in row.symbols) return row.symbols.symbols.slice(0, MAX_SYMBOLS);
    return (await api.call('market.symbols', { source: row.symbols.source })).slice(0, MAX_SYMBOLS);
  };

  const backtest = async () => {
    const params = edited();
    if (!params) return;
    setError(null);
    setTesting(true);
    try {
      const syms = await symbols();
      const input = (p: Record<string, unknown>) => ({ strategy: { id: row.strategy, params: p as Record<string, number | boolean | string> }, source: row.symbols.source, symbols: syms, timeframe: row.timeframe });
      const [cur, ed] = await Promise.all([api.call('backtest.run', input(row.params)), api.call('backtest.run', input(params))]);
      setRuns({ current: { id: cur.id, run: null }, edited: { id: ed.id, run: null }, tested: params });
      const [c, e] = await Promise.all([untilFinished(cur.id, () => alive.current), untilFinished(ed.id, () => alive.current)]);
      setRuns({ current: { id: cur.id, run: c }, edited: { id: ed.id, run: e }, tested: params });
      void useBacktest.getState().refresh();
    } catch (e) {
      setError(`Backtest refused: ${(e as Error).message}`);
    } finally {
      setTesting(false);
    }
  };

  const apply = async (confirm?: string) => {
    const params = edited();
    if (!params) return;
    setError(null);
    setBusy(true);
    try {
      await api.call('strategies.setParams', { channel: row.channelId, strategy: row.strategy, params, ...(confirm ? { confirm } : {}) });
      onApplied(`Applied ${row.strategy} params in ${row.channelName}: ${paramsText(params, info.defaults)}`);
    } catch (e) {
      const r = promotionRefusal(e);
      if (r) setRefusal(r);
      else setError(`Apply refused: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    alive.current = false;
    onClose();
  };
  const openInBacktest = (id: number) => {
    void useBacktest.getState().show(id);
    useApp.getState().setView('backtest');
    close();
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void apply();
    } else if ((e.key === 'b' || e.key === 'B') && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void backtest();
    }
  };

  const metricsOf = (s: Side) => s.run?.metrics ?? null;
  const cell = (s: Side, f: (m: BacktestMetricsView) => string) => {
    const m = metricsOf(s);
    if (m) return f(m);
    if (s.run && s.run.status !== 'done') return s.run.error ?? s.run.status;
    return 'running…';
  };

  return (
    <Modal label={`Edit ${row.strategy} in ${row.channelName}`} onClose={close} onKeyDown={onKey} className="ticket strat-params-dialog" backdropClassName="ticket-backdrop" testid="strategy-params-dialog">
      <div className="ticket-head">
        <strong>
          {row.strategy} in {row.channelName}
        </strong>
        <span className="muted">Ctrl+B backtest · Ctrl+Enter apply · Esc close</span>
      </div>
      <p className="muted strat-dialog-sub">{info.summary} Backtests run on {'symbols' in row.symbols ? row.symbols.symbols.slice(0, MAX_SYMBOLS).join(', ') : `the first ${MAX_SYMBOLS} symbols of ${row.symbols.source}`} ({row.timeframe}).</p>
      <StrategyParams info={info} form={form} onChange={setForm} />
      {runs && (
        <table className="grid strat-compare" data-testid="backtest-compare">
          <thead>
            <tr>
              <th>Backtest</th>
              <th>
                Current <span className="muted">{paramsText(row.params, info.defaults)}</span>
              </th>
              <th>
                Edited <span className="muted">{paramsText(runs.tested, info.defaults)}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map(([label, f]) => (
              <tr key={label}>
                <td>{label}</td>
                <td data-testid={`compare-current-${label}`}>{cell(runs.current, f)}</td>
                <td data-testid={`compare-edited-${label}`}>{cell(runs.edited, f)}</td>
              </tr>
            ))}
            <tr>
              <td />
              <td>
                <button className="btn link" onClick={() => openInBacktest(runs.current.id)}>
                  Open run #{runs.current.id}
                </button>
              </td>
              <td>
                <button className="btn link" onClick={() => openInBacktest(runs.edited.id)}>
                  Open run #{runs.edited.id}
                </button>
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {error && (
        <div className="error" role="alert" data-testid="strategy-params-error">
          {error}
        </div>
      )}
      {refusal && <ConfirmOverride refusal={refusal} action="apply these params" busy={busy} onConfirm={(c) => void apply(c)} />}
      <div className="toast-actions">
        <button className="btn" disabled={testing} onClick={() => void backtest()} data-testid="strategy-backtest-first">
          {testing ? 'Backtesting…' : 'Backtest these first'}
        </button>
        <button className="btn primary" disabled={busy} onClick={() => void apply()} data-testid="strategy-apply">
          {runs ? 'Apply' : 'Apply without a backtest'}
        </button>
        <button className="btn" onClick={close}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
