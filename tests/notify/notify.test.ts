import { afterEach, describe, expect, vi } from 'vitest';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { Bus } from '../../engine/core/context';
import { NotifyModule } from '../../engine/notify/module';
import type { Events, EventTopic } from '../../engine/api';
import { tempDir } from '../helpers/serve';
import { contractCall, rigTest as it, type Track, stopOnce } from '../helpers/rig';

/** The notify module on a real SQLite file and Bus, its commands through their schemas; stopped (and the database closed) after the test. */
function setup(track: Track, opts = { windowMs: 1000, burstLimit: 3 }) {
  let now = 1_000_000;
  const events: Array<{ topic: EventTopic; payload: unknown }> = [];
  const db = openDatabase(path.join(tempDir(), 'n.db'));
  const bus = new Bus((topic, payload) => events.push({ topic, payload }));
  const ctx = { db, bus, opts: {} as never, clock: () => now };
  const m = new NotifyModule(ctx, { ...opts, now: () => now });
  track(
    stopOnce(() => {
      m.stop();
      db.close();
    }),
  );
  return { m, events, db, call: contractCall('notify', m.handlers), advance: (ms: number) => (now += ms), popups: () => events.filter((e) => e.topic === 'notification.popup').map((e) => e.payload as Events['notification.popup']) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('notifications', () => {
  it('persists before publishing, and pops up individually under the burst limit', ({ track }) => {
    const { m, events, db } = setup(track);
    let seenInDb = false;
    m['ctx'].bus.subscribe('notification.created', (n) => {
      seenInDb = db.prepare('SELECT 1 FROM notifications WHERE id = ?').get(n.id) !== undefined;
    });
    const n = m.notify({ kind: 'signal', severity: 'info', title: 'BUY ETH/USDT', body: 'broke high', refType: 'signal', refId: '7', actions: [{ id: 'ack', label: 'Acknowledge', command: 'signals.ack', input: { id: 7 } }] });
    expect(seenInDb).toBe(true);
    expect(events.map((e) => e.topic)).toEqual(['notification.created', 'notification.popup']);
    const popup = events[1]!.payload as Events['notification.popup'];
    expect(popup).toMatchObject({ ids: [n.id], summary: false, title: 'BUY ETH/USDT' });
    expect(popup.actions[0]!.command).toBe('signals.ack');
    expect(m.repo.existsFor('signal', '7')).toBe(true);
  });

  it('turns a burst into one summary popup at the end of the window', ({ track }) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { m, popups } = setup(track, { windowMs: 200, burstLimit: 2 });
    for (let i = 0; i < 7; i++) m.notify({ kind: i === 6 ? 'order' : 'signal', severity: i === 6 ? 'error' : 'info', title: `n${i}`, body: '' });
    expect(popups()).toHaveLength(2);
    vi.advanceTimersByTime(199);
    expect(popups()).toHaveLength(2); // held until the window ends
    vi.advanceTimersByTime(1);
    const all = popups();
    expect(all).toHaveLength(3);
    const summary = all[2]!;
    expect(summary.summary).toBe(true);
    expect(summary.ids).toHaveLength(5);
    expect(summary.severity).toBe('error');
    expect(summary.title).toBe('5 more notifications (4 signals, 1 order)');
    m.stop();
  });

  it('records delivery once, with its latency, and lists newest first', async ({ track }) => {
    const { m, call, advance } = setup(track);
    const a = m.notify({ kind: 'system', severity: 'info', title: 'a', body: '' });
    const b = m.notify({ kind: 'system', severity: 'warning', title: 'b', body: '' });
    advance(42);
    expect(await call('notifications.markDelivered', { ids: [a.id, b.id], channel: 'browser' })).toEqual({ updated: 2 });
    advance(100);
    expect(await call('notifications.markDelivered', { ids: [a.id], channel: 'desktop' })).toEqual({ updated: 0 });
    const list = await call('notifications.list', {});
    expect(list.map((n) => n.title)).toEqual(['b', 'a']);
    expect(list[1]).toMatchObject({ deliveryChannel: 'browser', deliveryLatencyMs: 42 });
    expect(await call('notifications.markRead', { ids: [a.id] })).toEqual({ updated: 1 });
    expect((await call('notifications.list', { unreadOnly: true })).map((n) => n.id)).toEqual([b.id]);
  });
});
