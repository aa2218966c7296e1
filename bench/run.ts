/**
 * `npm run bench`: prints one JSON object per line and writes bench/results/latest.json.
 * Benchmarks report figures; tests assert behaviour. Run on an otherwise idle machine.
 */
import path from 'node:path';
import { ingestBench } from './storage';
import { serveLatencyBench } from './serve-latency';
import { ordersBench } from './orders';
import { serveMemoryBench } from './serve-memory';
import { writeResults } from './lib';
import { collectorBench } from './collector';
import { indicatorsBench } from './indicators';
import { signalsBench } from './signals';
import { chartBrowserBench } from './chart-browser';
import { deliveryBench } from './delivery';
import { backtestBench } from './backtest';
import { intakeBench } from './intake';
import { alertsBench } from './alerts';
import { watchlistBench } from './watchlist';
import { tuneV8ForEngine } from '../engine/core/v8-tuning';

// The engine's V8 tuning, as the app's engine worker applies it (engine/core/v8-tuning.ts).
tuneV8ForEngine();

// Bundled (scripts/bench.mjs puts the bundle in out/bench) the root comes from the environment.
const ROOT = process.env.SIGNALDESK_BENCH_ROOT ?? path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const benches: Array<[string, () => Promise<void>]> = [
  ['ingest', ingestBench],
  ['serve-latency', () => serveLatencyBench(ROOT)],
  ['orders', ordersBench],
  ['serve-memory', () => serveMemoryBench(ROOT)],
  ['collector', collectorBench],
  ['indicators', indicatorsBench],
  ['signals', signalsBench],
  ['chart', () => chartBrowserBench(ROOT)],
  ['delivery', deliveryBench],
  ['backtest', backtestBench],
  ['intake', intakeBench],
  ['alerts', alertsBench],
  ['watchlist', () => watchlistBench(ROOT)],
];

async function main(): Promise<void> {
  for (const [name, fn] of benches) {
    if (only.length && !only.includes(name)) continue;
    await fn();
  }
  const file = writeResults(ROOT);
  console.error(`[bench] results written to ${path.relative(ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
