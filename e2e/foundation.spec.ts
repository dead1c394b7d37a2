import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './host-process';

let host: HostProcess;
const SHOTS = 'test-results/screenshots';

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHostProcess({ displays: 2 });
});
test.afterAll(async () => {
  await host?.stop();
});

async function openDisplay(page: Page, display: string) {
  await page.goto(host.urlFor(display));
  await expect(page.locator('html[data-ready="true"]')).toBeAttached();
}

test('the console assigns a view to display 2 and display 2 follows within 1 s', async ({ browser }, testInfo) => {
  const consolePage = await browser.newPage();
  const display2 = await browser.newPage();
  await openDisplay(consolePage, '1');
  await openDisplay(display2, '2');

  // Default wall: primary display runs the console, display 2 a wall view.
  await expect(consolePage.getByTestId('view-console')).toBeVisible();
  await expect(display2.getByTestId('view-mosaic')).toBeVisible();
  // The token is not left in the address bar.
  expect(consolePage.url()).not.toContain('token');
  // The console shows real state from main: both displays, each with its page connected.
  await expect(consolePage.getByTestId('display-card-2')).toContainText('1 cửa sổ mở');
  await expect(consolePage.getByTestId('health-wall')).toContainText('2 displays, 2 showing');

  // The page itself notes when the map view enters its DOM (a MutationObserver: an expect() poll
  // would quantise the measure to its 100/250/500 ms retry steps). Pages and test share one clock.
  await display2.evaluate(() => {
    const w = window as unknown as { __mapShownAt?: number };
    new MutationObserver((_, obs) => {
      if (!document.querySelector('[data-testid="view-map"]')) return;
      w.__mapShownAt = Date.now();
      obs.disconnect();
    }).observe(document.body, { childList: true, subtree: true });
  });
  const t0 = Date.now();
  await consolePage.getByTestId('assign-2-map').click();
  await expect(display2.getByTestId('view-map')).toBeVisible();
  const switchMs = (await display2.evaluate(() => (window as unknown as { __mapShownAt: number }).__mapShownAt)) - t0;
  testInfo.annotations.push({ type: 'switchMs', description: String(switchMs) });
  expect(switchMs).toBeLessThan(1000);
  await expect(consolePage.getByTestId('display-view-2')).toHaveText('Bản đồ');

  await consolePage.screenshot({ path: `${SHOTS}/console.png` });
  await display2.screenshot({ path: `${SHOTS}/display-2-map.png` });
  await testInfo.attach('console', { path: `${SHOTS}/console.png`, contentType: 'image/png' });
  await testInfo.attach('display-2', { path: `${SHOTS}/display-2-map.png`, contentType: 'image/png' });

  // The choice is stored in the wall profile: a reload keeps it.
  await display2.reload();
  await expect(display2.getByTestId('view-map')).toBeVisible();
  await consolePage.close();
  await display2.close();
});

test('Vietnamese by default, English on request; the clock is Asia/Ho_Chi_Minh', async ({ browser }) => {
  // A browser in another time zone must still show Vietnam time.
  const ctx = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
  const page = await ctx.newPage();
  await openDisplay(page, '1');
  await expect(page.getByTestId('connection')).toHaveText('Đã kết nối');
  const expected = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date());
  await expect(page.getByTestId('clock')).toContainText(expected.slice(0, 2));
  // it ticks: the seconds move on (the clock writes its text itself, outside React renders)
  const first = await page.locator('.clock-time').textContent();
  expect(first).toMatch(/^\d{2}:\d{2}:\d{2}$/);
  await expect(page.locator('.clock-time')).not.toHaveText(first!, { timeout: 3000 });
  await expect(page.locator('.clock-date')).toContainText('Thứ');
  await page.getByTestId('language-toggle').click();
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  // the clock's date follows the language, and it keeps ticking after the switch
  const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', weekday: 'long' }).format(new Date());
  await expect(page.locator('.clock-date')).toContainText(weekday);
  const later = await page.locator('.clock-time').textContent();
  await expect(page.locator('.clock-time')).not.toHaveText(later!, { timeout: 3000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await ctx.close();
});

test('security: no token, no contract; strict CSP; no external requests', async ({ page }) => {
  const external: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.hostname !== '127.0.0.1' && u.protocol !== 'data:' && u.protocol !== 'blob:') external.push(r.url());
  });
  const response = await page.goto(host.urlFor('2'));
  const csp = response!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/unsafe-eval|unsafe-inline/);
  await expect(page.locator('html[data-ready="true"]')).toBeAttached();
  const result = await page.evaluate(async (origin) => {
    const tryWs = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      });
    // An injected inline script must not run (CSP: script-src 'self', no unsafe-inline/eval).
    const violation = new Promise<string>((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
      setTimeout(() => resolve('none'), 2000);
    });
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.head.append(s);
    const inlineBlocked = !(window as unknown as { __injected?: boolean }).__injected && (await violation).startsWith('script-src');
    return { noToken: await tryWs(origin.replace('http', 'ws') + '/ioc'), badToken: await tryWs(origin.replace('http', 'ws') + '/ioc?token=nope'), inlineBlocked };
  }, host.origin);
  expect(result).toEqual({ noToken: 'refused', badToken: 'refused', inlineBlocked: true });
  expect(external).toEqual([]);
});

test('a page shows when it loses the host, and recovers on its own', async ({ browser }) => {
  const own = await startHostProcess({ displays: 1 });
  const page = await browser.newPage();
  await page.goto(own.urlFor('1'));
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  await own.stop();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', /closed|connecting/, { timeout: 5000 });
  await page.close();
});
