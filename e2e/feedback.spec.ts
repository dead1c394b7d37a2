import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { hostCall } from './contract-client';
import { startHostProcess, type HostProcess } from './host-process';
import { apiLogin, DEMO_PASSWORD, startServerProcess, type ServerProcess } from './server-process';

/**
 * The citizen-feedback queue end to end: a citizen's Open311 report reaches the wall; an operator
 * works it in the desk view while the central server is down; the server's Open311 API shows the
 * result once the outbox has drained. Real central server (PGlite), real host, real Chromium.
 */

const SHOTS = 'test-results/screenshots';
const API_KEY = 'demo-bac-tra-my-2026';
let server: ServerProcess;
let host: HostProcess;

type Case = Record<string, unknown> & { id: string; status: string; level: string; unitId: string | null; agencyId: string | null; category: string; answerPhotos?: string[] };

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
  host = await startHostProcess({ displays: 2, env: { IOC_SERVER_URL: server.url } });
  await hostCall(host, 'sync:login', { username: 'operator', password: DEMO_PASSWORD });
  await waitForSync();
});
test.afterAll(async () => {
  await host?.stop();
  await server?.dispose();
});

async function syncStatus(): Promise<{ state: string; queued: number }> {
  return hostCall(host, 'sync:getStatus');
}

/** Online with an empty outbox and the cache at the server's cases. */
async function waitForSync(timeout = 30_000) {
  await expect.poll(async () => (await syncStatus()).state, { timeout }).toBe('online');
  await expect.poll(async () => (await syncStatus()).queued, { timeout }).toBe(0);
  const cases = await serverCases();
  await expect.poll(async () => ((await hostCall<{ counts: Record<string, number> }>(host, 'data:summary')).counts.feedback_case ?? 0), { timeout }).toBe(cases.size);
}

/** Every feedback case as the server has it now (its change log, newest row per id). */
async function serverCases(): Promise<Map<string, Case>> {
  const token = await apiLogin(server, 'admin');
  const out = new Map<string, Case>();
  for (let since = 0; ; ) {
    const res = await fetch(`${server.url}/api/v1/sync/pull?since=${since}&limit=5000`, { headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1' } });
    const page = (await res.json()) as { changes: Array<{ entity: string; id: string; data: Case | null }>; cursor: number; hasMore: boolean };
    for (const c of page.changes) {
      if (c.entity !== 'feedback_case') continue;
      if (c.data) out.set(c.id, c.data);
      else out.delete(c.id);
    }
    if (!page.hasMore) return out;
    since = page.cursor;
  }
}

/** Server cases whose title/description/address hold these words (case- and accent-insensitive, as typed). */
async function serverCasesMatching(words: string): Promise<number> {
  const fold = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  const want = fold(words).split(/\s+/);
  const all = [...(await serverCases()).values()];
  return all.filter((c) => {
    const have = fold([c.title, c.description, c.address, c.id].join(' ')).split(/[^\p{L}\p{N}]+/u);
    return want.every((w) => have.some((h) => h.startsWith(w)));
  }).length;
}

async function postRequest(fields: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ api_key: API_KEY, jurisdiction_id: 'bactramy.danang.gov.vn', ...fields });
  const res = await fetch(`${server.url}/open311/v2/requests.json`, { method: 'POST', body });
  expect(res.status, await res.clone().text()).toBe(200);
  const [{ service_request_id }] = (await res.json()) as Array<{ service_request_id: string }>;
  return service_request_id;
}

async function openDesk(page: Page) {
  await page.goto(`${host.origin}/?display=1&view=feedback#token=${host.token}`);
  await expect(page.getByTestId('view-feedback')).toBeVisible();
  await expect(page.getByTestId('feedback-count-total')).not.toHaveAttribute('data-count', '');
}

async function total(page: Page): Promise<number> {
  return Number(await page.getByTestId('feedback-count-total').getAttribute('data-count'));
}

async function search(page: Page, text: string) {
  await page.getByTestId('filter-search').fill(text);
}

/** A small real PNG (an "after" photo). */
function png(w = 64, h = 48): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set(y > h * 0.6 ? [90, 90, 95] : [60 + x, 130, 200 - y], 1 + x * 3);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

