/**
 * technicalindicators as the reference: runs its batch `calculate` on the same candles and lines
 * its output up with ours (its arrays leave out the warm-up, so they align from the end).
 */
import { ADX, ATR, BollingerBands, EMA, MACD, OBV, RSI, SMA, Stochastic, VWAP } from 'technicalindicators';
import type { Ohlcv } from '../../engine/api/timeframes';
import type { Bar } from '../../engine/indicators';

export const toBars = (rows: readonly Ohlcv[]): Bar[] =>
  rows.map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));

/** Pads a reference result at the front with undefined so index i is bar i. */
export function alignEnd(n: number, ref: readonly (number | undefined)[]): (number | undefined)[] {
  return [...new Array<undefined>(n - ref.length).fill(undefined), ...ref];
}

/** Reference columns keyed by our feature names. */
export function referenceColumns(bars: readonly Bar[], names: readonly string[]): Record<string, (number | undefined)[]> {
  const n = bars.length;
  const close = bars.map((b) => b.close);
  const high = bars.map((b) => b.high);
  const low = bars.map((b) => b.low);
  const volume = bars.map((b) => b.volume);
  const out: Record<string, (number | undefined)[]> = {};
  for (const name of names) {
    let m: RegExpMatchArray | null;
    if ((m = name.match(/^ema_(\d+)$/))) out[name] = alignEnd(n, EMA.calculate({ period: +m[1]!, values: close }));
    else if ((m = name.match(/^sma_(\d+)$/))) out[name] = alignEnd(n, SMA.calculate({ period: +m[1]!, values: close }));
    else if ((m = name.match(/^rsi_(\d+)$/))) out[name] = alignEnd(n, RSI.calculate({ period: +m[1]!, values: close }));
    else if ((m = name.match(/^atr_(\d+)$/))) out[name] = alignEnd(n, ATR.calculate({ period: +m[1]!, high, low, close }));
    else if ((m = name.match(/^macd_(\d+)_(\d+)_(\d+)$/))) {
      const r = MACD.calculate({
        fastPeriod: +m[1]!,
        slowPeriod: +m[2]!,
        signalPeriod: +m[3]!,
        values: close,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      });
      const sfx = `${m[1]}_${m[2]}_${m[3]}`;
      out[name] = alignEnd(n, r.map((x) => x.MACD));
      out[`macd_signal_${sfx}`] = alignEnd(n, r.map((x) => x.signal));
      out[`macd_hist_${sfx}`] = alignEnd(n, r.map((x) => x.histogram));
    } else if ((m = name.match(/^bb_upper_(\d+)_([\d.]+)$/))) {
      const r = BollingerBands.calculate({ period: +m[1]!, stdDev: +m[2]!, values: close });
      const sfx = `${m[1]}_${m[2]}`;
      out[name] = alignEnd(n, r.map((x) => x.upper));
      out[`bb_middle_${sfx}`] = alignEnd(n, r.map((x) => x.middle));
      out[`bb_lower_${sfx}`] = alignEnd(n, r.map((x) => x.lower));
    } else if (name === 'obv') out[name] = alignEnd(n, OBV.calculate({ close, volume }));
    else if (name === 'vwap') {
      // Our VWAP's session is the UTC day: run the reference once per day.
      const col: number[] = [];
      let i = 0;
      while (i < n) {
        const day = Math.floor(bars[i]!.ts / 86_400_000);
        let j = i;
        while (j < n && Math.floor(bars[j]!.ts / 86_400_000) === day) j++;
        const s = bars.slice(i, j);
        col.push(...VWAP.calculate({ high: s.map((b) => b.high), low: s.map((b) => b.low), close: s.map((b) => b.close), volume: s.map((b) => b.volume) }));
        i = j;
      }
      out[name] = col;
    } else if ((m = name.match(/^stoch_k_(\d+)_(\d+)$/))) {
      const r = Stochastic.calculate({ period: +m[1]!, signalPeriod: +m[2]!, high, low, close });
      out[name] = alignEnd(n, r.map((x) => x.k));
      out[`stoch_d_${m[1]}_${m[2]}`] = alignEnd(n, r.map((x) => x.d));
    } else if ((m = name.match(/^adx_(\d+)$/))) {
      const r = ADX.calculate({ period: +m[1]!, high, low, close });
      out[name] = alignEnd(n, r.map((x) => x.adx));
      out[`pdi_${m[1]}`] = alignEnd(n, r.map((x) => x.pdi));
      out[`mdi_${m[1]}`] = alignEnd(n, r.map((x) => x.mdi));
    } else if ((m = name.match(/^volume_ratio_(\d+)$/))) {
      const avg = alignEnd(n, SMA.calculate({ period: +m[1]!, values: volume }));
      out[name] = avg.map((a, i) => (a === undefined ? undefined : a > 0 ? volume[i]! / a : 0));
    }
  }
  return out;
}
