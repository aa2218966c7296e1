/**
 * Every keyboard action of the app, declared once: its id, key, label, group and scope. A component
 * binds an entry to what it runs while it is mounted (`keyAction(id, run)`), so the key handler and
 * the help (?) know what works now, while the Settings list reads the whole catalogue and shows a
 * view's keys before the view was ever opened. The "Go to" view keys and the timeframes are made
 * from the view and timeframe lists (App.tsx).
 */
import type { KeyAction } from './registry';

type KeyDecl = Omit<KeyAction, 'id' | 'run'>;

export const KEY_CATALOGUE = {
  'keyboard.palette': { group: 'Help', label: 'Command palette', keys: 'Ctrl+K', inFields: true },
  'keyboard.help': { group: 'Help', label: 'Keyboard shortcuts', keys: '?' },

  'orders.ticket': { group: 'Orders', label: 'Open order ticket', keys: 'T' },
  'orders.buy': { group: 'Orders', label: 'Buy the chart symbol', keys: 'B' },
  'orders.sell': { group: 'Orders', label: 'Sell the chart symbol', keys: 'S' },
  'orders.kill': { group: 'Orders', label: 'Kill switch (stop all new entries)', keys: 'K' },
  'orders.flatten': { group: 'Risk', label: 'Flatten all — close every open trade at market', keys: 'Shift+X', scope: 'orders' },
  'orders.focusPositions': { group: 'Orders', label: 'Focus the positions table', keys: 'P', scope: 'orders' },
  'orders.focusOrders': { group: 'Orders', label: 'Focus the open orders table', keys: 'O', scope: 'orders' },

  'sim.demoSpeed': { group: 'Market', label: 'Demo speed on / off (simulated market)' },

  'chart.oldest': { group: 'Chart', label: 'Load every stored bar and show the oldest', keys: 'Home', scope: 'chart' },
  'chart.newest': { group: 'Chart', label: 'Back to the newest bar', keys: 'End', scope: 'chart' },
  'chart.profileNext': { group: 'Chart', label: 'Next indicator profile', keys: 'I', scope: 'chart' },
  'chart.profilePrev': { group: 'Chart', label: 'Previous indicator profile', keys: 'Shift+I', scope: 'chart' },
  'chart.profileLightFull': { group: 'Chart', label: 'Indicators: light ↔ full profile', keys: 'F', scope: 'chart' },
  'chart.priceAlert': { group: 'Chart', label: 'Price alert at the cursor (or the last price)', keys: 'Alt+A', scope: 'chart', inFields: true },
  'watchlist.toggle': { group: 'Chart', label: 'Watchlist panel (show / hide)', keys: 'W', scope: 'chart' },
  'watchlist.add': { group: 'Chart', label: 'Add a symbol to the watchlist', keys: '+', scope: 'chart' },

  'signals.newChannel': { group: 'Signals', label: 'New signal channel', keys: 'N', scope: 'signals' },
  'signals.pause': { group: 'Signals', label: 'Pause / resume signals', keys: 'P', scope: 'signals' },
  'signals.focusFeed': { group: 'Signals', label: 'Focus the signal feed', keys: 'F', scope: 'signals' },

  'goals.new': { group: 'Goals', label: 'New goal', keys: 'N', scope: 'goals' },

  'alerts.newRule': { group: 'Alerts', label: 'New alert rule', keys: 'N', scope: 'alerts' },
  'alerts.focusList': { group: 'Alerts', label: 'Focus the alert list', keys: 'L', scope: 'alerts' },
  // In the focused list: handled by the list's own keys (bound: false), listed here.
  'alerts.ack': { group: 'Alerts', label: 'Acknowledge the selected alert', keys: 'A', scope: 'alerts', bound: false },
  'alerts.ackAll': { group: 'Alerts', label: 'Acknowledge every alert shown', keys: 'Shift+A', scope: 'alerts', bound: false },
  'alerts.resolve': { group: 'Alerts', label: 'Resolve the selected alert', keys: 'R', scope: 'alerts', bound: false },
  'alerts.snooze': { group: 'Alerts', label: 'Snooze the selected alert 15 min', keys: 'Z', scope: 'alerts', bound: false },
  'alerts.delete': { group: 'Alerts', label: 'Delete the selected alert', keys: 'Delete', scope: 'alerts', bound: false },
  'alerts.editRule': { group: 'Alerts', label: 'Edit the rule of the selected alert', keys: 'E', scope: 'alerts', bound: false },

  'strategies.rankBy': { group: 'Strategies', label: 'Choose the ranking metric', keys: 'R', scope: 'strategies' },
  'strategies.focusList': { group: 'Strategies', label: 'Focus the strategy results', keys: 'L', scope: 'strategies' },
  'strategies.pause': { group: 'Strategies', label: 'Pause / resume the selected strategy in its channel', keys: 'P', scope: 'strategies', bound: false },
  'strategies.edit': { group: 'Strategies', label: 'Edit the selected strategy\u2019s params', keys: 'E', scope: 'strategies', bound: false },

  'data.add': { group: 'Data sources', label: 'Add a data source', keys: 'N', scope: 'data' },
  'data.csv': { group: 'Data sources', label: 'Import / export CSV candles', keys: 'I', scope: 'data' },
  'data.edit': { group: 'Data sources', label: 'Edit the selected source', keys: 'E', scope: 'data' },
  'data.backfill': { group: 'Data sources', label: 'Back-fill the selected source', keys: 'F', scope: 'data' },
  'data.toggle': { group: 'Data sources', label: 'Enable / disable the selected source', keys: 'Space', scope: 'data', bound: false },
  'data.series.add': { group: 'Data sources', label: 'Add a series source (funding, open interest, book, HTTP JSON)', keys: 'Shift+S', scope: 'data' },

  'inbound.newSource': { group: 'Inbound', label: 'New inbound source (focus its name)', keys: 'N', scope: 'inbound' },
  'inbound.refresh': { group: 'Inbound', label: 'Refresh inbound events', keys: 'R', scope: 'inbound' },
} as const satisfies Record<string, KeyDecl>;

export type KeyId = keyof typeof KEY_CATALOGUE;

/**
 * The catalogue's action `id` bound to `run`. `label` may say more while it is mounted ("Buy
 * BTC/USDT" for "Buy the chart symbol"); the key, group and scope are the catalogue's.
 */
export function keyAction(id: KeyId, run: () => void, label?: string): KeyAction {
  return { id, ...(KEY_CATALOGUE[id] as KeyDecl), ...(label ? { label } : {}), run };
}

/** The whole catalogue as actions that do nothing (for lists). */
export function catalogueActions(): KeyAction[] {
  return (Object.keys(KEY_CATALOGUE) as KeyId[]).map((id) => keyAction(id, () => undefined));
}
