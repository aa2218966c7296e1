/** Daily realized P&L totals are summed exactly on the engine's decimal strings. */
import { describe, expect, it } from 'vitest';
import { sumDecimals } from '../../renderer/src/format/decimal-sum';

describe('sumDecimals', () => {
  it('sums decimal strings exactly', () => {
    expect(sumDecimals(['1.941', '-0.03'])).toBe('1.911');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['-0.09', '0.05'])).toBe('-0.04');
    expect(sumDecimals(['16.37001', '-0.09', '1.823001'])).toBe('18.103011');
    expect(sumDecimals([])).toBe('0');
  });
});
