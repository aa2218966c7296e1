/** Native popups: the line a signal popup carries with the size Execute would place. */
import { describe, expect, it } from 'vitest';
import { sizeLine } from '../../electron/notifications';
import type { SignalPreview } from '../../engine/api';

const preview = (o: Partial<SignalPreview> = {}): SignalPreview => ({
  signalId: 5, accountId: 1, symbol: 'BTC/USDT', side: 'buy', entry: '60000', stopLoss: '59000', takeProfit: '62000', price: '60010', movePct: 0.0167, tolerancePct: 0.3,
  needsConfirmation: false, ok: true, amount: '0.033333', notional: '1999.98', equity: '10000', equityPct: 19.9998, riskToStop: '33.33', riskPct: 0.33, rule: 'risk 0.5 % of equity to the stop',
  capped: true, capNote: 'cut to the max position notional (from 0.05 to 0.033333)', reasonCode: null, message: null, killSwitchOn: false, ...o,
});

describe('native signal popup size line', () => {
  it('says amount, notional, % of equity, risk to stop, the rule and the cut', () => {
    expect(sizeLine(preview())).toBe('Execute: 0.033333 BTC ≈ 1999.98 USDT (20.00 % of equity), risk to stop 33.33 — risk 0.5 % of equity to the stop, cut to the max position notional');
    expect(sizeLine(preview({ capped: false }))).toBe('Execute: 0.033333 BTC ≈ 1999.98 USDT (20.00 % of equity), risk to stop 33.33 — risk 0.5 % of equity to the stop');
  });
  it('says why Execute would be refused when sizing fails', () => {
    expect(sizeLine(preview({ ok: false, message: '0.00001 BTC is below the minimum amount' }))).toBe('Execute would be refused: 0.00001 BTC is below the minimum amount');
  });
});
