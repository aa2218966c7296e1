/**
 * Alerts reach Telegram and webhooks through the real delivery layer of the real engine: a fake
 * Bot API and a signature-verifying webhook receiver on loopback. A rule reaches exactly the
 * targets it names, once; a burst reaches each target with its extra alerts as one summary.
 */
import { describe, expect } from 'vitest';
import { rigTest as it, type Track } from '../helpers/rig';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { parseInput } from '../../engine/api/validate';
import type { Alert, CommandInput, CommandName, CommandResult, DeliveryAttempt } from '../../engine/api';
import { tempDir } from '../helpers/serve';
import { FakeTelegram } from '../fakes/fake-telegram';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { TOKEN, waitFor } from '../delivery/rig';

const SECRET = 'whsec-alerts-0123456789';
const call = <N extends CommandName>(e: Engine, name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e.handle(name, parseInput(name, input));

interface Setup {
  e: Engine;
  tg: FakeTelegram;
  hook: WebhookReceiver;
  hookId: number;
  fired: Alert[];
  last: number;
  attempts(target: string): DeliveryAttempt[];
  /** A live price jump on BTC/USDT (a forming bar). */
  jump(to: number): void;
}

async function setup(track: Track, seed: number): Promise<Setup> {
  const opts: EngineOptions = { dataDir: tempDir('sd-alerts-delivery-'), mode: 'serve', version: 'test', simSeed: seed, simSpeed: 1, simSymbols: 2, simHistoryDays: 1, tickMs: 50 };
  const fired: Alert[] = [];
  const e = new Engine(opts, (topic, payload) => {
    if (topic === 'alert.fired') fired.push(payload as Alert);
  });
  e.start();
  const tg = new FakeTelegram(TOKEN);
  await tg.start();
  const hook = new WebhookReceiver(SECRET);
  await hook.start();
  track(e);
  track(tg);
  track(hook);
  await call(e, 'delivery.telegram.set', { botToken: TOKEN, chatIds: ['1001'], enabled: true, apiRoot: tg.url });
  await waitFor('the relay to connect', async () => (await call(e, 'delivery.telegram.get', {})).status.state === 'connected', 20_000);
  const w = await call(e, 'delivery.webhooks.create', { url: hook.url, secret: SECRET, events: ['order.intent'] });
  const last = await waitFor('a live BTC price', () => e.alerts.lastPrice('sim', 'BTC/USDT'), 30_000);
  await waitFor('live price updates', () => e.alerts.stats.priceUpdates > 5, 30_000);
  return {
    e,
    tg,
    hook,
    hookId: w.id,
    fired,
    last,
    attempts: (target) => e.delivery.attempts.list({ target, limit: 100 }).reverse(),
    jump(to) {
      const now = e.market.clock();
      e.bus.publish('candle.updated', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candle: [now - (now % 60_000), last, to, last, to, 1] });
    },
  };
}

const settled = (xs: DeliveryAttempt[], n: number): boolean => xs.length >= n && xs.every((x) => x.status === 'delivered' || x.status === 'failed');

