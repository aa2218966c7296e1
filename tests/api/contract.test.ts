import { describe, expect, it } from 'vitest';
import { ApiError, commands, parseInput, assertCommand, EVENT_TOPICS } from '../../engine/api';

describe('contract', () => {
  it('validates input with structured errors naming the field', () => {
    try {
      parseInput('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '3m' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      const err = e as ApiError;
      expect(err.code).toBe('BAD_INPUT');
      expect(err.status).toBe(400);
      expect(JSON.stringify(err.details)).toContain('timeframe');
    }
  });

  it('rejects unknown fields and wrong types', () => {
    expect(() => parseInput('market.symbols', { source: 'sim', extra: 1 })).toThrow(ApiError);
    expect(() => parseInput('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 0 })).toThrow(/Invalid input/);
    expect(() => parseInput('market.candles', { source: 'sim', symbol: 'not a symbol', timeframe: '1m' })).toThrow(ApiError);
  });

  it('accepts a missing body for commands without input', () => {
    expect(parseInput('system.info', undefined)).toEqual({});
  });

  it('names unknown commands with UNKNOWN_COMMAND (404)', () => {
    try {
      assertCommand('market.nope');
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).code).toBe('UNKNOWN_COMMAND');
      expect((e as ApiError).status).toBe(404);
    }
  });

  it('declares the fixed command names and topics', () => {
    expect(Object.keys(commands)).toEqual(expect.arrayContaining(['system.health', 'system.info', 'market.symbols', 'market.candles']));
    expect(EVENT_TOPICS).toEqual(expect.arrayContaining(['candle.updated', 'candle.closed']));
  });
});
