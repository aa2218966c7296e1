import { describe, expect } from 'vitest';
import { rigTest as it } from '../helpers/rig';
import type { Alert, SourceHealth } from '../../engine/api';
import { ApiError } from '../../engine/api/errors';
import { alertRig, T0, MIN, type AlertRig } from './rig';


/** Fires `n` alerts from `n` price rules on one crossing. */
async function fireMany(rig: AlertRig, n: number, priority: 'low' | 'critical' = 'low'): Promise<Alert[]> {
  for (let k = 0; k < n; k++) await rig.create({ kind: 'price', condition: { source: 'sim', symbol: 'AAA/USDT', op: 'crosses_above', value: 100 + k }, priority });
  rig.price('AAA/USDT', 50, T0);
  rig.price('AAA/USDT', 100 + n, T0 + 1000);
  return rig.fired();
}

function sim(status: SourceHealth['status'], circuit: SourceHealth['circuit'] = 'closed'): SourceHealth {
  return { source: 'sim', kind: 'sim', status, circuit, consecutiveFailures: 0, lastSuccessAt: null, lastError: status === 'failed' ? { kind: 'network', message: 'connect ECONNREFUSED', at: T0 } : null, latencyMs: null, requests24h: 0, backoffUntil: null, retryAt: null, closeToEvent: null, feeds: [] } as SourceHealth;
}

