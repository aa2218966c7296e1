/**
 * Points from one HTTP JSON answer: `valuePath` / `timePath` read as json-path.ts describes.
 * Without `[*]` an answer gives one point, stamped with `timePath` or the answer's time; with
 * `[*]` it gives a history (every element, de-duplicated by time, the last reading of a time
 * winning). Anything malformed throws a PathError naming the offending path, and nothing of the
 * answer is used.
 */
import type { SeriesPoint } from '../../../db/repos/ext-series';
import { PathError, readPath, toNumber, toTime, wildcards } from './json-path';

export interface ExtractPaths {
  valuePath: string;
  timePath?: string | null;
}

/** Checks a source's paths before it is stored: parseable, and a history names its times. */
export function checkPaths(p: ExtractPaths): void {
  const vw = wildcards(p.valuePath);
  const tw = p.timePath ? wildcards(p.timePath) : 0;
  if (vw > 1 || tw > 1) throw new PathError('a path may contain [*] at most once', vw > 1 ? p.valuePath : p.timePath!);
  if (vw === 1 && !p.timePath) throw new PathError(`valuePath ${p.valuePath} reads a history ([*]); give timePath for the time of each element`, p.valuePath);
  if (vw !== tw && p.timePath) throw new PathError(`valuePath and timePath must both read [*] or neither (timePath ${p.timePath})`, p.timePath);
}

export function extractPoints(doc: unknown, p: ExtractPaths, answeredAt: number): SeriesPoint[] {
  checkPaths(p);
  const values = readPath(doc, p.valuePath);
  const times = p.timePath ? readPath(doc, p.timePath) : null;
  if (times && times.length !== values.length) throw new PathError(`valuePath reads ${values.length} values but timePath reads ${times.length} times`, p.timePath!);
  const byTs = new Map<number, number>();
  values.forEach((v, i) => {
    const n = toNumber(v.value);
    if (n === null) throw new PathError(`${v.at} is not a number (valuePath ${p.valuePath})`, v.at);
    let ts = answeredAt;
    if (times) {
      const t = toTime(times[i]!.value);
      if (t === null) throw new PathError(`${times[i]!.at} is not a time (seconds or ms since 1970, or ISO 8601; timePath ${p.timePath})`, times[i]!.at);
      ts = t;
    }
    byTs.set(ts, n);
  });
  return [...byTs.entries()].sort((a, b) => a[0] - b[0]);
}
