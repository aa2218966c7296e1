/** Starts the runtime of a parsed source: a live ccxt poller or a CSV replay. */
import type { Events, DiscoveryResult } from '../api/contract';
import type { Timeframe } from '../api/timeframes';
import type { CandlesRepo } from '../../db/repos/candles';
import type { GapsRepo } from '../../db/repos/gaps';
import { CcxtRuntime } from './ccxt-runtime';
import type { CollectorOptions } from './collector-options';
import type { SourceHealthState } from './health';
import { ReplayRuntime } from './replay';
import type { Source, SourceKeys } from './source-config';

export type Runtime = CcxtRuntime | ReplayRuntime;

export interface RuntimeWiring {
  candles: CandlesRepo;
  gaps: GapsRepo;
  opts: CollectorOptions;
  publish: <T extends keyof Events>(topic: T, payload: Events[T]) => void;
  discovered: (r: DiscoveryResult) => void;
  /** A live key fell too far behind: its hole becomes a back-fill job. */
  requestBackfill: (symbol: string, tf: Timeframe, since: number, until: number) => void;
  /** Reads a replay CSV through the file policy (allowed folders, regular files, size-capped). */
  readReplay: (path: string) => string;
}

export function createRuntime(src: Source, keys: SourceKeys, h: SourceHealthState, w: RuntimeWiring): Runtime {
  const { row, config } = src;
  const o = w.opts;
  if (config.kind === 'http_json') throw new Error(`source ${row.id} is an http_json source: it has no candle runtime`);
  if (config.kind === 'replay') return new ReplayRuntime(row.id, config.replay, h, w.candles, (e) => w.publish('candle.closed', e), o.realNow, w.readReplay);
  return new CcxtRuntime(
    row.id,
    config.ccxt,
    keys,
    h,
    {
      candles: w.candles,
      gaps: w.gaps,
      now: o.now,
      realNow: o.realNow,
      timeScale: o.timeScale,
      publish: (topic, e) => w.publish(topic, e),
      onDiscovered: w.discovered,
      requestBackfill: w.requestBackfill,
      retries: o.retries,
      retryBaseMs: o.retryBaseMs,
      backoffBaseMs: o.backoffBaseMs,
      backoffMaxMs: o.backoffMaxMs,
    },
    { timeoutMs: o.timeoutMs, pollMs: o.pollMs, breaker: o.breaker },
  );
}
