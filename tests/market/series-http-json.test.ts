/**
 * http_json sources against a fake JSON API on loopback: values and histories stored, the key
 * sealed, and the faults (late, malformed, 429, 500) becoming the source's error with nothing
 * stored from a bad answer; the gateway's breaker and Retry-After hold apply.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { parseInput } from '../../engine/api';
import { FakeJsonApi } from '../fakes/fake-json-api';
import { it, until } from './rig';
import { seriesRig, type SeriesRig } from './series-rig';

let api: FakeJsonApi;
beforeAll(async () => {
  api = new FakeJsonApi(1500);
  await api.start();
});
afterAll(() => api.stop());

const FNG = (value: string, ts: string) => ({ name: 'Fear and Greed Index', data: [{ value, value_classification: 'Fear', timestamp: ts }] });
const read = (r: SeriesRig, source: string, series = 'value') => r.collector.series.read(parseInput('market.series', { source, series }));
const health = (r: SeriesRig, id: string) => r.collector.healthReport(id)[0]!;

describe('http_json sources', () => {
  it('stores one point per answer stamped with timePath; the api key is sealed and sent as a Bearer header', async ({ track }) => {
    api.set('/fng', FNG('42', '1700000000'));
    const r = track(seriesRig());
    const view = await r.add({ id: 'fng', kind: 'http_json', url: `${api.url}/fng`, apiKey: 'sk-secret-123', intervalSeconds: 1, valuePath: 'data[0].value', timePath: 'data[0].timestamp', label: 'Fear & Greed', unit: 'index', costPerMonth: 0 });
    expect(view.kind).toBe('http_json');
    expect(view.hasKeys).toBe(true);
    expect(view.ext).toMatchObject({ series: ['value'], unit: 'index', intervalSeconds: 1, valuePath: 'data[0].value' });
    await until(() => read(r, 'fng').length > 0, 10_000, 'first point');
    expect(read(r, 'fng')).toEqual([[1_700_000_000_000, 42]]);
    expect(api.requests.find((q) => q.path === '/fng')!.headers['authorization']).toBe('Bearer sk-secret-123');
    const file = fs.readFileSync(path.join(r.dataDir, 'signaldesk.db')).toString('latin1');
    expect(file.includes('sk-secret-123')).toBe(false);
    // A later answer adds a point; the same time is stored once.
    api.set('/fng', FNG('55', '1700086400'));
    await until(() => read(r, 'fng').length === 2, 10_000, 'second point');
    expect(read(r, 'fng')).toEqual([[1_700_000_000_000, 42], [1_700_086_400_000, 55]]);
    const info = r.collector.series.list('fng');
    expect(info).toEqual([expect.objectContaining({ source: 'fng', series: 'value', feature: 'ext_fng_value', unit: 'index', lastValue: 55, points: 2 })]);
    expect(health(r, 'fng').requests24h).toBeGreaterThanOrEqual(2);
  });

  it('a [*] history is back-filled and de-duplicated by time; {apiKey} in a header is replaced', async ({ track }) => {
    api.set('/hist', { rows: [
      { t: '2024-01-02T00:00:00Z', v: '2' },
      { t: 1704067200, v: 1 },
      { t: 1704153600000, v: 2.5 },
    ] });
    const r = track(seriesRig());
    await r.add({ id: 'chain', kind: 'http_json', url: `${api.url}/hist`, headers: { 'X-Api-Key': '{apiKey}' }, apiKey: 'k-77', intervalSeconds: 1, valuePath: 'rows[*].v', timePath: 'rows[*].t', label: 'On-chain', costPerMonth: 29 });
    await until(() => read(r, 'chain').length > 0, 10_000, 'history');
    expect(read(r, 'chain')).toEqual([[Date.UTC(2024, 0, 1), 1], [Date.UTC(2024, 0, 2), 2.5]]);
    const q = api.requests.find((x) => x.path === '/hist')!;
    expect(q.headers['x-api-key']).toBe('k-77');
    expect(q.headers['authorization']).toBeUndefined();
    expect(r.collector.series.costs((id) => r.collector.sources.get(id)!.kind)).toEqual([{ kind: 'http_json', sources: 1, costPerMonth: 29 }]);
  });

  it('a malformed answer, a bad path or a non-numeric value is the source error naming the path, and nothing is stored', async ({ track }) => {
    api.set('/bad', { rows: [{ t: 1704067200, v: 1 }, { t: 1704153600, v: 'n/a' }] });
    const r = track(seriesRig());
    await r.add({ id: 'bad', kind: 'http_json', url: `${api.url}/bad`, intervalSeconds: 1, valuePath: 'rows[*].v', timePath: 'rows[*].t', label: 'Bad' });
    await until(() => health(r, 'bad').lastError, 10_000, 'error');
    expect(health(r, 'bad').lastError).toMatchObject({ kind: 'bad_response' });
    expect(health(r, 'bad').lastError!.message).toContain('rows[1].v is not a number');
    expect(health(r, 'bad').status).not.toBe('healthy');
    expect(read(r, 'bad')).toEqual([]);

    api.set('/missing', { data: [{ value: 1 }] });
    await r.add({ id: 'miss', kind: 'http_json', url: `${api.url}/missing`, intervalSeconds: 1, valuePath: 'data[0].valu', label: 'Missing' });
    await until(() => health(r, 'miss').lastError, 10_000, 'error');
    expect(health(r, 'miss').lastError!.message).toContain('data[0].valu');
    expect(read(r, 'miss')).toEqual([]);

    api.set('/mal', { v: 1 });
    api.inject('malformed', { path: '/mal', times: 1 });
    await r.add({ id: 'mal', kind: 'http_json', url: `${api.url}/mal`, intervalSeconds: 1, valuePath: 'v', label: 'Malformed' });
    await until(() => health(r, 'mal').lastError, 10_000, 'error');
    expect(health(r, 'mal').lastError!.message).toContain('not JSON');
    expect(read(r, 'mal')).toEqual([]);
    // The next (good) answer is stored, and the source is healthy again.
    await until(() => read(r, 'mal').length === 1, 10_000, 'recovery');
    expect(read(r, 'mal')[0]![1]).toBe(1);
  });

  it('429 holds requests until Retry-After; late answers time out and open the breaker', async ({ track }) => {
    api.set('/rl', { v: 3 });
    const r = track(seriesRig({ breaker: { failures: 2, openMs: 60_000 } }));
    api.inject('rateLimit', { path: '/rl', times: 1, retryAfterSec: 2 });
    await r.add({ id: 'rl', kind: 'http_json', url: `${api.url}/rl`, intervalSeconds: 1, valuePath: 'v', label: 'Rate limited' });
    await until(() => health(r, 'rl').lastError?.kind === 'rate_limit', 10_000, 'rate limit');
    const h = health(r, 'rl');
    expect(h.backoffUntil).not.toBeNull();
    expect(h.backoffUntil!).toBeGreaterThan(Date.now() + 500);
    await until(() => read(r, 'rl').length === 1, 10_000, 'after the hold');
    // No request went out during the hold.
    const rl = api.requests.filter((q) => q.path === '/rl');
    expect(rl.length).toBe(2);

    // The breaker is per origin (shared by every source there): the healthy source goes first.
    r.collector.remove('rl');
    api.set('/late', { v: 4 });
    api.inject('late', { path: '/late', times: 5 });
    await r.add({ id: 'late', kind: 'http_json', url: `${api.url}/late`, intervalSeconds: 1, timeoutMs: 200, valuePath: 'v', label: 'Late' });
    await until(() => health(r, 'late').circuit === 'open', 15_000, 'breaker open');
    expect(health(r, 'late').status).toBe('circuit_open');
    expect(health(r, 'late').lastError!.kind).toBe('timeout');
    expect(read(r, 'late')).toEqual([]);
    const before = api.count('/late');
    expect(before).toBe(2);
  });

  it('refuses bad settings with 422 naming the field, and exports a series to CSV', async ({ track }) => {
    const r = track(seriesRig());
    const err = await r.add({ id: 'h', kind: 'http_json', url: `${api.url}/x`, intervalSeconds: 1, valuePath: 'rows[*].v', label: 'H' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).details).toMatchObject({ field: 'valuePath' });
    expect(r.collector.sources.get('h')).toBeUndefined();
    const err2 = await r.add({ id: 'h', kind: 'http_json', url: `${api.url}/x`, intervalSeconds: 1, valuePath: 'rows[*].v', timePath: 'time', label: 'H' }).catch((e: unknown) => e);
    expect((err2 as ApiError).details).toMatchObject({ field: 'timePath' });

    api.set('/exp', { rows: [{ t: 1704067200, v: 1 }, { t: 1704153600, v: 2 }] });
    await r.add({ id: 'exp', kind: 'http_json', url: `${api.url}/exp`, intervalSeconds: 1, valuePath: 'rows[*].v', timePath: 'rows[*].t', label: 'Exp' });
    await until(() => read(r, 'exp').length === 2, 10_000, 'history');
    const out = await r.collector.series.exportCsv(r.collector.files(), parseInput('market.series.export', { source: 'exp', series: 'value', path: 'exp.csv' }));
    expect(out.exported).toBe(2);
    expect(fs.readFileSync(out.path, 'utf8')).toBe('timestamp,value\n1704067200000,1\n1704153600000,2\n');
    expect(r.collector.series.read(parseInput('market.series', { source: 'exp', series: 'value', since: 1704100000000 }))).toEqual([[1704153600000, 2]]);
    expect(r.collector.series.read(parseInput('market.series', { source: 'exp', series: 'value', limit: 1 }))).toEqual([[1704153600000, 2]]);

    // Updates: a path that cannot work is refused and changes nothing; a good change restarts the source.
    const bad = await r.collector.update(parseInput('market.sources.update', { id: 'exp', timePath: null }) as Parameters<typeof r.collector.update>[0]).catch((e: unknown) => e);
    expect((bad as ApiError).details).toMatchObject({ field: 'valuePath' });
    expect(r.collector.sources.get('exp')!.config).toMatchObject({ timePath: 'rows[*].t' });
    const wrong = await r.collector.update(parseInput('market.sources.update', { id: 'exp', timeframes: ['1h'] }) as Parameters<typeof r.collector.update>[0]).catch((e: unknown) => e);
    expect((wrong as ApiError).details).toMatchObject({ fields: ['timeframes'] });
    const v = await r.collector.update(parseInput('market.sources.update', { id: 'exp', unit: 'USD', costPerMonth: 5 }) as Parameters<typeof r.collector.update>[0]);
    expect(v.ext).toMatchObject({ unit: 'USD', costPerMonth: 5 });
    expect(r.collector.series.costs((id) => r.collector.sources.get(id)!.kind)).toEqual([{ kind: 'http_json', sources: 1, costPerMonth: 5 }]);
  });
});