test('a citizen report reaches the wall in 2 s; assigned while the server is down; Open311 shows it after the outbox drains', async ({ browser }) => {
  const wall = await browser.newPage();
  await wall.goto(`${host.origin}/?display=2&view=feedback&layout=wall#token=${host.token}`);
  await expect(wall.getByTestId('view-feedback')).toHaveAttribute('data-layout', 'wall');
  await expect(wall.locator('[data-testid^="wall-newest-"]').first()).toBeVisible();
  const desk = await browser.newPage();
  await openDesk(desk);

  // (a) the citizen files a report from the phone app
  const t0 = Date.now();
  const id = await postRequest({ service_code: 'road_damage', lat: '15.3384', long: '108.2274', description: 'Đường vào thôn 3 bị sạt một nửa, xe máy đi lại rất nguy hiểm' });
  await expect(wall.getByTestId(`wall-newest-${id}`)).toBeVisible({ timeout: 2000 });
  test.info().annotations.push({ type: 'intakeToWallMs', description: String(Date.now() - t0) });
  await expect(wall.getByTestId(`wall-newest-${id}`)).toContainText('Đường vào thôn 3');
  // counts by SLA state, rows coloured by it, type readable from across the room
  const open = Number(await wall.getByTestId('feedback-count-total').getAttribute('data-count'));
  const parts = await Promise.all(['overdue', 'dueSoon', 'paused', 'ok'].map(async (k) => Number(await wall.getByTestId(`wall-count-${k}`).locator('b').textContent())));
  expect(parts[0]).toBeGreaterThan(0);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(open);
  const firstRow = wall.locator('[data-testid^="feedback-row-"]').first();
  await expect(firstRow).toHaveAttribute('data-sla', 'overdue'); // most urgent first
  expect(parseFloat(await firstRow.locator('strong').evaluate((el) => getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(24);
  await wall.screenshot({ path: `${SHOTS}/feedback-wall.png` });

  // the desk finds it by words with or without diacritics (and by its id)
  // (the only Open311 report so far: the seeded cases are fc-…)
  for (const q of ['duong pa311', 'đường PA311', 'sat mot nua thon 3', 'ĐƯỜNG VÀO THÔN']) {
    await search(desk, q);
    await expect.poll(() => total(desk), { message: q }).toBe(q.startsWith('ĐƯỜNG') ? (await serverCasesMatching('đường vào thôn')) : 1);
    await expect(desk.getByTestId(`feedback-row-${id}`)).toBeVisible();
  }
  await search(desk, 'pa311 khongcotu');
  await expect.poll(() => total(desk)).toBe(0);
  await search(desk, id);
  await expect(desk.getByTestId(`feedback-row-${id}`)).toBeVisible();

  // (b) the link to the central server drops; the operator assigns the case anyway
  await server.stop();
  await expect(desk.getByTestId('standby-banner')).toBeVisible({ timeout: 10_000 });
  await desk.getByTestId(`feedback-row-${id}`).dblclick();
  await expect(desk.getByTestId('feedback-detail')).toHaveAttribute('data-case', id);
  await expect(desk.getByTestId('detail-status')).toContainText('Tiếp nhận');
  await desk.getByTestId('action-assign').click();
  const form = desk.getByTestId('form-assign');
  await form.locator('select').selectOption('ag-bqlda');
  await form.locator('input').fill('Anh Hùng');
  await form.getByTestId('form-submit').click();
  await expect(desk.getByTestId('action-queued')).toBeVisible();
  await expect(desk.getByTestId('detail-status')).toContainText('Đã giao xử lý');
  await expect(desk.getByTestId('detail-status').locator('.pill-pending')).toBeVisible();
  await expect(desk.getByTestId(`feedback-row-${id}`)).toHaveAttribute('data-pending', 'true');
  await expect(desk.getByTestId('detail-history')).toContainText('đang chờ gửi');
  await expect(desk.getByTestId('standby-queued')).toContainText('1');
  await desk.screenshot({ path: `${SHOTS}/feedback-offline-assign.png` });

  // (c) the server is back: the outbox drains, the row is confirmed, Open311 tells the citizen
  await server.restart();
  await expect.poll(async () => (await syncStatus()).queued, { timeout: 30_000 }).toBe(0);
  await expect(desk.getByTestId(`feedback-row-${id}`)).toHaveAttribute('data-pending', 'false', { timeout: 15_000 });
  await expect(desk.getByTestId('detail-status').locator('.pill-pending')).toBeHidden();
  const one = (await (await fetch(`${server.url}/open311/v2/requests/${id}.json`)).json()) as Array<Record<string, unknown>>;
  expect(one[0].status).toBe('open');
  expect(one[0].status_notes).toBe('Đã chuyển cơ quan có thẩm quyền xử lý.');
  const history = (await (await fetch(`${server.url}/open311/v2/requests/${id}/history.json`)).json()) as Array<{ action: string }>;
  expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(['received', 'assign']));
  // exactly once: one assign
  expect(history.filter((h) => h.action === 'assign')).toHaveLength(1);
  await wall.close();
  await desk.close();
});

test('filters agree with the server: status, level, commune, agency; overdue and due-soon show only such rows', async ({ page }) => {
  await waitForSync();
  const cases = [...(await serverCases()).values()];
  await openDesk(page);
  await expect.poll(() => total(page)).toBe(cases.length);

  const only = async (pred: (c: Case) => boolean) => expect.poll(() => total(page)).toBe(cases.filter(pred).length);
  await page.getByTestId('filter-status-received').click();
  await only((c) => c.status === 'received');
  await page.getByTestId('filter-status-assigned').click();
  await only((c) => c.status === 'received' || c.status === 'assigned');
  await page.getByTestId('filter-level-urgent').click();
  await only((c) => (c.status === 'received' || c.status === 'assigned') && c.level === 'urgent');
  await page.getByTestId('filter-clear').click();
  await only(() => true);

  const unit = cases.find((c) => c.unitId)!.unitId!;
  await page.getByTestId('filter-unit').selectOption(unit);
  await only((c) => c.unitId === unit);
  const agency = cases.find((c) => c.agencyId && c.unitId === unit)?.agencyId ?? cases.find((c) => c.agencyId)!.agencyId!;
  await page.getByTestId('filter-agency').selectOption(agency);
  await only((c) => c.unitId === unit && c.agencyId === agency);
  for (const row of await page.locator('[data-testid^="feedback-row-"]').all()) expect(await row.textContent()).toBeTruthy();
  await page.getByTestId('filter-clear').click();
  await only(() => true);

  for (const [chip, state] of [
    ['filter-overdue', 'overdue'],
    ['filter-dueSoon', 'due-soon'],
  ] as const) {
    const shown = Number((await page.getByTestId(chip).locator('b').textContent()) ?? '0');
    await page.getByTestId(chip).click();
    await expect.poll(() => total(page)).toBe(shown);
    const rows = page.locator('[data-testid^="feedback-row-"]');
    if (shown > 0) {
      await expect(rows.first()).toBeVisible();
      expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-sla'))))).toEqual(new Set([state]));
    }
    await page.getByTestId(chip).click();
  }
  // the demo district has cases past their deadline (the wall colours them)
  expect(Number(await page.getByTestId('filter-overdue').locator('b').textContent())).toBeGreaterThan(0);
  // …exactly the server's: a running clock past its stored due (paused clocks have none)
  const serverOverdue = [...(await serverCases()).values()].filter((c) => typeof c.dueAt === 'string' && Date.parse(c.dueAt) < Date.now()).length;
  await expect.poll(async () => Number(await page.getByTestId('filter-overdue').locator('b').textContent())).toBe(serverOverdue);
  await only(() => true);
  await page.getByTestId('filter-level-urgent').click();
  await only((c) => c.level === 'urgent');
  await expect(page.locator('[data-testid^="feedback-row-"]').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/feedback-queue.png` });
});

test('keyboard triage: j/k select, Enter opens, the detail follows, A opens the assign form, Esc closes', async ({ page }) => {
  await openDesk(page);
  const rows = page.locator('[data-testid^="feedback-row-"]');
  await expect(rows.nth(3)).toBeVisible();
  const ids = await rows.evaluateAll((els) => els.slice(0, 4).map((e) => e.getAttribute('data-testid')!.replace('feedback-row-', '')));
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.getByTestId(`feedback-row-${ids[2]}`)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('feedback-detail')).toHaveAttribute('data-case', ids[2]);
  await page.keyboard.press('k');
  await expect(page.getByTestId('feedback-detail')).toHaveAttribute('data-case', ids[1]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('feedback-detail')).toHaveAttribute('data-case', ids[3]);
  await page.keyboard.press('a');
  await expect(page.getByTestId('form-assign')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('form-assign')).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('feedback-detail')).toBeHidden();
  await page.keyboard.press('/');
  await expect(page.getByTestId('filter-search')).toBeFocused();
});

test('detail: photos in a lightbox, the location pin, history; answer with a photo and publish go through the outbox', async ({ page }) => {
  await waitForSync();
  const cases = [...(await serverCases()).values()];
  // An answer not yet published: its photo comes through the server's staff route (not public yet).
  const withPhoto = cases.find((c) => c.status === 'resolved' && (c.answerPhotos?.length ?? 0) > 0 && Array.isArray(c.location));
  expect(withPhoto, 'the demo seed has resolved, unpublished cases with "after" photos').toBeTruthy();
  await openDesk(page);
  await search(page, withPhoto!.id);
  await page.getByTestId(`feedback-row-${withPhoto!.id}`).dblclick();
  const detail = page.getByTestId('feedback-detail');
  await expect(detail).toHaveAttribute('data-case', withPhoto!.id);
  const thumb = detail.getByTestId('detail-photo').first();
  await expect(thumb.locator('img')).toBeVisible();
  expect(await thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(detail.getByTestId('detail-map-pin')).toBeVisible();
  await expect(detail.getByTestId('detail-answer')).toBeVisible();
  await expect(detail.getByTestId('detail-history').locator('li').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/feedback-detail.png` });
  await thumb.click();
  await expect(page.getByTestId('lightbox').locator('img')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/feedback-lightbox.png` });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('lightbox')).toBeHidden();

  // A case being worked on, in a category that needs an "after" photo: answer it with one.
  const work = cases.find((c) => c.status === 'in_progress' && c.category === 'road_damage' && !c.paused) ?? cases.find((c) => c.status === 'in_progress' && !c.paused)!;
  await search(page, work.id);
  await page.getByTestId(`feedback-row-${work.id}`).dblclick();
  await expect(detail).toHaveAttribute('data-case', work.id);
  await page.keyboard.press('r');
  const answer = page.getByTestId('form-answer');
  await answer.getByTestId('answer-text').fill('Đã vá ổ gà bằng bê tông nhựa ngày hôm nay; ảnh sau khi khắc phục kèm theo.');
  await answer.getByTestId('answer-file').setInputFiles({ name: 'sau-khi-va.png', mimeType: 'image/png', buffer: png() });
  await expect(answer.getByTestId('answer-photo')).toHaveAttribute('data-uploaded', 'true');
  await answer.getByTestId('form-submit').click();
  await expect(detail.getByTestId('detail-status')).toContainText('Đã xử lý');
  await expect.poll(async () => (await syncStatus()).queued, { timeout: 20_000 }).toBe(0);
  await expect(detail.getByTestId('detail-answer')).toContainText('Đã vá ổ gà', { timeout: 15_000 });
  await expect.poll(() => detail.getByTestId('detail-photo').count()).toBeGreaterThan(0);
  await detail.getByTestId('act-publish').click();
  await expect.poll(async () => (await syncStatus()).queued, { timeout: 20_000 }).toBe(0);
  await expect(detail.getByTestId('detail-status')).toContainText('Đã công khai kết quả', { timeout: 15_000 });
  const one = (await (await fetch(`${server.url}/open311/v2/requests/${work.id}.json`)).json()) as Array<Record<string, unknown>>;
  expect(one[0].status).toBe('closed');
  // the citizen reads the published answer itself
  expect(one[0].status_notes).toBe('Đã xử lý và công khai kết quả. Trả lời: Đã vá ổ gà bằng bê tông nhựa ngày hôm nay; ảnh sau khi khắc phục kèm theo.');
});

test('offline actions that the server then refuses show its reason; level and pause show pending until confirmed', async ({ page }) => {
  await waitForSync();
  const cases = [...(await serverCases()).values()];
  const target = cases.find((c) => c.status === 'assigned' && !c.paused)!;
  await openDesk(page);
  await search(page, target.id);
  await page.getByTestId(`feedback-row-${target.id}`).dblclick();
  const detail = page.getByTestId('feedback-detail');
  await expect(detail).toHaveAttribute('data-case', target.id);

  await server.stop();
  await expect(page.getByTestId('standby-banner')).toBeVisible({ timeout: 10_000 });
  // the operator starts work on it and pauses the clock (waiting for the citizen) — offline
  await detail.getByTestId('act-start').click();
  await expect(detail.getByTestId('detail-status')).toContainText('Đang xử lý');
  await detail.getByTestId('action-pause').click();
  await page.getByTestId('form-pause').locator('textarea').fill('Chờ người dân cung cấp thêm vị trí');
  await page.getByTestId('form-pause').getByTestId('form-submit').click();
  await expect(detail.getByTestId('detail-paused')).toBeVisible();
  await expect(detail.getByTestId('detail-status').locator('.pill-pending')).toBeVisible();

  // meanwhile a colleague at the province closes it as not responsible (another client, online)
  await server.restart();
  await hostCall(host, 'sync:logout').catch(() => {}); // hold our outbox while the colleague acts…
  const token = await apiLogin(server, 'admin');
  const push = await fetch(`${server.url}/api/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-ioc-protocol': '1' },
    body: JSON.stringify({ protocol: 1, clientId: randomUUID(), mutations: [{ id: randomUUID(), clientSeq: 1, name: 'case.notResponsible', args: { caseId: target.id, reason: 'Thuộc thẩm quyền của tỉnh' }, createdAt: new Date().toISOString() }] }),
  });
  expect(((await push.json()) as { results: Array<{ status: string }> }).results[0].status).toBe('applied');
  await hostCall(host, 'sync:login', { username: 'operator', password: DEMO_PASSWORD }); // …then reconnect
  await expect.poll(async () => (await syncStatus()).queued, { timeout: 30_000 }).toBe(0);

  // our start and pause were refused: the panel says why, in the server's words
  await openDesk(page);
  await search(page, target.id);
  await page.getByTestId(`feedback-row-${target.id}`).dblclick();
  await expect(detail).toHaveAttribute('data-case', target.id);
  await expect(detail.getByTestId('detail-rejected')).toBeVisible({ timeout: 15_000 });
  await expect(detail.getByTestId('rejected-reason').first()).toContainText(/not allowed|không/i);
  await expect(detail.getByTestId('detail-status')).toContainText('Không thuộc thẩm quyền');
  await page.screenshot({ path: `${SHOTS}/feedback-rejected.png` });
});

