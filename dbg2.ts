import { startServe } from './tests/helpers/serve';
import { launch } from './tests/helpers/browser';
(async () => {
  const s = await startServe(['--sim-history-days', '71', '--sim-symbols', '1']);
  const b = await launch();
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => console.log('console', m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  await page.goto(`${s.url}/?token=${s.token}`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
  const attr = (n: string) => page.locator('[data-testid="chart"]').getAttribute(n);
  await page.locator('[data-testid="chart"]').click({ position: { x: 50, y: 50 } });
  await page.keyboard.press('Home');
  for (let i = 0; i < 12; i++) {
    await page.waitForTimeout(3000);
    console.log(i, await attr('data-bars'), await attr('data-complete'), await page.evaluate(() => document.activeElement?.tagName));
  }
  await b.close();
  await s.stop();
})();
