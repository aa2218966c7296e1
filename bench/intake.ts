/**
 * Inbound signals: intake to published, p50 / p95, through the real engine (real SQLite
 * file, sim market) from `intake.submit` to the `intake.event` that says published.
 * - `intake_sustained`: 60 signals per minute (one a second) for INTAKE_BENCH_SECONDS (default 30).
 * - `intake_burst`: 120 signals at once.
 * - `intake_ai`: one a second with a fake OpenAI-compatible model answering in 500 ms (advise).
 */
import { performance } from 'node:perf_hooks';
import { Engine } from '../engine/core/engine';
import { parseInput, type IntakeEvent } from '../engine/api';
import { startFakeOpenAi } from '../tests/fakes/fake-openai';
import { tempDir } from '../tests/helpers/serve';
import { engineOpts } from '../tests/intake/rig';
import { percentile, report } from './lib';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function intakeBench(): Promise<void> {
  const done = new Map<number, number>();
  const outcome = new Map<number, string>();
  const engine = new Engine(engineOpts(tempDir('sd-bench-intake-')), (topic, payload) => {
    if (topic !== 'intake.event') return;
    const ev = payload as IntakeEvent;
    if (['published', 'rejected', 'dlq'].includes(ev.status) && !done.has(ev.id)) {
      done.set(ev.id, performance.now());
      outcome.set(ev.id, ev.rejectCode ?? ev.status);
    }
  });
  engine.start();
  const fake = await startFakeOpenAi('slow');
  fake.delayMs = 500;
  try {
    const call = <N extends Parameters<Engine['handle']>[0]>(n: N, i: unknown) => engine.handle(n, parseInput(n, i as never));
    const plain = await call('intake.sources.create', { name: 'bench', maxPerDay: 100_000 });
    const reviewed = await call('intake.sources.create', { name: 'bench-ai', maxPerDay: 100_000, aiReview: 'advise' });
    let seq = 0;
    const base = Date.now();
    const submit = async (source: number): Promise<{ id: number; t0: number }> => {
      const i = seq++;
      const t0 = performance.now();
      const r = await call('intake.submit', { source, payload: { symbol: SYMBOLS[i % 3], side: i % 2 ? 'buy' : 'sell', ts: base - i, idempotencyKey: `b-${i}` } });
      return { id: r.eventId, t0 };
    };
    // CPU time of this process over a run: on a shared machine the wall-clock percentiles include
    // waiting for a core; the CPU milliseconds per signal say what the engine itself spent.
    let cpu0 = process.cpuUsage();
    const measure = async (name: string, sent: Array<{ id: number; t0: number }>, extra: Record<string, unknown>): Promise<void> => {
      await engine.intake.idle();
      const used = process.cpuUsage(cpu0);
      const cpuMsPerSignal = sent.length ? round((used.user + used.system) / 1000 / sent.length) : null;
      const lat = sent.filter((s) => outcome.get(s.id) === 'published').map((s) => done.get(s.id)! - s.t0).sort((a, b) => a - b);
      const others: Record<string, number> = {};
      for (const s of sent) {
        const o = outcome.get(s.id) ?? 'unfinished';
        if (o !== 'published') others[o] = (others[o] ?? 0) + 1;
      }
      report({ bench: name, ...extra, signals: sent.length, published: lat.length, notPublished: others, p50Ms: round(percentile(lat, 50)), p95Ms: round(percentile(lat, 95)), maxMs: round(lat[lat.length - 1] ?? NaN), cpuMsPerSignal, goalP95Ms: 250 });
    };
    const seconds = Number(process.env.INTAKE_BENCH_SECONDS ?? 30);
    cpu0 = process.cpuUsage();
    const sustained: Array<{ id: number; t0: number }> = [];
    for (let i = 0; i < seconds; i++) {
      sustained.push(await submit(plain.id));
      await sleep(1000);
    }
    await measure('intake_sustained', sustained, { ratePerMin: 60, seconds });
    cpu0 = process.cpuUsage();
    const burst = await Promise.all(Array.from({ length: 120 }, () => submit(plain.id)));
    await measure('intake_burst', burst, { burst: 120 });
    cpu0 = process.cpuUsage();
    await call('ai.providers.create', { name: 'fake-500ms', baseUrl: fake.url, model: 'fake', timeoutMs: 5_000 });
    const ai: Array<{ id: number; t0: number }> = [];
    for (let i = 0; i < Math.min(seconds, 20); i++) {
      ai.push(await submit(reviewed.id));
      await sleep(1000);
    }
    await measure('intake_ai', ai, { ratePerMin: 60, modelMs: 500 });
  } finally {
    await fake.close();
    engine.stop();
  }
}

const round = (v: number): number => Math.round(v * 10) / 10;
