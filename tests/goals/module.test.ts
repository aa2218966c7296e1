import { describe, expect } from 'vitest';
import { GOAL_SIZING_CONFIRMATION, type GoalStatusEvent } from '../../engine/api';
import { ApiError } from '../../engine/api/errors';
import { rigTest as it } from '../helpers/rig';
import { goalsRig, type GoalsRig } from './rig';

const DAY = 86_400_000;

async function badInput(p: Promise<unknown>, field: string): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).code).toBe('BAD_INPUT');
  expect((e as ApiError).status).toBe(400);
  expect(JSON.stringify({ m: (e as ApiError).message, d: (e as ApiError).details })).toContain(field);
}

function insertSignal(rr: GoalsRig, stop: number) {
  const row = { channel_id: 1, autopilot: 1, source: 'sim', symbol: 'BTC/USDT', timeframe: '15m', strategy: 'breakout', bar_time: 0, side: 'buy', entry: 100, stop_loss: stop, take_profit: 120, confidence: 0.7, reasons: '[]', status: 'delivered', reject_reason: null, created_at: Date.now() };
  const id = Number(rr.db.prepare(`INSERT INTO signals (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row)).lastInsertRowid);
  return { id, channelId: 1, autopilot: true, source: 'sim', symbol: 'BTC/USDT', timeframe: '15m' as const, strategy: 'breakout', barTime: 0, side: 'buy' as const, entry: 100, stopLoss: stop, takeProfit: 120, confidence: 0.7, reasons: [], status: 'delivered' as const, rejectReason: null, createdAt: row.created_at };
}

describe('goals: CRUD, starters and bad input', () => {
  it('a fresh install has the three starter goals on the paper account, created once; edits and deletes stick across restarts', async ({ track }) => {
    let r = track(await goalsRig());
    const goals = await r.call('goals.list', {});
    expect(goals.map((g) => [g.type, g.target])).toEqual([['monthly_return', 10], ['monthly_income', 500], ['portfolio_value', 20_000]]);
    expect(goals.every((g) => g.accountId === r.orders.account().id)).toBe(true);
    expect(goals[2]!.deadline).toBe(Date.UTC(2031, 0, 1));
    await r.call('goals.update', { id: goals[0]!.id, target: 8, label: 'Eight a month' });
    await r.call('goals.delete', { id: goals[1]!.id });
    r = track(await r.restartAll());
    const after = await r.call('goals.list', {});
    expect(after.map((g) => [g.type, g.target, g.label])).toEqual([['monthly_return', 8, 'Eight a month'], ['portfolio_value', 20_000, 'Portfolio value']]);
  });

  it('bad input is a 400 naming the field and changes nothing', async ({ track }) => {
    const r = track(await goalsRig());
    const before = await r.call('goals.list', {});
    await badInput(r.call('goals.create', { type: 'weekly_return', target: 5 }), 'type');
    await badInput(r.call('goals.create', { type: 'monthly_return', target: 0 }), 'target');
    await badInput(r.call('goals.create', { type: 'monthly_income', target: -5 }), 'target');
    await badInput(r.call('goals.create', { type: 'portfolio_value', target: 30_000, deadline: r.clock.now - DAY }), 'deadline');
    await badInput(r.call('goals.create', { account: 99, type: 'monthly_return', target: 5 }), 'account');
    await badInput(r.call('goals.update', { id: before[0]!.id, target: -1 }), 'target');
    await badInput(r.call('goals.status', { account: 99 }), 'account');
    expect(await r.call('goals.list', {})).toEqual(before);
    await expect(r.call('goals.delete', { id: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('goals: status changes', () => {
  it('a status change raises one notification and one goal.status event, never repeated by a restart', async ({ track }) => {
    let r = track(await goalsRig());
    const income = (await r.call('goals.list', {})).find((g) => g.type === 'monthly_income')!;
    r.clock.now += 10 * DAY; // nothing earned a third of the month in: behind
    r.goals.tick();
    r.goals.tick();
    const events = () => r.events.filter((e) => e.topic === 'goal.status').map((e) => e.payload as GoalStatusEvent);
    const mine = events().filter((e) => e.goalId === income.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ from: 'on_track', status: 'behind', priority: 'high', type: 'monthly_income' });
    const notes = () => r.notify.repo.list({ kind: 'goal', limit: 100 }).filter((n) => n.refId?.startsWith(`${income.id}:`));
    expect(notes()).toHaveLength(1);
    expect(notes()[0]!.title).toBe('Goal behind: Monthly income (was on track)');
    r = track(await r.restartAll());
    r.goals.tick();
    expect(events().filter((e) => e.goalId === income.id)).toHaveLength(0);
    expect(notes()).toHaveLength(1);
  });
});

describe('goal-aware sizing', () => {
  it('the factor and its reason are recorded on an autopilot intent, and the sized order still passes the risk gate', async ({ track }) => {
    const r = track(await goalsRig());
    for (const g of await r.call('goals.list', {})) await r.call('goals.delete', { id: g.id });
    await r.call('goals.create', { type: 'monthly_income', target: 500, label: 'Income A' });
    await r.call('goals.create', { type: 'monthly_income', target: 300, label: 'Income B' });
    r.clock.now += 5 * DAY;
    r.price('BTC/USDT', 100);
    const sizing = await r.call('goals.sizing', {});
    expect(sizing).toMatchObject({ factor: 1.3, rule: 4, stance: 'normal', inputs: { behind: 2, enabled: true } });
    const s = insertSignal(r, 95);
    // The size preview says the factor and why, before Execute is pressed.
    const preview = await r.call('signals.preview', { id: s.id });
    expect(preview.rule).toBe('risk 1.3 % of equity to the stop — goal sizing ×1.3 (rule 4): 2 goals behind (income a and income b)');
    const publish = r.bus.publish.bind(r.bus) as unknown as (t: string, p: unknown) => void;
    publish('signal.created', s);
    await new Promise((res) => setTimeout(res, 30));
    const [intent] = r.orders.intents.bySignal(s.id);
    expect(intent).toMatchObject({ origin: 'autopilot', decision: 'EXECUTED', sizingFactor: 1.3 });
    expect(intent!.sizingReason).toBe('×1.3 (rule 4): 2 goals behind (income a and income b)');
    // 1 % × 1.3 of 10,000 at risk over a 5 USDT stop → 26 BTC.
    expect(r.orders.intents.request(intent!.id)).toMatchObject({ riskPercent: 1.3 });
    expect(intent!.amount).toBe('26');
    const adj = await r.call('goals.adjustments', {});
    expect(adj[0]).toMatchObject({ kind: 'sizing', factor: 1.3, rule: 4, sentence: 'Sizing ×1.3: 2 goals behind (income a and income b)' });
    // A manual order records no factor.
    const manual = await r.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', amount: '1' });
    expect(manual).toMatchObject({ sizingFactor: null, sizingReason: null });
  });

  it('goal sizing is on by default for paper accounts and off for live ones; turning it on for live asks for confirmation', async ({ track }) => {
    const r = track(await goalsRig());
    expect((await r.call('goals.sizing', {})).inputs.enabled).toBe(true);
    const live = await r.call('accounts.create', { name: 'Binance', kind: 'live', apiKey: 'k', secret: 's' });
    const off = await r.call('goals.sizing', { account: live.id });
    expect(off).toMatchObject({ factor: 1, rule: 0, inputs: { enabled: false } });
    expect((await r.call('risk.get', { account: live.id })).limits.goalSizing).toEqual({ enabled: false, min: 0.5, max: 1.3 });
    await expect(r.call('risk.update', { account: live.id, limits: { goalSizing: { enabled: true } } })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    expect((await r.call('goals.sizing', { account: live.id })).inputs.enabled).toBe(false);
    await r.call('risk.update', { account: live.id, limits: { goalSizing: { enabled: true, min: 0.8, max: 1.2 } }, confirm: GOAL_SIZING_CONFIRMATION });
    expect((await r.call('goals.sizing', { account: live.id })).inputs).toMatchObject({ enabled: true, min: 0.8, max: 1.2 });
  });
});

describe('protective drawdown stance', () => {
  it('while a portfolio goal is ≥ 90 % of target the drawdown limit is protectiveDrawdownPct, logged in words; new entries pause at it', async ({ track }) => {
    const r = track(await goalsRig());
    for (const g of await r.call('goals.list', {})) await r.call('goals.delete', { id: g.id });
    r.price('BTC/USDT', 100);
    r.orders.snapshot(r.orders.account());
    await r.call('risk.update', { limits: { protectiveDrawdownPct: 2 } });
    await r.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', amount: '40' });
    r.price('BTC/USDT', 100);
    expect(r.orders.positions.list()).toHaveLength(1);
    // 4,000 USDT of BTC; price falls 6 %: equity ≈ 9,760, a 2.4 % drawdown — under 5 %, over 2 %.
    r.clock.now += 60_000;
    r.price('BTC/USDT', 94);
    expect(r.orders.riskState(r.orders.account()).stage).toBe('normal');
    await r.call('goals.create', { type: 'portfolio_value', target: 10_500 });
    const sz = await r.call('goals.sizing', {});
    expect(sz).toMatchObject({ stance: 'protective', factor: 0.5, rule: 1, inputs: { drawdownLimitPct: 2, maxDrawdownPct: 5 } });
    expect(r.orders.riskState(r.orders.account()).stage).toBe('paused');
    const blocked = await r.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', amount: '1' });
    expect(blocked).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED' });
    expect(blocked.reasonMessage).toContain('2% limit');
    const adj = await r.call('goals.adjustments', {});
    expect(adj.find((a) => a.kind === 'stance')!.sentence).toMatch(/^Stance protective: portfolio value at 9\d\.\d % of 10,500 USDT — drawdown limit 2 % instead of 5 %$/);
    expect(adj.find((a) => a.kind === 'sizing')!.sentence).toMatch(/^Sizing ×0\.5: protective — portfolio value at 9\d\.\d %/);
  });
});
