/**
 * End-to-end delivery: in Chromium over the real serve host, Settings → Delivery configures the
 * Telegram relay (against the fake Bot API) and a webhook (against the verifying receiver), tests
 * both, and shows the relay status, the log and the metrics; the channel editor offers every
 * delivery target. Secrets typed in the page never come back to it.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';
import { FakeTelegram } from '../fakes/fake-telegram';
import { WebhookReceiver } from '../fakes/webhook-receiver';

const TOKEN = '123456:E2E-token-abcdefghijklmnopqrstuvwxyz';
const SECRET = 'e2e-webhook-secret-4242';
let s: Served;
let browser: Browser;
let page: Page;
let tg: FakeTelegram;
let hook: WebhookReceiver;

beforeAll(async () => {
  tg = new FakeTelegram(TOKEN, ['1001']);
  await tg.start();
  hook = new WebhookReceiver(SECRET);
  await hook.start();
  s = await startServe(['--sim-speed', '60', '--tick-ms', '200', '--sim-symbols', '4']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  await tg?.stop();
  await hook?.stop();
});

const msg = () => page.locator('[data-testid="settings-msg"]').textContent();

describe('delivery settings in Chromium', () => {
  it('sets up Telegram and a webhook, tests both, shows status, log and metrics; the channel editor offers every target', async () => {
    // The API root is for proxies and tests: set by a script, not on screen.
    expect((await call(s, 'delivery.telegram.set', { apiRoot: tg.url })).status).toBe(200);
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.click('[data-testid="nav-settings"]');
    await page.locator('[data-testid="telegram-panel"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="tg-status"]').textContent()).toMatch(/Relayoff/);

    await page.fill('[data-testid="tg-token"]', TOKEN);
    await page.fill('[data-testid="tg-chats"]', '1001');
    await page.click('[data-testid="tg-save"]');
    await expect.poll(msg).toBe('Telegram settings saved');
    expect(await page.inputValue('[data-testid="tg-token"]')).toBe('');
    await page.click('[data-testid="tg-enable"]');
    await expect.poll(() => page.locator('[data-testid="tg-status"]').textContent(), { timeout: 10_000 }).toMatch(/connected as @signaldesk_test_bot/);
    await page.click('[data-testid="tg-test"]');
    await expect.poll(msg, { timeout: 10_000 }).toBe('Telegram test: Sent a test message to 1 chat.');
    expect(tg.sent.map((m) => m.text)).toEqual([expect.stringMatching(/^Signaldesk test message/)]);

    // A chat not on the allow-list is ignored, and the count shows it.
    tg.pushCommand('666', '/status');
    await expect.poll(() => page.locator('[data-testid="tg-ignored"]').textContent(), { timeout: 10_000 }).toBe('1');

    // Webhook: add with the keyboard (Enter submits), then test.
    await page.click('[data-testid="wh-add"]');
    await page.fill('[data-testid="wh-url"]', hook.url);
    await page.fill('[data-testid="wh-secret"]', SECRET);
    await page.fill('[data-testid="wh-events"]', 'signal.created, order.intent');
    await page.press('[data-testid="wh-events"]', 'Enter');
    await expect.poll(msg).toBe('Webhook #1 added');
    await page.click('[data-testid="wh-test-1"]');
    await expect.poll(msg, { timeout: 10_000 }).toBe('Webhook #1 test: Delivered: the receiver answered HTTP 204.');
    // (the starter channel's signals may arrive too: the webhook subscribes to signal.created)
    expect(hook.received.filter((r) => r.body.type === 'delivery.test').map((r) => r.valid)).toEqual([true]);
    expect(hook.received.every((r) => r.valid && ['delivery.test', 'signal.created', 'order.intent'].includes(r.body.type))).toBe(true);
    // a bad topic is refused with the engine's words, naming the field
    await page.click('[data-testid="wh-edit-1"]');
    await page.fill('[data-testid="wh-events"]', 'no.such.topic');
    await page.click('[data-testid="wh-save"]');
    await expect.poll(msg).toMatch(/^Webhook not saved: events: unknown topic no\.such\.topic/);
    await page.click('[data-testid="wh-add"]');
    // disable from the table
    await page.click('[data-testid="wh-enabled-1"]');
    await expect.poll(msg).toBe('Webhook #1 disabled');
    expect((await call(s, 'delivery.webhooks.list', {})).body.result).toEqual([expect.objectContaining({ id: 1, enabled: false, hasSecret: true })]);

    // The log shows the attempts, filtered by status.
    await expect.poll(() => page.locator('[data-testid="dl-table"] tbody tr').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await page.selectOption('[data-testid="dl-status"]', 'failed');
    await expect.poll(() => page.locator('[data-testid="delivery-log"]').textContent()).toMatch(/No delivery attempts match these filters/);
    await page.selectOption('[data-testid="dl-status"]', 'delivered');
    await expect.poll(() => page.locator('[data-testid="dl-table"] tbody').textContent()).toMatch(/webhook:1delivery\.test/);
    await page.click('[data-testid="dm-refresh"]');
    // The webhook's row: the test, plus any starter-channel signal.created sent while it was on
    // (the sim's first signal can come within these seconds, so sent may be 2), none failed.
    const whRow = page.locator('[data-testid="dm-targets"] tbody tr').filter({ has: page.locator('td:first-child', { hasText: /^webhook:1$/ }) });
    const cells = async () => ((await whRow.count()) ? (await whRow.locator('td').allTextContents()).slice(1, 3) : null);
    await expect.poll(cells, { timeout: 10_000 }).toEqual([expect.stringMatching(/^[1-9]\d*$/), '0']);

    for (const [w, h] of [
      [1280, 800],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: path.join(SCREENSHOTS, `delivery-settings-${w}x${h}.png`) });
    }
    // Secrets typed here never come back to the page.
    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain(TOKEN);

    // The channel editor offers desktop, Telegram and the webhook.
    await page.click('[data-testid="nav-signals"]');
    await page.locator('[data-testid="view-signals"]').waitFor();
    await page.keyboard.press('n');
    await page.locator('[data-testid="channel-editor"]').waitFor();
    await page.locator('[data-testid="ch-delivery-webhook-1"]').waitFor();
    expect(await page.isChecked('[data-testid="ch-delivery-desktop"]')).toBe(true);
    expect(await page.isChecked('[data-testid="ch-delivery-telegram"]')).toBe(false);
    await page.check('[data-testid="ch-delivery-telegram"]');
    await page.check('[data-testid="ch-delivery-webhook-1"]');
    await page.fill('[data-testid="ch-name"]', 'Everywhere');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'delivery-channel-editor.png') });
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="channel-editor"]').waitFor({ state: 'detached' });
    const chans = (await call(s, 'signals.channels.list', {})).body.result as Array<{ name: string; delivery: string[] }>;
    expect(chans.find((c) => c.name === 'Everywhere')?.delivery).toEqual(['desktop', 'telegram', 'webhook:1']);
  });
});
