/**
 * CSV import / export in the Data sources view, in Chromium against the real
 * serve host: names relative to imports/ and exports/, clear refusals (outside the folders, a
 * file that exists, a bad line named without its content), and allowing a folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, tempDir, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const csv = (n: number): string => 'timestamp,open,high,low,close,volume\n' + Array.from({ length: n }, (_, i) => `${T0 + i * H},${100 + i},${102 + i},${99 + i},${101 + i},10`).join('\n') + '\n';

describe('CSV import / export in the Data sources view', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    s = await startServe([]);
    fs.writeFileSync(path.join(s.dataDir, 'imports', 'csv-1h.csv'), csv(48));
    fs.writeFileSync(path.join(s.dataDir, 'imports', 'secrets.csv'), 'timestamp,open,high,low,close,volume\nAPI_SECRET,hunter2-xyz,1,1,1,1\n');
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${s.url}/?token=${s.token}#/data`);
    await page.locator('[data-testid="view-data"]').waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const msg = () => page.locator('[data-testid="csv-msg"]').textContent();

  it('imports a file named relative to imports/, by keyboard, and says what happened', async () => {
    await page.locator('[data-testid="sources-table"]').focus();
    await page.keyboard.press('i');
    await page.locator('[data-testid="csv-dialog"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="csv-base"]').textContent(), { timeout: 10_000 }).toBe(path.join(fs.realpathSync(s.dataDir), 'imports'));
    await page.locator('[data-testid="csv-symbol"]').fill('CSV/USDT');
    await page.locator('[data-testid="csv-timeframe"]').selectOption('1h');
    await page.locator('[data-testid="csv-file"]').fill('csv-1h.csv');
    await page.locator('[data-testid="csv-file"]').press('Enter');
    await expect.poll(msg, { timeout: 15_000 }).toMatch(/^imported 48 candles into sim CSV\/USDT 1h/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-csv-import-1280.png') });
  });

  it('refuses a bad file naming the line, never its content, and a path outside the folders', async () => {
    await page.locator('[data-testid="csv-file"]').fill('secrets.csv');
    await page.locator('[data-testid="csv-file"]').press('Enter');
    await expect.poll(msg, { timeout: 15_000 }).toMatch(/^refused: nothing imported\. line 2: timestamp is not a number/);
    expect(await msg()).not.toMatch(/hunter2|API_SECRET/);
    await page.locator('[data-testid="csv-file"]').fill('/etc/passwd');
    await page.locator('[data-testid="csv-file"]').press('Enter');
    await expect.poll(msg, { timeout: 15_000 }).toMatch(/^refused: \/etc\/passwd is outside the folders files may be read from/);
  });

  it('exports to exports/, refuses to replace a file unless asked, and exports to an allowed folder', async () => {
    await page.locator('[data-testid="csv-mode-export"]').check();
    await page.locator('[data-testid="csv-file"]').fill('csv-out.csv');
    await page.locator('[data-testid="csv-file"]').press('Enter');
    const out = path.join(fs.realpathSync(s.dataDir), 'exports', 'csv-out.csv');
    await expect.poll(msg, { timeout: 15_000 }).toBe(`exported 48 candles to ${out}`);
    expect(fs.readFileSync(out, 'utf8')).toBe(csv(48));
    await page.locator('[data-testid="csv-submit"]').click();
    await expect.poll(msg, { timeout: 15_000 }).toMatch(/^refused: csv-out\.csv already exists; tick "Replace an existing file" to replace it/);
    await page.locator('[data-testid="csv-overwrite"]').check();
    await page.locator('[data-testid="csv-submit"]').click();
    await expect.poll(msg, { timeout: 15_000 }).toBe(`exported 48 candles to ${out}`);

    const mine = fs.realpathSync(tempDir('sd-ui-folder-'));
    await page.locator('[data-testid="csv-file"]').fill(path.join(mine, 'mine.csv'));
    await page.locator('[data-testid="csv-submit"]').click();
    await expect.poll(msg, { timeout: 15_000 }).toMatch(/is outside the folders files may be written to/);
    await page.locator('[data-testid="csv-allow-input"]').fill(mine);
    await page.locator('[data-testid="csv-allow-input"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="csv-allowed"]').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining(mine)]);
    await page.locator('[data-testid="csv-submit"]').click();
    await expect.poll(msg, { timeout: 15_000 }).toBe(`exported 48 candles to ${path.join(mine, 'mine.csv')}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-csv-export-1280.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-csv-export-1440.png') });
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="csv-dialog"]').waitFor({ state: 'detached' });
  });
});
