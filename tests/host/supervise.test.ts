/**
 * The engine worker dies on its own (here: its thread is terminated from outside, as an uncaught
 * error or an out-of-memory kill would end it): the host answers UNAVAILABLE while it waits, starts
 * the worker again on the same data directory, and what was stored before is still there. After
 * too many deaths in a short time it stops trying instead of spinning.
 */
import type { Worker } from 'node:worker_threads';
import { describe, expect, vi } from 'vitest';
import { Host } from '../../engine/host/host';
import { RestartPolicy } from '../../engine/host/supervise';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';

/** The running worker thread, ended from outside the host (what a crash looks like to it). */
const until = (what: string, f: () => boolean, timeout: number): Promise<void> =>
  vi.waitFor(() => {
    if (!f()) throw new Error(`still waiting: ${what}`);
  }, { timeout, interval: 50 });

const killWorker = (h: Host): Promise<number> => (h as unknown as { worker: Worker }).worker.terminate();

describe('restart policy', () => {
  it('waits 0.5, 1, 2, 4, 8 s after successive deaths, gives up at the sixth within five minutes, and forgets old deaths', () => {
    const p = new RestartPolicy();
    expect([0, 1, 2, 3, 4].map((i) => p.next(1000 + i))).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(p.next(1005)).toBeNull();
    // Five minutes after the first ones, they no longer count.
    expect(p.next(1000 + 5 * 60_000 + 10)).toBe(500);
  });

  it('never waits longer than its ceiling', () => {
    const p = new RestartPolicy({ baseMs: 1000, maxMs: 3000, windowMs: 60_000, maxInWindow: 10 });
    expect([0, 1, 2, 3].map((i) => p.next(i))).toEqual([1000, 2000, 3000, 3000]);
  });
});

describe('engine worker supervision', () => {
  it('starts a dead engine worker again; calls in between answer UNAVAILABLE; stored data survives', async ({ track }) => {
    const lines: string[] = [];
    const h = track(new Host({ dataDir: tempDir('sd-supervise-'), simHistoryDays: 0, log: (l) => lines.push(l), restartPolicy: { baseMs: 300, maxMs: 1000, windowMs: 60_000, maxInWindow: 3 } }));
    await h.start();
    const w = await h.call('watchlists.create', { name: 'Before the crash', symbols: [{ source: 'sim', symbol: 'BTC/USDT' }] });
    expect(h.health().engine.restarts).toBe(0);

    await killWorker(h);
    await expect(h.call('watchlists.list', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('restarting') });
    expect(h.health().status).toBe('degraded');
    expect(lines.some((l) => l.includes('engine worker died'))).toBe(true);

    await until('the engine answers again', () => h.health().engine.alive, 20_000);
    expect(h.health().engine.restarts).toBe(1);
    const lists = await h.call('watchlists.list', {});
    expect(lists.map((l) => [l.id, l.name])).toContainEqual([w.id, 'Before the crash']);
    const m = await h.call('system.metrics', {});
    expect(m.engine.restarts).toBe(1);
  });

  it('stops trying after too many deaths in the window, and says so', async ({ track }) => {
    const lines: string[] = [];
    const h = track(new Host({ dataDir: tempDir('sd-supervise-'), simHistoryDays: 0, log: (l) => lines.push(l), restartPolicy: { baseMs: 100, maxMs: 100, windowMs: 60_000, maxInWindow: 1 } }));
    await h.start();
    await killWorker(h);
    await until('started again once', () => h.health().engine.alive && h.health().engine.restarts === 1, 20_000);
    await killWorker(h);
    await until('the host gives up', () => lines.some((l) => l.includes('not starting it again')), 10_000);
    await expect(h.call('watchlists.list', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'Engine is not running' });
    expect(h.health().engine).toMatchObject({ alive: false, restarts: 1 });
  });

  it('does not start the engine again after the host stops it', async ({ track }) => {
    const lines: string[] = [];
    const h = track(new Host({ dataDir: tempDir('sd-supervise-'), simHistoryDays: 0, log: (l) => lines.push(l) }));
    await h.start();
    await h.stop();
    expect(lines.filter((l) => l.includes('died'))).toEqual([]);
    expect(h.health().engine.alive).toBe(false);
  });
});
