/** CSV import/export and the replay source, through the market module's handlers on a real SQLite file. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { openDatabase } from '../../db/database';
import { Bus, type EngineOptions } from '../../engine/core/context';
import { MarketModule } from '../../engine/market/module';
import { ApiError, type Events, type EventTopic } from '../../engine/api';
import { tempDir } from '../helpers/serve';
import { contractCall, type Track, stopOnce } from '../helpers/rig';
import { it, until } from './rig';

/** The market module on a real SQLite file, its commands through their schemas; stopped (and the database closed) after the test. */
function market(track: Track, dir = tempDir('sd-csv-')) {
  const db = openDatabase(path.join(dir, 'signaldesk.db'));
  const events: Array<{ topic: EventTopic; payload: any }> = [];
  const bus = new Bus((topic, payload) => events.push({ topic, payload }));
  const opts = { dataDir: dir, mode: 'embedded', version: 'test', simSeed: 1, simSpeed: 1, simSymbols: 2, simHistoryDays: 1, tickMs: 60_000 } as EngineOptions;
  const m = new MarketModule({ db, bus, opts, clock: () => Date.now() }, { healthEvalMs: 50 });
  m.start();
  track(
    stopOnce(() => {
      m.stop();
      db.close();
    }),
  );
  fs.mkdirSync(path.join(dir, 'imports'), { recursive: true });
  const call = contractCall('market', m.handlers);
  return { dir, db, events, call, of: <T extends EventTopic>(t: T) => events.filter((e) => e.topic === t).map((e) => e.payload as Events[T]) };
}

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const goodCsv = (n: number, start = T0): string =>
  'timestamp,open,high,low,close,volume\n' + Array.from({ length: n }, (_, i) => `${start + i * H},${100 + i},${102 + i},${99 + i},${101 + i},${10 + i}`).join('\n') + '\n';

