import fs from 'node:fs';
import WebSocket from 'ws';
import { report } from './lib';
import { startBenchServe } from './serve-proc';

/**
 * "Keeps running for weeks, memory stays flat": the serve host runs the sim at 600× (ten
 * simulated hours per real minute) with a browser-like client subscribed to every event, and we
 * sample its resident set size. Reported: RSS after warm-up, at the end, and the slope over the
 * second half (MB per simulated day) — a leak shows as a slope that does not flatten.
 * Linux only (reads /proc/<pid>/status); elsewhere it reports nothing.
 */
export async function serveMemoryBench(root: string, seconds = Number(process.env.SD_BENCH_MEMORY_SECONDS ?? 180)): Promise<void> {
  if (process.platform !== 'linux') return;
  const speed = 600;
  const { url, token, proc, stop } = await startBenchServe(root, ['--sim-symbols', '50', '--sim-speed', String(speed), '--sim-history-days', '1', '--tick-ms', '250']);
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?token=${token}`);
  await new Promise((r) => ws.once('open', r));
  let events = 0;
  ws.on('message', () => events++);
  ws.send(JSON.stringify({ type: 'subscribe', topics: ['candle.updated', 'candle.closed', 'system.clock', 'notification.popup'] }));
  const rssMb = (): number => {
    const status = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  };
  const samples: Array<[number, number]> = [];
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 2000));
    samples.push([(Date.now() - t0) / 1000, rssMb()]);
  }
  ws.close();
  await stop();
  const half = samples.slice(Math.floor(samples.length / 2));
  const n = half.length;
  const mx = half.reduce((a, [x]) => a + x, 0) / n;
  const my = half.reduce((a, [, y]) => a + y, 0) / n;
  const slopePerS = half.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / Math.max(1e-9, half.reduce((a, [x]) => a + (x - mx) ** 2, 0));
  const simDayPerRealS = speed / 86_400;
  report({
    bench: 'serve_memory_rss',
    seconds,
    sim_speed: speed,
    sim_symbols: 50,
    simulated_hours: Math.round((seconds * speed) / 3600),
    events_received: events,
    rss_mb_after_warmup: Math.round(samples[Math.min(2, samples.length - 1)]![1]),
    rss_mb_end: Math.round(samples[samples.length - 1]![1]),
    rss_mb_max: Math.round(Math.max(...samples.map(([, y]) => y))),
    slope_mb_per_sim_day_second_half: Math.round((slopePerS / simDayPerRealS) * 100) / 100,
  });
}
