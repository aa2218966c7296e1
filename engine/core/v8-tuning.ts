/**
 * V8 tuning for the engine's hot loops, applied by each process entry that runs the engine —
 * the engine worker (Electron and serve mode alike), the CLI and the benchmarks — before that
 * code first runs. V8 flags belong to the process, so the engine worker's call also covers the
 * indicator pool's threads, and the benchmarks measure what the app runs.
 *
 * `--max-inlined-bytecode-size-cumulative` (V8's default 920 bytes of bytecode): how much
 * TurboFan may inline into one optimised function. The live feature engine steps every indicator
 * of a set from one compiled function (engine/indicators/engine.ts `compileSteps`); with the
 * default budget V8 inlines the first kernels and calls the rest, and which ones it inlines
 * varies from process to process. With 4,000 the whole six-indicator set of
 * `npm run bench -- indicators` is inlined: 61–98 ns per symbol-bar over three runs, against
 * 103–235 ns over six runs without it (docs/indicators.md). It changes what is compiled, never
 * what a program computes.
 *
 * Setting flags once a process runs is allowed by Node and Electron (both start V8 with
 * `--no-freeze-flags-after-init`, which `v8.setFlagsFromString` needs); an inlining limit is read
 * at each optimisation, so it takes effect for everything compiled afterwards.
 */
import v8 from 'node:v8';

export const ENGINE_V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=4000'];

let applied = false;

export function tuneV8ForEngine(): void {
  if (applied) return;
  applied = true;
  for (const flag of ENGINE_V8_FLAGS) v8.setFlagsFromString(flag);
}