describe('CSV', () => {
  it('imports a clean file, rejects a malformed one naming each line and reason, and imports nothing of it', async ({ track }) => {
    const { dir, db, call } = market(track);
    const good = path.join(dir, 'imports', 'good.csv');
    fs.writeFileSync(good, goodCsv(48));
    expect(await call('market.import', { source: 'sim', symbol: 'TEST/USDT', timeframe: '1h', path: good })).toEqual({ imported: 48, first: T0, last: T0 + 47 * H });

    const bad = path.join(dir, 'imports', 'bad.csv');
    const lines = goodCsv(10, T0 + 100 * H).trimEnd().split('\n');
    lines[3] = `${T0 + 102 * H},abc,1,1,1,1`;
    lines[5] = `${T0 + 104 * H},1,2,3`;
    lines[7] = `${T0 + 106 * H},100,90,95,99,1`;
    lines[9] = `${T0 + 108 * H + 1},1,1,1,1,1`;
    fs.writeFileSync(bad, lines.join('\n'));
    const err = (await call('market.import', { source: 'sim', symbol: 'TEST/USDT', timeframe: '1h', path: bad }).then(() => null, (e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'UNPROCESSABLE' });
    expect(err.message).toMatch(/line 4: open is not a number/);
    expect((err.details as { errors: unknown }).errors).toEqual([
      { line: 4, reason: 'open is not a number' },
      { line: 6, reason: 'expected 6 fields, found 4' },
      { line: 8, reason: 'high/low do not contain open and close' },
      { line: 10, reason: 'timestamp is not on a 1h boundary' },
    ]);
    const n = (db.prepare("SELECT COUNT(*) AS n FROM named_candles WHERE symbol = 'TEST/USDT'").get() as { n: number }).n;
    expect(n).toBe(48);
    await expect(call('market.import', { source: 'sim', symbol: 'TEST/USDT', timeframe: '1h', path: path.join(dir, 'missing.csv') })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(call('market.import', { source: 'nope', symbol: 'TEST/USDT', timeframe: '1h', path: good })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Export round-trips exactly (a relative path lands in <data dir>/exports).
    const out = path.join(fs.realpathSync(dir), 'exports', 'export.csv');
    expect(await call('market.export', { source: 'sim', symbol: 'TEST/USDT', timeframe: '1h', path: 'export.csv' })).toEqual({ exported: 48, path: out });
    expect(fs.readFileSync(out, 'utf8')).toBe(goodCsv(48));
    const part = path.join(dir, 'exports', 'part.csv');
    expect(await call('market.export', { source: 'sim', symbol: 'TEST/USDT', timeframe: '1h', path: part, since: T0 + 10 * H, until: T0 + 20 * H })).toMatchObject({ exported: 10 });
    // The sim's 1h bars, aggregated from 1m, export too.
    const sim = 'sim.csv';
    const r = await call('market.export', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1h', path: sim });
    expect(r.exported).toBeGreaterThanOrEqual(23);
  });
});

describe('replay source', () => {
  it('plays CSV candles at the chosen speed as candle.closed, once each, and stores them', async ({ track }) => {
    const { dir, call, of } = market(track);
    const file = path.join(dir, 'imports', 'replay.csv');
    fs.writeFileSync(file, goodCsv(20));
    const v = await call('market.sources.add', { id: 'rp', kind: 'replay', path: file, symbol: 'REP/USDT', timeframe: '1h', speed: 36_000 }); // 10 bars a second
    expect(v).toMatchObject({ id: 'rp', kind: 'replay', symbols: ['REP/USDT'], timeframes: ['1h'], replay: { speed: 36_000, loop: false } });
    await until(() => of('candle.closed').filter((e) => e.source === 'rp').length >= 20, 10_000, 'replayed');
    await new Promise((res) => setTimeout(res, 300));
    const ev = of('candle.closed').filter((e) => e.source === 'rp');
    expect(ev.map((e) => e.candle[0])).toEqual(Array.from({ length: 20 }, (_, i) => T0 + i * H));
    expect(await call('market.candles', { source: 'rp', symbol: 'REP/USDT', timeframe: '1h', limit: 100 })).toHaveLength(20);
    expect(await call('market.symbols', { source: 'rp' })).toEqual(['REP/USDT']);
    const bad = path.join(dir, 'imports', 'bad.csv');
    fs.writeFileSync(bad, 'timestamp,open,high,low,close,volume\n1,2,3\n');
    await expect(call('market.sources.add', { id: 'rp2', kind: 'replay', path: bad, symbol: 'REP/USDT', timeframe: '1h' })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    // The sim stays the default and cannot be removed or disabled.
    const list = await call('market.sources.list', {});
    expect(list.map((s: any) => s.id)).toEqual(['sim', 'rp']);
    await expect(call('market.sources.remove', { id: 'sim' })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(call('market.sources.add', { id: 'sim', kind: 'replay', path: file, symbol: 'REP/USDT', timeframe: '1h' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const health = await call('market.health', {});
    expect(health.map((h: any) => [h.source, h.status])).toEqual([['sim', 'healthy'], ['rp', 'healthy']]);
  });

  it('judges a replay freshness by its playback position, not the wall clock (its bars are history)', async ({ track }) => {
    const { dir, call, of } = market(track);
    const file = path.join(dir, 'imports', 'slow.csv');
    fs.writeFileSync(file, goodCsv(400));
    // 1h bars at 7,200× real time: a bar every half second, years behind the wall clock.
    await call('market.sources.add', { id: 'slow', kind: 'replay', path: file, symbol: 'REP/USDT', timeframe: '1h', speed: 7200 });
    await until(() => of('candle.closed').filter((e) => e.source === 'slow').length >= 2, 10_000, 'replaying');
    const feed = async () => (await call('market.health', { source: 'slow' }))[0]!.feeds[0]!;
    expect((await feed()).newestBarTs).toBeLessThan(Date.now() - 365 * 24 * H);
    expect((await feed()).freshness).toBe('fresh');
    // A finished replay stands at the end of its last bar: still fresh, never "stale".
    const short = path.join(dir, 'imports', 'short.csv');
    fs.writeFileSync(short, goodCsv(3));
    await call('market.sources.add', { id: 'short', kind: 'replay', path: short, symbol: 'REP/USDT', timeframe: '1h', speed: 36_000 });
    await until(() => of('candle.closed').filter((e) => e.source === 'short').length >= 3, 10_000, 'played out');
    await new Promise((res) => setTimeout(res, 500));
    const done = (await call('market.health', { source: 'short' }))[0]!.feeds[0]!;
    expect(done).toMatchObject({ freshness: 'fresh', newestBarTs: T0 + 2 * H });
    expect(of('candle.closed').filter((e) => e.source === 'short')).toHaveLength(3);
  });
});
