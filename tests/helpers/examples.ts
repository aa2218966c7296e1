/**
 * One valid input per contract command, used to check that every command is wired through
 * every transport. A new command must add its example here (one block per area).
 */
import type { CommandName } from '../../engine/api';

export const EXAMPLES: Record<CommandName, unknown> = {
  'system.health': {},
  'system.info': {},
  'market.symbols': { source: 'sim' },
  'market.candles': { source: 'sim', symbol: 'BTC/USDT', timeframe: '5m', limit: 5 },
  // [examples: collector]
  // [examples: notify]
  // [examples: indicators]
  // [examples: signals]
  // [examples: orders]
};
