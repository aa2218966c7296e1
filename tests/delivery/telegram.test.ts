/** The Telegram relay against a fake Bot API on loopback: buttons, commands, allow-list, limits. */
import { describe, expect } from 'vitest';
import { rigTest as it, type Track } from '../helpers/rig';
import type { RelayStatus } from '../../engine/api';
import { FakeTelegram } from '../fakes/fake-telegram';
import { channel, deliveryRig, TOKEN, waitFor, type DeliveryRig } from './rig';

async function setup(track: Track, chatIds = ['1001']): Promise<{ rig: DeliveryRig; tg: FakeTelegram }> {
  const rig = await deliveryRig();
  const tg = new FakeTelegram(TOKEN);
  await tg.start();
  track(rig);
  track(tg);
  await rig.call('delivery.telegram.set', { botToken: TOKEN, chatIds, enabled: true, apiRoot: tg.url });
  await waitFor('the relay to connect', async () => (await rig.call('delivery.telegram.get', {})).status.state === 'connected');
  return { rig, tg };
}

const status = async (rig: DeliveryRig): Promise<RelayStatus> => (await rig.call('delivery.telegram.get', {})).status;

describe('Telegram relay', () => {
  it('delivers a signal with Acknowledge / Execute / Snooze 15 min buttons, logged with its latency', async ({ track }) => {
    const { rig, tg } = await setup(track);
    const ch = await channel(rig, ['desktop', 'telegram']);
    const sid = await rig.signal(ch);
    const m = await waitFor('the signal message', () => tg.sent[0]);
    expect(m.chatId).toBe('1001');
    expect(m.text).toMatch(/^BUY AAA\/USDT [\d.,]+\nstop [\d.,]+, target [\d.,]+, confidence \d+ %/);
    expect(m.buttons).toEqual([
      { text: 'Acknowledge', data: `ack:${sid}` },
      { text: 'Execute', data: `exe:${sid}` },
      { text: 'Snooze 15 min', data: `snz:${sid}` },
    ]);
    const log = await waitFor('the telegram attempt', () => rig.r.delivery.attempts.list({ target: 'telegram' })[0]);
    expect(log).toMatchObject({ status: 'delivered', eventType: 'signal.created', ref: `signal:${sid}`, attempt: 1 });
    expect(log.latencyMs).toBeGreaterThanOrEqual(0);
    const metrics = await rig.call('delivery.metrics', {});
    expect(metrics.targets.map((t) => [t.target, t.sent, t.failed])).toEqual([
      ['desktop', 1, 0],
      ['telegram', 1, 0],
    ]);
    expect(metrics.targets[1]!.p50LatencyMs).not.toBeNull();
  });

  it('Execute from Telegram plus Execute from the popup make exactly one order; the message shows the outcome', async ({ track }) => {
    const { rig, tg } = await setup(track);
    const ch = await channel(rig, ['desktop', 'telegram']);
    const sid = await rig.signal(ch);
    const m = await waitFor('the signal message', () => tg.sent[0]);
    const popup = rig.r.notify.repo.list({ kind: 'signal' })[0]!;
    const exec = popup.actions.find((a) => a.id === 'execute')!;
    expect(exec).toMatchObject({ command: 'signals.execute', input: { id: sid } });
    tg.pushCallback('1001', m.messageId, `exe:${sid}`);
    await rig.call('signals.execute', exec.input as { id: number });
    // The button's answer (the popup's execution may also have been shown on the phone first).
    const edit = await waitFor('the edited message', () => tg.edits.find((e) => /Executed — EXECUTED/.test(e.text)));
    const intents = (await rig.call('orders.intents', { limit: 50 })).filter((i) => i.signalId === sid);
    expect(intents).toHaveLength(1);
    expect(intents[0]!.decision).toBe('EXECUTED');
    expect(edit.text.startsWith(m.text)).toBe(true);
    expect(edit.text).toMatch(new RegExp(`Executed — EXECUTED EXEC_ORDER_PLACED, order #${intents[0]!.orderId}`));
    expect(tg.answers).toHaveLength(1);
    const metrics = await rig.call('delivery.metrics', {});
    expect(metrics.channels).toEqual([expect.objectContaining({ channelId: ch, delivered: 1, executed: 1, executionConversion: 1, acknowledgedRate: 0, snoozeRate: 0 })]);
  });

  it('Acknowledge and Snooze from Telegram run the same actions as the popup', async ({ track }) => {
    const { rig, tg } = await setup(track);
    const ch = await channel(rig, ['telegram']);
    const sid = await rig.signal(ch);
    const m = await waitFor('the signal message', () => tg.sent[0]);
    tg.pushCallback('1001', m.messageId, `snz:${sid}`);
    await waitFor('snoozed', () => rig.r.signals.signals.get(sid)?.status === 'snoozed');
    expect(rig.r.signals.signals.get(sid)!.snoozedUntil).toBeGreaterThan(Date.now() + 14 * 60_000);
    tg.pushCallback('1001', m.messageId, `ack:${sid}`);
    await waitFor('acknowledged', () => rig.r.signals.signals.get(sid)?.status === 'acknowledged');
    await waitFor('two edits', () => tg.edits.length === 2);
    expect(tg.edits[0]!.text).toMatch(/Snoozed 15 min — it comes back at \d\d:\d\d UTC$/);
    expect(tg.edits[1]!.text).toMatch(/Acknowledged$/);
    const metrics = await rig.call('delivery.metrics', {});
    expect(metrics.channels[0]).toMatchObject({ delivered: 1, acknowledged: 1, snoozed: 1, acknowledgedRate: 1, snoozeRate: 1, executionConversion: 0 });
  });

  it('an action taken on the desktop shows on the phone: the message is edited and loses its buttons', async ({ track }) => {
    const { rig, tg } = await setup(track);
    const ch = await channel(rig, ['desktop', 'telegram']);
    const sid = await rig.signal(ch);
    const m = await waitFor('the signal message', () => tg.sent[0]);
    await rig.call('signals.ack', { id: sid });
    const edit = await waitFor('the edit', () => tg.edits[0]);
    expect(edit).toEqual({ chatId: '1001', messageId: m.messageId, text: `${m.text}\n\nAcknowledged on the desktop` });
  });

  it('a chat not on the allow-list cannot act, gets no answer, and is counted', async ({ track }) => {
    const { rig, tg } = await setup(track);
    const ch = await channel(rig, ['telegram']);
    const sid = await rig.signal(ch);
    const m = await waitFor('the signal message', () => tg.sent[0]);
    tg.pushCallback('666', m.messageId, `exe:${sid}`);
    tg.pushCommand('666', '/stop');
    tg.pushCallback('666', m.messageId, 'ks:on');
    await waitFor('three ignored updates', async () => (await status(rig)).ignoredChats === 3);
    expect(await rig.call('orders.intents', { limit: 50 })).toEqual([]);
    expect((await rig.call('orders.status', {})).killSwitch.on).toBe(false);
    expect(tg.sent.filter((x) => x.chatId === '666')).toEqual([]);
    expect(tg.answers).toEqual([]);
    expect(tg.edits).toEqual([]);
    // the count is kept across a restart
    const rig2 = track(await rig.restart());
    expect((await rig2.call('delivery.telegram.get', {})).status.ignoredChats).toBe(3);
  });

  it('/stop engages the kill switch only after the confirm button; /start releases it the same way', async ({ track }) => {
    const { rig, tg } = await setup(track);
    tg.pushCommand('1001', '/stop');
    const ask = await waitFor('the confirm question', () => tg.sent.find((x) => x.buttons.some((b) => b.data === 'ks:on')));
    expect(ask.text).toMatch(/^Engage the kill switch\?/);
    expect((await rig.call('orders.status', {})).killSwitch.on).toBe(false);
    tg.pushCallback('1001', ask.messageId, 'ks:on');
    await waitFor('the kill switch', async () => (await rig.call('orders.status', {})).killSwitch.on);
    expect((await rig.call('orders.status', {})).killSwitch.reason).toBe('Telegram /stop');
    await waitFor('the edit', () => tg.edits.find((e) => /Kill switch ON — no new orders/.test(e.text)));
    // the change itself is delivered too (as it would be when switched from the desktop)
    await waitFor('the kill-switch message', () => tg.sent.find((m) => m.text === 'Kill switch ON: no new orders\nTelegram /stop'));
    tg.pushCommand('1001', '/start');
    const ask2 = await waitFor('the release question', () => tg.sent.find((x) => x.buttons.some((b) => b.data === 'ks:off')));
    expect((await rig.call('orders.status', {})).killSwitch.on).toBe(true);
    tg.pushCallback('1001', ask2.messageId, 'ks:cancel');
    await waitFor('cancelled', () => tg.edits.find((e) => /Cancelled — nothing changed/.test(e.text)));
    expect((await rig.call('orders.status', {})).killSwitch.on).toBe(true);
    tg.pushCallback('1001', ask2.messageId, 'ks:off');
    await waitFor('released', async () => !(await rig.call('orders.status', {})).killSwitch.on);
    await waitFor('the release message', () => tg.sent.find((m) => m.text === 'Kill switch OFF: new orders allowed again'));
    await waitFor('both changes logged', () => rig.r.delivery.attempts.list({ target: 'telegram' }).filter((a) => a.eventType === 'killswitch.changed' && a.status === 'delivered').length === 2);
  });

  it('a FAILED order decision always reaches Telegram, with its reason', async ({ track }) => {
    const { rig, tg } = await setup(track);
    rig.r.bus.publish('candle.updated', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candle: [0, 60000, 60000, 60000, 60000, 1] });
    await rig.call('risk.update', { limits: { maxPositionNotional: '1000000', maxSymbolExposurePct: 1000 } });
    const i = await rig.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '1' });
    expect(i).toMatchObject({ decision: 'FAILED', reasonCode: 'INSUFFICIENT_FUNDS' });
    const m = await waitFor('the failure message', () => tg.sent.find((x) => x.text.startsWith('Order FAILED: BUY BTC/USDT — INSUFFICIENT_FUNDS')));
    expect(m.buttons).toEqual([]);
    await waitFor('logged', () => rig.r.delivery.attempts.list({ target: 'telegram' }).find((a) => a.eventType === 'order.failed' && a.ref === `intent:${i.id}` && a.status === 'delivered'));
  });

  it('answers /status /positions /orders /signals n /performance /pause /resume /help', async ({ track }) => {
    const { rig, tg } = await setup(track);
    const ch = await channel(rig, ['desktop']);
    await rig.signal(ch);
    const ask = async (cmd: string): Promise<string> => {
      const n = tg.sent.length;
      tg.pushCommand('1001', cmd);
      return (await waitFor(cmd, () => tg.sent[n])).text;
    };
    expect(await ask('/status')).toMatch(/^Kill switch: off\nSignals: running, 1 of 1 channels enabled\nOpen positions: 0\nPaper.*equity [\d.]+, drawdown stage normal/m);
    expect(await ask('/positions')).toBe('No open positions.');
    expect(await ask('/orders')).toBe('No orders yet.');
    expect(await ask('/signals 3')).toMatch(/^Latest 1 signals:\n#\d+ BUY AAA\/USDT [\d.,]+ — delivered/);
    expect(await ask('/performance')).toMatch(/^Signals: 0 finished, 1 open\./);
    expect(await ask('/pause')).toMatch(/^Signals paused/);
    expect((await rig.call('signals.status', {})).paused).toBe(true);
    expect(await ask('/resume')).toBe('Signals resumed.');
    expect((await rig.call('signals.status', {})).paused).toBe(false);
    expect(await ask('/help')).toMatch(/\/stop — engage the kill switch/);
  });

  it('a dead Telegram does not delay desktop popups, and the relay shows it is retrying', async ({ track }) => {
    const rig = track(await deliveryRig());
    const tg = new FakeTelegram(TOKEN);
    await tg.start();
    tg.hang();
    track(tg);
    await rig.call('delivery.telegram.set', { botToken: TOKEN, chatIds: ['1001'], enabled: true, apiRoot: tg.url });
    const ch = await channel(rig, ['telegram', 'desktop']);
    const before = rig.r.events.length;
    const sid = await rig.signal(ch);
    // Synchronously, before any Telegram answer could have come: the popup is out.
    const popups = rig.r.events.slice(before).filter((e) => e.topic === 'notification.popup');
    expect(popups).toHaveLength(1);
    expect(rig.r.delivery.attempts.list({ target: 'desktop' })[0]).toMatchObject({ ref: `signal:${sid}`, status: 'delivered' });
    expect(rig.r.delivery.attempts.list({ target: 'telegram' })).toEqual([]);
    // Unreachable (nothing listens any more) → retrying with back-off, the state says so.
    await tg.stop();
    const st = await waitFor('retrying', async () => {
      const s = await status(rig);
      return s.state === 'retrying' ? s : null;
    });
    expect(st.lastError).toMatch(/no network/);
    expect(st.nextRetryAt).toBeGreaterThan(Date.now() - 1000);
  });

  it('honours retry_after on 429 and summarises a burst into one message', async ({ track }) => {
    const { rig, tg } = await setup(track);
    tg.rateLimit(1, 1);
    const ids = rig.r.delivery.dispatcher.dispatch({ type: 'notification', ref: 'n:1', eventTs: Date.now(), data: { title: 'first', body: '' } }, ['telegram']);
    await waitFor('delivered after the 429', () => rig.r.delivery.attempts.list({ target: 'telegram' })[0]);
    expect(tg.rateLimited).toEqual(['1001']);
    expect(tg.sent.map((m) => m.text)).toEqual(['first']);
    expect(rig.r.delivery.attempts.list({ target: 'telegram' })[0]).toMatchObject({ deliveryId: ids[0], status: 'delivered', attempt: 1 });
    for (let i = 0; i < 12; i++) rig.r.delivery.dispatcher.dispatch({ type: 'notification', ref: `n:${i + 2}`, eventTs: Date.now(), data: { title: `burst ${i}`, body: '' } }, ['telegram']);
    await waitFor('all 13 delivered', () => rig.r.delivery.attempts.list({ target: 'telegram', status: 'delivered' }).length === 13);
    expect(tg.sent.length).toBeLessThan(13);
    const summary = tg.sent.find((m) => /messages in a burst/.test(m.text));
    expect(summary?.text).toMatch(/^\d+ messages in a burst\n• burst/);
  });

  it('delivery.telegram.test says plainly what failed: a bad token, an unknown chat, no network', async ({ track }) => {
    const rig = await deliveryRig();
    const tg = new FakeTelegram(TOKEN, ['1001']);
    await tg.start();
    track(rig);
    track(tg);
    expect(await rig.call('delivery.telegram.test', {})).toMatchObject({ ok: false, reason: 'NOT_CONFIGURED' });
    await rig.call('delivery.telegram.set', { botToken: '123456:WRONG-token-abcdefghijklmnopqrstuvw', chatIds: ['1001'], enabled: true, apiRoot: tg.url });
    expect(await rig.call('delivery.telegram.test', {})).toMatchObject({ ok: false, reason: 'BAD_TOKEN', httpStatus: 401, message: expect.stringMatching(/bad token/) });
    await waitFor('unauthorized', async () => (await status(rig)).state === 'unauthorized');
    await rig.call('delivery.telegram.set', { botToken: TOKEN, chatIds: ['1001', '2002'] });
    const unknown = await rig.call('delivery.telegram.test', {});
    expect(unknown).toMatchObject({ ok: false, reason: 'UNKNOWN_CHAT', httpStatus: 400 });
    expect(unknown.message).toMatch(/chat 2002: unknown chat/);
    await rig.call('delivery.telegram.set', { chatIds: ['1001'] });
    expect(await rig.call('delivery.telegram.test', {})).toMatchObject({ ok: true, reason: 'SENT', message: 'Sent a test message to 1 chat.' });
    await rig.call('delivery.telegram.set', { apiRoot: 'http://127.0.0.1:9' });
    expect(await rig.call('delivery.telegram.test', {})).toMatchObject({ ok: false, reason: 'NO_NETWORK' });
  });
});
