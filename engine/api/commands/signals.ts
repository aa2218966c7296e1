/**
 * Signals area (issue 4). The `Signal` shape below is shared with the order engine (issue 5):
 * extend it, do not rename its fields.
 */
import type { Timeframe } from '../timeframes';

export type SignalSide = 'buy' | 'sell';
export type SignalStatus = 'delivered' | 'rejected' | 'acknowledged' | 'snoozed' | 'executed' | 'expired';

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
}
