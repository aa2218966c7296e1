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
  /** Older history is being fetched (scrolling back). */
  loadingOlder: boolean;
  /** Everything stored is on the chart (nothing older came back). */
  complete: boolean;
  /** Bumped when older bars were put in front (the view redraws its series in full). */
  olderSeq: number;
  load(key: ChartKey): Promise<void>;
  /** Fetches the page of bars before the oldest shown one; nothing when all is loaded or a load runs. */
  loadOlder(): Promise<number>;
}

/** Bars fetched per page when scrolling back (the contract's maximum per call). */
export const OLDER_PAGE = 5000;

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
  loadingOlder: false,
  complete: false,
  olderSeq: 0,
  load: async (key) => {
    set({ key, loading: true, error: null, live: null, complete: false, loadingOlder: false });
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
      set({ candles, loading: false, complete: candles.length < 1000 });
    } catch (e) {
      set({ loading: false, error: (e as Error).message });
    }
  },
  loadOlder: async () => {
    const st = get();
    const key = st.key;
    const first = st.candles[0];
    if (!key || !first || st.loading || st.loadingOlder || st.complete) return 0;
    set({ loadingOlder: true });
    try {
      const rows = await api.call('market.candles', { ...key, limit: OLDER_PAGE, before: first[0] });
      const now = get();
      if (now.key !== key || now.candles[0]?.[0] !== first[0]) {
        set({ loadingOlder: false });
        return 0;
      }
      const older = rows.filter((r) => r[0] < first[0]);
      if (older.length === 0) {
        set({ loadingOlder: false, complete: true });
        return 0;
      }
      set({ candles: [...older, ...now.candles], loadingOlder: false, olderSeq: now.olderSeq + 1 });
      return older.length;
    } catch (e) {
      set({ loadingOlder: false, error: (e as Error).message });
      return 0;
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
