import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './serve';
import { findBrowser } from '../../scripts/find-browser.mjs';

/** SIGNALDESK_CHROMIUM, /usr/bin/chromium, or a chrome / chromium on the PATH (scripts/find-browser.mjs). */
const found = findBrowser();
export const CHROMIUM = found.path ?? '';
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  if (found.error) throw new Error(found.error);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
