/**
 * The Backtest view: the form, the progress of the running backtest or sweep, the
 * shown run's metrics, equity and drawdown curves and trades, a sweep's table and heatmap, and
 * past runs compared side by side. "Backtest this channel" in the Signals view fills the form.
 */
import { useEffect, useState } from 'react';
import { useBacktest } from '../stores/backtest';
import { BacktestFormPanel } from './backtest/BacktestForm';
import { BacktestResults } from './backtest/BacktestResults';
import { RunsPanel } from './backtest/RunsPanel';
import { SweepPanel } from './backtest/SweepPanel';
import { fdur } from './backtest/format';
import './backtest/backtest.css';

export function BacktestView() {
  const { shown, progress, error, init, refresh, show } = useBacktest();
  const [active, setActive] = useState<number | null>(null);
  useEffect(() => {
    init();
    void refresh();
  }, [init, refresh]);
  const p = active !== null ? progress[active] : undefined;
  const running = p && (p.status === 'running' || p.status === 'queued');
  return (
    <div className="bt-view" data-testid="view-backtest">
      <BacktestFormPanel
        onStarted={(id) => {
          setActive(id);
          void show(id);
        }}
      />
      <section className="bt-main">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {active !== null && (
          <div className="bt-progress" data-testid="bt-progress">
            <progress max={p?.barsTotal || 1} value={p?.barsDone ?? 0} aria-label="Backtest progress" />
            <span>
              #{active}: {p ? p.status : 'queued'}
              {p && p.barsTotal > 0 && ` · ${p.barsDone.toLocaleString()} / ${p.barsTotal.toLocaleString()} bars`}
              {p?.combosTotal !== undefined && ` · ${p.combosDone ?? 0} / ${p.combosTotal} combinations`}
              {running && p.etaMs !== null && ` · ${fdur(p.etaMs)} left`}
              {p?.error && ` · ${p.error}`}
            </span>
          </div>
        )}
        {shown && (
          <>
            <h3 data-testid="bt-shown">
              {shown.kind === 'sweep' ? 'Sweep' : 'Backtest'} #{shown.id} · {shown.input.strategy.id} · {shown.input.symbols.join(', ')} · {shown.input.timeframe} · {shown.status}
            </h3>
            {shown.kind === 'sweep' ? shown.sweep ? <SweepPanel sweep={shown.sweep} /> : <p className="muted">{shown.status === 'cancelled' ? 'Cancelled: no results.' : shown.error ?? 'Running…'}</p> : <BacktestResults run={shown} />}
          </>
        )}
        <RunsPanel />
      </section>
    </div>
  );
}
