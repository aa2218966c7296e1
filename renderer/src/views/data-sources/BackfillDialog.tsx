/** Back-fill history from a ccxt source: one symbol or all of them, a timeframe and a date range, with live progress. */
import { useMemo, useState } from 'react';
import { TIMEFRAMES, TIMEFRAME_MS, type BackfillJob, type SourceView, type Timeframe } from '../../../../engine/api';
import { api } from '../../api/client';
import { useSources } from '../../stores/sources';
import { Modal } from '../../components/Modal';
import { combineJobs, ProgressBar, toDateInput } from './format';
import { DialogHead } from './SourceDialog';

export function BackfillDialog({ source, onClose }: { source: SourceView; onClose: () => void }) {
  const jobs = useSources((s) => s.jobs);
  const [symbol, setSymbol] = useState(source.symbols[0] ?? '');
  const [all, setAll] = useState(false);
  const [tf, setTf] = useState<Timeframe>(source.timeframes.includes('1h') ? '1h' : (source.timeframes[0] ?? '1h'));
  const [since, setSince] = useState(toDateInput(Date.now() - 365 * 86_400_000));
  const [untilD, setUntilD] = useState('');
  const [jobIds, setJobIds] = useState<number[]>([]);
  const [err, setErr] = useState<string | null>(null);
  const mine = jobs.filter((j) => jobIds.includes(j.id));
  const job = combineJobs(mine);
  const bars = useMemo(() => {
    const s = Date.parse(since);
    const u = untilD ? Date.parse(untilD) : Date.now();
    return Number.isFinite(s) && Number.isFinite(u) && u > s ? Math.round((u - s) / TIMEFRAME_MS[tf]) : 0;
  }, [since, untilD, tf]);
  const symbols = all ? source.symbols : [symbol];

  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setErr(null);
    const started: BackfillJob[] = [];
    const failed: string[] = [];
    for (const sym of symbols) {
      try {
        started.push(await api.call('market.backfill', { source: source.id, symbol: sym, timeframe: tf, since: Date.parse(since), ...(untilD ? { until: Date.parse(untilD) } : {}) }));
      } catch (e2) {
        failed.push(symbols.length > 1 ? `${sym}: ${(e2 as Error).message}` : (e2 as Error).message);
      }
    }
    const ids = new Set(started.map((j) => j.id));
    useSources.setState((s) => ({ jobs: [...started, ...s.jobs.filter((x) => !ids.has(x.id))].slice(0, Math.max(50, started.length + 10)) }));
    setJobIds(started.map((j) => j.id));
    if (failed.length) setErr(failed.join(' · '));
  };

  return (
    <Modal label={`Back-fill from ${source.label}`} onClose={onClose} testid="backfill-dialog" className="ds-dialog" backdropClassName="ds-backdrop">
      <DialogHead title={`Back-fill from ${source.label}`} onClose={onClose} />
      <form className="ds-form" onSubmit={(e) => void start(e)}>
        <label>
          Symbol
          <input list="bf-symbols" value={all ? `all ${source.symbols.length} symbols` : symbol} disabled={all} onChange={(e) => setSymbol(e.target.value.toUpperCase())} required data-testid="bf-symbol" />
          <datalist id="bf-symbols">{source.symbols.map((s) => <option key={s} value={s} />)}</datalist>
        </label>
        <label>
          Timeframe
          <select value={tf} onChange={(e) => setTf(e.target.value as Timeframe)} data-testid="bf-tf">{TIMEFRAMES.map((t) => <option key={t}>{t}</option>)}</select>
        </label>
        <label className="ds-radio ds-span">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="bf-all" /> Every symbol of this source ({source.symbols.length}), one job each
        </label>
        <label>
          Since (UTC date)
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} required data-testid="bf-since" />
        </label>
        <label>
          Until <span className="muted">(blank: now)</span>
          <input type="date" value={untilD} onChange={(e) => setUntilD(e.target.value)} />
        </label>
        <div className="ds-span muted">About {(bars * symbols.length).toLocaleString()} bars{symbols.length > 1 ? ` (${symbols.length} × ${bars.toLocaleString()})` : ''}, fetched in pages of up to 1,000; already stored bars are overwritten, never duplicated.</div>
        {job && (
          <div className="ds-span" data-testid="bf-job">
            <ProgressBar job={job} />
            <div className="muted">
              {mine.length > 1 ? `${mine.length} jobs (${mine.filter((j) => j.status === 'done').length} done)` : `Job #${job.id}`}: {job.status}
              {job.status === 'done' ? ` · ${job.fetched.toLocaleString()} bars · ${job.gapsRepaired} repaired · ${job.knownGaps} known gaps` : ''}
              {job.error ? ` · ${job.error}` : ''}
            </div>
          </div>
        )}
        {err && <div className="error ds-span" data-testid="dialog-error">{err}</div>}
        <div className="ds-span ds-buttons">
          <button type="button" className="btn" onClick={onClose}>Close (Esc)</button>
          <button type="submit" className="btn primary" disabled={!!job && job.status !== 'done' && job.status !== 'failed' && job.status !== 'canceled'} data-testid="bf-start">
            Start back-fill (Enter)
          </button>
        </div>
      </form>
    </Modal>
  );
}
