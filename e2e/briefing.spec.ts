import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { BRIEFING_SLIDES } from '../shared/contracts/briefing.contract';
import { hostCall } from './contract-client';
import { watch } from './page-problems';
import { startHostProcess, type HostProcess } from './host-process';
import { apiLogin, DEMO_PASSWORD } from './server-process';

/**
 * The leaders' briefing against the headless host and its embedded demo district: two displays
 * show the deck and follow one another, every slide fits one 1920×1080 screen with real figures.
 */
const SHOTS = 'test-results/screenshots';
const N = BRIEFING_SLIDES.length;
const VI_TITLES = ['Tổng quan', 'Mực nước sông', 'Phản ánh kiến nghị', 'Dịch vụ công (Quyết định 766)', 'Camera giám sát', 'Y tế & Giáo dục', 'An ninh mạng'];
let host: HostProcess;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1920, height: 1080 } });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  mkdirSync(SHOTS, { recursive: true });
  // The demo district holds still (no simulator): the river levels are what the seed and this spec wrote.
  host = await startHostProcess({ displays: 3, args: ['--no-simulate'], env: { IOC_DEMO_PASSWORD: DEMO_PASSWORD } });
  // The embedded server seeds the demo district and computes its KPI year; wait until the cache holds it.
  await expect
    .poll(
      async () => {
        const s = await hostCall<{ counts: Record<string, number> }>(host, 'data:summary');
        return Math.min(s.counts.camera, s.counts.feedback_case, s.counts.alert, s.counts.indicator_value, s.counts.dossier_event, s.counts.water_station, s.counts.water_reading);
      },
      { timeout: 270_000, intervals: [500, 1000, 2000] },
    )
    .toBeGreaterThan(0);
  await hostCall(host, 'wall:assignView', { displayId: '2', view: 'briefing' });
  await hostCall(host, 'wall:assignView', { displayId: '3', view: 'briefing' });
  await hostCall(host, 'briefing:go', { slide: 0, playing: false });
});
test.afterAll(async () => {
  await host?.stop();
});

async function openBriefing(page: Page, display: string) {
  await page.goto(host.urlFor(display));
  await expect(page.getByTestId('view-briefing')).toBeVisible({ timeout: 30_000 });
}
const slideIndex = (page: Page) => page.getByTestId('view-briefing');

/** The other window shows slide `index` within 2 s. */
const follows = (page: Page, index: number) => expect(slideIndex(page)).toHaveAttribute('data-slide-index', String(index), { timeout: 2000 });
/** Press `key` in one window; the other follows to slide `index`. */
async function pressAndFollow(from: Page, key: string, to: Page, index: number) {
  await from.keyboard.press(key);
  await follows(to, index);
}

test('a step on one display shows on the other within 2 s; keys, dots and a forged input', async ({ browser }) => {
  const a = await browser.newPage();
  const b = await browser.newPage();
  const problemsA = watch(a);
  const problemsB = watch(b);
  await openBriefing(a, '2');
  await openBriefing(b, '3');
  await expect(slideIndex(a)).toHaveAttribute('data-slide-index', '0');
  await expect(slideIndex(b)).toHaveAttribute('data-slide-index', '0');

  await pressAndFollow(a, 'ArrowRight', b, 1);
  await expect(b.getByTestId('slide-water')).toBeVisible({ timeout: 2000 });
  await expect(b.getByTestId('briefing-count')).toHaveText(`Trang 2/${N}`);

  // A presenter clicker sends PageDown / PageUp.
  await pressAndFollow(b, 'PageDown', a, 2);
  await pressAndFollow(b, 'PageUp', a, 1);
  await pressAndFollow(a, '5', b, 4);
  await expect(b.getByTestId('briefing-dot-4')).toHaveAttribute('aria-current', 'step');
  await pressAndFollow(a, 'Home', b, 0);
  // Before the first slide: the last (the deck wraps).
  await pressAndFollow(a, 'ArrowLeft', b, BRIEFING_SLIDES.length - 1);
  await b.getByTestId('briefing-next').click();
  await follows(a, 0);
  await b.getByTestId('briefing-dot-2').click();
  await follows(a, 2);

  // P plays on every display; P again pauses.
  await a.keyboard.press('p');
  await expect(slideIndex(b)).toHaveAttribute('data-playing', 'true', { timeout: 2000 });
  await expect(b.getByTestId('briefing-play')).toHaveAttribute('aria-pressed', 'true');
  await expect(b.locator('.bf-timer')).toHaveText(/^Tự chuyển trang sau \d+ giây$/);
  await b.screenshot({ path: `${SHOTS}/briefing-playing.png` });
  await b.keyboard.press('P');
  await expect(slideIndex(a)).toHaveAttribute('data-playing', 'false', { timeout: 2000 });

  // The operator's console drives the same deck.
  const c = await browser.newPage();
  const consoleProblems = watch(c);
  await c.goto(`${host.origin}/#token=${host.token}`);
  const remote = c.getByTestId('briefing-remote');
  await expect(remote).toContainText('Màn hình 2');
  await expect(c.getByTestId('briefing-remote-current')).toHaveText(`3/${N} · Phản ánh kiến nghị`);
  await c.getByTestId('briefing-remote-next').click();
  await follows(a, 3);
  await follows(b, 3);
  await remote.screenshot({ path: `${SHOTS}/briefing-console-remote.png` });
  await a.keyboard.press('ArrowLeft');
  await expect(c.getByTestId('briefing-remote-current')).toHaveText(`3/${N} · Phản ánh kiến nghị`, { timeout: 2000 });

  // Forged input from a client: a clear error, the deck does not move.
  await expect(hostCall(host, 'briefing:go', { slide: N })).rejects.toThrow(/Invalid input for briefing:go/);
  await expect(hostCall(host, 'briefing:go', { delta: 5 })).rejects.toThrow(/Invalid input/);
  expect((await hostCall<{ slide: number }>(host, 'briefing:getState')).slide).toBe(2);
  await expect(slideIndex(a)).toHaveAttribute('data-slide-index', '2');
  expect([...problemsA, ...problemsB, ...consoleProblems]).toEqual([]);
  await a.close();
  await b.close();
  await c.close();
});

