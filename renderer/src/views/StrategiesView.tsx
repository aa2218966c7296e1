/**
 * Strategies: every channel strategy's live results (signals per day, win rate, profit factor,
 * expectancy, average outcome — from tracked outcomes) beside its latest backtest on the same
 * symbols, ranked by a chosen metric; pause / resume a strategy in a channel; edit its params
 * with "Backtest these first"; autopilot with the live promotion rule; and the registry.
 * Keyboard (list focused, as it is on opening): ↑/↓ (or j/k) select · P pause / resume ·
 * E edit params. Anywhere in the view: R choose the ranking metric · L focus the list.
 */
import { useEffect, useRef, useState } from 'react';
import { STRATEGY_RANK_METRICS, type StrategyChannelRow, type StrategyRankMetric } from '../../../engine/api';
import { api } from '../api/client';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { useListSelection } from '../keyboard/use-list-selection';
import { rowKey, useStrategies } from '../stores/strategies';
import { useSignals } from '../stores/signals';
import { ConfirmOverride, promotionRefusal } from './strategies/ConfirmOverride';
import { dash, METRIC_LABELS, num, paramsText, pct, ratio, symbolsText, tone } from './strategies/format';
import { ParamsDialog } from './strategies/ParamsDialog';
import { PromotionPanel } from './strategies/PromotionPanel';
import { RegistryList } from './strategies/RegistryList';
import './strategies/strategies.css';

