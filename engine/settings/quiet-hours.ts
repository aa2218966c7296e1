/**
 * Quiet hours: a daily window of local time ("22:00"–"07:00", may run past midnight) during which
 * desktop popups are held. Local time is the engine machine's (`Date#getHours`). Pure functions,
 * so tests give them any date.
 */
import type { QuietHours } from '../api/commands/settings';

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** True when `at` (ms) falls inside the quiet hours. Start equal to end: the whole day. */
export function inQuietHours(q: QuietHours, at: number): boolean {
  if (!q.enabled) return false;
  const d = new Date(at);
  const m = d.getHours() * 60 + d.getMinutes();
  const s = minutes(q.start);
  const e = minutes(q.end);
  if (s === e) return true;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** The next moment (ms) after `at` at which the quiet hours end (the next local `end`). */
export function quietHoursEnd(q: QuietHours, at: number): number {
  const e = minutes(q.end);
  const d = new Date(at);
  d.setHours(Math.floor(e / 60), e % 60, 0, 0);
  if (d.getTime() <= at) d.setDate(d.getDate() + 1);
  return d.getTime();
}
