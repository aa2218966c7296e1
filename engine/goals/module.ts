/**
 * The goals engine: goals per account, their status on engine time, daily snapshots at 23:59 UTC
 * (exactly one per goal per day, restart-safe), `goal.status` events and notifications on each
 * status change (recorded before they are told, so a restart never repeats them), and the two
 * hooks the order engine asks: the sizing factor for signal orders and the drawdown limit.
 */
import { ApiError } from '../api/errors';
import type { Account } from '../api/commands/orders';
import type { Goal, GoalAdjustment, GoalPriority, GoalSizing, GoalSnapshot, GoalStance, GoalStatus, GoalStatusWord } from '../api/commands/goals';
import { GoalsRepo } from '../../db/repos/goals';
import { SettingsRepo } from '../../db/repos/settings';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotifyModule } from '../notify/module';
import { D } from '../orders/decimal';
import { describeGoal, figure, STATUS_WORDS } from './describe';
import { dueSnapshotTimes } from './snapshots';
import { applySetting, chooseRule } from './sizing';
import { drawdownLimitFor, stanceFor, stanceSentence } from './stance';
import { computeStatus, dayKey, periodOf } from './status';
import { DEFAULT_LABELS, STARTER_GOALS, defaultGoalSizing, type GoalsOrdersPort, type StatusInputs } from './types';

const STARTERS_KEY = 'goals.startersCreated';
export const PRIORITY: Record<GoalStatusWord, GoalPriority> = { achieved: 'low', on_track: 'low', at_risk: 'medium', behind: 'high' };
const SEVERITY: Record<GoalPriority, 'info' | 'warning' | 'error'> = { low: 'info', medium: 'warning', high: 'error' };

export interface GoalsOptions {
  /** How often (wall ms) snapshots, status changes, sizing and stance are checked. */
  tickMs: number;
}

export class GoalsModule implements EngineModule {
  readonly name = 'goals';
  readonly repo: GoalsRepo;
  private readonly settings: SettingsRepo;
  private readonly stances = new Map<number, GoalStance>();
  private timer: NodeJS.Timeout | null = null;
  private readonly opts: GoalsOptions;

  constructor(
    private readonly ctx: EngineContext,
    private readonly notify: NotifyModule,
    private readonly orders: GoalsOrdersPort,
    opts: Partial<GoalsOptions> = {},
  ) {
    this.repo = new GoalsRepo(ctx.db);
    this.settings = new SettingsRepo(ctx.db);
    this.opts = { tickMs: 250, ...opts };
  }

