import { z } from 'zod';
import { command, SourceId, SymbolSchema, TimeframeSchema } from './define';
import type { Ohlcv, Timeframe } from '../timeframes';

export interface CandleEvent {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  candle: Ohlcv;
}

export const marketCommands = {
  'market.symbols': command<string[]>()(
    'Symbols a source offers, unified ccxt style (BTC/USDT).',
    z.object({ source: SourceId }).strict(),
  ),
  'market.candles': command<Ohlcv[]>()(
    'Candles as ccxt OHLCV rows [ts, open, high, low, close, volume], ascending. Higher timeframes are aggregated from stored 1m bars where the source only stores 1m. The forming bar, if any, is last.',
    z
      .object({
        source: SourceId,
        symbol: SymbolSchema,
        timeframe: TimeframeSchema,
        limit: z.number().int().min(1).max(5000).optional(),
        since: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
} as const;

export interface MarketEvents {
  'candle.updated': CandleEvent;
  'candle.closed': CandleEvent;
}
export const MARKET_TOPICS = ['candle.updated', 'candle.closed'] as const satisfies readonly (keyof MarketEvents)[];
