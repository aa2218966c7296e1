/**
 * Every command's schema, fuzzed through the real serve transport. For each
 * command, fast-check generates inputs the command's own zod schema rejects (arbitrary JSON, and
 * its example with one field replaced, removed or added) plus malformed bodies; every answer must
 * be a structured 4xx error, never a 5xx, and the host must stay alive. A new command is fuzzed
 * as soon as it joins the contract. Bounded: a fixed count per command and a time budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { commands, type CommandName } from '../../engine/api';
import { EXAMPLES } from '../helpers/examples';
import { startServe, type Served } from '../helpers/serve';
import { nextMessage, wsOpen, wsUrl } from '../helpers/ws';

let s: Served;
beforeAll(async () => {
  s = await startServe(['--sim-history-days', '0']);
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

const PER_COMMAND = 70;
const TIME_BUDGET_MS = 100_000;
const names = Object.keys(commands) as CommandName[];

/** Is this input rejected by the command's schema (as the host validates it: null/undefined → {})? */
const rejected = (name: CommandName, v: unknown): boolean => !commands[name].input.safeParse(v === null || v === undefined ? {} : v).success;

function badInputs(name: CommandName, seed: number): unknown[] {
  const example = EXAMPLES[name];
  const base = example && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  const keys = Object.keys(base);
  const json = fc.jsonValue({ maxDepth: 4 });
  const mutated = fc.oneof(
    json,
    // one field replaced by anything
    keys.length ? fc.tuple(fc.constantFrom(...keys), json).map(([k, v]) => ({ ...base, [k]: v })) : json,
    // one field removed
    keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(base).filter(([x]) => x !== k))) : json,
    // an unknown field added
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), json).map(([k, v]) => ({ ...base, [`x_${k}`]: v })),
    // hostile strings in every string field
    fc.constantFrom('', ' ', '\u0000', '../../../../etc/passwd', '%00', 'x'.repeat(5000), '\ud800', '__proto__', 'constructor').map((str) =>
      Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'string' ? str : v])),
    ),
    // numbers at the edges
    fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53, 0.5, Number.MAX_SAFE_INTEGER + 2).map((n) =>
      Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'number' ? n : v])),
    ),
  );
  const out: unknown[] = [];
  for (const v of fc.sample(mutated, { numRuns: PER_COMMAND * 4, seed })) {
    if (out.length >= PER_COMMAND) break;
    if (rejected(name, v)) out.push(v);
  }
  return out;
}

const DEEP = '{"p":'.repeat(10_000) + '1' + '}'.repeat(10_000);
const MARK = '__deep__';

/** The example with each nested position, in turn, replaced by a 10,000-level object (as JSON text). */
function deepBodies(example: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, replace: (x: unknown) => unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, (y) => replace(v.map((z, j) => (j === i ? y : z)))));
    else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push(JSON.stringify(replace({ ...(v as object), [k]: MARK })).replace(`"${MARK}"`, DEEP));
        visit((v as Record<string, unknown>)[k], (y) => replace({ ...(v as object), [k]: y }));
      }
    }
  };
  visit(example, (x) => x);
  return out;
}

describe('schema fuzz through the real serve transport', () => {
  it('answers every generated bad input of every command with a structured 4xx, never a 5xx', async () => {
    const t0 = Date.now();
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const [i, name] of names.entries()) {
      if (Date.now() - t0 > TIME_BUDGET_MS) break;
      const inputs = badInputs(name, 9000 + i);
      const bodies = [...inputs.map((v) => JSON.stringify(v)), ...deepBodies(EXAMPLES[name]), '{"', '[[[[', 'nul', '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}', '{"params":' + '{"p":'.repeat(10_000) + '1' + '}'.repeat(10_001)];
      for (const body of bodies) {
        const res = await fetch(`${s.url}/api/call/${name}`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const j = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
        if (res.status >= 500 || res.status < 400 || typeof j?.error?.code !== 'string' || typeof j.error.message !== 'string') {
          failures.push(`${name} ${body.slice(0, 200)} → ${res.status} ${JSON.stringify(j).slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect(names.length).toBeGreaterThanOrEqual(50);
    expect(s.proc.exitCode).toBeNull();
    expect(((await (await fetch(`${s.url}/api/health`)).json()) as { status: string }).status).toBe('ok');
  }, 180_000);

  it('answers bad inputs over the WebSocket with structured errors, and the host stays alive', async () => {
    const ws = await wsOpen(wsUrl(s.url, s.token));
    let id = 0;
    const failures: string[] = [];
    for (const [i, name] of names.entries()) {
      for (const input of badInputs(name, 500 + i).slice(0, 8)) {
        const my = ++id;
        ws.send(JSON.stringify({ type: 'call', id: my, name, input }));
        const m = await nextMessage(ws, (x) => x.id === my);
        if (m.type !== 'error' || m.error.code === 'INTERNAL' || m.error.code === 'TIMEOUT') failures.push(`${name} ${JSON.stringify(input).slice(0, 200)} → ${JSON.stringify(m).slice(0, 200)}`);
      }
    }
    ws.close();
    expect(failures).toEqual([]);
    expect(id).toBeGreaterThan(300);
    expect(s.proc.exitCode).toBeNull();
  });
});
