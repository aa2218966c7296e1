/**
 * Over real HTTP: GET /metrics on the built serve mode answers Prometheus' text
 * exposition format with the named figures and counters, and only with the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServe, type Served } from '../helpers/serve';

let s: Served;
beforeAll(async () => {
  s = await startServe(['--sim-speed', '600']);
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text format (0.0.4): HELP / TYPE comments and `name{labels} value` lines. */
function parseProm(text: string): { types: Record<string, string>; samples: Sample[] } {
  const types: Record<string, string> = {};
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) {
      types[t[1]!] = t[2]!;
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const part of m[3].match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
        const i = part.indexOf('=');
        labels[part.slice(0, i)] = part.slice(i + 2, -1);
      }
    }
    samples.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return { types, samples };
}

const scrape = (token?: string): Promise<Response> => fetch(`${s.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /metrics', () => {
  it('requires the token', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('UNAUTHORIZED');
    const wrong = await scrape('not-the-token');
    expect(wrong.status).toBe(401);
  });

  it('answers Prometheus text with the figures and the named counters', async () => {
    const res = await scrape(s.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parseProm(await res.text());
    const one = (name: string, labels: Record<string, string> = {}): number | undefined =>
      samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;
    for (const c of ['signaldesk_candles_stored_total', 'signaldesk_signals_total', 'signaldesk_intents_total', 'signaldesk_deliveries_total', 'signaldesk_alerts_fired_total']) expect(types[c], c).toBe('counter');
    for (const g of ['signaldesk_up', 'signaldesk_uptime_seconds', 'signaldesk_engine_heartbeat_age_seconds', 'signaldesk_engine_restarts', 'signaldesk_event_loop_delay_seconds', 'signaldesk_threads', 'signaldesk_memory_bytes', 'signaldesk_db_size_bytes', 'signaldesk_db_wal_size_bytes', 'signaldesk_db_table_rows', 'signaldesk_events_per_second', 'signaldesk_sources', 'signaldesk_source_up']) expect(types[g], g).toBe('gauge');
    expect(one('signaldesk_candles_stored_total')).toBeGreaterThan(0);
    expect(one('signaldesk_db_size_bytes')).toBeGreaterThan(0);
    expect(one('signaldesk_db_table_rows', { table: 'candles' })).toBe(one('signaldesk_candles_stored_total'));
    expect(one('signaldesk_threads', { kind: 'engine' })).toBe(1);
    expect(one('signaldesk_memory_bytes', { kind: 'rss' })).toBeGreaterThan(0);
    expect(one('signaldesk_source_up', { source: 'sim' })).toBe(1);
    expect(one('signaldesk_event_loop_delay_seconds', { thread: 'engine', stat: 'p99' })).toBeGreaterThanOrEqual(0);
  });

  it('counts what is written: an order placed shows in intents by decision', async () => {
    const before = parseProm(await (await scrape(s.token)).text()).samples.filter((x) => x.name === 'signaldesk_intents_total').reduce((a, x) => a + x.value, 0);
    const r = await call(s, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001', idempotencyKey: 'scrape-1' });
    expect(r.status).toBe(200);
    const after = parseProm(await (await scrape(s.token)).text()).samples.filter((x) => x.name === 'signaldesk_intents_total');
    expect(after.reduce((a, x) => a + x.value, 0)).toBe(before + 1);
    expect(after.find((x) => x.labels.decision === r.body.result.decision)?.value).toBeGreaterThanOrEqual(1);
  });
});
