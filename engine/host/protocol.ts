/** The closed set of messages between the host thread and the engine worker. */
import type { ApiErrorBody } from '../api/errors';
import type { EngineOptions } from '../core/context';

export type ToWorker =
  | { type: 'init'; options: EngineOptions }
  | { type: 'call'; seq: number; name: string; input: unknown }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; backfilled: number; startupMs: number }
  | { type: 'fatal'; error: ApiErrorBody }
  | { type: 'result'; seq: number; ok: true; value: unknown }
  | { type: 'result'; seq: number; ok: false; error: ApiErrorBody }
  | { type: 'event'; topic: string; payload: unknown }
  | { type: 'heartbeat'; at: number }
  | { type: 'stopped' };