describe('alerts: lifecycle', () => {
  it('active → acknowledged → resolved; snooze returns an alert when its time comes; delete; list filters and stats', async ({ track }) => {
    const r = track(await alertRig());
    const [a, b, c] = await fireMany(r, 3);
    expect((await r.call('alerts.ack', { id: a!.id }))[0]!.status).toBe('acknowledged');
    expect((await r.call('alerts.resolve', { id: a!.id }))[0]).toMatchObject({ status: 'resolved', resolution: 'resolved by the trader' });
    const snoozed = (await r.call('alerts.snooze', { ids: [b!.id], minutes: 15 }))[0]!;
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: r.wall.now + 15 * 60_000 });
    expect(r.alerts.wake(r.wall.now + 14 * 60_000)).toHaveLength(0);
    r.wall.now += 15 * 60_000;
    await r.alerts.tick();
    expect(r.alerts.alerts.get(b!.id)!.status).toBe('active');
    expect(r.s.notify.repo.list({ kind: 'alert' }).some((n) => n.body.startsWith('Snooze over:'))).toBe(true);
    expect(await r.call('alerts.delete', { id: c!.id })).toEqual({ deleted: 1 });
    expect((await r.call('alerts.list', { status: 'active' })).map((x) => x.id)).toEqual([b!.id]);
    expect((await r.call('alerts.list', { status: 'resolved', kind: 'price', priority: 'low' })).map((x) => x.id)).toEqual([a!.id]);
    expect(await r.call('alerts.list', { priority: 'critical' })).toHaveLength(0);
    expect(await r.call('alerts.stats', {})).toMatchObject({ total: 2, active: 1, acknowledged: 0, resolved: 1, byPriority: { low: 2, critical: 0 }, byKind: { price: 2, health: 0 } });
  });

  it('acting on a missing id changes nothing (all or nothing); a resolved alert cannot be snoozed', async ({ track }) => {
    const r = track(await alertRig());
    const [a] = await fireMany(r, 1);
    await expect(r.call('alerts.ack', { ids: [a!.id, 999] })).rejects.toThrow(ApiError);
    expect(r.alerts.alerts.get(a!.id)!.status).toBe('active');
    await r.call('alerts.resolve', { id: a!.id });
    await expect(r.call('alerts.snooze', { id: a!.id, minutes: 5 })).rejects.toThrow(/already resolved/);
  });

  it('more than 5 alerts within a minute reach each target as 5 messages and one summary', async ({ track }) => {
    const r = track(await alertRig());
    await fireMany(r, 8);
    expect(r.fired()).toHaveLength(8);
    expect(r.alerts.router.sent.get('desktop')).toEqual({ messages: 5, summaries: 0 });
    r.alerts.router.flush(); // the window's end
    expect(r.alerts.router.sent.get('desktop')).toEqual({ messages: 5, summaries: 1 });
    const summary = r.s.notify.repo.list({ kind: 'alert' }).find((n) => n.title.startsWith('3 more alerts'));
    expect(summary?.body.split('\n')).toHaveLength(3);
  });

  it('telegram and webhook targets go through the one delivery sink, with the same burst summary', async ({ track }) => {
    const r = track(await alertRig());
    const got: Array<{ targets: string[]; summary: boolean; n: number }> = [];
    r.alerts.setDeliverySink({ deliver: (targets, m) => void got.push({ targets, summary: m.summary, n: m.alerts.length }) });
    for (let k = 0; k < 7; k++) await r.create({ kind: 'price', condition: { source: 'sim', symbol: 'AAA/USDT', op: 'crosses_above', value: 100 + k }, delivery: ['telegram', 'webhook:ops'] });
    r.price('AAA/USDT', 50, T0);
    r.price('AAA/USDT', 200, T0 + 1000);
    r.alerts.router.flush();
    expect(got.filter((g) => g.targets[0] === 'telegram').map((g) => g.summary)).toEqual([false, false, false, false, false, true]);
    expect(got.filter((g) => g.targets[0] === 'webhook:ops').at(-1)).toEqual({ targets: ['webhook:ops'], summary: true, n: 2 });
    expect(r.s.notify.repo.list({ kind: 'alert' })).toHaveLength(0); // no desktop target chosen
  });

  it('a health alert fires after N minutes of the status (source clock), once, and resolves itself when the source recovers — also across a restart', async ({ track }) => {
    let r = track(await alertRig());
    const id = (await r.create({ kind: 'health', condition: { source: 'sim', status: 'failed', forMinutes: 5 }, priority: 'critical' })) as number;
    r.health.push(sim('failed'));
    r.s.clock.now = T0;
    await r.alerts.tick();
    r.s.clock.now = T0 + 4 * MIN;
    await r.alerts.tick();
    expect(r.fired()).toHaveLength(0);
    r.s.clock.now = T0 + 5 * MIN;
    await r.alerts.tick();
    r.s.clock.now = T0 + 9 * MIN;
    await r.alerts.tick();
    expect(r.fired()).toHaveLength(1);
    expect(r.fired()[0]!.message).toBe('sim has been failed for 5 min: connect ECONNREFUSED');
    r = track(await r.restart());
    r.health.push(sim('failed'));
    r.s.clock.now = T0 + 20 * MIN;
    await r.alerts.tick();
    expect(r.fired()).toHaveLength(0); // the same episode: not again after a restart
    r.health.splice(0, 1, sim('healthy'));
    await r.alerts.tick();
    const after = r.alerts.alerts.list({ kind: 'health' })[0]!;
    expect(after).toMatchObject({ ruleId: id, status: 'resolved' });
    expect(after.resolution).toBe('resolved itself: sim is no longer failed (now healthy)');
  });

  it('a restart neither loses active alerts nor fires a crossing again', async ({ track }) => {
    let r = track(await alertRig());
    await r.create({ kind: 'price', condition: { source: 'sim', symbol: 'AAA/USDT', op: 'crosses_above', value: 100 } });
    r.price('AAA/USDT', 99, T0);
    r.price('AAA/USDT', 101, T0 + 1000);
    expect(r.fired()).toHaveLength(1);
    r = track(await r.restart());
    r.price('AAA/USDT', 101, T0 + 2000);
    r.price('AAA/USDT', 102, T0 + 3000);
    expect(r.fired()).toHaveLength(0);
    expect(r.alerts.alerts.list({ status: 'active' })).toHaveLength(1);
    r.price('AAA/USDT', 99, T0 + 4000);
    r = track(await r.restart()); // the side below is kept too
    r.price('AAA/USDT', 101, T0 + 5000);
    expect(r.fired()).toHaveLength(1);
  });
});
