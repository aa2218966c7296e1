/**
 * A circuit breaker per exchange endpoint: closed → open after N consecutive failures → half-open after
 * `openMs` (one probe request at a time) → closed on the probe's success, open again on failure.
 * Failures carry a scope (the symbol, or null for source-wide requests such as markets): a streak
 * from a single symbol while the source has others does not open the source's circuit, so one
 * failing symbol never stalls the rest (that symbol backs off on its own).
 */
import type { CircuitState } from '../api/commands/market';

export interface BreakerConfig {
  failures: number;
  openMs: number;
}

export type Gate = { ok: true; probe: boolean } | { ok: false; retryInMs: number };

export class CircuitBreaker {
  state: CircuitState = 'closed';
  failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly scopes = new Set<string>();
  /** How many distinct scopes a streak needs before it counts as source-wide. */
  minScopes: () => number = () => 1;

  constructor(
    public cfg: BreakerConfig,
    private readonly now: () => number,
    private readonly onChange: (s: CircuitState) => void = () => undefined,
  ) {}

  private set(s: CircuitState): void {
    if (s === this.state) return;
    this.state = s;
    this.onChange(s);
  }

  acquire(): Gate {
    if (this.state === 'open') {
      const left = this.openedAt + this.cfg.openMs - this.now();
      if (left > 0) return { ok: false, retryInMs: left };
      this.set('half_open');
    }
    if (this.state === 'half_open') {
      if (this.probing) return { ok: false, retryInMs: Math.min(250, this.cfg.openMs) };
      this.probing = true;
      return { ok: true, probe: true };
    }
    return { ok: true, probe: false };
  }

  /** Time left until an open circuit lets a probe through (0 unless open). */
  retryInMs(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.cfg.openMs - this.now()) : 0;
  }

  success(): void {
    this.failures = 0;
    this.scopes.clear();
    this.probing = false;
    this.set('closed');
  }

  /** An answer that says nothing about availability (rate limit, bad symbol): frees the probe. */
  neutral(): void {
    this.probing = false;
  }

  failure(scope: string | null = null): void {
    this.failures++;
    this.probing = false;
    this.scopes.add(scope ?? '*');
    const wide = this.scopes.has('*') || this.scopes.size >= this.minScopes();
    if (this.state === 'half_open' || (this.state === 'closed' && this.failures >= this.cfg.failures && wide)) {
      this.openedAt = this.now();
      this.set('open');
    }
  }
}
