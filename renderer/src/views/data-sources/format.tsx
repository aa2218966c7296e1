/** Data sources view: status and error words, badges, freshness summaries and back-fill progress. */
import type { BackfillJob, CollectorError, FeedHealth, FeedStatus, Freshness, SourceHealth } from '../../../../engine/api';
import { duration } from '../../stores/sources';

export const STATUS_LABEL: Record<FeedStatus, string> = {
  connecting: 'CONNECTING',
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  failed: 'FAILED',
  circuit_open: 'CIRCUIT OPEN',
  disabled: 'DISABLED',
};

export const KIND_LABEL: Record<CollectorError['kind'], string> = {
  rate_limit: 'rate limited',
  ddos_protection: 'rate limited (DDoS protection)',
  timeout: 'requests time out',
  network: 'network error',
  exchange_unavailable: 'exchange unavailable',
  bad_response: 'bad answer from the exchange',
  bad_symbol: 'unknown symbol',
  auth: 'authentication failed',
  circuit_open: 'circuit open',
  unknown: 'error',
};

/** "rate limited, retrying in 20 s" — why a feed or source is not healthy, and when it is tried again. */
export function whyText(
  h: { status: FeedStatus; lastError: CollectorError | null; retryAt: number | null; consecutiveFailures: number },
  now = Date.now(),
  circuit?: string,
): string {
  const retry = h.retryAt !== null && h.retryAt > now ? `retrying in ${duration(h.retryAt - now)}` : null;
  switch (h.status) {
    case 'healthy':
      return 'healthy';
    case 'connecting':
      return 'connecting: waiting for the first answer from the exchange';
    case 'disabled':
      return 'disabled: not collected';
    case 'circuit_open': {
      const why = h.lastError ? `${KIND_LABEL[h.lastError.kind]} (${h.lastError.message})` : 'repeated failures';
      return `circuit ${circuit === 'half_open' ? 'half-open, probing' : 'open'} after ${why}${retry ? `; next probe in ${duration(h.retryAt! - now)}` : ''}`;
    }
    default: {
      const e = h.lastError;
      const why = e ? `${KIND_LABEL[e.kind]}${e.message ? ` (${e.message})` : ''}` : 'errors';
      const tail = retry ?? (e?.kind === 'bad_symbol' || e?.kind === 'auth' ? 'not retried' : h.status === 'failed' ? `${h.consecutiveFailures} failures in a row` : 'recovering');
      return `${h.status}: ${why}, ${tail}`;
    }
  }
}

export function freshText(f: FeedHealth, why: string): string {
  const what = `${f.freshness === 'none' ? 'no data yet' : f.freshness}${f.newestBarTs === null ? '' : ` — newest ${f.timeframe} bar ${new Date(f.newestBarTs).toISOString().replace('T', ' ').slice(0, 16)} UTC`}`;
  const healthyButBehind = f.status === 'healthy' && (f.freshness === 'stale' || f.freshness === 'aging') ? ' · the exchange answers but has no newer closed bar' : '';
  return `${what}${f.status === 'healthy' ? healthyButBehind : ` · ${why}`}\nfresh: the latest closed ${f.timeframe} bar is stored · aging: ≤ 3 bars behind · stale: more`;
}

export function StatusBadge({ status, title }: { status: FeedStatus | undefined; title?: string }) {
  const s = status ?? 'disabled';
  return (
    <span className={`badge st-${s}`} data-testid="status-badge" data-status={s} title={title}>
      {STATUS_LABEL[s]}
    </span>
  );
}

export function FreshBadge({ f, title }: { f: Freshness; title?: string }) {
  return (
    <span className={`fresh fresh-${f}`} title={title} data-testid="freshness" data-freshness={f}>
      ● {f === 'none' ? 'no data' : f}
    </span>
  );
}

/** Worst freshness over a source's feeds, with counts. */
export function freshSummary(h: SourceHealth | undefined): { worst: Freshness; text: string; count: string } {
  if (!h || h.feeds.length === 0) return { worst: 'none', text: '—', count: '' };
  const n = { fresh: 0, aging: 0, stale: 0, none: 0 };
  for (const f of h.feeds) n[f.freshness]++;
  const worst: Freshness = n.stale ? 'stale' : n.aging ? 'aging' : n.fresh ? 'fresh' : 'none';
  const parts = (['fresh', 'aging', 'stale', 'none'] as const).filter((k) => n[k]).map((k) => `${n[k]} ${k === 'none' ? 'no data' : k}`);
  return { worst, text: parts.join(' · '), count: `${n.fresh}/${h.feeds.length} fresh` };
}

export function ProgressBar({ job }: { job: BackfillJob }) {
  const pct = Math.round(job.progress * 100);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="backfill-progress">
      <div className={`progress-fill pf-${job.status}`} style={{ width: `${pct}%` }} />
      <span className="progress-text">
        {pct}% · {job.fetched.toLocaleString()} / {job.expected.toLocaleString()} bars
        {job.status === 'running' || job.status === 'queued' ? ` · ETA ${job.etaMs === null ? '…' : duration(job.etaMs)}` : ''}
        {job.candlesPerSec ? ` · ${job.candlesPerSec.toLocaleString()}/s` : ''}
      </span>
    </div>
  );
}

/** Several jobs as one: summed bars and rates, the ETA of what is left at the combined rate. */
export function combineJobs(list: BackfillJob[]): BackfillJob | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  const fetched = list.reduce((a, j) => a + j.fetched, 0);
  const expected = list.reduce((a, j) => a + j.expected, 0);
  const rate = list.reduce((a, j) => a + (j.candlesPerSec ?? 0), 0);
  const active = list.some((j) => j.status === 'running' || j.status === 'queued' || j.status === 'repairing');
  const status = active ? 'running' : list.some((j) => j.status === 'failed') ? 'failed' : list.every((j) => j.status === 'canceled') ? 'canceled' : 'done';
  const left = list.filter((j) => j.status !== 'done').reduce((a, j) => a + Math.max(0, j.expected - j.fetched), 0);
  return {
    ...list[0]!,
    status,
    fetched,
    expected,
    progress: expected ? list.reduce((a, j) => a + j.progress * j.expected, 0) / expected : 1,
    candlesPerSec: rate || null,
    etaMs: active && rate > 0 ? Math.round((left / rate) * 1000) : active ? null : 0,
    gapsRepaired: list.reduce((a, j) => a + j.gapsRepaired, 0),
    knownGaps: list.reduce((a, j) => a + j.knownGaps, 0),
    error: list.find((j) => j.error)?.error ?? null,
  };
}


export const csv = (s: string): string[] => s.split(/[\s,]+/).map((x) => x.trim().toUpperCase()).filter(Boolean);
export const toDateInput = (ts: number): string => new Date(ts).toISOString().slice(0, 10);
