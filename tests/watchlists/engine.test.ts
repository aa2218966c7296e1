/**
 * Watchlists in the real engine on a real data directory (SQLite file): lists created, renamed,
 * re-filled and deleted survive a restart; bad input is refused naming the field and changes
 * nothing; the batch quotes agree with the stored candles, the signal bus and the alert rules.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { parseInput } from '../../engine/api/validate';
import { ApiError } from '../../engine/api/errors';
import type { CommandInput, CommandName, CommandResult, Signal } from '../../engine/api';
import { DB_FILE } from '../../db/database';
import { rigTest as it, type Track } from '../helpers/rig';
import { tempDir } from '../helpers/serve';

const opts = (dataDir: string, simHistoryDays = 2): EngineOptions => ({ dataDir, mode: 'serve', version: 'test', simSeed: 11, simSpeed: 1, simSymbols: 4, simHistoryDays, tickMs: 50 });
/** Starts an engine that `track` stops after the test. */
function start(track: Track, o: EngineOptions): Engine {
  const e = track(new Engine(o, () => {}));
  e.start();
  return e;
}
const call = async <N extends CommandName>(e: Engine, name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e.handle(name, parseInput(name, input));
async function refusal(p: () => Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await p();
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected a refusal');
}
const issuePaths = (d: unknown): string[] => ((d as { issues: Array<{ path: string }> }).issues ?? []).map((i) => i.path);

describe('watchlists in the real engine', () => {
  it('creates, renames, re-fills and deletes lists; every change is in the SQLite file and survives a restart', async ({ track }) => {
    const dataDir = tempDir('sd-watchlists-');
    let e = start(track, opts(dataDir));
    expect(await call(e, 'watchlists.list', {})).toEqual([]);
    const majors = await call(e, 'watchlists.create', { name: ' Majors ', symbols: [{ source: 'sim', symbol: 'BTC/USDT' }, { source: 'sim', symbol: 'ETH/USDT' }] });
    expect(majors).toMatchObject({ name: 'Majors', symbols: [{ source: 'sim', symbol: 'BTC/USDT' }, { source: 'sim', symbol: 'ETH/USDT' }] });
    const empty = await call(e, 'watchlists.create', { name: 'Later' });
    expect(empty.symbols).toEqual([]);
    const renamed = await call(e, 'watchlists.update', { id: majors.id, name: 'Core', symbols: [{ source: 'sim', symbol: 'ETH/USDT' }, { source: 'sim', symbol: 'BTC/USDT' }, { source: 'sim', symbol: 'SOL/USDT' }] });
    expect(renamed.symbols.map((s) => s.symbol)).toEqual(['ETH/USDT', 'BTC/USDT', 'SOL/USDT']);
    expect(renamed.updatedAt).toBeGreaterThanOrEqual(majors.updatedAt);

    // The rows are in the database file itself.
    const raw = new BetterSqlite3(path.join(dataDir, DB_FILE), { readonly: true });
    expect(raw.prepare('SELECT symbol FROM watchlist_symbols WHERE watchlist_id = ? ORDER BY position').all(majors.id)).toEqual([{ symbol: 'ETH/USDT' }, { symbol: 'BTC/USDT' }, { symbol: 'SOL/USDT' }]);
    raw.close();

    e.stop();
    e = start(track, opts(dataDir));
    const after = await call(e, 'watchlists.list', {});
    expect(after.map((w) => [w.name, w.symbols.map((s) => s.symbol)])).toEqual([
      ['Core', ['ETH/USDT', 'BTC/USDT', 'SOL/USDT']],
      ['Later', []],
    ]);
    expect(await call(e, 'watchlists.delete', { id: empty.id })).toEqual({ deleted: 1 });
    e.stop();
    e = start(track, opts(dataDir));
    expect((await call(e, 'watchlists.list', {})).map((w) => w.name)).toEqual(['Core']);
  });

  it('tells every window when a list is created, changed or deleted (watchlists.changed), and says nothing on a refusal', async ({ track }) => {
    const told: Array<{ ids: number[] }> = [];
    const e = track(
      new Engine(opts(tempDir('sd-watchlists-events-'), 0), (topic, payload) => {
        if (topic === 'watchlists.changed') told.push(payload as { ids: number[] });
      }),
    );
    e.start();
    const a = await call(e, 'watchlists.create', { name: 'A' });
    await call(e, 'watchlists.update', { id: a.id, symbols: [{ source: 'sim', symbol: 'BTC/USDT' }] });
    await refusal(() => call(e, 'watchlists.create', { name: 'a' }));
    await refusal(() => call(e, 'watchlists.update', { id: 999, name: 'Y' }));
    await call(e, 'watchlists.delete', { id: a.id });
    expect(told).toEqual([{ ids: [a.id] }, { ids: [a.id] }, { ids: [a.id] }]);
  });

  it('refuses bad input naming the field, and changes nothing', async ({ track }) => {
    const e = start(track, opts(tempDir('sd-watchlists-bad-')));
    const first = await call(e, 'watchlists.create', { name: 'Majors', symbols: [{ source: 'sim', symbol: 'BTC/USDT' }] });
    const before = await call(e, 'watchlists.list', {});

    const blank = await refusal(() => call(e, 'watchlists.create', { name: '   ' }));
    expect(blank.code).toBe('BAD_INPUT');
    expect(issuePaths(blank.details)).toContain('name');
    const twice = await refusal(() => call(e, 'watchlists.create', { name: 'Twice', symbols: [{ source: 'sim', symbol: 'BTC/USDT' }, { source: 'sim', symbol: 'BTC/USDT' }] }));
    expect(twice.code).toBe('BAD_INPUT');
    expect(issuePaths(twice.details)).toContain('symbols.1');
    const badSymbol = await refusal(() => call(e, 'watchlists.create', { name: 'X', symbols: [{ source: 'sim', symbol: 'not a symbol' }] }));
    expect(issuePaths(badSymbol.details)).toContain('symbols.0.symbol');
    const noSource = await refusal(() => call(e, 'watchlists.create', { name: 'X', symbols: [{ source: 'nowhere', symbol: 'BTC/USDT' }] }));
    expect(noSource).toMatchObject({ code: 'UNPROCESSABLE', details: { field: 'symbols.0.source' } });
    expect(noSource.message).toContain('symbols.0.source');
    const notOffered = await refusal(() => call(e, 'watchlists.update', { id: first.id, symbols: [{ source: 'sim', symbol: 'BTC/USDT' }, { source: 'sim', symbol: 'ZZZ/USDT' }] }));
    expect(notOffered).toMatchObject({ code: 'UNPROCESSABLE', details: { field: 'symbols.1.symbol' } });
    const dup = await refusal(() => call(e, 'watchlists.create', { name: 'majors' }));
    expect(dup).toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
    const unknown = await refusal(() => call(e, 'watchlists.update', { id: 999, name: 'Y' }));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
    expect((await refusal(() => call(e, 'watchlists.delete', { id: 999 }))).code).toBe('NOT_FOUND');
    const extra = await refusal(() => call(e, 'watchlists.create', { name: 'X', colour: 'red' } as never));
    expect(extra.code).toBe('BAD_INPUT');
    const both = await refusal(() => call(e, 'watchlists.quotes', {}));
    expect(issuePaths(both.details)).toContain('source');

    expect(await call(e, 'watchlists.list', {})).toEqual(before);
  });

  it('quotes every symbol of a source in one call: last price, change over 24 h, sparkline, newest signal, alert rules', async ({ track }) => {
    const e = start(track, opts(tempDir('sd-watchlists-quotes-'), 2));
    const symbols = await call(e, 'market.symbols', { source: 'sim' });
    const r = await call(e, 'watchlists.quotes', { source: 'sim' });
    expect(r.quotes.map((q) => q.symbol)).toEqual(symbols);
    for (const q of r.quotes) {
      const bars = await call(e, 'market.candles', { source: 'sim', symbol: q.symbol, timeframe: '1m', limit: 1 });
      const lastBar = bars.at(-1)!;
      expect(q.error).toBeNull();
      expect(q.basis).toBe('24h');
      // The quote's bar is the chart's newest bar (or the one just before, if the sim closed one in between).
      expect(lastBar[0] - q.ts!).toBeLessThanOrEqual(60_000);
      if (lastBar[0] === q.ts) expect(q.last).toBe(lastBar[4]);
      // The reference is the stored close of the 1m bar 24 h before the quoted bar's close.
      const refBar = (await call(e, 'market.candles', { source: 'sim', symbol: q.symbol, timeframe: '1m', before: q.ts! + 60_000 - 24 * 3_600_000, limit: 1 })).at(-1)!;
      expect(q.ref).toBe(refBar[4]);
      expect(q.changePct).toBeCloseTo(((q.last! - q.ref!) / q.ref!) * 100, 9);
      expect(q.spark.length).toBe(25);
      expect(q.spark.at(-1)).toBe(q.last);
      expect(q.signal).toBeNull();
      expect(q.alertRules).toBe(0);
    }

    // An alert rule on one symbol and a signal on another show up on the next call.
    await call(e, 'alerts.rules.create', { kind: 'price', condition: { source: 'sim', symbol: symbols[1]!, op: 'crosses_above', value: 1e9 } });
    const sig = { id: 10_001, channelId: 1, autopilot: false, source: 'sim', symbol: symbols[2]!, timeframe: '5m', strategy: 'ema_cross', barTime: 1, side: 'sell', entry: 1, stopLoss: 2, takeProfit: 0.5, confidence: 0.7, reasons: [], status: 'delivered', rejectReason: null, createdAt: 1 } satisfies Signal;
    e.bus.publish('signal.created', sig);
    const r2 = await call(e, 'watchlists.quotes', { symbols: [{ source: 'sim', symbol: symbols[1]! }, { source: 'sim', symbol: symbols[2]! }, { source: 'sim', symbol: 'ZZZ/USDT' }, { source: 'nowhere', symbol: 'BTC/USDT' }] });
    expect(r2.quotes.map((q) => [q.symbol, q.alertRules, q.signal?.side ?? null])).toEqual([
      [symbols[1], 1, null],
      [symbols[2], 0, 'sell'],
      ['ZZZ/USDT', 0, null],
      ['BTC/USDT', 0, null],
    ]);
    expect(r2.quotes[2]!.error).toContain('does not offer');
    expect(r2.quotes[3]!.error).toContain('unknown source');
  });

  it('spreads a cold start over calls: at most 40 sparklines are drawn from scratch per call, the next calls draw the rest', async ({ track }) => {
    const e = start(track, { ...opts(tempDir('sd-watchlists-cold-'), 1.1), simSymbols: 60 });
    const drawn = (r: { quotes: Array<{ spark: number[] }> }) => r.quotes.filter((q) => q.spark.length > 1).length;
    const first = await call(e, 'watchlists.quotes', { source: 'sim' });
    expect(first.quotes).toHaveLength(60);
    expect(drawn(first)).toBe(40);
    // Every row still has its price and change on the first call.
    expect(first.quotes.every((q) => q.last !== null && q.changePct !== null)).toBe(true);
    const second = await call(e, 'watchlists.quotes', { source: 'sim' });
    expect(drawn(second)).toBe(60);
  });

  it('says the change is since the session start where less than 24 h is stored', async ({ track }) => {
    const e = start(track, opts(tempDir('sd-watchlists-session-'), 0.25));
    const r = await call(e, 'watchlists.quotes', { source: 'sim' });
    for (const q of r.quotes) {
      expect(q.basis).toBe('session');
      const first = (await call(e, 'market.candles', { source: 'sim', symbol: q.symbol, timeframe: '1m', since: 0, limit: 1 }))[0]!;
      expect(q.ref).toBe(first[1]);
    }
  });
});