describe('alerts through the delivery layer', () => {
  it('a rule naming desktop, telegram and a webhook reaches each once; a desktop-only rule reaches neither', async ({ track }) => {
    const s = await setup(track, 21);
    const level = Math.round(s.last * 1.5);
    const all = await call(s.e, 'alerts.rules.create', { name: 'BTC breakout', kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: level }, priority: 'high', delivery: ['desktop', 'telegram', `webhook:${s.hookId}`] });
    const desk = await call(s.e, 'alerts.rules.create', { name: 'BTC desk only', kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: level + 1 }, priority: 'high', delivery: ['desktop'] });
    s.jump(s.last * 2);
    expect(s.fired.map((a) => a.ruleId).sort()).toEqual([all.id, desk.id].sort());
    const mine = s.fired.find((a) => a.ruleId === all.id)!;

    // The jobs are persisted when the alert fires: wait until every one has its final answer.
    await waitFor('telegram delivered', () => settled(s.attempts('telegram'), 1));
    await waitFor('webhook delivered', () => settled(s.attempts(`webhook:${s.hookId}`), 1));
    expect(s.attempts('telegram').map((a) => [a.eventType, a.ref, a.status])).toEqual([['alert', `alert:${mine.id}`, 'delivered']]);
    expect(s.attempts(`webhook:${s.hookId}`).map((a) => [a.eventType, a.ref, a.status])).toEqual([['alert', `alert:${mine.id}`, 'delivered']]);

    expect(s.tg.sent).toHaveLength(1);
    expect(s.tg.sent[0]!.chatId).toBe('1001');
    expect(s.tg.sent[0]!.text).toBe(`BTC breakout\n${mine.message}`);
    expect(mine.message).toMatch(/^BTC\/USDT crossed above [\d,]+\.\d\d at [\d,]+\.\d\d$/);

    expect(s.hook.received).toHaveLength(1);
    const got = s.hook.received[0]!;
    expect(got.valid).toBe(true);
    expect(got.body).toMatchObject({ type: 'alert', data: { title: 'BTC breakout', body: mine.message, priority: 'high', alerts: [{ id: mine.id, ruleId: all.id }] } });
    // Desktop got both.
    const popups = s.e.notify.repo.list({ kind: 'alert' });
    expect(popups.map((n) => n.title).sort()).toEqual(['BTC breakout', 'BTC desk only']);
  }, 90_000);

  it('a burst of 8 alerts within a minute: 5 reach each target one by one, the other 3 as one summary', async ({ track }) => {
    const s = await setup(track, 22);
    const base = Math.round(s.last * 1.5);
    const rules: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await call(s.e, 'alerts.rules.create', { name: `Level ${i}`, kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: base + i }, priority: i === 7 ? 'critical' : 'medium', delivery: ['telegram', `webhook:${s.hookId}`] });
      rules.push(r.id);
    }
    s.jump(s.last * 2);
    expect(s.fired).toHaveLength(8);
    await waitFor('5 single webhook deliveries', () => settled(s.attempts(`webhook:${s.hookId}`), 5));
    expect(s.hook.received).toHaveLength(5);
    // The minute ends (what the router's timer does): the held alerts go out as one summary per target.
    s.e.alerts.router.flush();
    await waitFor('the webhook summary', () => settled(s.attempts(`webhook:${s.hookId}`), 6));
    await waitFor('telegram settled', () => settled(s.attempts('telegram'), 6) && s.tg.sent.length > 0 && s.attempts('telegram').length === 6);
    const hooks = s.hook.received;
    expect(hooks).toHaveLength(6);
    expect(hooks.every((h) => h.valid && h.body.type === 'alert')).toBe(true);
    const data = hooks.map((h) => h.body.data as { title: string; body: string; alerts: Alert[] });
    expect(data.slice(0, 5).map((d) => d.alerts.length)).toEqual([1, 1, 1, 1, 1]);
    const summary = data[5]!;
    expect(summary.title).toBe('3 more alerts within a minute');
    expect(summary.alerts).toHaveLength(3);
    expect(summary.body.split('\n')).toEqual(summary.alerts.map((a) => `• ${a.message}`));
    // Every alert reached the webhook exactly once.
    expect(data.flatMap((d) => d.alerts.map((a) => a.id)).sort((a, b) => a - b)).toEqual(s.fired.map((a) => a.id).sort((a, b) => a - b));
    // Telegram: the same six messages, the last of them the summary.
    expect(s.attempts('telegram').map((a) => a.status)).toEqual(Array(6).fill('delivered'));
    // However the relay batches them for the phone, every alert's own words arrive exactly once.
    const phone = s.tg.sent.map((m) => m.text).join('\n');
    for (const a of s.fired) expect(phone.split(a.message).length - 1, a.message).toBe(1);
    expect(phone).toContain('3 more alerts within a minute');
  }, 90_000);
});

describe('an alert and a webhook subscribed to every event', () => {
  it('a webhook that takes every event and is named in the rule gets each alert once, as the alert.fired event', async ({ track }) => {
    const s = await setup(track, 23);
    await call(s.e, 'delivery.webhooks.update', { id: s.hookId, events: ['*'] });
    const level = Math.round(s.last * 1.5);
    const rule = await call(s.e, 'alerts.rules.create', { name: 'BTC breakout', kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: level }, priority: 'high', delivery: ['telegram', `webhook:${s.hookId}`] });
    s.jump(s.last * 2);
    const mine = s.fired.find((a) => a.ruleId === rule.id)!;
    expect(mine).toBeDefined();
    const target = `webhook:${s.hookId}`;
    // Every job for the hook has its final answer (the jobs are made when the alert fires).
    await waitFor('telegram delivered', () => settled(s.attempts('telegram'), 1));
    await waitFor('the hook settled', () => s.e.delivery.jobs.pending().filter((j) => j.target === target).length === 0 && s.attempts(target).every((a) => a.status === 'delivered' || a.status === 'failed'));
    const about = s.hook.received.filter((h) => {
      const d = h.body.data as { id?: number; alerts?: Array<{ id: number }> };
      return (h.body.type === 'alert.fired' && d.id === mine.id) || (h.body.type === 'alert' && (d.alerts ?? []).some((a) => a.id === mine.id));
    });
    expect(about.map((h) => h.body.type)).toEqual(['alert.fired']);
    expect(about[0]!.body.data).toMatchObject({ id: mine.id, ruleId: rule.id, message: mine.message });
    // Telegram still gets the rule's alert.
    expect(s.attempts('telegram').map((a) => [a.eventType, a.ref])).toEqual([['alert', `alert:${mine.id}`]]);
  }, 90_000);
});
