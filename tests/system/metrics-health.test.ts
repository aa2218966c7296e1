/**
 * On the real engine (real SQLite file): system.metrics figures change when
 * data is written, and a health problem raises an alert of kind `health` through the alerts
 * capability (persisted, published as alert.fired), once, resolving itself when it clears.
 * Also the daily backups keeping the last N (item 4) and the settings round-trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { parseInput } from '../../engine/api/validate';
import type { Alert, CommandInput, CommandName, CommandResult } from '../../engine/api';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { closePool } from '../../engine/indicators';
import { DAY_MS } from '../../engine/system/backups';
import { tempDir } from '../helpers/serve';

let engine: Engine;
const dataDir = tempDir('sd-metrics-');
const fired: Alert[] = [];
const opts: EngineOptions = { dataDir, mode: 'serve', version: 'test', simSeed: 7, simSpeed: 1, simSymbols: 2, simHistoryDays: 1, tickMs: 3_600_000 };

beforeAll(() => {
  engine = new Engine(opts, (topic, payload) => {
    if (topic === 'alert.fired') fired.push(payload as Alert);
  });
  engine.start();
});
afterAll(async () => {
  engine?.stop();
  await closePool();
});

async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
  return engine.handle(name, parseInput(name, input));
}
async function refusal(name: CommandName, input: unknown): Promise<ApiError> {
  try {
    await engine.handle(name, parseInput(name, input) as never);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error(`${name} was not refused`);
}

describe('system.metrics', () => {
  it('reports the database, rows per table, threads, sources and uptime', async () => {
    const m = await call('system.metrics', {});
    expect(m.db.path).toBe(path.join(dataDir, 'signaldesk.db'));
    expect(m.db.sizeBytes).toBe(fs.statSync(m.db.path).size);
    expect(m.db.schemaVersion).toBeGreaterThan(0);
    expect(m.db.tables.candles).toBe(m.counters.candlesStored);
    expect(m.counters.candlesStored).toBeGreaterThan(0);
    expect(m.threads.engine).toBe(1);
    expect(m.sources.total).toBe(m.sources.list.length);
    expect(m.sources.list.map((s) => s.source)).toContain('sim');
    expect(m.events.total).toBeGreaterThan(0);
    expect(m.thresholds.walMaxBytes).toBeGreaterThan(0);
  });

  it('changes when data is written: candles imported, an order placed', async () => {
    const before = await call('system.metrics', {});
    fs.mkdirSync(path.join(dataDir, 'imports'), { recursive: true });
    const rows = Array.from({ length: 25 }, (_, i) => `${1_602_000_000_000 + i * 3_600_000},1,2,0.5,1.5,10`).join('\n');
    fs.writeFileSync(path.join(dataDir, 'imports', 'm.csv'), `timestamp,open,high,low,close,volume\n${rows}\n`);
    await call('market.import', { source: 'sim', symbol: 'METRIC/TEST', timeframe: '1h', path: 'm.csv' });
    await call('orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001', idempotencyKey: 'metrics-1' });
    // Rows per table (candles included) are counted at most every 5 s: wait for the next count.
    let after = await call('system.metrics', {});
    for (let i = 0; i < 200 && after.counters.candlesStored === before.counters.candlesStored; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await call('system.metrics', {});
    }
    expect(after.counters.candlesStored).toBe(before.counters.candlesStored + 25);
    expect(after.db.tables.candles).toBe(after.counters.candlesStored);
    const decided = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expect(decided(after.counters.intentsByDecision)).toBe(decided(before.counters.intentsByDecision) + 1);
    expect(after.events.total).toBeGreaterThan(before.events.total);
  });
});

describe('a health problem raises a `health` alert', () => {
  it('fires once for a WAL over its limit, and resolves itself when the limit is raised', async () => {
    const watch = engine.systemOps.watch;
    watch.graceMs = 0;
    await call('settings.import', { settings: { format: 'signaldesk.settings', version: 1, settings: { 'health.walMaxBytes': 1 } } });
    const problems = await watch.check();
    expect(problems.map((p) => p.code)).toContain('wal_size');
    const alerts = await call('alerts.list', { kind: 'health' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'health', status: 'active', ruleName: 'System health', source: 'system', values: { problem: 'wal_size', code: 'wal_size' } });
    expect(alerts[0]!.message).toMatch(/write-ahead log is .* MB, above 0\.0 MB/);
    expect(fired.filter((a) => a.kind === 'health')).toHaveLength(1);
    // Still there: no second alert.
    await watch.check();
    expect(await call('alerts.list', { kind: 'health' })).toHaveLength(1);
    expect((await call('system.metrics', {})).problems.map((p) => p.code)).toContain('wal_size');
    expect((await call('system.metrics', {})).counters.alertsFired).toBeGreaterThanOrEqual(1);
    // Cleared: the alert resolves itself, saying why.
    await call('settings.import', { settings: { format: 'signaldesk.settings', version: 1, settings: { 'health.walMaxBytes': 1024 ** 3 } } });
    await watch.check();
    const [a] = await call('alerts.list', { kind: 'health' });
    expect(a).toMatchObject({ status: 'resolved' });
    expect(a!.resolution).toMatch(/resolved itself: wal size is back to normal/);
  });

  it('the built-in rule can be changed like any rule', async () => {
    const rule = (await call('alerts.rules.list', { kind: 'health' })).find((r) => r.name === 'System health')!;
    const changed = await call('alerts.rules.update', { id: rule.id, priority: 'critical' });
    expect(changed.priority).toBe('critical');
  });
});

describe('automatic daily backups', () => {
  it('takes one when the last is a day old and keeps the last N (backups.keep), never removing manual ones', async () => {
    const b = engine.systemOps.backups;
    await call('system.backups.config', { keep: 2 });
    const manual = await call('system.backup', {});
    const taken: string[] = [];
    for (let day = 1; day <= 3; day++) {
      // The schedule's clock a day (and a second) after the last automatic backup.
      const r = await b.autoIfDue(Date.now() + day * DAY_MS + 1000);
      expect(r).not.toBeNull();
      taken.push(r!.path);
      await new Promise((res) => setTimeout(res, 20)); // distinct file times
    }
    // Not due again the same day.
    expect(await b.autoIfDue(Date.now())).toBeNull();
    const list = await call('system.backups.list', {});
    const autos = list.filter((x) => x.auto).map((x) => x.path);
    expect(autos).toEqual([taken[2], taken[1]]);
    expect(fs.existsSync(taken[0]!)).toBe(false);
    expect(list.map((x) => x.path)).toContain(manual.path);
    expect((await call('system.backups.config', {})).keep).toBe(2);
  });
});

describe('settings export / import', () => {
  it('round-trips the settings without secrets', async () => {
    await call('delivery.telegram.set', { botToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef', chatIds: ['42'], enabled: false });
    await call('system.backups.config', { keep: 5 });
    const doc = await call('settings.export', {});
    expect(doc).toMatchObject({ format: 'signaldesk.settings', version: 1, appVersion: 'test' });
    expect(doc.settings['backups.keep']).toBe(5);
    expect(doc.settings['delivery.telegram']).toMatchObject({ chatIds: ['42'], enabled: false });
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/sealed|ABCDEFGHIJKLMNOP|token/i);
    expect(Object.keys(doc.settings)).not.toContain('orders.killSwitch');
    expect(Object.keys(doc.settings)).not.toContain('sim.seed');
    // Change things, import the document: back as exported; the sealed token is kept.
    await call('system.backups.config', { keep: 9 });
    await call('delivery.telegram.set', { chatIds: ['43'] });
    const r = await call('settings.import', { settings: doc });
    expect(r.applied.sort()).toEqual(['backups.keep', 'delivery.telegram']);
    expect((await call('settings.export', {})).settings).toEqual(doc.settings);
    expect((await call('delivery.telegram.get', {})).hasToken).toBe(true);
    // Again: nothing to change.
    expect((await call('settings.import', { settings: doc })).applied).toEqual([]);
  });

  it('refuses a bad document whole, naming the entry, and changes nothing', async () => {
    const before = await call('settings.export', {});
    const cases: Array<[unknown, RegExp]> = [
      [{ ...before, settings: { ...before.settings, 'backups.keep': 0 } }, /settings\.settings\.backups\.keep/],
      [{ ...before, settings: { ...before.settings, 'orders.killSwitch': { on: false } } }, /settings\.settings\.orders\.killSwitch: internal state/],
      [{ ...before, settings: { ...before.settings, 'delivery.telegram': { enabled: true, chatIds: [], apiRoot: null, tokenSealed: 'x' } } }, /tokenSealed: secrets are never imported/],
      [{ ...before, format: 'something.else' }, /format/],
    ];
    for (const [doc, field] of cases) {
      const e = await refusal('settings.import', { settings: doc });
      expect(e.code).toBe('BAD_INPUT');
      expect(`${e.message} ${JSON.stringify(e.details)}`).toMatch(field);
    }
    expect((await call('settings.export', {})).settings).toEqual(before.settings);
  });
});
