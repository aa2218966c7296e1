/**
 * System health alerts: the built-in health rule on the `system` source ("System health"). The
 * engine's health watch reports its current problems; a new problem fires an alert of kind
 * `health` through the rule (persisted, published as alert.fired, delivered to the rule's
 * targets like any alert), and a problem that cleared resolves its alert itself. The trader can
 * change the rule's priority or targets, or disable it, like any other rule.
 */
import type { Alert, AlertRule } from '../api/commands/alerts';
import type { HealthProblem } from '../api/commands/system-metrics';
import type { AlertsModule } from './module';

export const SYSTEM_HEALTH_SOURCE = 'system';
export const SYSTEM_RULE_NAME = 'System health';

export function isSystemHealthRule(r: Pick<AlertRule, 'kind' | 'condition'>): boolean {
  return r.kind === 'health' && (r.condition as { source?: string }).source === SYSTEM_HEALTH_SOURCE;
}

export class SystemHealthAlerts {
  constructor(private readonly m: AlertsModule) {}

  /** The built-in rule if it exists (the oldest one if there are several). */
  existing(): AlertRule | undefined {
    return this.m.rules.list('health').filter(isSystemHealthRule).pop();
  }

  /** The built-in rule, created on first need. */
  rule(): AlertRule {
    const found = this.existing();
    if (found) return found;
    return this.m.rules.insert(
      { name: SYSTEM_RULE_NAME, kind: 'health', condition: { source: SYSTEM_HEALTH_SOURCE, status: 'failed', forMinutes: 0 }, priority: 'high', delivery: ['desktop'], throttleMinutes: 0, once: false, enabled: true },
      this.m.opts.wallNow(),
    );
  }

  /** Fires an alert for each new problem and resolves the alerts of problems that are gone. */
  update(problems: readonly HealthProblem[], now = this.m.opts.wallNow(), keepOpen: readonly string[] = []): Alert[] {
    // The rule is made when the first problem comes, so a healthy install has no rule it did not ask for.
    if (!problems.length && !this.existing()) return [];
    const rule = this.rule();
    const open = this.m.alerts.openOf(rule.id);
    const current = new Set([...problems.map((p) => p.key), ...keepOpen]);
    for (const a of open) {
      const key = String(a.values.problem ?? '');
      if (!current.has(key)) this.m.resolveItself(rule.id, `${key.replace(/_/g, ' ')} is back to normal`, (x) => x.id === a.id);
    }
    const openKeys = new Set(open.map((a) => String(a.values.problem ?? '')));
    const fired: Alert[] = [];
    for (const p of problems) {
      if (openKeys.has(p.key)) continue;
      const a = this.m.fire(rule, { message: p.message, values: { problem: p.key, code: p.code, value: p.value, threshold: p.threshold }, at: now, key: `${p.key}:${p.since}`, source: SYSTEM_HEALTH_SOURCE });
      if (a) fired.push(a);
    }
    return fired;
  }
}
