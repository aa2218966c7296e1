/**
 * Quiet hours: the local-time window (pure functions, given local dates so the machine's time zone
 * does not matter) and the notify module holding popups under it — stored and listed at once,
 * popped up as one summary when the quiet hours end (fake timers move the clock).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { Bus } from '../../engine/core/context';
import { NotifyModule } from '../../engine/notify/module';
import { inQuietHours, quietHoursEnd } from '../../engine/settings/quiet-hours';
import { DEFAULT_SETTINGS, type Events, type EventTopic, type NotificationSettings } from '../../engine/api';
import { tempDir } from '../helpers/serve';

const at = (h: number, m: number, day = 1) => new Date(2026, 0, day, h, m).getTime();
const q = (start: string, end: string, enabled = true) => ({ enabled, start, end });

describe('quiet hours window', () => {
  it('runs past midnight, ends at its end minute, and is off when disabled', () => {
    const night = q('22:00', '07:00');
    expect(inQuietHours(night, at(21, 59))).toBe(false);
    expect(inQuietHours(night, at(22, 0))).toBe(true);
    expect(inQuietHours(night, at(3, 15))).toBe(true);
    expect(inQuietHours(night, at(6, 59))).toBe(true);
    expect(inQuietHours(night, at(7, 0))).toBe(false);
    expect(inQuietHours(q('12:00', '13:30'), at(13, 29))).toBe(true);
    expect(inQuietHours(q('12:00', '13:30'), at(11, 59))).toBe(false);
    expect(inQuietHours(q('22:00', '07:00', false), at(23, 0))).toBe(false);
    expect(inQuietHours(q('09:00', '09:00'), at(15, 0))).toBe(true);
  });

  it('ends at the next local end time', () => {
    const night = q('22:00', '07:00');
    expect(quietHoursEnd(night, at(23, 10, 1))).toBe(at(7, 0, 2));
    expect(quietHoursEnd(night, at(2, 0, 2))).toBe(at(7, 0, 2));
  });
});

function setup(prefs: NotificationSettings) {
  const events: Array<{ topic: EventTopic; payload: unknown }> = [];
  const db = openDatabase(path.join(tempDir('sd-quiet-'), 'n.db'));
  const bus = new Bus((topic, payload) => events.push({ topic, payload }));
  const m = new NotifyModule({ db, bus, opts: {} as never, clock: () => Date.now() }, { windowMs: 1000, burstLimit: 3 });
  const p = { current: prefs };
  m.setPrefs(() => p.current);
  m.start();
  return { m, p, popups: () => events.filter((e) => e.topic === 'notification.popup').map((e) => e.payload as Events['notification.popup']) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('notify under the trader settings', () => {
  it('holds popups during quiet hours, lists them at once, and pops one summary when they end', () => {
    vi.useFakeTimers({ now: at(23, 0) });
    const s = setup({ ...DEFAULT_SETTINGS.notifications, quietHours: q('22:00', '07:00') });
    const a = s.m.notify({ kind: 'order', severity: 'error', title: 'Order FAILED', body: 'BTC/USDT' });
    const b = s.m.notify({ kind: 'signal', severity: 'info', title: 'BUY ETH/USDT', body: '' });
    expect(s.popups()).toHaveLength(0);
    expect(s.m.heldByQuietHours()).toEqual([a.id, b.id]);
    // Held is not lost: both are stored and listed (the app's notifications) right away.
    expect(s.m.repo.list({}).map((n) => n.id).sort()).toEqual([a.id, b.id].sort());
    vi.advanceTimersByTime(at(7, 0, 2) - at(23, 0) - 1);
    expect(s.popups()).toHaveLength(0);
    vi.advanceTimersByTime(1);
    const [summary] = s.popups();
    expect(s.popups()).toHaveLength(1);
    expect(summary).toMatchObject({ summary: true, ids: [a.id, b.id], severity: 'error' });
    expect(summary!.title).toBe('While quiet hours held popups: 2 notifications (1 order, 1 signal)');
    expect(s.m.heldByQuietHours()).toEqual([]);
    // After the quiet hours a popup shows at once again.
    s.m.notify({ kind: 'system', severity: 'info', title: 'morning', body: '' });
    expect(s.popups().map((p) => p.title)).toContain('morning');
    s.m.stop();
  });

  it('popups off: stored and listed, never popped up; sound off marks popups silent', () => {
    vi.useFakeTimers({ now: at(12, 0) });
    const s = setup({ ...DEFAULT_SETTINGS.notifications, popups: false });
    const n = s.m.notify({ kind: 'system', severity: 'info', title: 'quiet one', body: '' });
    expect(s.m.repo.list({}).map((x) => x.id)).toEqual([n.id]);
    expect(s.popups()).toHaveLength(0);
    s.p.current = { ...DEFAULT_SETTINGS.notifications, sound: false };
    s.m.notify({ kind: 'system', severity: 'info', title: 'silent one', body: '' });
    s.p.current = { ...DEFAULT_SETTINGS.notifications, sound: true };
    s.m.notify({ kind: 'system', severity: 'info', title: 'loud one', body: '' });
    expect(s.popups().map((p) => [p.title, p.silent])).toEqual([
      ['silent one', true],
      ['loud one', false],
    ]);
    s.m.stop();
  });

  it('turning quiet hours off releases what they held at once', () => {
    vi.useFakeTimers({ now: at(23, 30) });
    const s = setup({ ...DEFAULT_SETTINGS.notifications, quietHours: q('22:00', '07:00') });
    s.m.notify({ kind: 'alert', severity: 'warning', title: 'BTC breakout', body: '' });
    expect(s.popups()).toHaveLength(0);
    s.p.current = { ...DEFAULT_SETTINGS.notifications, quietHours: q('22:00', '07:00', false) };
    s.m['ctx'].bus.publish('settings.changed', { ...DEFAULT_SETTINGS, notifications: s.p.current });
    expect(s.popups()).toHaveLength(1);
    expect(s.popups()[0]!.title).toBe('While quiet hours held popups: 1 notification (1 alert)');
    s.m.stop();
  });
});
