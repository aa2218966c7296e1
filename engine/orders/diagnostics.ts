/** The invariants report: every autopilot signal has an intent, every intent a decision, every failure a notification. */
import type { InvariantsReport } from '../api/contract';
import type { OrdersModule } from './module';

export function invariants(m: OrdersModule, hours: number): InvariantsReport {
  const now = m.now();
  const since = now - hours * 3_600_000;
  // Signals carry wall-clock stamps, intents engine-clock ones: each is windowed on its own clock.
  const audit = m.signals.audit(m.opts.wallNow() - hours * 3_600_000);
  const c = m.intents.counts(since);
  const violations: InvariantsReport['violations'] = [];
  for (const id of audit.dangling) violations.push({ invariant: 1, kind: 'intent_without_signal', ref: `intent:${id}`, message: `intent ${id} refers to a signal that was never persisted` });
  for (const id of audit.missing) violations.push({ invariant: 2, kind: 'missing_intent', ref: `signal:${id}`, message: `autopilot signal ${id} has no order intent` });
  // An intent still being worked on (in flight: sending, retrying) is not a violation yet; the
  // 30 s grace is engine time, which at high sim speeds is a fraction of a wall second.
  const busy = new Set([...m.inflight.keys()]);
  for (const id of m.intents.nullDecisionIds(since, now - 30_000)) {
    if (busy.has(m.intents.get(id)?.idempotencyKey ?? '')) continue;
    violations.push({ invariant: 3, kind: 'null_decision', ref: `intent:${id}`, message: `intent ${id} has no decision after 30 s` });
  }
  let failedWithout = 0;
  for (const id of m.intents.failedIds(since)) {
    if (!m.notifications.existsFor('intent', String(id))) {
      failedWithout++;
      violations.push({ invariant: 4, kind: 'failed_without_notification', ref: `intent:${id}`, message: `FAILED intent ${id} was never notified` });
    }
  }
  return {
    hours,
    since,
    counts: { signals: audit.signals, intents: c.intents, executed: c.executed, failed: c.failed, skipped: c.skipped, missing_intent: audit.missing.length, null_decisions: c.nullDecisions, failed_without_notification: failedWithout },
    violations,
    pass: violations.length === 0,
  };
}
