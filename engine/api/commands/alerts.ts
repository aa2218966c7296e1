/**
 * Alerts area: the trader's own conditions (price, indicator, performance, risk,
 * health, goal), their rules, the alert records a firing creates and their lifecycle
 * (active → acknowledged → resolved; snoozed until a time, then active again; deleted).
 */
import { z } from 'zod';
import { command, SourceId, SymbolSchema, TimeframeSchema } from './define';

export const ALERT_KINDS = ['price', 'indicator', 'performance', 'risk', 'health', 'goal'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlertPriority = (typeof ALERT_PRIORITIES)[number];
export const ALERT_STATUSES = ['active', 'acknowledged', 'resolved', 'snoozed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const Level = z.number().finite();
const Feature = z.string().min(1).max(100).regex(/^[a-z][a-zA-Z0-9_.-]*$/, 'feature name like rsi_14 or ext_fng_value');

export const PriceCondition = z
  .object({
    source: SourceId,
    symbol: SymbolSchema,
    op: z.enum(['crosses_above', 'crosses_below', 'moves_pct']),
    value: Level,
    windowMinutes: z.number().int().min(1).max(10_080).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op === 'moves_pct' && c.windowMinutes === undefined) ctx.addIssue({ code: 'custom', path: ['windowMinutes'], message: 'windowMinutes is required for moves_pct' });
    if (c.op === 'moves_pct' && !(c.value > 0 && c.value <= 1000)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'value: the move in % must be greater than 0 and at most 1000' });
    if (c.op !== 'moves_pct' && !(c.value > 0)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'value: the price level must be greater than 0' });
  });
export const IndicatorCondition = z
  .object({
    source: SourceId,
    symbol: SymbolSchema,
    timeframe: TimeframeSchema,
    feature: Feature,
    op: z.enum(['<', '>', 'crosses_above', 'crosses_below']),
    value: Level.optional(),
    otherFeature: Feature.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.value === undefined) === (c.otherFeature === undefined)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'give exactly one of value or otherFeature' });
  });
export const PerformanceCondition = z
  .object({
    channel: z.number().int().positive().optional(),
    strategy: z.string().min(1).max(64).optional(),
    metric: z.enum(['win_rate', 'expectancy']),
    below: z.number().finite(),
    lastN: z.number().int().min(1).max(10_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.channel === undefined) === (c.strategy === undefined)) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'give exactly one of channel or strategy' });
  });
export const RiskCondition = z
  .object({
    account: z.number().int().positive().optional(),
    event: z.enum(['drawdown_stage', 'daily_loss', 'exposure']),
    thresholdPct: z.number().finite().gt(0).max(10_000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.event !== 'drawdown_stage' && c.thresholdPct === undefined) ctx.addIssue({ code: 'custom', path: ['thresholdPct'], message: `thresholdPct is required for ${c.event}` });
  });
export const HealthCondition = z
  .object({ source: SourceId, status: z.enum(['failed', 'circuit_open', 'stale']), forMinutes: z.number().min(0).max(10_080) })
  .strict();
export const GoalCondition = z
  .object({ goal: z.number().int().positive(), becomes: z.array(z.enum(['at_risk', 'behind', 'achieved'])).min(1).max(3) })
  .strict();

export type PriceConditionT = z.infer<typeof PriceCondition>;
export type IndicatorConditionT = z.infer<typeof IndicatorCondition>;
export type PerformanceConditionT = z.infer<typeof PerformanceCondition>;
export type RiskConditionT = z.infer<typeof RiskCondition>;
export type HealthConditionT = z.infer<typeof HealthCondition>;
export type GoalConditionT = z.infer<typeof GoalCondition>;

/** The condition schema of each kind. */
export const CONDITION_SCHEMAS = {
  price: PriceCondition,
  indicator: IndicatorCondition,
  performance: PerformanceCondition,
  risk: RiskCondition,
  health: HealthCondition,
  goal: GoalCondition,
} as const;

/** `desktop`, `telegram` or `webhook:<id>`. */
export const AlertDeliveryTarget = z.string().regex(/^(desktop|telegram|webhook:[A-Za-z0-9_-]{1,64})$/, 'delivery target: desktop, telegram or webhook:<id>');

const RuleFields = {
  name: z.string().trim().min(1).max(120).optional(),
  priority: z.enum(ALERT_PRIORITIES).default('medium'),
  delivery: z.array(AlertDeliveryTarget).max(10).default(['desktop']),
  throttleMinutes: z.number().min(0).max(10_080).default(0),
  once: z.boolean().default(false),
  enabled: z.boolean().default(true),
};

/** Rule input: `{name?, kind, condition, priority, delivery, throttleMinutes, once, enabled}`, the condition checked by kind. */
export const AlertRuleInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('price'), condition: PriceCondition, ...RuleFields }).strict(),
  z.object({ kind: z.literal('indicator'), condition: IndicatorCondition, ...RuleFields }).strict(),
  z.object({ kind: z.literal('performance'), condition: PerformanceCondition, ...RuleFields }).strict(),
  z.object({ kind: z.literal('risk'), condition: RiskCondition, ...RuleFields }).strict(),
  z.object({ kind: z.literal('health'), condition: HealthCondition, ...RuleFields }).strict(),
  z.object({ kind: z.literal('goal'), condition: GoalCondition, ...RuleFields }).strict(),
]);
export type AlertRuleInput = z.input<typeof AlertRuleInputSchema>;
export type AlertRuleData = z.output<typeof AlertRuleInputSchema>;