  start(): void {
    this.createStarters();
    for (const a of this.orders.accounts()) {
      const st = this.repo.state(a.id);
      if (st) this.stances.set(a.id, st.stance);
    }
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private now(): number {
    return this.ctx.clock();
  }

  /** The three starter goals on the paper account, once per install (editing or deleting them sticks). */
  private createStarters(): void {
    if (this.settings.get<boolean>(STARTERS_KEY)) return;
    const paper = this.orders.accounts().find((a) => a.kind === 'paper' && a.isDefault) ?? this.orders.accounts().find((a) => a.kind === 'paper');
    this.ctx.db.transaction(() => {
      if (paper) for (const s of STARTER_GOALS) this.create(paper, { type: s.type, target: s.target, label: s.label });
      this.settings.set(STARTERS_KEY, true);
    })();
  }

  // ───────────────────────────── accounts and goals ─────────────────────────────

  /** Unknown accounts are bad input naming the field (400), as the issue asks. */
  private accountOf(id: number | undefined): Account {
    try {
      return this.orders.account(id);
    } catch {
      throw new ApiError('BAD_INPUT', `account: unknown account ${id}`, { field: 'account', account: id });
    }
  }

  private goalOf(id: number): Goal {
    const g = this.repo.get(id);
    if (!g) throw new ApiError('NOT_FOUND', `id: unknown goal ${id}`, { field: 'id', id });
    return g;
  }

  private checkDeadline(type: Goal['type'], deadline: number | undefined, now: number): void {
    if (deadline === undefined) return;
    if (type !== 'portfolio_value') throw new ApiError('BAD_INPUT', 'deadline: only portfolio_value goals have a deadline (monthly goals run per calendar month)', { field: 'deadline' });
    if (deadline <= now) throw new ApiError('BAD_INPUT', `deadline: ${new Date(deadline).toISOString()} is in the past (engine time ${new Date(now).toISOString()})`, { field: 'deadline', deadline, now });
  }

  create(a: Account, i: { type: Goal['type']; target: number; label?: string; deadline?: number }): Goal {
    const now = this.now();
    this.checkDeadline(i.type, i.deadline, now);
    const startEquity = D.roundTo(this.orders.equity(a.id), '0.00000001');
    const draft = { accountId: a.id, type: i.type, target: i.target, label: i.label ?? DEFAULT_LABELS[i.type], deadline: i.type === 'portfolio_value' ? (i.deadline ?? null) : null, startEquity, createdAt: now };
    const initial = computeStatus({ goal: { ...draft, id: 0 }, asOf: now, equity: Number(startEquity), startEquity: Number(startEquity), income: 0 });
    const g = this.repo.insert(draft, initial.status, initial.periodStart);
    if (g.type === 'portfolio_value' && g.deadline === null) this.repo.update(g.id, { deadline: initial.periodEnd }, now);
    return this.repo.get(g.id)!;
  }

  // ───────────────────────────── status ─────────────────────────────

  private inputs(g: Goal, asOf: number, live: boolean): StatusInputs {
    const equityNow = (): number => Number(this.orders.equity(g.accountId));
    const equity = live ? equityNow() : Number(this.repo.equityAt(g.accountId, asOf) ?? this.orders.equity(g.accountId));
    const { start } = periodOf(g, asOf);
    let startEquity = Number(g.startEquity);
    if (g.type === 'monthly_return' && start > g.createdAt) startEquity = Number(this.repo.firstEquityBetween(g.accountId, start, asOf) ?? equity);
    let income = 0;
    if (g.type === 'monthly_income') {
      let sum = '0';
      for (const f of this.repo.fillsBetween(g.accountId, start, asOf)) sum = D.sub(D.add(sum, f.realizedPnl), f.fee);
      income = Number(sum);
    }
    return { goal: g, asOf, equity, startEquity, income };
  }

  statusOf(g: Goal, asOf = this.now(), live = true): GoalStatus {
    return computeStatus(this.inputs(g, asOf, live));
  }

  statuses(accountId?: number): GoalStatus[] {
    const now = this.now();
    return this.repo.list(accountId).map((g) => this.statusOf(g, now));
  }

  // ───────────────────────────── sizing and stance ─────────────────────────────

  sizing(accountId: number, statuses = this.statuses(accountId)): GoalSizing {
    const a = this.orders.account(accountId);
    const limits = this.orders.limits(accountId);
    const setting = limits.goalSizing ?? defaultGoalSizing(a.kind);
    const stage = this.orders.stage(accountId);
    const choice = chooseRule({ statuses, stage, quote: a.quoteCurrency, asOf: this.now() });
    const applied = applySetting(choice, setting);
    const { stance } = stanceFor(statuses);
    return {
      accountId,
      factor: applied.factor,
      rule: applied.rule,
      reason: applied.reason,
      stance,
      inputs: {
        enabled: setting.enabled,
        min: setting.min,
        max: setting.max,
        ruleFactor: choice.factor,
        riskStage: stage,
        ...choice.counts,
        meanPace: choice.meanPace,
        portfolioProgressPct: choice.portfolioProgressPct,
        drawdownLimitPct: drawdownLimitFor(stance, limits),
        maxDrawdownPct: limits.maxDrawdownPct,
        protectiveDrawdownPct: limits.protectiveDrawdownPct ?? 2,
      },
    };
  }

  /** Updates the stance first (the drawdown limit reads it), then logs any change of factor or stance. */
  evaluate(accountId: number, statuses = this.statuses(accountId)): GoalSizing {
    const a = this.orders.account(accountId);
    const st = stanceFor(statuses);
    const before = this.repo.state(accountId) ?? { factor: 1, rule: 6, stance: 'normal' as GoalStance };
    this.stances.set(accountId, st.stance);
    const s = this.sizing(accountId, statuses);
    if (before.stance === s.stance && before.factor === s.factor && this.repo.state(accountId)) return s;
    const now = this.now();
    const limits = this.orders.limits(accountId);
    const logged: GoalAdjustment[] = [];
    this.ctx.db.transaction(() => {
      if (before.stance !== s.stance) {
        logged.push(this.repo.insertAdjustment({ accountId, ts: now, kind: 'stance', factor: s.factor, rule: s.rule, stance: s.stance, sentence: stanceSentence(s.stance, st.goal, limits, a.quoteCurrency) }));
      }
      if (before.factor !== s.factor) {
        logged.push(this.repo.insertAdjustment({ accountId, ts: now, kind: 'sizing', factor: s.factor, rule: s.rule, stance: s.stance, sentence: `Sizing ×${s.factor}: ${s.reason}` }));
      }
      this.repo.setState(accountId, { factor: s.factor, rule: s.rule, stance: s.stance }, now);
    })();
    return s;
  }

  /** Hook for the order engine: the factor on signal sizing, and the words recorded on the intent. */
  sizingFactor(accountId: number): { factor: number; reason: string } {
    const s = this.evaluate(accountId);
    return { factor: s.factor, reason: s.rule === 0 ? s.reason : `×${s.factor} (rule ${s.rule}): ${s.reason}` };
  }

  /** Hook for the order engine: the drawdown limit in force (protective while a portfolio goal is ≥ 90 %). */
  drawdownLimit(accountId: number): number {
    const limits = this.orders.limits(accountId);
    let stance = this.stances.get(accountId);
    if (stance === undefined) {
      stance = this.repo.state(accountId)?.stance ?? stanceFor(this.statuses(accountId)).stance;
      this.stances.set(accountId, stance);
    }
    return drawdownLimitFor(stance, limits);
  }

  // ───────────────────────────── snapshots and status changes ─────────────────────────────

  private snapshotRow(s: GoalStatus, kind: 'daily' | 'manual'): Omit<GoalSnapshot, 'id'> {
    return { goalId: s.id, day: dayKey(s.asOf), kind, ts: s.asOf, current: s.current, expected: s.expected, target: s.target, progressPct: s.progressPct, pace: s.pace, status: s.status, periodStart: s.periodStart };
  }

  /** Daily snapshots due for every goal (as of each day's 23:59); returns how many were written. */
  takeDailySnapshots(now = this.now()): number {
    let written = 0;
    for (const g of this.repo.list()) {
      const last = this.repo.latestSnapshot(g.id, 'daily');
      const due = dueSnapshotTimes(g.createdAt, last?.ts ?? null, now);
      if (due.length === 0) continue;
      this.ctx.db.transaction(() => {
        for (const t of due) if (this.repo.insertSnapshot(this.snapshotRow(this.statusOf(g, t, false), 'daily'))) written++;
      })();
    }
    return written;
  }

  /** One notification and one `goal.status` event per change, recorded first so a restart never repeats it. */
  private checkStatusChanges(goals: readonly Goal[], statuses: readonly GoalStatus[]): void {
    goals.forEach((g, i) => {
      const s = statuses[i]!;
      const last = this.repo.lastStatus(g.id);
      if (last.status === s.status) return;
      const a = this.orders.account(g.accountId);
      this.ctx.db.transaction(() => {
        if (!this.repo.setLastStatus(g.id, last.status, s.status, s.periodStart)) return;
        const priority = PRIORITY[s.status];
        const was = last.status ? ` (was ${STATUS_WORDS[last.status]})` : '';
        this.notify.notify({
          kind: 'goal',
          severity: SEVERITY[priority],
          title: `Goal ${STATUS_WORDS[s.status]}: ${g.label}${was}`,
          body: `${describeGoal(s, a.quoteCurrency)}. Target ${figure(s, s.target, a.quoteCurrency)}, ${s.daysLeft} days left.`,
          refType: 'goal',
          refId: `${g.id}:${s.periodStart}:${s.status}`,
        });
        this.ctx.bus.publish('goal.status', { ...s, goalId: g.id, from: last.status, priority });
      })();
    });
  }

  tick(): void {
    try {
      this.takeDailySnapshots();
      // Statuses once per account per tick: status changes, then sizing and stance from the same figures.
      const now = this.now();
      for (const a of this.orders.accounts()) {
        const goals = this.repo.list(a.id);
        if (goals.length === 0 && !this.repo.state(a.id)) continue;
        const statuses = goals.map((g) => this.statusOf(g, now));
        this.checkStatusChanges(goals, statuses);
        this.evaluate(a.id, statuses);
      }
    } catch (err) {
      console.error('[goals] tick failed:', err);
    }
  }

  // ───────────────────────────── contract ─────────────────────────────

  readonly handlers: Partial<Handlers> = {
    'goals.list': ({ account }) => this.repo.list(account === undefined ? undefined : this.accountOf(account).id),
    'goals.create': (i) => {
      const a = this.accountOf(i.account);
      const g = this.create(a, i);
      this.evaluate(a.id);
      return g;
    },
    'goals.update': (i) => {
      const g = this.goalOf(i.id);
      this.checkDeadline(g.type, i.deadline, this.now());
      this.repo.update(g.id, { target: i.target, label: i.label, deadline: i.deadline }, this.now());
      this.evaluate(g.accountId);
      return this.goalOf(g.id);
    },
    'goals.delete': ({ id }) => {
      const g = this.goalOf(id);
      const deleted = this.repo.delete(g.id);
      this.evaluate(g.accountId);
      return { deleted };
    },
    'goals.status': ({ account }) => this.statuses(account === undefined ? undefined : this.accountOf(account).id),
    'goals.history': ({ id, since }) => this.repo.history(this.goalOf(id).id, since ?? 0),
    'goals.snapshot': ({ account }) => {
      const a = this.accountOf(account);
      const now = this.now();
      return this.ctx.db.transaction(() =>
        this.repo.list(a.id).map((g) => {
          const row = this.snapshotRow(this.statusOf(g, now), 'manual');
          this.repo.insertSnapshot(row);
          return this.repo.latestSnapshot(g.id, 'manual')!;
        }),
      )();
    },
    'goals.sizing': ({ account }) => this.evaluate(this.accountOf(account).id),
    'goals.adjustments': ({ account, since, limit }) => this.repo.adjustments({ account: account === undefined ? undefined : this.accountOf(account).id, since, limit }),
  };
}