test('a case the server paused shows "paused" with its reason (list, detail, wall), never overdue', async ({ page, browser }) => {
  await waitForSync();
  const cases = [...(await serverCases()).values()];
  const paused = cases.find((c) => c.paused === true && c.slaPhase !== 'done' && typeof c.pauseReason === 'string');
  expect(paused, 'the demo seed pauses some cases').toBeTruthy();
  // by receivedAt alone this old case would be overdue; the server stopped its clock
  expect(paused!.overdue).toBe(false);
  await openDesk(page);
  await search(page, paused!.id);
  const row = page.getByTestId(`feedback-row-${paused!.id}`);
  await expect(row).toHaveAttribute('data-sla', 'paused');
  await expect(row.locator('.fq-c-due')).toContainText('Tạm dừng');
  await page.getByTestId('filter-overdue').click();
  await expect.poll(() => total(page)).toBe(0);
  await page.getByTestId('filter-overdue').click();
  await row.dblclick();
  const detail = page.getByTestId('feedback-detail');
  await expect(detail.getByTestId('detail-sla')).toHaveAttribute('data-sla', 'paused');
  await expect(detail.getByTestId('detail-sla')).toContainText('Tạm dừng · còn');
  await expect(detail.getByTestId('detail-paused')).toContainText(String(paused!.pauseReason).slice(0, 20));
  await page.screenshot({ path: `${SHOTS}/feedback-paused.png` });

  // the wall counts the paused cases on their own (the server's number), not as overdue or on time
  const serverPaused = cases.filter((c) => c.paused === true && (c.slaPhase === 'accept' || c.slaPhase === 'handle')).length;
  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await wall.goto(`${host.origin}/?display=2&view=feedback&layout=wall#token=${host.token}`);
  await expect(wall.getByTestId('wall-count-paused').locator('b')).toHaveText(String(serverPaused), { timeout: 15_000 });
  await expect(wall.getByTestId('wall-count-paused')).toContainText('Tạm dừng');
  await wall.screenshot({ path: `${SHOTS}/feedback-wall-paused.png` });
  await wall.close();
});

