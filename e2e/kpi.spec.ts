import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { periodOf } from '../shared/kpi/periods';
import { hostCall } from './contract-client';
import { watch } from './page-problems';
import { startHostProcess, type HostProcess } from './host-process';
import { apiLogin, DEMO_PASSWORD, startServerProcess, type ServerProcess } from './server-process';

/**
 * KPI boards end to end: a real central server (PGlite, demo seed, its KPI computation), the host
 * syncing it into the SQLite cache, the boards in Chromium at wall size.
 */
const SHOTS = 'test-results/screenshots';
const BOARDS = ['overview', 'cameras', 'services', 'cyberspace', 'feedback', 'health', 'education'] as const;
let server: ServerProcess;
let host: HostProcess;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(150_000);
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess({ kpiDemo: true });
  host = await startHostProcess({ displays: 2, env: { IOC_SERVER_URL: server.url } });
  // The configured server wants a login once; the session is kept for every page of the host.
  const page = await browser.newPage();
  await page.goto(host.urlFor('1'));
  await expect(page.getByTestId('view-login')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('login-username').fill('operator');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  await page.close();
  await caughtUp();
});

/** Every indicator value the server holds now, by id (the change log read to its end, as a client would). */
async function serverValues(): Promise<Map<string, Record<string, unknown>>> {
  const token = await apiLogin(server, 'operator');
  const out = new Map<string, Record<string, unknown>>();
  for (let since = 0; ; ) {
    const res = await fetch(`${server.url}/api/v1/sync/pull?since=${since}&limit=5000`, { headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1' } });
    const page = (await res.json()) as { changes: Array<{ entity: string; id: string; data: Record<string, unknown> | null }>; cursor: number; hasMore: boolean };
    for (const c of page.changes) {
      if (c.entity !== 'indicator_value') continue;
      if (c.data) out.set(c.id, c.data);
      else out.delete(c.id);
    }
    if (!page.hasMore) return out;
    since = page.cursor;
  }
}

/** The demo seed holds a year of data: wait until the host's cache has all of it before measuring anything. */
async function caughtUp(): Promise<Map<string, Record<string, unknown>>> {
  const values = await serverValues();
  await expect
    .poll(async () => (await hostCall<{ counts: Record<string, number> }>(host, 'data:summary')).counts.indicator_value, { timeout: 120_000, intervals: [500, 1000, 2000] })
    .toBe(values.size);
  return values;
}
test.afterAll(async () => {
  await host?.stop();
  await server?.dispose();
});

function kpiUrl(display: string, board: string): string {
  const url = new URL(host.urlFor(display));
  url.searchParams.set('view', 'kpi');
  url.searchParams.set('board', board);
  return url.toString();
}

const tile = (page: Page, code: string) => page.getByTestId(`tile-${code}`);

async function importCsv(dataset: string, csv: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await apiLogin(server, 'operator');
  const res = await fetch(`${server.url}/api/v1/kpi/import/${dataset}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1', 'content-type': 'text/csv' }, body: csv });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('a health-records CSV imported on the central server shows on the health board within 2 s; a file with a bad row changes nothing', async ({ page }) => {
  const problems = watch(page);
  await page.goto(kpiUrl('2', 'health'));
  await expect(page.getByTestId('view-kpi')).toHaveAttribute('data-board', 'health');
  const month = periodOf('month', new Date());
  const ehr = tile(page, 'hl.ehr_coverage_pct');
  const seeded = (await caughtUp()).get(`iv:hl.ehr_coverage_pct:vn-2019:515:${month}`)?.value;
  await expect(ehr).toHaveAttribute('data-value', seeded == null ? '' : String(seeded));
  const before = await ehr.getAttribute('data-value');

  const header = 'code_list,unit_code,month,population,records,standardized,visits,visits_synced';
  // 4 325 records for 5 000 residents: 86.5 % (amber: the target is 95 %).
  const rows = [
    ['20900', 1000, 910],
    ['20908', 1000, 880],
    ['20929', 1000, 700],
    ['20923', 1000, 905],
    ['20920', 1000, 930],
  ].map(([code, pop, rec]) => `vn-2025,${code},${month},${pop},${rec},${Number(rec) - 10},400,380`);

  // One bad row (more records standardized than records): 422 naming row and column, nothing imported.
  const bad = await importCsv('health-records', [header, ...rows.slice(0, 4), `vn-2025,20920,${month},1000,930,990,400,380`].join('\n'));
  expect(bad.status).toBe(422);
  expect(JSON.stringify(bad.body)).toMatch(/row 5.*standardized/);
  await page.waitForTimeout(1500);
  await expect(ehr).toHaveAttribute('data-value', before ?? '');

  const good = await importCsv('health-records', [header, ...rows].join('\n'));
  expect(good.status, JSON.stringify(good.body)).toBe(200);
  const t0 = Date.now();
  await expect(ehr).toHaveAttribute('data-value', '86.5', { timeout: 2000 });
  test.info().annotations.push({ type: 'importToBoardMs', description: String(Date.now() - t0) });
  await expect(ehr).toHaveAttribute('data-state', 'amber');
  await expect(ehr.getByTestId('tile-value')).toHaveText('86,5');
  // The commune drill-down on the same board follows: Trà Liên 880 / 1000.
  const drill = page.locator('[data-testid="kpi-drill"][data-indicator="hl.ehr_coverage_pct"]');
  await expect(drill.locator('li[data-unit="vn-2025:20908"]')).toHaveAttribute('data-value', '88');
  await expect(drill.locator('li[data-unit="vn-2025:20929"]')).toHaveAttribute('data-state', 'red');
  await page.screenshot({ path: `${SHOTS}/kpi-health-after-import.png` });
  expect(problems).toEqual([]);
});

test('every board fits a 1080p wall, in Vietnamese, with tiles, as-of times and no overflow; screenshots of each', async ({ page }) => {
  const problems = watch(page);
  await page.goto(kpiUrl('2', 'overview'));
  await expect(page.getByTestId('view-kpi')).toBeVisible();
  for (const [i, board] of BOARDS.entries()) {
    await page.keyboard.press(String(i + 1));
    await expect(page.getByTestId('view-kpi')).toHaveAttribute('data-board', board);
    await expect(page.locator('html')).toHaveAttribute('data-kpi-board', board);
    expect(new URL(page.url()).searchParams.get('board')).toBe(board);
    const tiles = page.getByTestId('kpi-tiles').locator('.kpi-tile');
    expect(await tiles.count()).toBeGreaterThanOrEqual(3);
    // Charts draw after the tiles (lazy); give them a moment before the picture.
    if (await page.getByTestId('drill-chart').count()) await expect(page.getByTestId('drill-chart').first().locator('canvas')).toBeAttached();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/kpi-${board}.png` });

    const layout = await page.evaluate(() => {
      const view = document.querySelector('main.view') as HTMLElement;
      const out: string[] = [];
      if (document.documentElement.scrollWidth > innerWidth) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth}`);
      if (view.scrollHeight > view.clientHeight + 2) out.push(`board taller than the screen: ${view.scrollHeight} > ${view.clientHeight}`);
      for (const t of document.querySelectorAll<HTMLElement>('.kpi-tile')) {
        const box = t.getBoundingClientRect();
        for (const part of t.querySelectorAll<HTMLElement>('.kpi-tile-value strong, .kpi-tile-unit')) {
          const b = part.getBoundingClientRect();
          if (b.right > box.right + 1) out.push(`${t.dataset.testid}: value overflows its tile`);
        }
        const font = parseFloat(getComputedStyle(t.querySelector('.kpi-tile-value strong')!).fontSize);
        if (font < 36) out.push(`${t.dataset.testid}: value font ${font}px is too small for a wall`);
      }
      return out;
    });
    expect(layout, board).toEqual([]);
  }
  // Vietnamese labels with their diacritics, and an "as of" on the tiles.
  await expect(page.getByTestId('board-services')).toHaveText(/Dịch vụ công \(766\)/);
  await expect(page.getByTestId('tile-ed.schools_standard_pct')).toContainText('Trường đạt chuẩn quốc gia');
  await expect(page.getByTestId('tile-ed.schools_standard_pct').getByTestId('tile-asof')).toContainText('Số liệu lúc');
  expect(problems).toEqual([]);
});

test('the 766 board: score by group, what-if, due-soon worklist, drill-down by commune (both code lists) and agency, CSV export', async ({ page }) => {
  const problems = watch(page);
  await page.goto(kpiUrl('2', 'services'));
  const score = page.getByTestId('score-766');
  await expect(score).toBeVisible();
  await expect(score.locator('li[data-group]')).toHaveCount(5);
  await expect(score.locator('li[data-group="progress"] .kpi-group-points')).toHaveText(/\/20$/);
  await expect(page.getByTestId('worklist-dossiers_due')).toHaveAttribute('data-total', /^\d+$/);

  await tile(page, 'dvc.received').click();
  const drill = page.locator('[data-testid="kpi-drill"][data-indicator="dvc.received"]');
  await expect(drill.getByTestId('drill-rows')).toHaveAttribute('data-rows', '5');
  await drill.getByTestId('drill-2019').click();
  await expect(drill).toHaveAttribute('data-code-list', 'vn-2019');
  await expect(drill.getByTestId('drill-rows')).toHaveAttribute('data-rows', '13');
  await expect(drill.locator('li[data-unit="vn-2019:20900"]')).toContainText('Xã Trà Sơn');
  await drill.getByTestId('drill-agency').click();
  await expect(drill).toHaveAttribute('data-by', 'agency');
  await expect(drill.locator('li[data-unit^="ag-"]').first()).toBeAttached();
  await page.screenshot({ path: `${SHOTS}/kpi-services-drill-agency.png` });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kpi-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^kpi-services-\d{4}-\d{2}-vn-2019_515\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFFMã chỉ số,Chỉ số,Đơn vị tính,Địa bàn,Kỳ,Giá trị')).toBe(true);
  expect(csv).toContain('dvc.ontime_pct,Giải quyết trước và đúng hạn,%,Bắc Trà My,');
  await expect(page.getByTestId('kpi-export-msg')).toContainText(download.suggestedFilename());
  expect(problems).toEqual([]);
});

test('the console pushes a KPI board to a wall display', async ({ browser }) => {
  const wallPage = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await wallPage.goto(host.urlFor('2'));
  const consolePage = await browser.newPage();
  await consolePage.goto(host.urlFor('1'));
  const form = consolePage.getByTestId('push-kpi');
  await form.getByTestId('push-kpi-display').selectOption('2');
  await form.getByTestId('push-kpi-board').selectOption('education');
  await form.getByTestId('push-kpi-submit').click();
  await expect(form.getByTestId('push-kpi-result')).toContainText('Giáo dục');
  await expect(wallPage.getByTestId('view-kpi')).toHaveAttribute('data-board', 'education');
  await form.getByTestId('push-kpi-board').selectOption('feedback');
  await form.getByTestId('push-kpi-submit').click();
  await expect(wallPage.getByTestId('view-kpi')).toHaveAttribute('data-board', 'feedback');
  await expect(wallPage.getByTestId('worklist-feedback_overdue')).toBeVisible();
  await wallPage.close();
  await consolePage.close();
});
