/** The words for what happened to an order: one pure function, read by every view. */
import { describe, expect, it } from 'vitest';
import { describeOutcome, groupDigits } from '../../engine/api';

const intent = (o: Record<string, unknown> = {}) => ({ decision: 'EXECUTED' as const, reasonCode: 'EXEC_ORDER_PLACED' as const, reasonMessage: 'order placed', type: 'limit' as const, amount: '0.01', price: '64914.1', stopPrice: null, ...o }) as Parameters<typeof describeOutcome>[0];
const order = (o: Record<string, unknown> = {}) => ({ status: 'open' as const, type: 'limit' as const, amount: '0.01', filled: '0', avgPrice: null, price: '64914.1', stopPrice: null, ...o }) as Parameters<typeof describeOutcome>[1];

describe('describeOutcome', () => {
  it('a resting limit order is placed, not done', () => {
    expect(describeOutcome(intent(), order())).toEqual({ tone: 'placed', text: 'Limit order placed, resting at 64,914.1' });
    expect(describeOutcome(intent())).toEqual({ tone: 'placed', text: 'Limit order placed, resting at 64,914.1' });
  });
  it('a filled order says how much and at what price', () => {
    expect(describeOutcome(intent({ type: 'market', price: null }), order({ type: 'market', status: 'filled', filled: '0.01', avgPrice: '64956.9' }))).toEqual({ tone: 'filled', text: 'Filled 0.01 at 64,956.9' });
  });
  it('a market order not filled yet says it is placed', () => {
    expect(describeOutcome(intent({ type: 'market', price: null }), order({ type: 'market', price: null })).text).toBe('Market order placed, filling at the next price');
  });
  it('a kill-switch refusal reads as a refusal', () => {
    expect(describeOutcome(intent({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH', reasonMessage: 'kill switch is on: bad day' }))).toEqual({ tone: 'refused', text: 'Refused: kill switch is on' });
  });
  it('other refusals and failures carry the engine’s reason', () => {
    expect(describeOutcome(intent({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED', reasonMessage: 'risk gate (maxOpenPositions): 10 positions are open' }))).toEqual({ tone: 'refused', text: 'Refused: risk gate (maxOpenPositions): 10 positions are open' });
    expect(describeOutcome(intent({ decision: 'FAILED', reasonCode: 'INSUFFICIENT_FUNDS', reasonMessage: 'insufficient funds' }))).toEqual({ tone: 'failed', text: 'Failed: insufficient funds' });
  });
  it('a close under the kill switch says it was allowed; a repeated key says nothing new was placed', () => {
    const close = intent({ type: 'market', price: null, reasonMessage: 'order placed: sell 0.02 BTC/USDT market (paper), reduce-only, allowed while the kill switch is on' });
    expect(describeOutcome(close, order({ type: 'market', status: 'filled', filled: '0.02', avgPrice: '60000' })).text).toBe('Filled 0.02 at 60,000 (reduce-only, allowed while the kill switch is on)');
    expect(describeOutcome({ ...intent()!, duplicate: true }).text).toBe('Limit order placed, resting at 64,914.1 — already sent under this key, nothing new placed');
  });
  it('undecided, partly filled and canceled orders', () => {
    expect(describeOutcome(intent({ decision: null })).tone).toBe('pending');
    expect(describeOutcome(intent(), order({ filled: '0.004', avgPrice: '64900' })).text).toBe('Partly filled 0.004 of 0.01 at 64,900');
    expect(describeOutcome(intent(), order({ status: 'canceled' }))).toEqual({ tone: 'canceled', text: 'Placed, then canceled before any fill' });
  });
  it('groups digits without changing the decimals', () => {
    expect(groupDigits('1234567.891')).toBe('1,234,567.891');
    expect(groupDigits('-950')).toBe('-950');
  });
});
