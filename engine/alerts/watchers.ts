/**
 * Rules watched by polling or by outcome: performance (signal outcomes), risk (drawdown stage,
 * daily loss, exposure per symbol) and health (a source failed / circuit open / stale for N
 * minutes). Health and risk alerts resolve themselves when their condition clears.
 */
import type { AlertRule, HealthConditionT, PerformanceConditionT, RiskConditionT } from '../api/commands/alerts';
import type { SourceHealth } from '../api/commands/market';
import { exposures, healthMatches, performanceCheck } from './evaluate';
import type { AlertsModule } from './module';

/** What a firing records: message, values, when (source clock), dedup key. */
export interface Firing {
  message: string;
  values: Record<string, number | string | null>;
  at: number;
  key: string;
  source?: string;
  symbol?: string;
}

/** Per-rule evaluation state, persisted (alert_rule_state). */
export interface RuleState {
  /** Price crossing rules: the last side of the level. */
  side?: 'above' | 'below';
  /** Indicator rules: the last bar evaluated. */
  lastBarTs?: number;
  /** The condition's truth at the last evaluation. */
  truth?: boolean;
  /** Risk drawdown_stage: the last stage seen. */
  stage?: string;
  /** Risk exposure: symbols over the threshold. */
  over?: string[];
  /** Health: when the watched status began (source clock), and whether this episode fired. */
  since?: number | null;
  fired?: boolean;
}

export function evalPerformance(m: AlertsModule, rule: AlertRule, now: number): Firing[] {
  const c = rule.condition as PerformanceConditionT;
  const outcomes = m.alerts.lastOutcomes({ channel: c.channel, strategy: c.strategy }, c.lastN);
  const r = performanceCheck(c, outcomes);
  if (!r) return [];
  const st = m.stateOf(rule.id);
  if (r.truth === st.truth) return [];
  m.saveState(rule.id, { ...st, truth: r.truth });
  if (!r.truth) return [];
  const who = c.channel !== undefined ? `Channel ${c.channel}` : `Strategy ${c.strategy}`;
  const what = c.metric === 'win_rate' ? `win rate ${r.value.toFixed(1)} %` : `expectancy ${r.value.toFixed(2)} %`;
  return [{ message: `${who}: ${what} over its last ${c.lastN} outcomes, below ${c.below}${c.metric === 'win_rate' ? ' %' : ''}`, values: { value: r.value, below: c.below, lastN: c.lastN }, at: now, key: `perf:${outcomes[0]!.signalId}` }];
}

export function evalRisk(m: AlertsModule, rule: AlertRule, now: number): Firing[] {
  const c = rule.condition as RiskConditionT;
  const snap = m.ports.risk(c.account);
  const st = m.stateOf(rule.id);
  const out: Firing[] = [];
  const acct = snap.accountName;
  if (c.event === 'drawdown_stage') {
    const last = st.stage ?? 'normal';
    if (snap.stage === last) return [];
    m.saveState(rule.id, { ...st, stage: snap.stage });
    if (snap.stage === 'normal') m.resolveItself(rule.id, `${acct} is back to the normal stage (drawdown ${snap.drawdownPct.toFixed(2)} %)`);
    else out.push({ message: `${acct}: drawdown stage ${last} → ${snap.stage} (drawdown ${snap.drawdownPct.toFixed(2)} %)`, values: { stage: snap.stage, from: last, drawdownPct: snap.drawdownPct }, at: now, key: `stage:${snap.stage}:${now}` });
    return out;
  }
  if (c.event === 'daily_loss') {
    const limit = c.thresholdPct ?? 0;
    const truth = snap.dailyPnlPct <= -limit;
    if (truth === (st.truth ?? false)) return [];
    m.saveState(rule.id, { ...st, truth });
    if (!truth) m.resolveItself(rule.id, `${acct}'s daily loss is back within ${limit} % (${snap.dailyPnlPct.toFixed(2)} %)`);
    else out.push({ message: `${acct}: daily loss ${(-snap.dailyPnlPct).toFixed(2)} % is beyond ${limit} %`, values: { dailyPnlPct: snap.dailyPnlPct, thresholdPct: limit }, at: now, key: `daily:${now}` });
    return out;
  }
  const limit = c.thresholdPct ?? 0;
  const now_over = exposures(snap.equity, snap.positions).filter((x) => x.pct > limit);
  const before = new Set(st.over ?? []);
  const after = new Set(now_over.map((x) => x.symbol));
  if (before.size === after.size && [...after].every((s) => before.has(s))) return [];
  m.saveState(rule.id, { ...st, over: [...after] });
  for (const s of before) if (!after.has(s)) m.resolveItself(rule.id, `${s} exposure is back within ${limit} % of equity`, (a) => a.symbol === s);
  for (const x of now_over) {
    if (before.has(x.symbol)) continue;
    out.push({ message: `${acct}: exposure on ${x.symbol} is ${x.pct.toFixed(1)} % of equity, beyond ${limit} %`, values: { exposurePct: x.pct, thresholdPct: limit }, at: now, key: `exposure:${x.symbol}:${now}`, symbol: x.symbol });
  }
  return out;
}

export function evalHealth(m: AlertsModule, rule: AlertRule, health: readonly SourceHealth[]): Firing[] {
  const c = rule.condition as HealthConditionT;
  const h = health.find((x) => x.source === c.source);
  const now = m.ports.clock(c.source);
  const st = m.stateOf(rule.id);
  const match = h ? healthMatches(c.status, h) : false;
  if (!match) {
    if (st.since != null) {
      m.saveState(rule.id, { ...st, since: null, fired: false });
      if (st.fired) m.resolveItself(rule.id, `${c.source} is no longer ${c.status.replace('_', ' ')} (now ${h?.status ?? 'gone'})`);
    }
    return [];
  }
  const since = st.since ?? now;
  if (st.since == null) m.saveState(rule.id, { ...st, since, fired: false });
  if (st.fired || now - since < c.forMinutes * 60_000) return [];
  m.saveState(rule.id, { ...m.stateOf(rule.id), since, fired: true });
  const err = h?.lastError ? `: ${h.lastError.message}` : '';
  return [{ message: `${c.source} has been ${c.status.replace('_', ' ')} for ${Math.max(c.forMinutes, Math.round((now - since) / 60_000))} min${err}`, values: { status: h?.status ?? null, circuit: h?.circuit ?? null, since }, at: now, key: `health:${since}`, source: c.source }];
}
