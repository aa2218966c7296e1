/**
 * Every contract command's example through the serve transport (HTTP POST /api/call/<name>), as
 * tests/electron/main.test.ts does through IPC: no 5xx, and a structured answer for each —
 * {result} with 200, or, for an example naming what a fresh engine lacks, the expected refusal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, type CommandName } from '../../engine/api';
import { EXAMPLES } from '../helpers/examples';
import { call, startServe, tempDir, type Served } from '../helpers/serve';

let s: Served;
beforeAll(async () => {
  const dataDir = tempDir('sd-serve-examples-');
  // market.import's example reads <data dir>/imports/signaldesk-example.csv.
  fs.mkdirSync(path.join(dataDir, 'imports'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'imports', 'signaldesk-example.csv'), 'timestamp,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,10\n');
  s = await startServe([], dataDir);
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

describe('the contract examples over HTTP', () => {
  it('has one example per contract command', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(Object.keys(commands).sort());
  });

  it("answers every command's example with 200 and {result}, or a named structured refusal, never a 5xx", async () => {
    // Examples that name a thing a fresh engine does not have are refused, structured:
    // intake.webhook needs its source's secret, which only its creation returns; no alert has fired yet.
    const refused: Partial<Record<CommandName, [number, string]>> = {
      'intake.webhook': [401, 'UNAUTHORIZED'],
      'alerts.ack': [404, 'NOT_FOUND'],
      'alerts.resolve': [404, 'NOT_FOUND'],
      'alerts.snooze': [404, 'NOT_FOUND'],
      'alerts.delete': [404, 'NOT_FOUND'],
      // The example names a backup that does not exist: refused, nothing restored.
      'system.restore': [422, 'UNPROCESSABLE'],
    };
    const wrong: string[] = [];
    for (const name of Object.keys(commands) as CommandName[]) {
      const r = await call(s, name, EXAMPLES[name]);
      const seen = `${name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
      const refusal = refused[name];
      if (r.status >= 500) wrong.push(seen);
      else if (refusal) {
        const e = r.body?.error;
        if (r.status !== refusal[0] || e?.code !== refusal[1] || typeof e.message !== 'string' || 'result' in r.body) wrong.push(seen);
      } else if (r.status !== 200 || r.body === null || typeof r.body !== 'object' || !('result' in r.body) || 'error' in r.body) wrong.push(seen);
    }
    expect(wrong).toEqual([]);
    // Still healthy after all of them.
    const health = await call(s, 'system.health', {});
    expect(health.status).toBe(200);
    expect(health.body.result.status).toBe('ok');
    const info = await call(s, 'system.info', {});
    expect(info.body.result).toMatchObject({ mode: 'serve', dataDir: s.dataDir });
  });
});
