/**
 * In-process signals pipeline on a real SQLite file and a real Bus, with the real NotifyModule
 * and indicator engine. Market data comes from candles stored in the same database (the
 * CandlesRepo the market module uses), read through the SignalsModule's MarketReader port.
 */
import path from 'node:path';
import { openDatabase, type Database } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import { Bus, type EngineOptions } from '../../engine/core/context';
import { NotifyModule } from '../../engine/notify/module';
import { DeliveryModule, type DeliveryOptions } from '../../engine/delivery/module';
import { SignalsModule, type MarketReader, type SignalsOptions } from '../../engine/signals/module';
import type { ChannelInput, Events, EventTopic, Ohlcv, Signal } from '../../engine/api';
import { ApiError } from '../../engine/api/errors';
import { tempDir } from '../helpers/serve';
import { contractCall, rigTest, type RigCall, type Track } from '../helpers/rig';

export type { Track };

/** `it` with the `track` fixture: rigs passed through track() are stopped after the test. */
export const it = rigTest;

export const SYMBOLS = ['AAA/USDT', 'BBB/USDT', 'CCC/USDT'];
export const T0 = Date.UTC(2025, 5, 15, 0, 0, 0);
export const MIN = 60_000;

export interface SigRig {
  db: Database;
  bus: Bus;
  notify: NotifyModule;
  delivery: DeliveryModule;
  signals: SignalsModule;
  candles: CandlesRepo;
  dataDir: string;
  events: Array<{ topic: EventTopic; payload: unknown }>;
  clock: { now: number };
  createChannel(input: Partial<ChannelInput> & Pick<ChannelInput, 'strategies'>): Promise<number>;
  /** Publishes candle.closed for a bar at `i` minutes after T0 (clock set to 1 s after its close). */
  close(symbol: string, i: number, close: number, o?: Partial<{ high: number; low: number; volume: number; clockLag: number }>): void;
  store(symbol: string, closes: number[], from?: number): void;
  list(): Signal[];
  created(): Signal[];
  /** A contract command through its schema, answered by the signals or delivery module. */
  call: RigCall;
  restart(): Promise<SigRig>;
  /** Stops the modules and closes the database (a second call does nothing). */
  stop(): void;
}

export function ohlcv(i: number, close: number, o: Partial<{ high: number; low: number; volume: number }> = {}): Ohlcv {
  return [T0 + i * MIN, close, o.high ?? close * 1.01, o.low ?? close * 0.99, close, o.volume ?? 100];
}

/** Engine options (sim speed, tick) and module options a test may set; `sources` besides 'sim' the market offers. */
export interface RigSetup {
  opts?: Partial<EngineOptions>;
  signals?: Partial<SignalsOptions>;
  sources?: string[];
  /** Kinds of those sources (default ccxt). */
  kinds?: Record<string, 'ccxt' | 'replay'>;
  delivery?: Partial<DeliveryOptions>;
}

export async function sigRig(dataDir = tempDir('sd-signals-'), clock = { now: T0 }, setup: RigSetup = {}): Promise<SigRig> {
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const events: SigRig['events'] = [];
  const bus = new Bus((topic, payload) => events.push({ topic, payload }));
  const opts = { dataDir, mode: 'embedded', version: 'test', ...setup.opts } as EngineOptions;
  const ctx = { db, bus, opts, clock: () => clock.now };
  const candles = new CandlesRepo(db);
  const market: MarketReader = {
    symbols: (source) => {
      if (source !== 'sim' && !setup.sources?.includes(source)) throw new ApiError('NOT_FOUND', `Unknown source: ${source}`);
      return SYMBOLS;
    },
    candles: (source, symbol, timeframe, limit) => candles.range({ source, symbol, timeframe }, limit),
    kind: (source) => (source === 'sim' ? 'sim' : setup.sources?.includes(source) ? (setup.kinds?.[source] ?? 'ccxt') : undefined),
  };
  const notify = new NotifyModule(ctx, { windowMs: 1000, burstLimit: 1000 });
  const delivery = new DeliveryModule(ctx, notify, { tickMs: 0, ...setup.delivery });
  const signals = new SignalsModule(ctx, delivery, market, { timerMs: 50, ...setup.signals });
  delivery.start();
  signals.start();
  await signals.ready();
  let stopped = false;
  const r: SigRig = {
    call: contractCall('signals', signals.handlers, delivery.handlers),
    db,
    bus,
    notify,
    delivery,
    signals,
    candles,
    dataDir,
    events,
    clock,
    async createChannel(input) {
      const c = await r.call('signals.channels.create', { name: 'Test', symbols: { source: 'sim', symbols: ['AAA/USDT'] }, timeframe: '1m', ...input });
      await signals.ready();
      return c.id;
    },
    close(symbol, i, close, o = {}) {
      const candle = ohlcv(i, close, o);
      clock.now = candle[0] + MIN + (o.clockLag ?? 1000);
      bus.publish('candle.closed', { source: 'sim', symbol, timeframe: '1m', candle });
    },
    store(symbol, closes, from = 0) {
      candles.upsertMany({ source: 'sim', symbol, timeframe: '1m' }, closes.map((c, k) => ohlcv(from + k, c)));
      clock.now = Math.max(clock.now, T0 + (from + closes.length) * MIN + 1000);
    },
    list: () => signals.signals.list({}, signals.channels.names()).reverse(),
    created: () => events.filter((e) => e.topic === 'signal.created').map((e) => e.payload as Signal),
    async restart() {
      r.stop();
      return sigRig(dataDir, clock, setup);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      signals.stop();
      delivery.stop();
      notify.stop();
      db.close();
    },
  };
  return r;
}

/** A V: `down` bars falling from `start` by `step`, then `up` bars rising by `step` (EMA crosses up once). */
export function vPath(down: number, up: number, start = 100, step = 0.5): number[] {
  const out: number[] = [];
  for (let i = 0; i < down; i++) out.push(start - i * step);
  const low = out[out.length - 1] ?? start;
  for (let i = 1; i <= up; i++) out.push(low + i * step);
  return out;
}

/** V, then down again, then up again: ema_cross(9, 21) gives buy, sell, buy. */
export function zigzag(): number[] {
  const v = vPath(60, 30);
  const top = v[v.length - 1]!;
  for (let i = 1; i <= 30; i++) v.push(top - i * 0.5);
  const low = v[v.length - 1]!;
  for (let i = 1; i <= 30; i++) v.push(low + i * 0.5);
  return v;
}

export type { Events };