test('every slide: Vietnamese, real figures, nothing outside the 1920×1080 screen (screenshots)', async ({ page }) => {
  const problems = watch(page);
  await openBriefing(page, '2');
  for (const [i, id] of BRIEFING_SLIDES.entries()) {
    await hostCall(host, 'briefing:go', { slide: i });
    const slide = page.getByTestId(`slide-${id}`);
    await expect(slide).toHaveAttribute('data-ready', 'true', { timeout: 10_000 });
    await expect(slide.locator('h1')).toHaveText(VI_TITLES[i]);
    await expect(slide.getByTestId('slide-asof')).toHaveText(/^Số liệu lúc \d\d:\d\d \d\d\/\d\d$/);
    // Panels mount their own lists: wait until each has answered.
    for (const panel of await slide.locator('[data-testid^="worklist-"]').all()) await expect(panel).not.toHaveAttribute('data-total', '');

    // Real numbers: every headline figure on the slide, most of them not "—".
    const figures = await slide.locator('.kpi-tile-value strong, .kpi-score-total strong').allTextContents();
    const real = figures.filter((f) => /\d/.test(f));
    expect(figures.length, id).toBeGreaterThanOrEqual(3);
    expect(real.length, `${id}: ${figures.join(' | ')}`).toBeGreaterThanOrEqual(Math.ceil(figures.length / 2));

    // Headline figures are at least 96 px, text at least 28 px.
    const sizes = await slide.evaluate((el) => ({
      headline: Math.min(...[...el.querySelectorAll('.kpi-tile-value strong')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
      smallest: Math.min(...[...el.querySelectorAll('.kpi-tile-name, .kpi-item-main, .kpi-item-where, .kpi-group-name, .bf-asof')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
    }));
    expect(sizes.headline, id).toBeGreaterThanOrEqual(96);
    expect(sizes.smallest, id).toBeGreaterThanOrEqual(28);

    // Nothing overflows: the page does not scroll, every box is inside the viewport, no tile or panel cuts its content.
    const overflow = await page.evaluate(() => {
      const out: string[] = [];
      const se = document.scrollingElement!;
      if (se.scrollWidth > innerWidth || se.scrollHeight > innerHeight) out.push(`page ${se.scrollWidth}×${se.scrollHeight}`);
      const view = document.querySelector<HTMLElement>('[data-testid="view"]')!;
      if (view.scrollHeight > view.clientHeight + 1 || view.scrollWidth > view.clientWidth + 1) out.push(`view ${view.scrollWidth}×${view.scrollHeight} in ${view.clientWidth}×${view.clientHeight}`);
      for (const el of document.querySelectorAll<HTMLElement>('.briefing *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.right > innerWidth + 1 || r.bottom > innerHeight + 1 || r.left < -1 || r.top < -1) out.push(`${el.className || el.tagName} at ${Math.round(r.right)},${Math.round(r.bottom)}`);
      }
      for (const el of document.querySelectorAll<HTMLElement>('.briefing .kpi-tile, .briefing .kpi-panel, .briefing .bf-slide')) {
        if (el.scrollHeight > el.clientHeight + 2) out.push(`${el.className} cut: ${el.scrollHeight} > ${el.clientHeight}`);
      }
      return out;
    });
    expect(overflow, id).toEqual([]);
    if (id === 'feedback') {
      // The longest-overdue case reads as late as the desk and the wall say (working days of 7.5 h,
      // not calendar days): the same case, the same number on every screen.
      const first = slide.locator('[data-testid="worklist-feedback_overdue"] li').first();
      const caseId = (await first.getAttribute('data-id'))!;
      const detail = await hostCall<{ row: { sla: { overdue: boolean; remainingWorkingMinutes: number } } }>(host, 'feedback:get', { id: caseId });
      expect(detail.row.sla.overdue, caseId).toBe(true);
      const days = Math.floor(Math.abs(detail.row.sla.remainingWorkingMinutes) / 450);
      await expect(first.locator('.kpi-item-due')).toContainText(days > 0 ? `Quá hạn ${days} ngày` : 'Quá hạn');
    }
    await page.screenshot({ path: `${SHOTS}/briefing-${i + 1}-${id}.png` });
  }
  expect(problems).toEqual([]);
});

test('English: the deck in English when the display is switched to it', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('ioc.lang', 'en'));
  await hostCall(host, 'briefing:go', { slide: 0 });
  await openBriefing(page, '3');
  const slide = page.getByTestId('slide-overview');
  await expect(slide).toHaveAttribute('data-ready', 'true', { timeout: 10_000 });
  await expect(slide.locator('h1')).toHaveText('Overview');
  await expect(slide.getByTestId('slide-asof')).toHaveText(/^Data as of \d\d:\d\d \d\d\/\d\d$/);
  await expect(page.getByTestId('briefing-count')).toHaveText(`Slide 1/${N}`);
  await expect(page.getByTestId('briefing-next')).toHaveText(/Next/);
  await page.screenshot({ path: `${SHOTS}/briefing-en-overview.png` });
  await page.keyboard.press('ArrowRight');
  const water = page.getByTestId('slide-water');
  await expect(water).toHaveAttribute('data-ready', 'true', { timeout: 10_000 });
  await expect(water.locator('h1')).toHaveText('River water levels');
  for (const chip of await water.getByTestId('water-band').allTextContents()) expect(chip).toMatch(/^(Below|Above) BĐ[123]$/);
  await expect(water.getByTestId('water-at').first()).toHaveText(/^read at \d\d:\d\d( \d\d\/\d\d)?$/);
  await page.screenshot({ path: `${SHOTS}/briefing-en-water.png` });
});

/** The embedded central server's URL, as the host's health report states it. */
async function embeddedUrl(): Promise<string> {
  const health = await hostCall<Array<{ name: string; detail: string }>>(host, 'system:getHealth');
  const m = /embedded at (http:\/\/127\.0\.0\.1:\d+)/.exec(health.find((h) => h.name === 'central-server')?.detail ?? '');
  if (!m) throw new Error(`no embedded server in ${JSON.stringify(health)}`);
  return m[1];
}

test('river levels: one row per station with its level and band; a reading over BĐ2 sent to the central server puts its station first', async ({ page }) => {
  const problems = watch(page);
  const layer = await hostCall<{ features: Array<{ id: string; props: Record<string, unknown> }> }>(host, 'map:getLayer', { layer: 'water' });
  const ids = layer.features.map((f) => f.id);
  const seeded = await hostCall<{ counts: Record<string, number> }>(host, 'data:summary');
  expect(ids.length).toBe(seeded.counts.water_station); // every station the demo seeds has its place and levels
  expect(ids.length).toBeGreaterThanOrEqual(2);
  await hostCall(host, 'briefing:go', { slide: BRIEFING_SLIDES.indexOf('water') });
  await openBriefing(page, '2');
  const slide = page.getByTestId('slide-water');
  await expect(slide).toHaveAttribute('data-ready', 'true', { timeout: 10_000 });
  const rows = slide.getByTestId('water-station');
  await expect(rows).toHaveCount(ids.length);
  const shown = async () =>
    rows.evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-id')!, band: Number(e.getAttribute('data-band')), level: e.querySelector('.bf-water-level')!.textContent!, chip: e.querySelector('[data-testid="water-band"]')!.textContent! })));
  const before = await shown();
  for (const r of before) {
    expect(r.level, r.id).toMatch(/^\d+,\d\d m$/); // Vietnamese decimals, two places
    expect(r.chip, r.id).toMatch(/^(Dưới|Trên) BĐ[123]$/);
  }
  // Rows and their text are readable across the room.
  const smallest = await slide.evaluate((el) => Math.min(...[...el.querySelectorAll('.bf-water-row *')].filter((e) => e.textContent?.trim() && !e.children.length).map((e) => parseFloat(getComputedStyle(e).fontSize))));
  expect(smallest).toBeGreaterThanOrEqual(28);

  // A flood reading imported on the central server (the hydrology desk's CSV): over BĐ2 at one
  // station, over BĐ1 at another (the two shown last). The open slide reorders: the worst first.
  expect(before.every((r) => r.band < 1), 'the seeded rivers are calm').toBe(true);
  const [over2, over1] = [before.at(-1)!.id, before.at(-2)!.id];
  const bd = (id: string) => layer.features.find((f) => f.id === id)!.props as { bd1: number; bd2: number; bd3: number };
  const lv2 = Math.round(((bd(over2).bd2 + bd(over2).bd3) / 2) * 100) / 100;
  const lv1 = Math.round(((bd(over1).bd1 + bd(over1).bd2) / 2) * 100) / 100;
  const waterAlerts = async () => (await hostCall<Array<{ row: { kind: string } }>>(host, 'data:listAlerts', { open: true, limit: 500 })).filter((a) => a.row.kind === 'water_level').length;
  const alertsBefore = await waterAlerts();
  const url = await embeddedUrl();
  const token = await apiLogin({ url }, 'operator');
  const at = new Date().toISOString();
  const res = await fetch(`${url}/api/v1/kpi/import/water-readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1', 'content-type': 'text/csv' },
    body: `station_id,at,level_m\n${over2},${at},${lv2}\n${over1},${at},${lv1}\n`,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  await expect(rows.first()).toHaveAttribute('data-id', over2, { timeout: 10_000 });
  await expect(rows.nth(1)).toHaveAttribute('data-id', over1);
  const after = await shown();
  expect(after.slice(0, 2).map((r) => [r.id, r.band, r.chip])).toEqual([
    [over2, 2, 'Trên BĐ2'],
    [over1, 1, 'Trên BĐ1'],
  ]);
  expect(after[0].level).toBe(`${lv2.toFixed(2).replace('.', ',')} m`);
  // Just read: the time shows as "đo lúc HH:MM", not flagged as old.
  await expect(rows.first().getByTestId('water-at')).toHaveText(/^đo lúc \d\d:\d\d( \d\d\/\d\d)?$/);
  await expect(rows.first().getByTestId('water-at')).toHaveAttribute('data-stale', 'false');
  // Worst band first, then by name; the headline counts the stations over each level.
  const bands = after.map((r) => r.band);
  expect(bands).toEqual([...bands].sort((a, b) => b - a));
  await expect(slide.getByTestId('stat-above-1')).toHaveAttribute('data-value', String(bands.filter((b) => b >= 1).length));
  await expect(slide.getByTestId('stat-above-2')).toHaveAttribute('data-value', String(bands.filter((b) => b >= 2).length));
  // The import raised one alert per station over an alarm level (the server's rule), and the slide counts them.
  await expect.poll(waterAlerts, { timeout: 10_000 }).toBe(alertsBefore + 2);
  await expect(slide.getByTestId('stat-water-alerts')).toHaveAttribute('data-value', String(alertsBefore + 2));
  await page.screenshot({ path: `${SHOTS}/briefing-water-flood.png` });
  expect(problems).toEqual([]);
});

test('cameras by commune: every enabled camera counted once, the offline ones under their commune, the worst commune first', async ({ page }) => {
  const problems = watch(page);
  await hostCall(host, 'briefing:go', { slide: BRIEFING_SLIDES.indexOf('cameras') });
  await openBriefing(page, '2');
  const slide = page.getByTestId('slide-cameras');
  await expect(slide).toHaveAttribute('data-ready', 'true', { timeout: 10_000 });
  const cams = (await hostCall<Array<{ unitId: string | null; enabled: boolean }>>(host, 'streams:listCameras')).filter((c) => c.enabled);
  const rows = await slide.getByTestId('camera-commune').evaluateAll((els) =>
    els.map((e) => ({ unit: e.getAttribute('data-unit'), cameras: Number(e.getAttribute('data-cameras')), offline: Number(e.getAttribute('data-offline')), cells: [...e.querySelectorAll('td')].map((td) => td.textContent!) })),
  );
  // One row per commune with cameras, named; the total is the board's denominator ("trên 16 camera").
  expect(rows.filter((r) => r.cameras > 0).map((r) => r.unit).sort()).toEqual([...new Set(cams.map((c) => c.unitId ?? ''))].sort());
  for (const r of rows) expect(r.cells[0], r.unit!).toMatch(/^(Xã|Thị trấn) /);
  const total = rows.reduce((n, r) => n + r.cameras, 0);
  expect(total).toBe(cams.length);
  await expect(slide.getByTestId('stat-online')).toContainText(`trên ${total} camera`);
  await expect(slide.getByTestId('camera-communes')).toHaveAttribute('data-total', String(total));
  // Offline: the open camera alerts, each under one commune; online % = the rest of its cameras.
  expect(rows.reduce((n, r) => n + r.offline, 0)).toBe(Number(await slide.getByTestId('offline-cameras').getAttribute('data-total')));
  const pct = rows.map((r) => (r.cameras ? (Math.max(0, r.cameras - r.offline) / r.cameras) * 100 : -1));
  expect(pct).toEqual([...pct].sort((a, b) => a - b));
  for (const r of rows.filter((x) => x.cameras > 0)) expect(r.cells[3]).toBe(`${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format((Math.max(0, r.cameras - r.offline) / r.cameras) * 100)} %`);
  expect(problems).toEqual([]);
});

test('auto-advance: the deck moves on by itself on every display at the period the console sets, and stays put when paused', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  const c = await browser.newPage();
  const problems = [...[a, b, c].map((p) => watch(p))];
  await hostCall(host, 'briefing:go', { slide: 0, playing: false });
  await openBriefing(a, '2');
  await openBriefing(b, '3');
  await c.goto(`${host.origin}/#token=${host.token}`);
  const interval = c.getByTestId('briefing-remote-interval');
  await expect(interval).toHaveValue('30'); // the default period
  // The shortest period the contract allows (5 s) keeps the test short; the console lists it as the current one.
  await hostCall(host, 'briefing:go', { intervalSeconds: 5, playing: true });
  await expect(interval).toHaveValue('5');
  await expect(interval.locator('option')).toHaveText(['5 giây', '15 giây', '30 giây', '60 giây', '120 giây']);
  await expect(b.locator('.bf-timer')).toHaveText(/^Tự chuyển trang sau [0-5] giây$/, { timeout: 2000 });
  // Nobody touches the deck: both displays reach slide 2, then 3, together (each step ~5 s).
  await expect(slideIndex(a)).toHaveAttribute('data-slide-index', '1', { timeout: 7000 });
  await expect(slideIndex(b)).toHaveAttribute('data-slide-index', '1', { timeout: 2000 });
  await expect(slideIndex(a)).toHaveAttribute('data-slide-index', '2', { timeout: 7000 });
  await expect(slideIndex(b)).toHaveAttribute('data-slide-index', '2', { timeout: 2000 });
  await expect(c.getByTestId('briefing-remote-current')).toHaveText(`3/${N} · Phản ánh kiến nghị`, { timeout: 2000 });
  // The operator picks 15 s in the console: the displays count down from 15, and the period is saved.
  await interval.selectOption('15');
  await expect(b.locator('.bf-timer')).toHaveText(/^Tự chuyển trang sau 1[0-5] giây$/, { timeout: 2000 });
  expect((await hostCall<{ intervalMs: number }>(host, 'briefing:getState')).intervalMs).toBe(15_000);
  // Paused: longer than a 5 s period passes (back to 5 s first) and the deck does not move.
  await hostCall(host, 'briefing:go', { intervalSeconds: 5 });
  await b.keyboard.press('p');
  await expect(slideIndex(a)).toHaveAttribute('data-playing', 'false', { timeout: 2000 });
  const at = await slideIndex(a).getAttribute('data-slide-index');
  await a.waitForTimeout(6500);
  await expect(slideIndex(a)).toHaveAttribute('data-slide-index', at!);
  await expect(slideIndex(b)).toHaveAttribute('data-slide-index', at!);
  await expect(a.locator('.bf-timer')).toHaveCount(0);
  await hostCall(host, 'briefing:go', { intervalSeconds: 30 });
  expect(problems.flat()).toEqual([]);
  await Promise.all([a.close(), b.close(), c.close()]);
});