test('an admin edits the routing rules from the console and saves them to the server; an operator does not see the panel', async ({ page }) => {
  await hostCall(host, 'sync:login', { username: 'admin', password: DEMO_PASSWORD });
  try {
    await page.goto(`${host.origin}/?display=1&view=console#token=${host.token}`);
    const panel = page.getByTestId('routing-panel');
    await expect(panel.getByTestId('routing-table')).toBeVisible({ timeout: 15_000 });
    const token = await apiLogin(server, 'admin');
    const rulesOnServer = async () =>
      ((await (await fetch(`${server.url}/api/v1/admin/routing-rules`, { headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1' } })).json()) as { rules: Array<{ id: string; autoAssign: boolean; agencyId: string }> }).rules;
    const before = await rulesOnServer();
    await expect(panel.locator('tbody tr')).toHaveCount(before.length);
    // edit the first rule: flip auto-assign, save; the server has it
    await panel.getByTestId('routing-edit-0').click();
    await panel.getByTestId('routing-edit-auto').click();
    await panel.getByTestId('routing-save').click();
    await expect(panel.getByTestId('routing-notice')).toBeVisible();
    await expect.poll(async () => (await rulesOnServer())[0].autoAssign).toBe(!before[0].autoAssign);
    // an invalid edit (an agency the server does not know is not offered; a duplicate rule is): the server's reason, nothing lost
    await panel.getByTestId('routing-add').click();
    const last = before.length;
    const first = (before as unknown as Array<{ category: string; unitId: string | null }>)[0];
    await panel.getByTestId(`routing-row-${last}`).getByTestId('routing-edit-category').selectOption(first.category);
    await panel.getByTestId(`routing-row-${last}`).getByTestId('routing-edit-commune').selectOption(first.unitId ?? '');
    await panel.getByTestId('routing-save').click();
    await expect(panel.getByTestId('routing-error')).toContainText('Máy chủ không chấp nhận');
    await expect(panel.locator('tbody tr')).toHaveCount(before.length + 1);
    await expect(panel.locator('tr.routing-bad')).toHaveCount(1);
    await page.screenshot({ path: `${SHOTS}/feedback-routing-rules.png`, fullPage: true });
    expect(await rulesOnServer()).toHaveLength(before.length);
    // delete the new row, put the first rule back, save
    await panel.getByTestId(`routing-row-${last}`).getByRole('button', { name: 'Xoá' }).click();
    await panel.getByTestId('routing-edit-0').click();
    await panel.getByTestId('routing-edit-auto').click();
    await panel.getByTestId('routing-save').click();
    await expect.poll(async () => (await rulesOnServer())[0].autoAssign).toBe(before[0].autoAssign);
  } finally {
    await hostCall(host, 'sync:login', { username: 'operator', password: DEMO_PASSWORD });
  }
  await page.goto(`${host.origin}/?display=1&view=console#token=${host.token}`);
  await expect(page.getByTestId('view-console')).toBeVisible();
  await expect(page.getByTestId('routing-panel')).toHaveCount(0);
});
