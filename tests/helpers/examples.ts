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
  'notifications.list': { limit: 10 },
  'notifications.markDelivered': { ids: [1], channel: 'browser' },
  'notifications.markRead': { ids: [1] },
  // [examples: indicators]
  // [examples: signals]
  // [examples: orders]
};
