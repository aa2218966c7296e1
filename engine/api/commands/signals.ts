/**
 * Signals area: signal channels, signals with quality-gate decisions, ack/snooze, the
 * global pause switch, and tracked outcomes. The `Signal` shape below is shared with the order
 * engine: extend it, do not rename its fields.
 */
import { z } from 'zod';
import { command, Empty, SourceId, SymbolSchema, TimeframeSchema } from './define';
import type { Timeframe } from '../timeframes';
import type { AiOpinion } from './intake';

/** The AI second opinion per channel: off, advise (shown only) or gate (a valid `skip` rejects with AI_SKIP). */
export const AI_REVIEW_MODES = ['off', 'advise', 'gate'] as const;
export type AiReviewMode = (typeof AI_REVIEW_MODES)[number];

/** The AI review recorded with a signal: the channel's mode and every provider's opinion. */
export interface SignalAiReview {
  mode: Exclude<AiReviewMode, 'off'>;
  opinions: AiOpinion[];
}

export type SignalSide = 'buy' | 'sell';
export type SignalStatus = 'delivered' | 'rejected' | 'acknowledged' | 'snoozed' | 'executed' | 'expired';

/** Why a quality gate held a signal back (stored in `rejectReason`). */
export const REJECT_REASONS = ['PAUSED', 'NOT_WARMED_UP', 'STALE_DATA', 'SIGNAL_TOO_OLD', 'PRICE_DRIFT', 'LOW_CONFIDENCE', 'COOLDOWN', 'DAILY_LIMIT'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type OutcomeResult = 'win' | 'loss' | 'expired';
export interface SignalOutcome {
  result: OutcomeResult;
  exitPrice: number;
  /** Signed, in the signal's direction: +2.5 means 2.5 % in favour. */
  profitPct: number;
  /** Bars after the signal bar until the outcome. */
  bars: number;
  /** From the close of the signal bar to the close of the outcome bar (ms). */
  timeToOutcomeMs: number;
  closedAt: number;
}

export interface Signal {
  id: number;
  channelId: number;
  /** Copied from the channel when the signal is created: autopilot channels trade it. */
  autopilot: boolean;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  strategy: string;
  /** Open time of the bar the signal was computed on (ms UTC). */
  barTime: number;
  side: SignalSide;
  entry: number;
  stopLoss: number;
  takeProfit: number;
  confidence: number;
  reasons: string[];
  status: SignalStatus;
  /** Set when a quality gate rejected the signal (e.g. STALE_DATA, PRICE_DRIFT). */
  rejectReason: string | null;
  createdAt: number;
  // Extensions; optional so other readers of the table may omit them.
  channelName?: string;
  /** Human-readable detail of the rejection ("price moved 2.31 % from entry, limit 1 %"). */
  rejectDetail?: string | null;
  snoozedUntil?: number | null;
  outcome?: SignalOutcome | null;
  /** The AI second opinion given before delivery (null when the channel does not ask for one). */
  aiReview?: SignalAiReview | null;
}

/** Where a channel's signals go: the desktop popup, the Telegram relay, and webhooks named `webhook:<id>`. */
export const DELIVERY_TARGETS = ['desktop', 'telegram', 'webhook:<id>'] as const;
export type DeliveryTarget = 'desktop' | 'telegram' | `webhook:${number}`;
export const DeliveryTargetSchema = z
  .string()
  .regex(/^(desktop|telegram|webhook:[1-9]\d{0,9})$/, 'desktop, telegram or webhook:<id>')
  .transform((v) => v as DeliveryTarget);

export const ChannelStrategySchema = z
  .object({
    id: z.string().min(1).max(64),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Paused in this channel: kept, but produces no signals (strategies.pause / strategies.resume). */
    paused: z.boolean().optional(),
  })
  .strict();

/** Explicit symbols of a source, or every symbol the source offers (`market.symbols`). */
export const ChannelSymbolsSchema = z.union([
  z.object({ source: SourceId, symbols: z.array(SymbolSchema).min(1).max(5000) }).strict(),
  z.object({ source: SourceId, discovered: z.literal(true) }).strict(),
]);

export const ChannelGatesSchema = z
  .object({
    /** STALE_DATA when the bar closed more than this many bars of its timeframe before now. */
    staleBars: z.number().gt(0).max(1000).default(3),
    /** SIGNAL_TOO_OLD when more than this many seconds passed between the bar close and delivery. */
    maxAgeSeconds: z.number().gt(0).max(86_400 * 7).default(120),
    /** PRICE_DRIFT when the last price is more than this % away from the entry. */
    maxDriftPct: z.number().gt(0).max(100).default(1),
  })
  .strict();

const channelFields = {
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean().default(true),
  strategies: z.array(ChannelStrategySchema).min(1).max(10),
  symbols: ChannelSymbolsSchema,
  timeframe: TimeframeSchema,
  /** Feature profile (indicator set) computed for the channel's symbols, besides what its strategies read. */
  profile: z.string().min(1).max(64).nullable().default(null),
  minConfidence: z.number().min(0).max(1).default(0),
  maxPerDay: z.number().int().min(1).max(100_000).default(100),
  cooldownMinutes: z.number().min(0).max(7 * 1440).default(0),
  autopilot: z.boolean().default(false),
  delivery: z.array(DeliveryTargetSchema).max(10).default(['desktop']),
  /** Outcome tracking gives up after this many bars: `expired`. */
  expiryBars: z.number().int().min(1).max(10_000).default(50),
  gates: ChannelGatesSchema.default({ staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 1 }),
  /** The AI second opinion before delivery (the providers of ai.providers.*): off, advise or gate. */
  aiReview: z.enum(AI_REVIEW_MODES).default('off'),
};
/** The typed override of the live-autopilot promotion rule (AUTOPILOT_PROMOTION_CONFIRMATION, engine/api/commands/strategies.ts); never stored. */
const confirmField = { confirm: z.string().max(128).optional() };

export const ChannelInputSchema = z.object({ ...channelFields, ...confirmField }).strict();
export type ChannelInput = z.input<typeof ChannelInputSchema>;

export const ChannelUpdateSchema = z
  .object({
    id: z.number().int().positive(),
    name: channelFields.name.optional(),
    enabled: z.boolean().optional(),
    strategies: channelFields.strategies.optional(),
    symbols: ChannelSymbolsSchema.optional(),
    timeframe: TimeframeSchema.optional(),
    profile: z.string().min(1).max(64).nullable().optional(),
    minConfidence: z.number().min(0).max(1).optional(),
    maxPerDay: z.number().int().min(1).max(100_000).optional(),
    cooldownMinutes: z.number().min(0).max(7 * 1440).optional(),
    autopilot: z.boolean().optional(),
    delivery: z.array(DeliveryTargetSchema).max(10).optional(),
    expiryBars: z.number().int().min(1).max(10_000).optional(),
    gates: ChannelGatesSchema.partial().optional(),
    ...confirmField,
    aiReview: z.enum(AI_REVIEW_MODES).optional(),
  })
  .strict();

export type ChannelSymbols = z.output<typeof ChannelSymbolsSchema>;
export type ChannelGates = z.output<typeof ChannelGatesSchema>;

export interface Channel {
  id: number;
  name: string;
  enabled: boolean;
  strategies: Array<{ id: string; params: Record<string, unknown>; paused?: boolean }>;
  symbols: ChannelSymbols;
  timeframe: Timeframe;
  profile: string | null;
  minConfidence: number;
  maxPerDay: number;
  cooldownMinutes: number;
  autopilot: boolean;
  delivery: DeliveryTarget[];
  expiryBars: number;
  gates: ChannelGates;
  /** Absent on channels stored before the setting existed: off. */
  aiReview?: AiReviewMode;
  createdAt: number;
  updatedAt: number;
  /** Runtime: symbols resolved now (explicit list, or the source's list). */
  resolvedSymbols?: number;
}

export interface StrategyInfo {
  id: string;
  summary: string;
  /** The params schema's defaults. */
  defaults: Record<string, unknown>;
  /** Each param as a form field: type, default, range and a one-line description (from the schema). */
  params: StrategyParamInfo[];
}

export interface StrategyParamInfo {
  name: string;
  type: 'integer' | 'number' | 'boolean' | 'enum' | 'string';
  default: number | boolean | string | null;
  /** Range bounds, null when open; exclusive when the flag says so. */
  min: number | null;
  max: number | null;
  minExclusive: boolean;
  maxExclusive: boolean;
  options?: string[];
  description: string;
}

export interface PerformanceRow {
  key: string;
  label: string;
  count: number;
  wins: number;
  losses: number;
  expired: number;
  /** 0..1 over finished outcomes. */
  winRate: number;
  /** Mean profit % per outcome (= expectancy per signal, in %). */
  avgProfitPct: number;
  /** Gross profit / gross loss; null without losses. */
  profitFactor: number | null;
  /** winRate × average win − lossRate × average loss, in % per signal. */
  expectancyPct: number;
  avgTimeToOutcomeMs: number;
}
export interface PerformanceResult {
  total: PerformanceRow;
  byChannel: PerformanceRow[];
  byStrategy: PerformanceRow[];
  /** Delivered signals still being followed. */
  open: number;
}

export interface SignalsStatus {
  paused: boolean;
  channels: number;
  enabledChannels: number;
  /** (source, symbol, timeframe) feature engines kept live. */
  featureEngines: number;
  /** (symbol, timeframe, strategy+params) evaluations per bar. */
  evaluators: number;
  tracking: number;
  /** Series warmed up in the indicator worker pool (long histories) since start. */
  pooledWarmUps: number;
}

const IdInput = z.object({ id: z.number().int().positive() }).strict();
const Minutes = z.number().gt(0).max(7 * 1440);

export const signalsCommands = {
  'signals.channels.list': command<Channel[]>()('Signal channels.', Empty),
  'signals.channels.create': command<Channel>()(
    'Creates a signal channel: strategies with params, symbols (explicit or a source\'s list), timeframe, feature profile, gates, autopilot, delivery targets.',
    ChannelInputSchema,
  ),
  'signals.channels.update': command<Channel>()(
    'Changes a channel; omitted fields keep their value (a strategy listed without `paused` keeps its paused flag). Enabling autopilot while the default account is live follows the promotion rule (docs/strategies.md) unless `confirm` is the typed confirmation.',
    ChannelUpdateSchema,
  ),
  'signals.channels.delete': command<{ deleted: boolean }>()('Deletes a channel (its signals stay, for history and performance).', IdInput),
  'signals.strategies': command<StrategyInfo[]>()('Strategies in the registry with their default params.', Empty),
  'signals.list': command<Signal[]>()(
    'Signals, newest first (delivered and rejected, with outcomes).',
    z
      .object({
        channel: z.number().int().positive().optional(),
        symbol: SymbolSchema.optional(),
        since: z.number().int().min(0).optional(),
        status: z.enum(['delivered', 'rejected', 'acknowledged', 'snoozed', 'executed', 'expired']).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ),
  'signals.ack': command<Signal[]>()(
    'Acknowledges a signal ({id}) or several ({ids}, e.g. every visible one); returns the changed signals.',
    z.union([IdInput, z.object({ ids: z.array(z.number().int().positive()).max(1000) }).strict()]),
  ),
  'signals.snooze': command<Signal[]>()(
    'Snoozes a signal ({id, minutes}) or several ({ids, minutes}): each pops up again after `minutes`; returns the changed signals.',
    z.union([
      z.object({ id: z.number().int().positive(), minutes: Minutes }).strict(),
      z.object({ ids: z.array(z.number().int().positive()).max(1000), minutes: Minutes }).strict(),
    ]),
  ),
  'signals.pause': command<SignalsStatus>()('The global "pause signals" switch (persisted): while paused every signal is stored as rejected (PAUSED) and nothing is delivered.', z.object({ paused: z.boolean() }).strict()),
  'signals.status': command<SignalsStatus>()('Pause switch and pipeline counters.', Empty),
  'signals.performance': command<PerformanceResult>()(
    'Outcome statistics of delivered signals: count, win rate, average profit, profit factor, expectancy — in total, per channel and per strategy.',
    z
      .object({
        channel: z.number().int().positive().optional(),
        strategy: z.string().min(1).max(64).optional(),
        since: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
} as const;

export interface SignalsEvents {
  /** A delivered signal, published after it is persisted. */
  'signal.created': Signal;
  /** A signal changed: rejected by a gate, acknowledged, snoozed, executed, or its outcome arrived. */
  'signal.updated': Signal;
  'signals.status': SignalsStatus;
}
export const SIGNALS_TOPICS = ['signal.created', 'signal.updated', 'signals.status'] as const satisfies readonly (keyof SignalsEvents)[];
