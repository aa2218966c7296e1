/**
 * The real engine on a real data directory with the sim clock running fast across a month
 * boundary (31 Jan → 1 Feb 2030), stopped and started again mid-way: one daily snapshot per goal
 * per day, the month rolls over at 00:00 UTC, and nothing is repeated or lost by the restart.
 */
import path from 'node:path';
import { describe, expect } from 'vitest';
import { openDatabase, DB_FILE } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { parseInput } from '../../engine/api/validate';
import type { CommandInput, CommandName, CommandResult, EventTopic, GoalStatusEvent } from '../../engine/api';
import { simSymbols } from '../../engine/market/sim';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';

const START = Date.UTC(2030, 0, 31, 20, 0);
const FEB1 = Date.UTC(2030, 1, 1);

function seedSimAt(dataDir: string, ts: number): void {
  // The sim resumes after the newest stored bar: one bar per symbol puts its clock at `ts`.
  const db = openDatabase(path.join(dataDir, DB_FILE));
  const candles = new CandlesRepo(db);
  for (const s of simSymbols(1)) candles.upsertMany({ source: 'sim', symbol: s.symbol, timeframe: '1m' }, [[ts, s.basePrice, s.basePrice, s.basePrice, s.basePrice, 1]]);
  db.close();
}

function startEngine(opts: EngineOptions, events: Array<{ topic: EventTopic; payload: unknown }>): Engine {
  const e = new Engine(opts, (topic, payload) => events.push({ topic, payload }));
  e.start();
  return e;
}
const call = <N extends CommandName>(e: Engine, name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e.handle(name, parseInput(name, input));

async function until(e: Engine, ts: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (e.market.clock() < ts) {
    if (Date.now() > deadline) throw new Error(`engine clock stuck at ${new Date(e.market.clock()).toISOString()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
  // One goals tick after the clock passed the mark.
  e.goals.tick();
}

describe('goals across a month boundary with the sim running fast', () => {
  it('one snapshot per goal per day, rollover at 00:00 UTC, restart mid-way repeats and loses nothing', async ({ track }) => {
    const dataDir = tempDir('sd-goals-month-');
    seedSimAt(dataDir, START);
    const opts: EngineOptions = { dataDir, mode: 'serve', version: 'test', simSeed: 11, simSpeed: 20_000, simSymbols: 1, simHistoryDays: 1, tickMs: 40 };
    const events: Array<{ topic: EventTopic; payload: unknown }> = [];
    let engine = track(startEngine(opts, events));
    expect(engine.market.clock()).toBeGreaterThanOrEqual(START);
    expect(engine.market.clock()).toBeLessThan(START + 3_600_000);
    const goals = await call(engine, 'goals.list', {});
    expect(goals).toHaveLength(3);
    const ret = goals.find((g) => g.type === 'monthly_return')!;
    const before = await call(engine, 'goals.status', {});
    expect(before.find((s) => s.id === ret.id)).toMatchObject({ periodStart: ret.createdAt, periodEnd: FEB1, status: 'on_track' });

    // Past 31 Jan 23:59 and the month's end, then stop mid-way through 1 Feb.
    await until(engine, FEB1 + 6 * 3_600_000);
    const manual = await call(engine, 'goals.snapshot', {});
    expect(manual).toHaveLength(3);
    const mid = await call(engine, 'goals.status', {});
    expect(mid.find((s) => s.id === ret.id)).toMatchObject({ periodStart: FEB1, periodEnd: Date.UTC(2030, 2, 1) });
    const jan = await call(engine, 'goals.history', { id: ret.id });
    expect(jan.filter((s) => s.kind === 'daily').map((s) => [s.day, s.ts, s.periodStart])).toEqual([['2030-01-31', Date.UTC(2030, 0, 31, 23, 59), ret.createdAt]]);
    const eventsBefore = events.filter((e) => e.topic === 'goal.status').length;
    engine.stop();

    engine = track(startEngine(opts, events));
    // The sim stores its clock every few ticks, so at 20,000× a restart may resume a few simulated
    // minutes before the stop: it is still mid-way through 1 Feb, after the rollover.
    expect(engine.market.clock()).toBeGreaterThan(FEB1 + 5 * 3_600_000);
    expect(engine.market.clock()).toBeLessThan(FEB1 + 12 * 3_600_000);
    // The restart alone raises nothing.
    engine.goals.tick();
    expect(events.filter((e) => e.topic === 'goal.status').length).toBe(eventsBefore);
    await until(engine, FEB1 + 24 * 3_600_000 + 30 * 60_000);
    engine.goals.tick();

    for (const g of goals) {
      const h = await call(engine, 'goals.history', { id: g.id });
      const daily = h.filter((s) => s.kind === 'daily');
      expect(daily.map((s) => s.day)).toEqual(['2030-01-31', '2030-02-01']);
      expect(daily.map((s) => s.ts)).toEqual([Date.UTC(2030, 0, 31, 23, 59), Date.UTC(2030, 1, 1, 23, 59)]);
      expect(h.filter((s) => s.kind === 'manual')).toHaveLength(1);
      if (g.type !== 'portfolio_value') expect(daily[1]!.periodStart).toBe(FEB1);
      else expect(daily[1]!.periodStart).toBe(g.createdAt);
    }
    // Every status change was told exactly once: one notification per goal.status event.
    const told = events.filter((e) => e.topic === 'goal.status').map((e) => e.payload as GoalStatusEvent);
    const notes = await call(engine, 'notifications.list', { kind: 'goal', limit: 500 });
    expect(notes).toHaveLength(told.length);
    expect(new Set(notes.map((n) => n.refId)).size).toBe(notes.length);
    for (const t of told) expect(t.from).not.toBe(t.status);
  }, 120_000);
});
