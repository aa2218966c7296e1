/**
 * Intake area: inbound signal sources (TradingView-style webhooks, scripts), their
 * events with a persisted timeline, the dead-letter queue, and AI second-opinion providers.
 */
import { z } from 'zod';
import { command, Empty, SourceId } from './define';
import { AI_REVIEW_MODES, ChannelGatesSchema, DeliveryTargetSchema, type AiReviewMode, type DeliveryTarget } from './signals';

export { AI_REVIEW_MODES, type AiReviewMode };

export const INTAKE_STATUSES = ['received', 'validated', 'enriched', 'evaluated', 'published', 'rejected', 'failed', 'dlq'] as const;
export type IntakeStatus = (typeof INTAKE_STATUSES)[number];

/** Gates of an inbound source: age 5 min and drift 2 % by default (stale candles: `staleBars` of the timeframe). */
export const IntakeGatesSchema = ChannelGatesSchema.extend({
  maxAgeSeconds: z.number().gt(0).max(86_400 * 7).default(300),
  maxDriftPct: z.number().gt(0).max(100).default(2),
});
export const DEFAULT_INTAKE_GATES = { staleBars: 3, maxAgeSeconds: 300, maxDriftPct: 2 } as const;

const sourceFields = {
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean().default(true),
  /** The collector source whose prices check and enrich the signals (the default source when omitted). */
  market: SourceId.optional(),
  aiReview: z.enum(AI_REVIEW_MODES).default('off'),
  // The channel settings inbound signals publish with.
  delivery: z.array(DeliveryTargetSchema).max(10).default(['desktop']),
  autopilot: z.boolean().default(false),
  gates: IntakeGatesSchema.default(DEFAULT_INTAKE_GATES),
  minConfidence: z.number().min(0).max(1).default(0),
  maxPerDay: z.number().int().min(1).max(100_000).default(100),
  cooldownMinutes: z.number().min(0).max(7 * 1440).default(0),
  /** Feature profile computed for the enrichment (indicators.profiles). */
  profile: z.string().min(1).max(64).default('trend_follow_v1'),
  /** Timeframe used when a signal names none. */
  timeframe: z.enum(['1m', '5m', '15m', '30m', '1h', '4h', '1d']).default('1m'),
};

export const IntakeSourceInput = z.object(sourceFields).strict();
export const IntakeSourceUpdate = z
  .object({
    id: z.number().int().positive(),
    name: sourceFields.name.optional(),
    enabled: z.boolean().optional(),
    market: SourceId.optional(),
    aiReview: z.enum(AI_REVIEW_MODES).optional(),
    delivery: z.array(DeliveryTargetSchema).max(10).optional(),
    autopilot: z.boolean().optional(),
    gates: IntakeGatesSchema.partial().optional(),
    minConfidence: z.number().min(0).max(1).optional(),
    maxPerDay: z.number().int().min(1).max(100_000).optional(),
    cooldownMinutes: z.number().min(0).max(7 * 1440).optional(),
    profile: z.string().min(1).max(64).optional(),
    timeframe: sourceFields.timeframe.optional(),
    /** true: a new secret is generated and returned once as `secret`. */
    rotateSecret: z.boolean().optional(),
  })
  .strict();

export interface IntakeSource {
  id: number;
  name: string;
  enabled: boolean;
  market: string;
  aiReview: AiReviewMode;
  delivery: DeliveryTarget[];
  autopilot: boolean;
  gates: { staleBars: number; maxAgeSeconds: number; maxDriftPct: number };
  minConfidence: number;
  maxPerDay: number;
  cooldownMinutes: number;
  profile: string;
  timeframe: string;
  /** The signal channel its signals are published on. */
  channelId: number;
  /** Path of its webhook in serve mode: POST <base>/api/intake/<id>. */
  endpoint: string;
  createdAt: number;
  updatedAt: number;
}
/** Returned by create (and by update with rotateSecret) only: the secret, shown once. */
export type IntakeSourceWithSecret = IntakeSource & { secret: string };

export interface TimelineStep {
  status: IntakeStatus;
  at: number;
  detail?: string;
}

export interface AiOpinion {
  providerId: number;
  provider: string;
  status: 'ok' | 'invalid_output' | 'timeout' | 'error' | 'fallback';
  verdict: 'take' | 'skip' | 'reduce';
  confidence: number;
  reasons: string[];
  risks: string[];
  promptVersion: string;
  promptHash: string;
  latencyMs: number;
  /** The raw answer, kept when it was not valid. */
  raw?: string;
  error?: string;
}

export interface IntakeEvent {
  id: number;
  sourceId: number;
  status: IntakeStatus;
  timeline: TimelineStep[];
  rejectCode: string | null;
  rejectDetail: string | null;
  signalId: number | null;
  enrichment: Record<string, unknown> | null;
  opinions: AiOpinion[];
  payload: Record<string, unknown>;
  idempotencyKey: string | null;
  /** For failed / dlq events: the step that failed and its error. */
  step: string | null;
  error: string | null;
  attempts: number;
  createdAt: number;
}

