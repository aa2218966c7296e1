/**
 * End-to-end in Chromium against the real serve host (sim at 600×): the System health view opens
 * by keyboard (Alt+H) and its figures refresh live; in Settings, "Back up now" writes a backup
 * that the list shows, and a restore asks for confirmation (Esc cancels, nothing happens) before
 * the engine restarts on the backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

describe('System health view and backups in Chromium', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    s = await startServe(['--sim-speed', '600', '--sim-symbols', '2', '--tick-ms', '200']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.locator('[data-testid="connection"]', { hasText: 'connected' }).waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('shows the figures with units and refreshes them live (Alt+H)', async () => {
    await page.keyboard.press('Alt+H');
    await page.locator('[data-testid="view-health"]').waitFor();
    await page.locator('[data-testid="health-status"]').waitFor();
    expect(await page.locator('[data-testid="nav-health"]').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('[data-testid="health-engine-alive"]').textContent()).toBe('running');
    expect(await page.locator('[data-testid="health-db-size"]').textContent()).toMatch(/^\d+(\.\d)? (KB|MB|GB)$/);
    expect(await page.locator('[data-testid="health-wal-size"]').textContent()).toMatch(/^\d+(\.\d)? (B|KB|MB|GB)$/);
    expect(await page.locator('[data-testid="health-rss"]').textContent()).toMatch(/ MB$/);
    expect(await page.locator('[data-testid="health-engine-loop"]').textContent()).toMatch(/^[\d.]+ m?s \/ [\d.]+ m?s \/ [\d.]+ m?s$/);
    expect(await page.locator('[data-testid="health-uptime"]').textContent()).toMatch(/\d+ (s|min)/);
    expect(await page.locator('[data-testid="health-source-sim"]').textContent()).toMatch(/^sim/);
    // The figures on screen are the engine's.
    const m = (await call(s, 'system.metrics', {})).body.result;
    expect(await page.locator('[data-testid="health-rows-settings"]').textContent()).toBe(`settings${m.db.tables.settings}`);
    // Signal popups would cover the cards in the screenshots: pause the signals, close the popups.
    await call(s, 'signals.pause', { paused: true });
    for (const x of await page.locator('.toast-x').all()) await x.click({ timeout: 1000 }).catch(() => undefined);
    // Live: the candle count moves as the sim writes, without touching the page.
    const first = await page.locator('[data-testid="health-candles"]').textContent();
    await expect.poll(() => page.locator('[data-testid="health-candles"]').textContent(), { timeout: 30_000 }).not.toBe(first);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'system-health-1280x800.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'system-health-1440x900.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('takes a backup from Settings and restores it after a confirmation', async () => {
    await page.keyboard.press('Alt+9');
    const section = page.locator('[data-testid="settings-backups"]');
    await section.waitFor();
    await section.scrollIntoViewIfNeeded();
    expect(await section.locator('[data-testid="backup-row"]').count()).toBe(0);
    await section.locator('[data-testid="backup-now"]').click();
    const msg = page.locator('[data-testid="settings-msg"]');
    await expect.poll(() => msg.textContent(), { timeout: 30_000 }).toMatch(/^Backup written: .*backups\/signaldesk-.*\.db \(\d+(\.\d)? (KB|MB)\)$/);
    await expect.poll(() => section.locator('[data-testid="backup-row"]').count()).toBe(1);
    const listed = (await call(s, 'system.backups.list', {})).body.result as Array<{ path: string; name: string }>;
    expect(listed).toHaveLength(1);
    expect(fs.existsSync(listed[0]!.path)).toBe(true);
    expect(await section.locator('[data-testid="backup-row"]').first().textContent()).toContain(listed[0]!.name);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-backups-1280x800.png') });

    // Restore asks first; Esc cancels and nothing happens.
    const infoBefore = (await call(s, 'system.metrics', {})).body.result;
    await section.getByRole('button', { name: `Restore ${listed[0]!.name}` }).click();
    const confirm = page.locator('[data-testid="backup-restore-confirm"]');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(listed[0]!.name);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    const replacedBefore = fs.readdirSync(s.dataDir).filter((f) => f.includes('.replaced-'));
    expect(replacedBefore).toEqual([]);
    expect((await call(s, 'system.metrics', {})).body.result.engine.uptimeMs).toBeGreaterThan(infoBefore.engine.uptimeMs);

    // Confirmed: the engine restarts on the backup; the replaced database is kept aside.
    await section.getByRole('button', { name: `Restore ${listed[0]!.name}` }).click();
    await confirm.waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-backups-confirm-1440x900.png') });
    const clicked = Date.now();
    await page.locator('[data-testid="backup-restore-yes"]').click();
    await expect.poll(() => msg.textContent(), { timeout: 60_000 }).toMatch(/^Restored .*: the engine restarted on it \(schema \d+\); the replaced database is kept at .*signaldesk\.db\.replaced-/);
    expect(fs.readdirSync(s.dataDir).filter((f) => f.includes('.replaced-'))).toHaveLength(1);
    const after = (await call(s, 'system.metrics', {})).body.result;
    // The engine thread started after the click: it restarted.
    expect(after.engine.uptimeMs).toBeLessThanOrEqual(Date.now() - clicked);
    expect(after.engine.alive).toBe(true);
  });
  it('exports the settings as a JSON file and imports one, saying what changed', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const section = page.locator('[data-testid="settings-backups"]');
    await section.scrollIntoViewIfNeeded();
    const [dl] = await Promise.all([page.waitForEvent('download'), section.locator('[data-testid="settings-export"]').click()]);
    expect(dl.suggestedFilename()).toMatch(/^signaldesk-settings-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(fs.readFileSync((await dl.path())!, 'utf8'));
    expect(doc).toMatchObject({ format: 'signaldesk.settings', version: 1 });
    expect(JSON.stringify(doc)).not.toMatch(/token|sealed/i);
    const msg = page.locator('[data-testid="settings-msg"]');
    await expect.poll(() => msg.textContent()).toMatch(/^Settings exported as signaldesk-settings-.*\.json: \d+ settings, no secrets$/);
    // Import a changed copy: the file picker is the hidden input behind "Import settings…".
    const changed = { ...doc, settings: { ...doc.settings, 'backups.keep': 11 } };
    await section.locator('[data-testid="settings-import-file"]').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(changed)) });
    await expect.poll(() => msg.textContent(), { timeout: 60_000 }).toBe('Settings imported from mine.json: 1 changed (backups.keep); the engine restarted to apply them');
    expect((await call(s, 'system.backups.config', {})).body.result.keep).toBe(11);
    // A bad file is refused, saying why, and changes nothing.
    await section.locator('[data-testid="settings-import-file"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...doc, settings: { 'backups.keep': 0 } })) });
    await expect.poll(() => msg.textContent(), { timeout: 30_000 }).toMatch(/^Settings import refused: .*backups\.keep/);
    expect((await call(s, 'system.backups.config', {})).body.result.keep).toBe(11);
  });
});
