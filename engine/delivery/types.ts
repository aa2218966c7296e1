/**
 * The small interface every delivery target implements (desktop, telegram, webhook:<id>), and
 * what the dispatcher hands it: one job (an event for one target) at one attempt.
 */

/** One event for one target; `deliveryId` is the same on every retry. */
export interface DeliveryJobView {
  deliveryId: string;
  type: string;
  ref: string;
  /** When the event happened (ms UTC, fractional): latencies are measured from here. */
  eventTs: number;
  data: unknown;
  attempt: number;
}

export type SendResult =
  | { ok: true; httpStatus?: number | null }
  | {
      ok: false;
      /** Final: never retried (a 4xx other than 429, a bad token, an unknown chat). */
      final: boolean;
      error: string;
      httpStatus?: number | null;
      /** The receiver asked to wait this long (Retry-After, retry_after). */
      retryAfterMs?: number;
    };

export interface DeliveryTargetPort {
  /** `desktop`, `telegram` or `webhook:<id>`. */
  readonly id: string;
  /**
   * Immediate targets are sent synchronously when the event is dispatched, before any other
   * target is touched (the desktop popup); the others go through their own queues.
   */
  readonly immediate?: boolean;
  /** Jobs in flight at once for this target (default: the dispatcher's); a target with its own queue (Telegram) takes them all. */
  readonly concurrency?: number;
  /** Why the target cannot take deliveries now (disabled, not configured), or null. */
  unavailable(): string | null;
  send(job: DeliveryJobView): SendResult | Promise<SendResult>;
}