export const AiProviderInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    baseUrl: z.string().url().max(500),
    model: z.string().min(1).max(200),
    apiKey: z.string().min(1).max(500).optional(),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    enabled: z.boolean().default(true),
  })
  .strict();
export const AiProviderUpdate = z
  .object({
    id: z.number().int().positive(),
    name: z.string().trim().min(1).max(80).optional(),
    baseUrl: z.string().url().max(500).optional(),
    model: z.string().min(1).max(200).optional(),
    /** A new key; null removes it. */
    apiKey: z.string().min(1).max(500).nullable().optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export interface AiProviderMetrics {
  calls: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  tokens: number;
  errors: number;
  invalidOutputs: number;
}
export interface AiProvider {
  id: number;
  name: string;
  baseUrl: string;
  model: string;
  /** Whether a key is stored (the key itself is never returned). */
  hasApiKey: boolean;
  timeoutMs: number;
  enabled: boolean;
  metrics: AiProviderMetrics;
  createdAt: number;
  updatedAt: number;
}

export interface IntakeListenerSettings {
  enabled: boolean;
  port: number;
}
export const DEFAULT_LISTENER_PORT = 8787;

const IdInput = z.object({ id: z.number().int().positive() }).strict();

export const intakeCommands = {
  'intake.sources.list': command<IntakeSource[]>()('Inbound signal sources (secrets never included).', Empty),
  'intake.sources.create': command<IntakeSourceWithSecret>()(
    'Creates an inbound source with its own signal channel settings; returns its secret once as `secret`.',
    IntakeSourceInput,
  ),
  'intake.sources.update': command<IntakeSource | IntakeSourceWithSecret>()('Changes a source; `rotateSecret: true` returns a new secret once.', IntakeSourceUpdate),
  'intake.submit': command<{ eventId: number; duplicate: boolean }>()(
    'Submits a signal from a script: {source, payload} where payload is the webhook body (an object or TradingView text holding JSON).',
    z.object({ source: z.number().int().positive(), payload: z.union([z.record(z.string(), z.unknown()), z.string().max(65_536)]) }).strict(),
  ),
  'intake.webhook': command<{ eventId: number; duplicate: boolean }>()(
    'What POST /api/intake/<sourceId> calls: checks the source secret (header or body field `secret`, constant time), then submits.',
    z.object({ source: z.number().int().positive(), secret: z.string().max(512).nullable(), body: z.string().max(65_536) }).strict(),
  ),
  'intake.events.list': command<IntakeEvent[]>()(
    'Inbound events, newest first.',
    z
      .object({
        source: z.number().int().positive().optional(),
        status: z.enum(INTAKE_STATUSES).optional(),
        since: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
  ),
  'intake.events.get': command<IntakeEvent>()('One inbound event with its timeline, enrichment and AI opinions.', IdInput),
  'intake.dlq.list': command<IntakeEvent[]>()('Events in the dead-letter queue: payload, failed step and error.', z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict()),
  'intake.dlq.retry': command<IntakeEvent>()('Runs a dead-lettered event through the pipeline again from enrichment; an event not in the queue is returned unchanged.', IdInput),
  'intake.dlq.discard': command<{ discarded: boolean }>()('Removes an event from the dead-letter queue (kept as failed); `discarded: false` when it was not in the queue.', IdInput),
  'intake.listener.get': command<IntakeListenerSettings>()('The desktop loopback intake listener setting (off until enabled).', Empty),
  'intake.listener.set': command<IntakeListenerSettings>()(
    'Turns the desktop loopback intake listener on or off and sets its port (127.0.0.1 only; expose it through a tunnel for TradingView).',
    z.object({ enabled: z.boolean(), port: z.number().int().min(1024).max(65_535).optional() }).strict(),
  ),
  'ai.providers.list': command<AiProvider[]>()('AI second-opinion providers (OpenAI-compatible) with their metrics; keys never included.', Empty),
  'ai.providers.create': command<AiProvider>()('Adds an OpenAI-compatible chat-completions provider (the key is sealed).', AiProviderInput),
  'ai.providers.update': command<AiProvider>()('Changes a provider.', AiProviderUpdate),
  'ai.providers.delete': command<{ deleted: boolean }>()('Removes a provider.', IdInput),
  // Last, so the examples that use source 1 run before it is deleted.
  'intake.sources.delete': command<{ deleted: boolean }>()('Deletes a source (its events and signals stay).', IdInput),
} as const;

export interface IntakeEvents {
  /** An inbound event changed status (each timeline step). */
  'intake.event': IntakeEvent;
  /** The loopback listener setting changed (the desktop host starts / stops it). */
  'intake.listener': IntakeListenerSettings;
}
export const INTAKE_TOPICS = ['intake.event', 'intake.listener'] as const satisfies readonly (keyof IntakeEvents)[];
