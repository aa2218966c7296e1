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
  'market.sim.setSpeed': { speed: 1 },
  // [examples: collector]
  'market.sources.list': {},
  'market.sources.add': { id: 'binance', kind: 'ccxt', exchange: 'binance', symbols: ['BTC/USDT'], timeframes: ['1m'], enabled: false },
  'market.sources.update': { id: 'binance', timeframes: ['1m', '1h'] },
  'market.sources.enable': { id: 'binance', enabled: false },
  'market.sources.remove': { id: 'binance' },
  'market.exchanges': {},
  'market.health': {},
  'market.backfill': { source: 'binance', symbol: 'BTC/USDT', timeframe: '1h', since: 1704067200000 },
  'market.backfill.list': { limit: 10 },
  'market.backfill.cancel': { id: 1 },
  'market.gaps': { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m' },
  'market.import': { source: 'sim', symbol: 'IMPORT/TEST', timeframe: '1h', path: '/tmp/signaldesk-example-export.csv' },
  'market.export': { source: 'sim', symbol: 'BTC/USDT', timeframe: '1h', path: '/tmp/signaldesk-example-export.csv' },
  'notifications.list': { limit: 10 },
  'notifications.markDelivered': { ids: [1], channel: 'browser' },
  'notifications.markRead': { ids: [1] },
  // [examples: indicators]
  'indicators.profiles': {},
  'indicators.series': { source: 'sim', symbol: 'BTC/USDT', timeframe: '5m', profile: 'trend_follow_v1', limit: 50 },
  // [examples: signals]
  'signals.channels.list': {},
  'signals.channels.create': { name: 'Example', strategies: [{ id: 'ema_cross', params: {} }], symbols: { source: 'sim', symbols: ['BTC/USDT'] }, timeframe: '5m' },
  'signals.channels.update': { id: 1, minConfidence: 0.5 },
  'signals.channels.delete': { id: 1 },
  'signals.strategies': {},
  'signals.list': { limit: 10 },
  'signals.ack': { ids: [] },
  'signals.snooze': { ids: [], minutes: 15 },
  'signals.pause': { paused: false },
  'signals.status': {},
  'signals.performance': {},
  // [examples: orders]
  'accounts.list': {},
  'accounts.create': { name: 'Paper 2', kind: 'paper', startingBalance: '5000' },
  'accounts.update': { id: 1, name: 'Paper' },
  'orders.place': { symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '1000', amount: '0.01', idempotencyKey: 'example-1' },
  'orders.list': {},
  'orders.intents': { limit: 10 },
  'orders.cancel': { all: true },
  'orders.fills': {},
  'orders.market': { symbol: 'BTC/USDT' },
  'orders.status': {},
  'positions.list': {},
  'positions.close': { symbol: 'BTC/USDT' },
  'positions.equity': {},
  'risk.get': {},
  'risk.update': { limits: { maxOpenPositions: 10 } },
  'system.killSwitch': { on: false },
  'diagnostics.invariants': { hours: 24 },
  'signals.execute': { id: 1 },
};
