/**
 * The daily snapshot schedule: every goal gets one snapshot per UTC day (engine time), taken as
 * of 23:59:00. A day is due once the engine clock has passed its 23:59; days missed while the
 * engine was stopped are taken on the next start, as of their own 23:59 (at most MAX_CATCH_UP).
 */
import { dayStartUtc } from './status';
import { DAY_MS, SNAPSHOT_OFFSET_MS } from './types';

export const MAX_CATCH_UP_DAYS = 400;

/** The as-of times (each a day's 23:59:00) of the daily snapshots due for one goal. */
export function dueSnapshotTimes(createdAt: number, lastDailyTs: number | null, now: number): number[] {
  let day = lastDailyTs === null ? dayStartUtc(createdAt) : dayStartUtc(lastDailyTs) + DAY_MS;
  if (day + SNAPSHOT_OFFSET_MS < createdAt) day += DAY_MS;
  const lastDue = dayStartUtc(now - SNAPSHOT_OFFSET_MS);
  if (lastDue < day) return [];
  day = Math.max(day, lastDue - (MAX_CATCH_UP_DAYS - 1) * DAY_MS);
  const out: number[] = [];
  for (let d = day; d <= lastDue; d += DAY_MS) out.push(d + SNAPSHOT_OFFSET_MS);
  return out;
}
