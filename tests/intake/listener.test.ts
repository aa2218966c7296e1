/** The desktop's loopback intake listener: off until enabled, answers only POST /api/intake/<id>, follows the setting. */
import { describe, expect } from 'vitest';
import { parseInput, type CommandName } from '../../engine/api';
import { IntakeListenerControl } from '../../engine/intake/listener';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';
import { caller, startEngine } from './rig';


describe('loopback intake listener', () => {
  it('is off by default; enabled it takes webhooks like serve mode; disabled it stops', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-listener-')));
    const { call } = caller(() => engine);
    const host = { callRaw: (n: string, i: unknown) => engine.handle(n as CommandName, parseInput(n as CommandName, i as never)) };
    const control = new IntakeListenerControl(host, () => {});
    expect(await call('intake.listener.get', {})).toEqual({ enabled: false, port: 8787 });
    await control.apply(await call('intake.listener.get', {}));
    expect(control.url).toBeNull();
    const src = await call('intake.sources.create', { name: 'Desktop' });
    // a free port: let the OS pick one, then reuse it
    const probe = new IntakeListenerControl(host, () => {});
    await probe.apply({ enabled: true, port: 0 });
    const port = Number(new URL(probe.url!).port);
    await probe.apply({ enabled: false, port: 0 });
    const set = await call('intake.listener.set', { enabled: true, port });
    await control.apply(set);
    const url = `${control.url}/api/intake/${src.id}`;
    const ok = await fetch(url, { method: 'POST', headers: { 'X-Signaldesk-Secret': src.secret }, body: '{"symbol":"BTCUSDT","side":"buy"}' });
    expect(ok.status).toBe(202);
    expect((await fetch(url, { method: 'POST', body: '{"symbol":"BTCUSDT","side":"buy"}' })).status).toBe(401);
    expect((await fetch(`${control.url}/api/call/system.info`, { method: 'POST', body: '{}' })).status).toBe(404);
    await control.apply(await call('intake.listener.set', { enabled: false }));
    expect(control.url).toBeNull();
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
    await engine.intake.idle();
  });
});
