/**
 * Rule and alert commands: validation of a rule against what the engine knows (sources,
 * symbols, features, channels, strategies, accounts, goals — a 400 naming the field), rule
 * CRUD, and the alert lifecycle (all-or-nothing over the ids given).
 */
import { ApiError } from '../api/errors';
import { AlertRuleInputSchema, fmtPrice, type Alert, type AlertRule, type AlertRuleData, type AlertStatus } from '../api/commands/alerts';
import type { ParsedInput } from '../api/contract';
import type { RuleData } from '../../db/repos/alerts';
import { featureSpec } from './features';
import { parseExtFeature } from '../market/series/point-in-time';
import type { AlertsModule } from './module';
import { SYSTEM_HEALTH_SOURCE } from './system-health';

const bad = (field: string, message: string, value: unknown): ApiError => new ApiError('BAD_INPUT', `${field}: ${message}`, { field, value });

/** The name a rule gets when none is given. */
export function defaultName(d: AlertRuleData): string {
  const c = d.condition as Record<string, unknown>;
  switch (d.kind) {
    case 'price':
      return c.op === 'moves_pct' ? `${String(c.symbol)} moves ${String(c.value)} % in ${String(c.windowMinutes)} min` : `${String(c.symbol)} ${c.op === 'crosses_above' ? 'above' : 'below'} ${fmtPrice(Number(c.value))}`;
    case 'indicator':
      return `${String(c.feature)} ${String(c.op).replace('_', ' ')} ${String(c.otherFeature ?? c.value)} on ${String(c.symbol)} ${String(c.timeframe)}`;
    case 'performance':
      return `${c.channel !== undefined ? `Channel ${String(c.channel)}` : String(c.strategy)} ${c.metric === 'win_rate' ? 'win rate' : 'expectancy'} below ${String(c.below)}`;
    case 'risk':
      return c.event === 'drawdown_stage' ? 'Drawdown stage change' : c.event === 'daily_loss' ? `Daily loss beyond ${String(c.thresholdPct)} %` : `Exposure beyond ${String(c.thresholdPct)} % of equity`;
    case 'health':
      return `${String(c.source)} ${String(c.status).replace('_', ' ')} for ${String(c.forMinutes)} min`;
    case 'goal':
      return `Goal ${String(c.goal)} becomes ${(c.becomes as string[]).join(' / ').replace(/_/g, ' ')}`;
  }
}

export class AlertCommands {
  constructor(private readonly m: AlertsModule) {}

  private async checkSource(source: string, symbol?: string): Promise<void> {
    const known = this.m.ports.sources().some((s) => s.id === source);
    if (!known) throw bad('condition.source', `unknown source "${source}"`, source);
    if (symbol === undefined) return;
    const offered = await this.m.ports.symbols(source);
    if (!offered.includes(symbol)) throw bad('condition.symbol', `${source} does not offer "${symbol}"`, symbol);
  }

  /** Checks a parsed rule against the engine's sources, symbols, features, channels, strategies, accounts and goals. */
  async validate(d: AlertRuleData): Promise<RuleData> {
    const p = this.m.ports;
    switch (d.kind) {
      case 'price':
        await this.checkSource(d.condition.source, d.condition.symbol);
        break;
      case 'indicator':
        await this.checkSource(d.condition.source, d.condition.symbol);
        if (!featureSpec(d.condition.feature) && !parseExtFeature(d.condition.feature)) throw bad('condition.feature', `unknown feature "${d.condition.feature}" (e.g. rsi_14, ema_9, bb_lower_20_2, ext_fng_value)`, d.condition.feature);
        if (d.condition.otherFeature !== undefined && !featureSpec(d.condition.otherFeature) && !parseExtFeature(d.condition.otherFeature)) throw bad('condition.otherFeature', `unknown feature "${d.condition.otherFeature}"`, d.condition.otherFeature);
        break;
      case 'performance':
        if (d.condition.channel !== undefined && !p.channelExists(d.condition.channel)) throw bad('condition.channel', `unknown channel ${d.condition.channel}`, d.condition.channel);
        if (d.condition.strategy !== undefined && !p.strategies().includes(d.condition.strategy)) throw bad('condition.strategy', `unknown strategy "${d.condition.strategy}" (known: ${p.strategies().join(', ')})`, d.condition.strategy);
        break;
      case 'risk':
        if (d.condition.account !== undefined && !p.accountExists(d.condition.account)) throw bad('condition.account', `unknown account ${d.condition.account}`, d.condition.account);
        break;
      case 'health':
        // `system` is the built-in System health rule's source (engine/alerts/system-health.ts).
        if (d.condition.source !== SYSTEM_HEALTH_SOURCE) await this.checkSource(d.condition.source);
        break;
      case 'goal':
        if (!p.goalExists(d.condition.goal)) throw bad('condition.goal', `unknown goal ${d.condition.goal}`, d.condition.goal);
        break;
    }
    return { name: d.name ?? defaultName(d), kind: d.kind, condition: d.condition, priority: d.priority, delivery: [...new Set(d.delivery)], throttleMinutes: d.throttleMinutes, once: d.once, enabled: d.enabled };
  }

