/** The collector in-process on a real SQLite file, against the loopback fake exchange through real ccxt. */
import path from 'node:path';
import { openDatabase, type Database } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import { Collector, type CollectorOptions } from '../../engine/market/collector';
import { parseInput, type Events, type EventTopic } from '../../engine/api';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';
import { tempDir } from '../helpers/serve';
import { rigTest } from '../helpers/rig';

/** `it` with the `track` fixture: rigs passed through track() are closed after the test. */
export const it = rigTest;

export interface CollectorRig {
  db: Database;
  candles: CandlesRepo;
  collector: Collector;
  dataDir: string;
  events: Array<{ topic: EventTopic; payload: any }>;
  of<T extends EventTopic>(topic: T): Array<Events[T]>;
  addSource(extra?: Record<string, unknown>): Promise<ReturnType<Collector['view']>>;
  restart(opts?: Partial<CollectorOptions>): CollectorRig;
  /** Stops the collector and closes the database (a second call does nothing). */
  close(): void;
  stop(): void;
}

export function collectorRig(fx: FakeMarketExchange, opts: Partial<CollectorOptions> = {}, dataDir = tempDir('sd-collector-')): CollectorRig {
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const candles = new CandlesRepo(db);
  const events: CollectorRig['events'] = [];
  const all: Partial<CollectorOptions> = {
    now: () => fx.now(),
    timeScale: fx.speed,
    pollMs: 50,
    timeoutMs: 1000,
    retryBaseMs: 20,
    backoffBaseMs: 100,
    healthEvalMs: 50,
    ...opts,
  };
  const collector = new Collector(db, candles, dataDir, (topic, payload) => events.push({ topic, payload }), all);
  collector.start();
  let stopped = false;
  const r: CollectorRig = {
    db,
    candles,
    collector,
    dataDir,
    events,
    of: <T extends EventTopic>(topic: T) => events.filter((e) => e.topic === topic).map((e) => e.payload as Events[T]),
    addSource: (extra = {}) =>
      collector.add(
        parseInput('market.sources.add', { id: 'fake', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, symbols: ['BTC/USDT'], timeframes: ['1h'], rateLimitMs: 1, ...extra }) as any,
        (id) => id === 'sim',
      ),
    restart(o = {}) {
      r.close();
      return collectorRig(fx, { ...opts, ...o }, dataDir);
    },
    close() {
      if (stopped) return;
      stopped = true;
      collector.stop();
      db.close();
    },
    stop: () => r.close(),
  };
  return r;
}

export async function until<T>(f: () => T | undefined | null | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
