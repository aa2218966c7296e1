/**
 * End to end in Chromium against the real serve host and the sim: the Strategies view lists the
 * channel strategies with their live results and latest backtests; ranking by a metric chosen
 * with the keyboard (and by click) follows the engine's ranking; pause / resume by keyboard and
 * by click reach the engine and the Signals view's channel list; params edited with "Backtest
 * these first" show both backtests side by side and apply; enabling autopilot on a live account
 * is refused with the numbers and allowed after the typed confirmation.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  s = await startServe(['--sim-speed', '60', '--sim-symbols', '3', '--tick-ms', '100']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const api = async <T>(name: string, input: unknown): Promise<T> => {
  const r = await call(s, name, input);
  if (r.status !== 200) throw new Error(`${name}: ${JSON.stringify(r.body)}`);
  return r.body.result as T;
};
interface Row {
  channelId: number;
  channelName: string;
  strategy: string;
  index: number;
  paused: boolean;
  params: Record<string, unknown>;
  backtest: { id: number; totalReturnPct: number } | null;
  live: { outcomes: number; winRate: number | null };
}
interface Channel {
  id: number;
  name: string;
  autopilot: boolean;
  strategies: Array<{ id: string; params: Record<string, unknown>; paused?: boolean }>;
}
const results = async (rankBy: string): Promise<Row[]> => (await api<{ rows: Row[] }>('strategies.results', { rankBy })).rows;
const shownOrder = async (): Promise<string[]> => page.locator('[data-testid="strategy-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
const keyOf = (r: Row): string => `${r.channelId}:${r.index}`;

async function backtestDone(id: number): Promise<void> {
  await expect.poll(async () => (await api<{ status: string }>('backtest.get', { id })).status, { timeout: 60_000, interval: 250 }).toBe('done');
}

describe('Strategies view in Chromium', () => {
  it('ranks by a metric chosen by keyboard, pauses and resumes by keyboard and click, backtests edited params before applying, and guards live autopilot', async () => {
    // The starter channel (ema_cross + breakout on the sim) exists; add one with momentum.
    const starter = (await api<Channel[]>('signals.channels.list', {}))[0]!;
    expect(starter.strategies.map((x) => x.id)).toEqual(['ema_cross', 'breakout']);
    const desk = await api<Channel>('signals.channels.create', { name: 'Momentum desk', strategies: [{ id: 'momentum', params: {} }], symbols: { source: 'sim', symbols: ['BTC/USDT'] }, timeframe: '1m' });
    // Latest backtests on the channels' symbols: ema_cross of the starter and momentum of the desk (breakout has none).
    const symbolsOf = (c: Channel) => (c as unknown as { symbols: { symbols: string[] } }).symbols.symbols;
    const bt1 = await api<{ id: number }>('backtest.run', { strategy: { id: 'ema_cross' }, source: 'sim', symbols: symbolsOf(starter), timeframe: '1m' });
    const bt2 = await api<{ id: number }>('backtest.run', { strategy: { id: 'momentum' }, source: 'sim', symbols: ['BTC/USDT'], timeframe: '1m' });
    await backtestDone(bt1.id);
    await backtestDone(bt2.id);

    await page.goto(`${s.url}/?token=${s.token}`);
    await page.locator('[data-testid="connection"]', { hasText: 'connected' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Alt+6');
    await page.locator('[data-testid="view-strategies"]').waitFor();
    await expect.poll(async () => (await shownOrder()).length, { timeout: 10_000 }).toBe(3);
    // Every registry strategy is described with its params.
    for (const id of ['ema_cross', 'momentum', 'breakout', 'mean_reversion', 'scalping']) await page.locator(`[data-testid="registry-${id}"]`).waitFor();
    expect(await page.locator('[data-testid="registry-breakout"]').textContent()).toMatch(/minVolumeRatio/);
    const breakoutRow = page.locator('[data-testid="strategy-row"][data-strategy="breakout"]');
    expect(await breakoutRow.locator('[data-testid="cell-backtest"]').textContent()).toBe('no backtest yet');
    expect(await page.locator('[data-testid="strategy-row"][data-strategy="momentum"] [data-testid="cell-backtest"]').textContent()).toMatch(/^[+-]\d+\.\d\d % · \d+ trades/);

    // Rank by "Backtest return", chosen with the keyboard: R focuses the metric, arrows choose it.
    await page.keyboard.press('r');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('strategy-rank-by');
    const rankBy = page.locator('[data-testid="strategy-rank-by"]');
    for (let k = 0; k < 10 && (await rankBy.inputValue()) !== 'backtestReturnPct'; k++) await page.keyboard.press('ArrowDown');
    expect(await rankBy.inputValue()).toBe('backtestReturnPct');
    const byReturn = await results('backtestReturnPct');
    expect(byReturn[2]!.strategy).toBe('breakout'); // no backtest: last
    await expect.poll(shownOrder, { timeout: 10_000 }).toEqual(byReturn.map(keyOf));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'strategies-1280.png') });
    // … and by click: win rate.
    await rankBy.selectOption('winRate');
    await expect.poll(shownOrder, { timeout: 10_000 }).toEqual((await results('winRate')).map(keyOf));
    // The live results shown are the engine's (win rate and tracked outcomes of each row; the sim keeps signalling, so poll).
    const liveShown = () => page.locator('[data-testid="strategy-row"]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-key')} ${r.querySelector('[data-testid="cell-winRate"]')?.textContent} ${r.querySelector('[data-testid="cell-outcomes"]')?.textContent}`));
    const liveEngine = async () => (await results('winRate')).map((r) => `${keyOf(r)} ${r.live.winRate === null ? '—' : `${(r.live.winRate * 100).toFixed(0)} %`} ${r.live.outcomes}`);
    await expect.poll(async () => JSON.stringify(await liveShown()) === JSON.stringify(await liveEngine()), { timeout: 15_000 }).toBe(true);

    // Pause breakout in the starter channel by keyboard: Tab from the metric reaches the list, arrows select, P pauses.
    await rankBy.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('strategy-results');
    const keys = await shownOrder();
    const target = keys.indexOf(`${starter.id}:1`);
    await page.keyboard.press('Home');
    for (let k = 0; k < target; k++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('p');
    await expect.poll(() => breakoutRow.getAttribute('data-paused'), { timeout: 10_000 }).toBe('true');
    expect(await page.locator('[data-testid="strategies-msg"]').textContent()).toMatch(/^Paused breakout in Starter \(simulated market\): no signals from it/);
    let ch = (await api<Channel[]>('signals.channels.list', {})).find((c) => c.id === starter.id)!;
    expect(ch.strategies.map((x) => [x.id, x.paused === true])).toEqual([
      ['ema_cross', false],
      ['breakout', true],
    ]);
    // The Signals view's channel list says so.
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.locator('[data-testid="channel-strategies"]').first().textContent(), { timeout: 10_000 }).toBe('ema_cross, breakout (paused)');
    await page.keyboard.press('Alt+6');
    // Resume by click.
    await breakoutRow.locator('[data-testid="strategy-pause-toggle"]').click();
    await expect.poll(() => breakoutRow.getAttribute('data-paused'), { timeout: 10_000 }).toBe('false');
    ch = (await api<Channel[]>('signals.channels.list', {})).find((c) => c.id === starter.id)!;
    expect(ch.strategies[1]!.paused).toBeUndefined();

    // Edit momentum's params: backtest them first, see both results, then apply.
    const momRow = page.locator('[data-testid="strategy-row"][data-strategy="momentum"]');
    await momRow.locator('[data-testid="strategy-edit"]').click();
    const dialog = page.locator('[data-testid="strategy-params-dialog"]');
    await dialog.waitFor();
    await dialog.locator('[data-testid="ch-param-momentum-rsi"]').fill('10');
    await dialog.locator('[data-testid="strategy-backtest-first"]').click();
    const cur = dialog.locator('[data-testid="compare-current-Return"]');
    const edi = dialog.locator('[data-testid="compare-edited-Return"]');
    await expect.poll(async () => `${await cur.textContent()} | ${await edi.textContent()}`, { timeout: 60_000, interval: 250 }).toMatch(/^[+-]\d+\.\d\d % \| [+-]\d+\.\d\d %$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'strategies-backtest-first-1280.png') });
    await dialog.locator('[data-testid="strategy-apply"]').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="strategies-msg"]').textContent()).toMatch(/^Applied momentum params in Momentum desk: rsi 10/);
    expect((await api<Channel[]>('signals.channels.list', {})).find((c) => c.id === desk.id)!.strategies[0]!.params.rsi).toBe(10);
    // The edited params have their own backtest now: the row shows the exact match.
    const after = (await results('winRate')).find((r) => r.channelId === desk.id)!;
    expect(after.backtest).not.toBeNull();
    expect(after.params.rsi).toBe(10);

    // Live autopilot: make a live account the default; enabling autopilot is refused with the numbers, then confirmed.
    const live = await api<{ id: number }>('accounts.create', { name: 'Exchange live', kind: 'live', apiKey: 'k', secret: 's' });
    await api('accounts.update', { id: live.id, isDefault: true });
    await momRow.click();
    const panel = page.locator('[data-testid="promotion-panel"]');
    await expect.poll(() => panel.locator('[data-testid="promotion-verdict"]').getAttribute('data-reason'), { timeout: 10_000 }).toBe('TOO_FEW_OUTCOMES');
    await panel.locator('[data-testid="autopilot-toggle"]').click();
    const refusal = panel.locator('[data-testid="promotion-refusal"]');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-reason')).toBe('TOO_FEW_OUTCOMES');
    expect(await refusal.textContent()).toMatch(/refused: autopilot of Momentum desk on live account Exchange live needs 30 tracked outcomes/);
    expect(await refusal.locator('[data-testid="promotion-numbers"] tbody tr').first().textContent()).toMatch(/^momentum\d+/);
    expect((await api<Channel[]>('signals.channels.list', {})).find((c) => c.id === desk.id)!.autopilot).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'strategies-promotion-1280.png') });
    await refusal.locator('[data-testid="promotion-confirm"]').fill('ENABLE LIVE AUTOPILOT');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await api<Channel[]>('signals.channels.list', {})).find((c) => c.id === desk.id)!.autopilot, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => panel.locator('[data-testid="autopilot-state"]').textContent(), { timeout: 10_000 }).toBe('ON');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'strategies-1440.png') });
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
