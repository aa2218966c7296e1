/**
 * Size before Execute: signals.preview shows what Execute would do, by the same sizing as the
 * execution; a price move beyond the tolerance asks for confirmation. New paper accounts start
 * with careful limits; existing accounts keep theirs.
 */
import { describe, expect } from 'vitest';
import { parseInput, type CommandName, type RiskLimits, type SignalExecution, type SignalPreview } from '../../engine/api';
import { it, rig, type Rig } from './setup';

const call = <T>(r: Rig, name: string, input: Record<string, unknown>): Promise<T> =>
  r.call(name as CommandName, input) as Promise<T>;

function insertSignal(rr: Rig, s: { side?: string; entry: number; stop: number; target: number }): number {
  const row = { channel_id: 1, autopilot: 0, source: 'sim', symbol: 'BTC/USDT', timeframe: '15m', strategy: 'breakout', bar_time: 0, side: s.side ?? 'buy', entry: s.entry, stop_loss: s.stop, take_profit: s.target, confidence: 0.78, reasons: '["broke the 20-bar high"]', status: 'delivered', reject_reason: null, created_at: Date.now() };
  return Number(rr.db.prepare(`INSERT INTO signals (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row)).lastInsertRowid);
}

describe('new paper accounts start careful; existing ones keep their limits', () => {
  it('the first-start paper account: max position notional 20 % of equity, signal sizing risk 0.5 %, tolerance 0.3 %', async ({ track }) => {
    const r = track(await rig({ existingAccount: false }));
    const { limits } = await call<{ limits: RiskLimits }>(r, 'risk.get', {});
    expect(limits).toMatchObject({ maxPositionNotional: '2000', signalSizing: { mode: 'riskPercent', value: '0.5' }, priceMoveTolerancePct: 0.3 });
  });
  it('a paper account created later is sized on its own starting balance; a live one keeps the engine defaults', async ({ track }) => {
    const r = track(await rig({ existingAccount: false }));
    const p = await call<{ id: number }>(r, 'accounts.create', { name: 'Small', kind: 'paper', startingBalance: '2500' });
    expect((await call<{ limits: RiskLimits }>(r, 'risk.get', { account: p.id })).limits).toMatchObject({ maxPositionNotional: '500', signalSizing: { mode: 'riskPercent', value: '0.5' } });
    const l = await call<{ id: number }>(r, 'accounts.create', { name: 'Live', kind: 'live', apiKey: 'k', secret: 's' });
    expect((await call<{ limits: RiskLimits }>(r, 'risk.get', { account: l.id })).limits).toMatchObject({ maxPositionNotional: '5000', signalSizing: { mode: 'riskPercent', value: '1' } });
  });
  it('an existing account keeps its settings (nothing stored is rewritten on start)', async ({ track }) => {
    let r = track(await rig());
    await call(r, 'risk.update', { limits: { maxPositionNotional: '7777' } });
    r = track(await r.restart());
    expect((await call<{ limits: RiskLimits }>(r, 'risk.get', {})).limits).toMatchObject({ maxPositionNotional: '7777', signalSizing: { mode: 'riskPercent', value: '1' } });
  });
});

describe('signals.preview', () => {
  it('shows amount, notional, % of equity, risk to the stop, the rule, and the cut to the max position notional', async ({ track }) => {
    const r = track(await rig({ existingAccount: false }));
    r.price('BTC/USDT', 60000);
    const id = insertSignal(r, { entry: 60000, stop: 59000, target: 62000 });
    const p = await call<SignalPreview>(r, 'signals.preview', { id });
    // risk 0.5 % of 10,000 = 50 over a 1,000 stop distance = 0.05 BTC = 3,000 USDT > 2,000: cut to 2,000 / 60,000.
    expect(p).toMatchObject({
      signalId: id,
      ok: true,
      price: '60000',
      movePct: 0,
      needsConfirmation: false,
      amount: '0.033333',
      notional: '1999.98',
      equity: '10000',
      riskToStop: '33.33',
      rule: 'risk 0.5 % of equity to the stop',
      capped: true,
      capNote: 'cut to the max position notional (from 0.05 to 0.033333)',
      killSwitchOn: false,
    });
    expect(p.equityPct).toBeCloseTo(19.9998, 6);
    expect(p.riskPct).toBeCloseTo(0.33333, 6);
  });

  it('asks for confirmation beyond the tolerance, and Execute then places exactly the previewed amount', async ({ track }) => {
    const r = track(await rig({ existingAccount: false }));
    r.price('BTC/USDT', 60300);
    const id = insertSignal(r, { entry: 60000, stop: 59000, target: 62000 });
    const p = await call<SignalPreview>(r, 'signals.preview', { id });
    expect(p.movePct).toBeCloseTo(0.5, 9);
    expect(p.needsConfirmation).toBe(true);
    expect(p.amount).toBe('0.033167');
    const x = await call<SignalExecution>(r, 'signals.execute', { id });
    expect(x.intent).toMatchObject({ decision: 'EXECUTED', amount: '0.033167' });
    await call(r, 'risk.update', { limits: { priceMoveTolerancePct: 1 } });
    expect((await call<SignalPreview>(r, 'signals.preview', { id })).needsConfirmation).toBe(false);
  });

  it('an uncut size says so; a size below the minimum says why Execute would be refused', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    const id = insertSignal(r, { entry: 60000, stop: 58000, target: 64000 });
    // risk 1 % of 10,000 = 100 over 2,000 = 0.05 BTC = 3,000 USDT, inside the 5,000 limit.
    expect(await call<SignalPreview>(r, 'signals.preview', { id })).toMatchObject({ ok: true, amount: '0.05', notional: '3000', riskToStop: '100', capped: false, capNote: null, rule: 'risk 1 % of equity to the stop' });
    await call(r, 'risk.update', { limits: { signalSizing: { mode: 'quoteAmount', value: '1' } } });
    expect(await call<SignalPreview>(r, 'signals.preview', { id })).toMatchObject({ ok: false, reasonCode: 'MIN_NOTIONAL_NOT_MET', amount: null, rule: 'fixed notional 1' });
  });

  it('an unknown signal answers SIGNAL_NOT_FOUND like signals.execute; bad input names the field', async ({ track }) => {
    const r = track(await rig());
    expect(await call<SignalPreview>(r, 'signals.preview', { id: 999 })).toMatchObject({ ok: false, reasonCode: 'SIGNAL_NOT_FOUND', message: 'signal 999 does not exist', amount: null });
    await expect(call(r, 'signals.preview', { id: 1, account: 42 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => parseInput('signals.preview', { id: 'x' })).toThrow(/id/);
  });
});