export function StrategiesView() {
  const { overview, rows, rankBy, selected, loaded, error, refresh, setRankBy, select } = useStrategies();
  const [msg, setMsg] = useState<{ text: string; tone: 'ok' | 'failed' } | null>(null);
  const [editing, setEditing] = useState<StrategyChannelRow | null>(null);
  const [resumeRefusal, setResumeRefusal] = useState<{ key: string; refusal: NonNullable<ReturnType<typeof promotionRefusal>> } | null>(null);
  const list = useRef<HTMLTableElement>(null);
  const rankSelect = useRef<HTMLSelectElement>(null);
  const idx = Math.max(0, rows.findIndex((r) => rowKey(r) === selected));
  const sel: StrategyChannelRow | undefined = rows[idx];
  const infoOf = (id: string) => overview.find((s) => s.id === id);

  useEffect(() => {
    void refresh();
    list.current?.focus();
  }, [refresh]);
  useEffect(() => {
    if (rows.length && (selected === null || !rows.some((r) => rowKey(r) === selected))) select(rowKey(rows[0]!));
  }, [rows, selected, select]);
  useEffect(() => {
    list.current?.querySelector('tr.sel')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const after = (text: string, t: 'ok' | 'failed' = 'ok') => {
    setMsg({ text, tone: t });
    void refresh();
    void useSignals.getState().refresh();
  };

  const togglePause = async (r: StrategyChannelRow, confirm?: string) => {
    const what = `${r.strategy} in ${r.channelName}`;
    try {
      if (r.paused) await api.call('strategies.resume', { channel: r.channelId, strategy: r.strategy, ...(confirm ? { confirm } : {}) });
      else await api.call('strategies.pause', { channel: r.channelId, strategy: r.strategy });
      setResumeRefusal(null);
      after(r.paused ? `Resumed ${what}: it signals again in this channel` : `Paused ${what}: no signals from it in this channel until resumed`);
    } catch (e) {
      const refusal = promotionRefusal(e);
      if (refusal) {
        setResumeRefusal({ key: rowKey(r), refusal });
        setMsg({ text: `Resume refused: ${refusal.message}`, tone: 'failed' });
      } else setMsg({ text: `${r.paused ? 'Resume' : 'Pause'} of ${what} refused: ${(e as Error).message}`, tone: 'failed' });
    }
  };

  const onSel = (f: (r: StrategyChannelRow) => void) => () => {
    if (sel) f(sel);
  };
  const pauseSel = onSel((r) => void togglePause(r));
  const editSel = onSel((r) => setEditing(r));
  useKeyActions(
    'strategies',
    [
      keyAction('strategies.rankBy', () => rankSelect.current?.focus()),
      keyAction('strategies.focusList', () => list.current?.focus()),
      keyAction('strategies.pause', pauseSel),
      keyAction('strategies.edit', editSel),
    ],
    [sel ? rowKey(sel) : null, sel?.paused],
  );
  const nav = useListSelection(rows.length, { sel: idx, setSel: (i) => select(rows[i] ? rowKey(rows[i]) : null) });
  const onListKey = (e: React.KeyboardEvent) => {
    if (nav.onKey(e)) return;
    if (!sel || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'p' || e.key === 'P') pauseSel();
    else if (e.key === 'e' || e.key === 'E') editSel();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const info = sel ? infoOf(sel.strategy) : undefined;
  return (
    <div className="strategies-view" data-testid="view-strategies">
      <div className="strat-head">
        <h2>Strategies</h2>
        <label>
          Rank by <kbd>R</kbd>{' '}
          <select ref={rankSelect} value={rankBy} onChange={(e) => setRankBy(e.target.value as StrategyRankMetric)} data-testid="strategy-rank-by">
            {STRATEGY_RANK_METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Live results are tracked outcomes of each channel's signals at the strategy's current params.</span>
        {msg && (
          <span className={msg.tone === 'failed' ? 'error' : 'up'} role="status" data-testid="strategies-msg">
            {msg.text}
          </span>
        )}
        {error && <span className="error">{error}</span>}
      </div>
      <div className="strat-body">
        <div className="strat-results">
          <table className="grid strat-table" tabIndex={0} ref={list} onKeyDown={onListKey} data-testid="strategy-results" aria-label="Strategy results per channel">
            <thead>
              <tr>
                <th>#</th><th>Strategy</th><th>Channel</th><th>State</th><th title="Signals per day">Sig/day</th><th>Win rate</th><th title="Profit factor">PF</th><th>Expectancy</th><th title="Average outcome">Avg</th><th title="Tracked outcomes">Outc.</th><th>Latest backtest</th><th />
              </tr>
            </thead>
            <tbody>
              {loaded && rows.length === 0 && (
                <tr>
                  <td colSpan={12} className="muted">No channel uses a strategy yet. Create a channel in Signals (N there).</td>
                </tr>
              )}
              {rows.map((r, i) => (
                <tr key={rowKey(r)} className={`${i === idx ? 'sel' : ''}${r.paused ? ' dim' : ''}`} onClick={() => select(rowKey(r))} data-testid="strategy-row" data-key={rowKey(r)} data-strategy={r.strategy} data-channel={r.channelName} data-paused={r.paused ? 'true' : 'false'}>
                  <td>{r.rank}</td>
                  <td className="wrap">
                    <b>{r.strategy}</b> <span className="muted">{paramsText(r.params, infoOf(r.strategy)?.defaults)}</span>
                  </td>
                  <td className="wrap">
                    {r.channelName}
                    {r.autopilot ? <span className="strat-chip auto">autopilot</span> : null}
                    {!r.channelEnabled ? <span className="muted"> (channel off)</span> : null}
                  </td>
                  <td data-testid="strategy-state">{r.paused ? 'paused' : 'active'}</td>
                  <td>{r.live.signals ? r.live.signalsPerDay.toFixed(1) : dash}</td>
                  <td data-testid="cell-winRate">{ratio(r.live.winRate)}</td>
                  <td>{num(r.live.profitFactor)}</td>
                  <td className={tone(r.live.expectancyPct)} data-testid="cell-expectancy">{pct(r.live.expectancyPct)}</td>
                  <td className={tone(r.live.avgOutcomePct)}>{pct(r.live.avgOutcomePct)}</td>
                  <td data-testid="cell-outcomes">{r.live.outcomes}</td>
                  <td className="wrap" data-testid="cell-backtest">
                    {r.backtest ? (
                      <span title={`run #${r.backtest.id}: ${r.backtest.symbols.join(', ')} ${r.backtest.timeframe}`}>
                        <span className={tone(r.backtest.totalReturnPct)}>{pct(r.backtest.totalReturnPct)}</span> · {r.backtest.trades} trades · WR {r.backtest.winRatePct === null ? dash : `${r.backtest.winRatePct.toFixed(0)} %`}
                        {r.backtest.match === 'other_params' ? <span className="muted"> (other params)</span> : null}
                      </span>
                    ) : (
                      <span className="muted">no backtest yet</span>
                    )}
                  </td>
                  <td className="strat-actions">
                    <button className="btn" onClick={(e) => (e.stopPropagation(), void togglePause(r))} aria-label={`${r.paused ? 'Resume' : 'Pause'} ${r.strategy} in ${r.channelName}`} data-testid="strategy-pause-toggle">
                      {r.paused ? 'Resume' : 'Pause'}
                    </button>
                    <button className="btn" onClick={(e) => (e.stopPropagation(), setEditing(r))} aria-label={`Edit params of ${r.strategy} in ${r.channelName}`} data-testid="strategy-edit">
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="muted strat-keys">
            <kbd>↑</kbd>/<kbd>↓</kbd> select · <kbd>P</kbd> pause / resume · <kbd>E</kbd> edit params · <kbd>R</kbd> rank by · <kbd>L</kbd> list
          </div>
        </div>
        {sel && (
          <aside className="strat-detail" data-testid="strategy-detail">
            <h3>
              {sel.strategy} <span className="muted">in {sel.channelName}</span>
            </h3>
            <div className="muted">{info?.summary}</div>
            <div>
              {symbolsText(sel)} · {sel.timeframe} · {sel.paused ? <b className="down">paused</b> : <b className="up">active</b>}
            </div>
            <table className="grid strat-param-table">
              <tbody>
                {(info?.params ?? []).map((p) => (
                  <tr key={p.name} title={p.description}>
                    <td>{p.name}</td>
                    <td>{String(sel.params[p.name] ?? p.default)}</td>
                    <td className="muted">{p.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="strat-live">
              Live: {sel.live.signals} signals ({sel.live.signalsPerDay.toFixed(1)} / day), {sel.live.outcomes} outcomes ({sel.live.wins} W / {sel.live.losses} L / {sel.live.expired} expired)
            </div>
            {resumeRefusal?.key === rowKey(sel) && <ConfirmOverride refusal={resumeRefusal.refusal} action="resume on live autopilot" onConfirm={(c) => void togglePause(sel, c)} />}
            <PromotionPanel row={sel} onChanged={(t) => after(t)} />
          </aside>
        )}
      </div>
      <RegistryList overview={overview} />
      {editing && infoOf(editing.strategy) && (
        <ParamsDialog
          row={editing}
          info={infoOf(editing.strategy)!}
          onClose={() => setEditing(null)}
          onApplied={(t) => {
            setEditing(null);
            after(t);
          }}
        />
      )}
    </div>
  );
}