export type AlertCondition = PriceConditionT | IndicatorConditionT | PerformanceConditionT | RiskConditionT | HealthConditionT | GoalConditionT;

export interface AlertRule {
  id: number;
  name: string;
  kind: AlertKind;
  condition: AlertCondition;
  priority: AlertPriority;
  delivery: string[];
  throttleMinutes: number;
  once: boolean;
  enabled: boolean;
  /** When it last fired (its source's clock), null before. */
  lastFiredAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface Alert {
  id: number;
  ruleId: number;
  ruleName: string;
  kind: AlertKind;
  priority: AlertPriority;
  status: AlertStatus;
  /** What happened, e.g. "BTC/USDT crossed above 70,000.00 at 70,012.50". */
  message: string;
  /** The values that fired it (price, level, feature values, …). */
  values: Record<string, number | string | null>;
  /** When it fired (its source's clock). */
  firedAt: number;
  /** Source and symbol for price/indicator/health alerts (the chart draws price ones). */
  source: string | null;
  symbol: string | null;
  snoozedUntil: number | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  /** How it was resolved: by the trader, or "resolved itself: …" when its condition cleared. */
  resolution: string | null;
  updatedAt: number;
}

export interface AlertStats {
  total: number;
  active: number;
  acknowledged: number;
  resolved: number;
  snoozed: number;
  byPriority: Record<AlertPriority, number>;
  byKind: Record<AlertKind, number>;
}

const Id = z.number().int().positive();
const IdOrIds = z.union([z.object({ id: Id }).strict(), z.object({ ids: z.array(Id).min(1).max(5000) }).strict()]);

export const alertsCommands = {
  'alerts.rules.list': command<AlertRule[]>()('Alert rules, newest first.', z.object({ kind: z.enum(ALERT_KINDS).optional() }).strict()),
  'alerts.rules.create': command<AlertRule>()(
    'Creates an alert rule: {name?, kind, condition, priority, delivery, throttleMinutes, once, enabled}; unknown sources, symbols, features, channels, strategies, accounts or goals are refused naming the field.',
    AlertRuleInputSchema,
  ),
  'alerts.rules.update': command<AlertRule>()(
    'Changes a rule: any of its fields; a new condition must be of the rule’s kind (or give kind too).',
    z
      .object({
        id: Id,
        kind: z.enum(ALERT_KINDS).optional(),
        condition: z.record(z.string(), z.unknown()).optional(),
        name: z.string().trim().min(1).max(120).optional(),
        priority: z.enum(ALERT_PRIORITIES).optional(),
        delivery: z.array(AlertDeliveryTarget).max(10).optional(),
        throttleMinutes: z.number().min(0).max(10_080).optional(),
        once: z.boolean().optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
  ),
  'alerts.rules.delete': command<{ deleted: number }>()('Deletes a rule (its alerts stay in the history).', z.object({ id: Id }).strict()),
  'alerts.list': command<Alert[]>()(
    'Alerts, newest first, filtered by status, priority, kind and firing time.',
    z
      .object({
        status: z.enum(ALERT_STATUSES).optional(),
        priority: z.enum(ALERT_PRIORITIES).optional(),
        kind: z.enum(ALERT_KINDS).optional(),
        since: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ),
  'alerts.ack': command<Alert[]>()('Acknowledges active or snoozed alerts.', IdOrIds),
  'alerts.resolve': command<Alert[]>()('Resolves alerts.', IdOrIds),
  'alerts.snooze': command<Alert[]>()(
    'Snoozes alerts for some minutes; then they are active again.',
    z.union([
      z.object({ id: Id, minutes: z.number().min(1).max(10_080) }).strict(),
      z.object({ ids: z.array(Id).min(1).max(5000), minutes: z.number().min(1).max(10_080) }).strict(),
    ]),
  ),
  'alerts.delete': command<{ deleted: number }>()('Deletes alerts.', IdOrIds),
  'alerts.stats': command<AlertStats>()('Counts: total, active, acknowledged, resolved, snoozed, by priority and by kind.', z.object({}).strict()),
} as const;

export interface AlertsEvents {
  /** A rule fired: the new alert, published after it is persisted. */
  'alert.fired': Alert;
  /** An alert changed status (acknowledged, resolved, snoozed, woke up, resolved itself, deleted). */
  'alert.updated': Alert & { deleted?: boolean };
  /** Rules changed (created, updated, deleted, a `once` rule disabled itself). */
  'alerts.rules.changed': { ids: number[] };
}
export const ALERTS_TOPICS = ['alert.fired', 'alert.updated', 'alerts.rules.changed'] as const satisfies readonly (keyof AlertsEvents)[];

/** "70,012.50": a price with thousands separators and sensible decimals. */
export function fmtPrice(v: number): string {
  const a = Math.abs(v);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : 8;
  return v.toLocaleString('en-US', { minimumFractionDigits: a >= 1000 ? 2 : 0, maximumFractionDigits: d });
}
