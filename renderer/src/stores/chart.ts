/**
 * Chart data for the selected (source, symbol, timeframe): loaded once through
 * market.candles, then kept live by candle events (the forming 1m bar is folded into the
 * selected timeframe's bucket), so the series is never re-loaded on an update.
 */
import { create } from 'zustand';
import { TIMEFRAME_MS, bucketStart, foldCandle, type CandleEvent, type Ohlcv, type Timeframe } from '../../../engine/api';
import { api } from '../api/client';

export interface ChartKey {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

interface ChartState {
  key: ChartKey | null;
  candles: Ohlcv[];
  /** Last bar changed by a live event (drawn with series.update). */
  live: Ohlcv | null;
  liveSeq: number;
  loading: boolean;
  error: string | null;
  load(key: ChartKey): Promise<void>;
}

/** The 1m bars (closed and forming) of the newest bucket, for timeframes above 1m. */
let minutes = new Map<number, Ohlcv>();
let minutesBucket = -1;

function foldMinutes(tf: Timeframe): Ohlcv | undefined {
  let bar: Ohlcv | undefined;
  for (const ts of [...minutes.keys()].sort((a, b) => a - b)) bar = foldCandle(bar, minutes.get(ts)!, tf);
  return bar;
}

export const useChart = create<ChartState>((set, get) => ({
  key: null,
  candles: [],
  live: null,
  liveSeq: 0,
  loading: false,
  error: null,
  load: async (key) => {
    set({ key, loading: true, error: null, live: null });
    minutes = new Map();
    minutesBucket = -1;
    try {
      const candles = await api.call('market.candles', { ...key, limit: 1000 });
      const last = candles[candles.length - 1];
      if (last && key.timeframe !== '1m') {
        const rows = await api.call('market.candles', { source: key.source, symbol: key.symbol, timeframe: '1m', since: last[0], limit: 1440 });
        minutesBucket = last[0];
        for (const r of rows) if (bucketStart(r[0], key.timeframe) === last[0]) minutes.set(r[0], r);
      }
      const k = get().key;
      if (!k || k.source !== key.source || k.symbol !== key.symbol || k.timeframe !== key.timeframe) return;
      set({ candles, loading: false });
    } catch (e) {
      set({ loading: false, error: (e as Error).message });
    }
  },
}));

function onCandle(e: CandleEvent): void {
  const st = useChart.getState();
  const key = st.key;
  if (!key || st.loading || e.source !== key.source || e.symbol !== key.symbol) return;
  let bar: Ohlcv | undefined;
  if (e.timeframe === key.timeframe) {
    bar = e.candle;
  } else if (e.timeframe === '1m' && TIMEFRAME_MS[key.timeframe] > TIMEFRAME_MS['1m']) {
    const bucket = bucketStart(e.candle[0], key.timeframe);
    if (bucket < minutesBucket) return;
    if (bucket > minutesBucket) {
      minutes = new Map();
      minutesBucket = bucket;
    }
    minutes.set(e.candle[0], e.candle);
    bar = foldMinutes(key.timeframe);
  }
  if (!bar) return;
  const candles = st.candles;
  const last = candles[candles.length - 1];
  if (last && bar[0] < last[0]) return;
  const next = last && last[0] === bar[0] ? [...candles.slice(0, -1), bar] : [...candles, bar];
  useChart.setState({ candles: next, live: bar, liveSeq: st.liveSeq + 1 });
}

api.subscribe('candle.updated', onCandle);
api.subscribe('candle.closed', onCandle);