  async create(input: ParsedInput<'alerts.rules.create'>): Promise<AlertRule> {
    const d = await this.validate(input);
    const r = this.m.rules.insert(d, this.m.opts.wallNow());
    this.changed(r.id);
    return this.m.rules.get(r.id)!;
  }

  async update(input: ParsedInput<'alerts.rules.update'>): Promise<AlertRule> {
    const cur = this.requireRule(input.id);
    const kind = input.kind ?? cur.kind;
    if (kind !== cur.kind && !input.condition) throw bad('condition', `a rule changing kind to ${kind} needs a condition of that kind`, undefined);
    const merged = {
      kind,
      condition: input.condition ?? cur.condition,
      name: input.name ?? cur.name,
      priority: input.priority ?? cur.priority,
      delivery: input.delivery ?? cur.delivery,
      throttleMinutes: input.throttleMinutes ?? cur.throttleMinutes,
      once: input.once ?? cur.once,
      enabled: input.enabled ?? cur.enabled,
    };
    const parsed = AlertRuleInputSchema.safeParse(merged);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      const field = i.path.join('.');
      throw new ApiError('BAD_INPUT', `${field}: ${i.message}`, { field, issues: parsed.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message })) });
    }
    const d = await this.validate(parsed.data);
    const conditionChanged = JSON.stringify(d.condition) !== JSON.stringify(cur.condition);
    const r = this.m.rules.update(cur.id, d, this.m.opts.wallNow());
    if (conditionChanged) this.m.saveState(cur.id, {});
    this.changed(r.id);
    return r;
  }

  deleteRule(id: number): { deleted: number } {
    this.requireRule(id);
    const deleted = this.m.rules.delete(id);
    this.changed(id);
    return { deleted };
  }

  private changed(id: number): void {
    this.m.reload();
    this.m.stateOf(id);
    this.m.publish('alerts.rules.changed', { ids: [id] });
  }

  private requireRule(id: number): AlertRule {
    const r = this.m.rules.get(id);
    if (!r) throw new ApiError('NOT_FOUND', `Alert rule ${id} does not exist`, { id });
    return r;
  }

  private requireAlert(id: number): Alert {
    const a = this.m.alerts.get(id);
    if (!a) throw new ApiError('NOT_FOUND', `Alert ${id} does not exist`, { id });
    return a;
  }

  /** All or nothing: every id is checked first. Resolved alerts cannot be acknowledged or snoozed. */
  change(ids: number[], status: AlertStatus, snoozedUntil: number | null = null): Alert[] {
    const uniq = [...new Set(ids)];
    for (const id of uniq) {
      const a = this.requireAlert(id);
      if (a.status === 'resolved' && status !== 'resolved') throw new ApiError('CONFLICT', `Alert ${id} is already resolved; there is nothing to ${status === 'snoozed' ? 'snooze' : 'acknowledge'}`, { id, status: a.status });
    }
    const now = this.m.opts.wallNow();
    const out = this.m.alerts.transaction(() =>
      uniq.map((id) => {
        const a = this.m.alerts.get(id)!;
        if (a.status !== status || status === 'snoozed') this.m.alerts.setStatus(id, status, now, { snoozedUntil, resolution: status === 'resolved' ? 'resolved by the trader' : null });
        return this.m.alerts.get(id)!;
      }),
    );
    for (const a of out) this.m.publish('alert.updated', a);
    return out;
  }

  deleteAlerts(ids: number[]): { deleted: number } {
    const uniq = [...new Set(ids)];
    const found = uniq.map((id) => this.requireAlert(id));
    const deleted = this.m.alerts.delete(uniq);
    for (const a of found) this.m.publish('alert.updated', { ...a, deleted: true });
    return { deleted };
  }
}
