/**
 * Outcome tracking: every delivered signal is followed on the subsequent closed bars of its
 * (source, symbol, timeframe) until its stop or target is hit, or it expires after N bars.
 * A bar that touches both the stop and the target counts as a loss (the conservative reading:
 * within one bar the order of the touches is unknown). Profit % is signed in the signal's
 * direction: from the entry to the stop, the target, or the close of the expiry bar.
 */
import type { OutcomeResult, SignalOutcome, SignalSide } from '../api/commands/signals';
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import type { Ohlcv } from '../api/timeframes';

export interface Tracked {
  id: number;
  channelId: number;
  strategy: string;
  side: SignalSide;
  entry: number;
  stopLoss: number;
  takeProfit: number;
  barTime: number;
  timeframe: Timeframe;
  expiryBars: number;
  bars: number;
}

/** Advances one tracked signal by one closed bar; returns its outcome when it ends. */
export function step(t: Tracked, c: Ohlcv): SignalOutcome | null {
  if (c[0] <= t.barTime) return null;
  const tf = TIMEFRAME_MS[t.timeframe];
  // Bars of time since the signal bar (survives restarts and gaps).
  t.bars = Math.round((c[0] - t.barTime) / tf);
  const [ts, , high, low, close] = c;
  let result: OutcomeResult | null = null;
  let exit = close;
  const long = t.side === 'buy';
  const stopHit = long ? low <= t.stopLoss : high >= t.stopLoss;
  const targetHit = long ? high >= t.takeProfit : low <= t.takeProfit;
  if (stopHit) [result, exit] = ['loss', t.stopLoss];
  else if (targetHit) [result, exit] = ['win', t.takeProfit];
  else if (t.bars >= t.expiryBars) result = 'expired';
  if (!result) return null;
  const profitPct = ((long ? exit - t.entry : t.entry - exit) / t.entry) * 100;
  return {
    result,
    exitPrice: exit,
    profitPct: Math.round(profitPct * 1e6) / 1e6,
    bars: t.bars,
    timeToOutcomeMs: ts + tf - (t.barTime + tf),
    closedAt: ts + tf,
  };
}
