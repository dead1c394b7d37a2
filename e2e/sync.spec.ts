import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './host-process';
import { DEMO_PASSWORD, startServerProcess, type ServerProcess } from './server-process';

const SHOTS = 'test-results/screenshots';
let server: ServerProcess;
let host: HostProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
  host = await startHostProcess({ displays: 2, env: { IOC_SERVER_URL: server.url } });
});
test.afterAll(async () => {
  await host?.stop();
  await server?.dispose();
});

async function open(page: Page, display: string) {
  await page.goto(host.urlFor(display));
  await expect(page.locator('html[data-ready="true"]')).toBeAttached();
}

async function serverChanges(entity: string, id: string): Promise<Array<{ data: Record<string, unknown> | null }>> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1' }, body: JSON.stringify({ username: 'leader', password: DEMO_PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const out: Array<{ data: Record<string, unknown> | null }> = [];
  for (let since = 0; ; ) {
    const res = await fetch(`${server.url}/api/v1/sync/pull?since=${since}&limit=5000`, { headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1' } });
    const page = (await res.json()) as { changes: Array<{ entity: string; id: string; data: Record<string, unknown> | null }>; cursor: number; hasMore: boolean };
    out.push(...page.changes.filter((c) => c.entity === entity && c.id === id));
    if (!page.hasMore) return out;
    since = page.cursor;
  }
}

test('login, then standby with the last data when the server stops; a queued action is applied once on reconnect', async ({ browser }) => {
  const consolePage = await browser.newPage();
  await open(consolePage, '1');
  // Configured server, no saved session: the login screen.
  await expect(consolePage.getByTestId('view-login')).toBeVisible();
  await consolePage.getByTestId('login-username').fill('operator');
  await consolePage.getByTestId('login-password').fill('wrong-password');
  await consolePage.getByTestId('login-submit').click();
  await expect(consolePage.getByTestId('login-error')).toBeVisible();
  await consolePage.getByTestId('login-password').fill(DEMO_PASSWORD);
  await consolePage.getByTestId('login-submit').click();
  await expect(consolePage.getByTestId('view-console')).toBeVisible();
  await expect(consolePage.getByTestId('sync-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  await expect(consolePage.getByTestId('count-camera')).toContainText('16');

  const display2 = await browser.newPage();
  await open(display2, '2');
  await expect(display2.getByTestId('view-mosaic')).toBeVisible();
  await expect(display2.getByTestId('tile-0')).toHaveAttribute('data-camera', /.+/);

  const firstAlert = consolePage.locator('[data-testid^="alert-"][data-pending="false"]').first();
  const alertId = (await firstAlert.getAttribute('data-testid'))!.replace('alert-', '');

  // The link to the province drops.
  await server.stop();
  const t0 = Date.now();
  for (const page of [consolePage, display2]) {
    await expect(page.getByTestId('standby-banner')).toBeVisible({ timeout: 5000 });
    await expect(page.getByTestId('standby-as-of')).not.toHaveText('—');
  }
  test.info().annotations.push({ type: 'standbyDetectMs', description: String(Date.now() - t0) });
  // Every view keeps its last data: the mosaic keeps its cameras.
  await expect(display2.getByTestId('tile-0')).toHaveAttribute('data-camera', /.+/);
  await expect(consolePage.getByTestId('count-camera')).toContainText('16');

  // An operator acts while offline: queued, shown as pending.
  await consolePage.getByTestId(`alert-${alertId}`).getByTestId('alert-ack').click();
  await expect(consolePage.getByTestId(`alert-${alertId}`)).toHaveAttribute('data-pending', 'true');
  await expect(consolePage.getByTestId('sync-queued')).toContainText('1');
  await expect(display2.getByTestId('standby-queued')).toContainText('1');
  await consolePage.screenshot({ path: `${SHOTS}/standby-console.png` });
  await display2.screenshot({ path: `${SHOTS}/standby-display-2.png` });

  // The link comes back: applied once, the UI shows synced.
  await server.restart();
  await expect(consolePage.getByTestId('sync-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await expect(consolePage.getByTestId('standby-banner')).toBeHidden();
  await expect(display2.getByTestId('standby-banner')).toBeHidden();
  await expect(consolePage.getByTestId('sync-queued')).toContainText('0');
  await expect(consolePage.getByTestId(`alert-${alertId}`)).toBeHidden(); // acknowledged: no longer open
  await consolePage.screenshot({ path: `${SHOTS}/synced-console.png` });

  const acks = (await serverChanges('alert', alertId)).filter((c) => c.data?.acknowledgedAt);
  expect(acks).toHaveLength(1);
  expect(acks[0].data?.acknowledgedBy).toBe('Nguyễn Thị Hoa'); // the demo operator
});

test('the embedded default: with no server configured the host runs one and shows a living district', async ({ browser }) => {
  test.setTimeout(330_000);
  const own = await startHostProcess({ displays: 1 });
  try {
    const page = await browser.newPage();
    await page.goto(own.urlFor('1'));
    // First start ever: PGlite initdb + the demo seed, then the demo's KPI year written in the
    // background (requests wait behind its short transactions); a loaded 2-core CI box needs a while:
    // 17 s alone here, but 1.9 and 2.3 min late in two fresh-clone CI runs of the whole suite.
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online', { timeout: 270_000 });
    await expect(page.getByTestId('count-admin_unit')).not.toContainText(/^\D*0$/);
    await expect(page.getByTestId('sync-panel')).toContainText('Nhúng');
    await page.close();
  } finally {
    await own.stop();
  }
});
