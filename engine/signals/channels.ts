/**
 * Channel rules: a channel's strategies, profile and symbols checked against the registry and
 * the market before it is stored, the default gates, and the channel a fresh install starts with.
 */
import { ApiError } from '../api/errors';
import { ChannelInputSchema, type ChannelGates } from '../api/commands/signals';
import type { ChannelData, ChannelsRepo } from '../../db/repos/signals';
import type { SettingsRepo } from '../../db/repos/settings';
import { getProfile, PROFILE_NAMES } from '../indicators';
import { parseParams } from '../strategies/registry';
import type { MarketReader } from './planner';

export const STARTER_KEY = 'signals.starterChannel';
/**
 * The channel a fresh install starts with (journey "First start, no network, no keys"): the
 * simulated market's three busiest symbols on 1m, so signals, popups and the order ticket can be
 * tried at once. Created once; deleting or editing it is respected.
 */
export const STARTER_CHANNEL = {
  name: 'Starter (simulated market)',
  strategies: [
    { id: 'ema_cross', params: {} },
    { id: 'breakout', params: {} },
  ],
  symbols: { source: 'sim', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] },
  timeframe: '1m',
  minConfidence: 0.4,
  cooldownMinutes: 15,
  maxPerDay: 60,
} as const;
export const DEFAULT_GATES: ChannelGates = { staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 1 };

export async function validateChannel(market: Pick<MarketReader, 'symbols'>, d: ChannelData): Promise<ChannelData> {
  const strategies = d.strategies.map((s) => ({ id: s.id, params: parseParams(s.id, s.params), ...(s.paused ? { paused: true } : {}) }));
  if (d.profile !== null && !getProfile(d.profile)) {
    throw new ApiError('BAD_INPUT', `Unknown feature profile: ${d.profile} (known: ${PROFILE_NAMES.join(', ')})`, { profile: d.profile });
  }
  let offered: string[];
  try {
    offered = await market.symbols(d.symbols.source);
  } catch (e) {
    if (e instanceof ApiError) throw new ApiError('BAD_INPUT', `Unknown source: ${d.symbols.source}`, { source: d.symbols.source });
    throw e;
  }
  if ('symbols' in d.symbols) {
    const set = new Set(offered);
    const unknown = d.symbols.symbols.filter((x) => !set.has(x));
    if (unknown.length) throw new ApiError('BAD_INPUT', `Symbols not offered by ${d.symbols.source}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''}`, { unknown });
    d = { ...d, symbols: { source: d.symbols.source, symbols: [...new Set(d.symbols.symbols)] } };
  }
  return { ...d, strategies };
}

/** Creates the starter channel once, on a fresh database: with the starter's symbols the sim offers (a sim started with --sim-symbols N may lack some), else its first three. */
export async function ensureStarterChannel(channels: ChannelsRepo, settings: SettingsRepo, market: MarketReader, now: () => number): Promise<void> {
  if (settings.get<boolean>(STARTER_KEY) !== undefined) return;
  settings.set(STARTER_KEY, true);
  if (channels.list().length > 0) return;
  const offered = await market.symbols(STARTER_CHANNEL.symbols.source);
  const wanted: string[] = STARTER_CHANNEL.symbols.symbols.filter((x) => offered.includes(x));
  const symbols = wanted.length ? wanted : offered.slice(0, 3);
  if (!symbols.length) return;
  const d = await validateChannel(market, ChannelInputSchema.parse({ ...STARTER_CHANNEL, symbols: { source: STARTER_CHANNEL.symbols.source, symbols } }));
  channels.insert(d, now());
}
