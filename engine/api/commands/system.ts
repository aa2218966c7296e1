import { command, Empty } from './define';
import type { Timeframe } from '../timeframes';

export interface HealthResult {
  status: 'ok' | 'degraded';
  uptimeMs: number;
  /** `restarts`: times the host started the engine worker again after it died on its own. */
  engine: { alive: boolean; lastHeartbeatAgoMs: number; restarts: number };
  clock: number;
}

export interface SourceInfo {
  id: string;
  kind: 'sim' | 'ccxt' | 'replay' | 'http_json';
  label: string;
  simulated: boolean;
  enabled: boolean;
  timeframes: Timeframe[];
  symbolCount: number;
}

export interface InfoResult {
  name: string;
  version: string;
  mode: 'desktop' | 'serve' | 'embedded';
  dataDir: string;
  /** Bytes of the database file with its WAL (what the data directory holds for the store). */
  dbBytes: number;
  defaultSource: string;
  timeframes: Timeframe[];
  sources: SourceInfo[];
  sim: { seed: number; speed: number } | null;
  pid: number;
}

export interface ClockEvent {
  now: number;
  speed: number;
}

export interface IntegrityResult {
  /** True when PRAGMA integrity_check found nothing wrong. */
  ok: boolean;
  /** What SQLite reported (at most 20 lines); empty when ok. */
  problems: string[];
  checkedAt: number;
  durationMs: number;
}

export const systemCommands = {
  'system.health': command<HealthResult>()('Liveness of the host and the engine worker.', Empty),
  'system.info': command<InfoResult>()('Version, data directory, and market sources.', Empty),
  'system.integrity': command<IntegrityResult>()('Full PRAGMA integrity_check of the database (slow on a large store; the quick check runs at every start).', Empty),
} as const;

export interface SystemEvents {
  'system.clock': ClockEvent;
}
export const SYSTEM_TOPICS = ['system.clock'] as const satisfies readonly (keyof SystemEvents)[];
