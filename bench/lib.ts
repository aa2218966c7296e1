/** Benchmark helpers: percentiles, JSON-line reporting, and the results file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRecord {
  bench: string;
  [k: string]: unknown;
}
const records: BenchRecord[] = [];

export function report(r: BenchRecord): void {
  records.push(r);
  console.log(JSON.stringify(r));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]): { n: number; p50: number; p99: number; mean: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p99: round(percentile(s, 99)),
    mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
    max: round(s[s.length - 1] ?? NaN),
  };
}

export function writeResults(root: string): string {
  const dir = path.join(root, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results: records }, null, 2),
  );
  return file;
}
