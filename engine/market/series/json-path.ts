/**
 * Reading numbers out of an HTTP JSON answer by dotted paths (`data.0.value`, `data[0].value`,
 * `data[*].value`). `[*]` (or `.*`) reads every element of an array. Every read names the concrete
 * path it came from (`data[3].value`), so a bad answer's error says exactly where it is bad.
 */

export type PathStep = { key: string } | { index: number } | { all: true };

export class PathError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'PathError';
  }
}

/** Parses `a.b[0].c`, `a.b.0.c`, `data[*].x`, `[*].x`. Throws PathError for an empty or malformed path. */
export function parsePath(path: string): PathStep[] {
  const p = path.trim();
  if (!p) throw new PathError('the path is empty', path);
  const steps: PathStep[] = [];
  const re = /([^.[\]]+)|\[(\*|\d+)\]|(\.)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(p)) !== null) {
    if (m.index !== consumed) break;
    consumed = re.lastIndex;
    if (m[3]) continue;
    if (m[2] !== undefined) steps.push(m[2] === '*' ? { all: true } : { index: Number(m[2]) });
    else {
      const k = m[1]!;
      if (k === '*') steps.push({ all: true });
      else if (/^\d+$/.test(k)) steps.push({ index: Number(k) });
      else steps.push({ key: k });
    }
  }
  if (consumed !== p.length || steps.length === 0) throw new PathError(`the path "${path}" is malformed (use dots and [n] or [*], e.g. data[0].value)`, path);
  return steps;
}

export const wildcards = (path: string): number => parsePath(path).filter((s) => 'all' in s).length;

const stepText = (prefix: string, s: PathStep, i?: number): string =>
  'key' in s ? (prefix ? `${prefix}.${s.key}` : s.key) : `${prefix}[${'index' in s ? s.index : i}]`;

/**
 * Every value the path reaches, with the concrete path of each. A missing key or index, or `[*]`
 * over something that is not an array, throws a PathError naming the path up to the failure.
 */
export function readPath(doc: unknown, path: string): Array<{ at: string; value: unknown }> {
  const steps = parsePath(path);
  let cur: Array<{ at: string; value: unknown }> = [{ at: '', value: doc }];
  for (const s of steps) {
    const next: Array<{ at: string; value: unknown }> = [];
    for (const c of cur) {
      const v = c.value;
      if ('all' in s) {
        if (!Array.isArray(v)) throw new PathError(`${c.at || '(answer)'} is not an array, so ${path} cannot read [*] of it`, c.at);
        v.forEach((x, i) => next.push({ at: stepText(c.at, s, i), value: x }));
      } else if ('index' in s) {
        const at = stepText(c.at, s);
        if (!Array.isArray(v) || s.index >= v.length) throw new PathError(`${at} is missing in the answer (path ${path})`, at);
        next.push({ at, value: v[s.index] });
      } else {
        const at = stepText(c.at, s);
        if (!v || typeof v !== 'object' || Array.isArray(v) || !(s.key in v)) throw new PathError(`${at} is missing in the answer (path ${path})`, at);
        next.push({ at, value: (v as Record<string, unknown>)[s.key] });
      }
    }
    cur = next;
  }
  return cur;
}

/** A number, or a string holding one ("42", " 0.0001 "). Null for anything else. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A time as the CSV reader takes it: seconds or milliseconds since 1970 (numbers below 10^11
 * are seconds), as a number or a string, or an ISO 8601 date. ms UTC, or null.
 */
export function toTime(v: unknown): number | null {
  const n = toNumber(v);
  if (n !== null) {
    if (n < 0) return null;
    return Math.round(n < 100_000_000_000 ? n * 1000 : n);
  }
  if (typeof v === 'string' && ISO.test(v.trim())) {
    const s = v.trim();
    // A date or date-time without a zone is UTC (as the CSV reader reads it).
    const t = Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(s) || !s.includes(':') ? s : `${s}Z`);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}
