/** The bot token and webhook secrets are sealed at rest and never appear in a result, an event or the log. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { rigTest as it } from '../helpers/rig';
import { FakeTelegram } from '../fakes/fake-telegram';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { channel, deliveryRig, TOKEN, waitFor } from './rig';

const SECRET = 'whsec-never-shown-7f3a9c';
const SECRET2 = 'whsec-rotated-also-hidden-1b2c';

describe('delivery secrets', () => {
  it('never appear in any result or event, nor in clear in the database', async ({ track }) => {
    const rig = await deliveryRig();
    const tg = new FakeTelegram(TOKEN);
    await tg.start();
    const hook = new WebhookReceiver(SECRET);
    await hook.start();
    track(rig);
    track(tg);
    track(hook);
    const results: unknown[] = [];
    const keep = async <T>(p: Promise<T>): Promise<T> => {
      const v = await p;
      results.push(v);
      return v;
    };
    await keep(rig.call('delivery.telegram.set', { botToken: TOKEN, chatIds: ['1001'], enabled: true, apiRoot: tg.url }));
    const w = await keep(rig.call('delivery.webhooks.create', { url: hook.url, secret: SECRET, events: ['*'] }));
    expect(w).toMatchObject({ hasSecret: true });
    expect(Object.keys(w)).not.toContain('secret');
    await keep(rig.call('delivery.telegram.get', {}));
    await keep(rig.call('delivery.telegram.test', {}));
    await keep(rig.call('delivery.webhooks.test', { id: w.id }));
    await keep(rig.call('delivery.webhooks.list', {}));
    const ch = await channel(rig, ['desktop', 'telegram', `webhook:${w.id}`]);
    await rig.signal(ch);
    await waitFor('the signal on both', () => hook.received.some((x) => x.body.type === 'signal.created') && tg.sent.length >= 2);
    await keep(rig.call('delivery.webhooks.update', { id: w.id, secret: SECRET2 }));
    await keep(rig.call('delivery.webhooks.test', { id: w.id }));
    await keep(rig.call('delivery.logs', { limit: 500 }));
    await keep(rig.call('delivery.metrics', {}));
    const everything = JSON.stringify({ results, events: rig.r.events });
    expect(everything.length).toBeGreaterThan(1000);
    for (const s of [TOKEN, SECRET, SECRET2, TOKEN.split(':')[1]!]) expect(everything).not.toContain(s);
    // at rest: sealed, not in clear (the file and its WAL)
    rig.r.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = fs.readdirSync(rig.r.dataDir).filter((f) => f.startsWith('signaldesk.db'));
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(rig.r.dataDir, f)).toString('latin1');
      for (const s of [TOKEN, SECRET, SECRET2]) expect(bytes.includes(s), `${s} in ${f}`).toBe(false);
    }
    // …and still used for signing: after the rotation the receiver, which knows only the first secret, refuses the test
    expect(hook.received.filter((x) => !x.valid).map((x) => x.body.type)).toEqual(['delivery.test']);
  });
});
