/**
 * The feedback workflow as the central server enforces it: every case command against every state,
 * resolve rules (answer, uploaded "after" photo), merge, citizen re-open through Open311 inside and
 * outside the window, and GET requests/{id} reflecting what the operators did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_FROM, DAY_MS, FEEDBACK_STATES, type FeedbackState, vnTime } from '../../shared/feedback';
import { CASE_COMMAND_ACTION, type CommandName } from '../../shared/sync/commands';
import { caseEvents, feedbackCases } from '../db/schema';
import { DEFAULT_DEMO_API_KEY } from '../open311/catalog';
import { communeCenter } from '../open311/geo';
import { form, tinyJpeg } from '../open311/test-support';
import { type Harness, startHarness } from '../test/harness';
import { Outbox } from '../test/mutations';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on response shapes
type Json = any;

const T0 = vnTime('2026-11-23T09:00'); // a Monday morning in Bắc Trà My

describe('feedback workflow on the server', () => {
  let h: Harness;
  let clock = T0;
  let token: string;
  let mediaDir: string;
  const o = new Outbox();

  beforeAll(async () => {
    mediaDir = mkdtempSync(join(tmpdir(), 'ioc-fb-media-'));
    h = await startHarness({ now: () => new Date(clock), sessionHours: 24 * 365, open311: { mediaDir, rateLimitPerMin: 100_000 }, feedback: { slaJobIntervalMs: 0 } });
    token = await h.login('operator');
  });
  afterAll(async () => {
    await h?.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  async function push(name: CommandName, args: Record<string, unknown>, as = token) {
    clock += 1000; // one action per second: history order is time order
    const r = await h.api('POST', '/api/v1/sync/push', { token: as, body: o.request(o.mutation(name, args)) });
    expect(r.status, r.text).toBe(200);
    return r.body.results[0] as { status: string; code?: string; reason?: string };
  }
  const caseRow = async (id: string) => (await h.server.db.orm.select().from(feedbackCases).where(eq(feedbackCases.id, id)))[0];
  const history = (id: string) => h.server.db.orm.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.at), asc(caseEvents.id));

  async function upload(data = tinyJpeg(Math.random()), type = 'image/jpeg') {
    const res = await fetch(`${h.server.url}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type, 'x-ioc-protocol': '1' }, body: data });
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function open311Post(service = 'road_damage', commune = '20923', description = 'Ổ gà sâu giữa đường liên thôn, xe máy rất nguy hiểm') {
    const [lon, lat] = communeCenter(commune);
    clock += 1000;
    const res = await fetch(`${h.server.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ api_key: DEFAULT_DEMO_API_KEY, service_code: service, lat: String(lat), long: String(lon), description }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return (JSON.parse(text) as Json)[0].service_request_id as string;
  }
  const getRequest = async (id: string, fmt: 'json' | 'xml' = 'json') => {
    const res = await fetch(`${h.server.url}/open311/v2/requests/${id}.${fmt}`);
    return fmt === 'json' ? ((await res.json()) as Json)[0] : ((await res.text()) as Json);
  };
  const reopen = async (id: string, fields: Record<string, string>, fmt: 'json' | 'xml' = 'json') => {
    const res = await fetch(`${h.server.url}/open311/v2/requests/${id}/reopen.${fmt}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });
    return { status: res.status, text: await res.text() };
  };

  it('every case command is refused from every state the workflow does not allow, and applied from the others', async () => {
    const photo = (await upload()).body.ref as string;
    const [master] = await h.server.db.orm.select({ id: feedbackCases.id }).from(feedbackCases).where(eq(feedbackCases.status, 'in_progress')).limit(1);
    const target = await open311Post();
    const base = await caseRow(target);
    const argsFor: Partial<Record<CommandName, Record<string, unknown>>> = {
      'case.addNote': { text: 'Đã gọi điện xác minh' },
      'case.triage': {},
      'case.assign': { agencyId: 'ag-ubnd-20923', officer: 'Lê Văn Tùng' },
      'case.start': {},
      'case.schedule': { at: new Date(clock + 3 * DAY_MS).toISOString() },
      'case.resolve': { answer: 'Đã vá ổ gà, thông xe.', photos: [photo] },
      'case.publish': {},
      'case.notResponsible': { reason: 'Quốc lộ do trung ương quản lý' },
      'case.reject': { reason: 'Không rõ địa điểm' },
      'case.refer': { agencyId: 'ag-ubnd-huyen', reason: 'Vượt thẩm quyền xã' },
      'case.merge': { into: master.id },
      'case.setLevel': { level: 'complex' },
      'case.pause': { reason: 'Chờ tạnh mưa' },
      'case.resume': {},
      'case.reopen': { reason: 'Người dân báo ổ gà xuất hiện lại' },
    };
    let checked = 0;
    for (const [name, args] of Object.entries(argsFor) as Array<[CommandName, Record<string, unknown>]>) {
      const action = CASE_COMMAND_ACTION[name]!;
      for (const state of FEEDBACK_STATES) {
        // Put the case in `state` with consistent fields (resume needs a running pause).
        await h.server.db.orm
          .update(feedbackCases)
          .set({
            status: state,
            agencyId: 'ag-bqlda',
            duplicateOf: null,
            acceptedAt: new Date(base.receivedAt.getTime() + 1),
            resolvedAt: state === 'resolved' || state === 'published' ? new Date(clock - DAY_MS) : null,
            publishedAt: state === 'published' ? new Date(clock - DAY_MS) : null,
            pauses: name === 'case.resume' ? [{ from: new Date(clock - 60_000).toISOString(), to: null, reason: 'x' }] : [],
          })
          .where(eq(feedbackCases.id, target));
        const r = await push(name, { caseId: target, ...args });
        const allowed = ALLOWED_FROM[action].includes(state as FeedbackState);
        if (allowed) expect(r, `${name} from ${state}`).toMatchObject({ status: 'applied' });
        else expect(r, `${name} from ${state}`).toMatchObject({ status: 'rejected', code: 'not_allowed_from_state' });
        checked++;
      }
    }
    expect(checked).toBe(15 * FEEDBACK_STATES.length);
  });

  it('setStatus runs the same rules: unknown states, targets needing their own command, missing reasons', async () => {
    const id = await open311Post();
    expect(await push('case.setStatus', { caseId: id, status: 'fixed' })).toMatchObject({ status: 'rejected', code: 'invalid_status' });
    expect(await push('case.setStatus', { caseId: id, status: 'published' })).toMatchObject({ status: 'rejected', code: 'not_allowed_from_state' });
    expect(await push('case.setStatus', { caseId: id, status: 'duplicate' })).toMatchObject({ status: 'rejected', code: 'use_specific_command' });
    expect(await push('case.setStatus', { caseId: id, status: 'rejected' })).toMatchObject({ status: 'rejected', code: 'reason_required' });
    expect(await push('case.setStatus', { caseId: id, status: 'triage' })).toMatchObject({ status: 'applied' });
    expect((await caseRow(id)).status).toBe('triage');
  });

  it('resolve needs an answer, and an uploaded "after" photo for categories that need a fix', async () => {
    const id = await open311Post('road_damage');
    expect(await push('case.assign', { caseId: id, agencyId: 'ag-bqlda' })).toMatchObject({ status: 'applied' });
    expect(await push('case.resolve', { caseId: id, answer: '   ', photos: [] })).toMatchObject({ status: 'rejected', code: 'invalid_args' });
    expect(await push('case.resolve', { caseId: id, answer: 'Đã sửa xong.', photos: [] })).toMatchObject({ status: 'rejected', code: 'photo_required' });
    expect(await push('case.resolve', { caseId: id, answer: 'Đã sửa xong.', photos: ['a'.repeat(64) + '.jpg'] })).toMatchObject({ status: 'rejected', code: 'photo_not_uploaded' });
    expect((await caseRow(id)).status).toBe('assigned');
    // The upload endpoint refuses what is not a JPEG/PNG.
    expect((await upload(Buffer.from('<svg/>'), 'image/png')).status).toBe(415);
    const up = await upload();
    expect(up.status).toBe(200);
    expect(up.body.ref).toMatch(/^[0-9a-f]{64}\.jpg$/);
    // Staff read it back; nobody else does while the answer is not published.
    expect(up.body.url).toBe(`/api/v1/media/${up.body.ref}`);
    const staff = await fetch(h.server.url + up.body.url, { headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1' } });
    expect(staff.status).toBe(200);
    expect(staff.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(h.server.url + up.body.url)).status).toBe(401);
    expect((await fetch(`${h.server.url}/open311/v2/media/${up.body.ref}`)).status).toBe(404);
    expect(await push('case.resolve', { caseId: id, answer: 'Đã vá ổ gà, thảm lại mặt đường.', photos: [up.body.ref] })).toMatchObject({ status: 'applied' });
    expect(await caseRow(id)).toMatchObject({ status: 'resolved', answer: 'Đã vá ổ gà, thảm lại mặt đường.', answerPhotos: [up.body.ref], slaPhase: 'done', dueAt: null, overdue: false });
    // A category without a physical fix resolves with the answer alone.
    const adm = await open311Post('admin_procedure', '20900', 'Hồ sơ đăng ký đất đai trễ hẹn 2 tuần');
    await push('case.assign', { caseId: adm, agencyId: 'ag-ubnd-20900' });
    expect(await push('case.resolve', { caseId: adm, answer: 'Đã trả kết quả hồ sơ, xin lỗi công dân vì trễ hẹn.' })).toMatchObject({ status: 'applied' });
  });

  it('merge closes the duplicate, links both ways and keeps both histories', async () => {
    const master = await open311Post('water_supply', '20908', 'Mất nước sinh hoạt 3 ngày ở thôn 2');
    const dup = await open311Post('water_supply', '20908', 'Thôn 2 không có nước sinh hoạt từ thứ Bảy');
    await push('case.addNote', { caseId: dup, text: 'Người dân gọi lại lần 2' });
    const dupBefore = await history(dup);
    const masterBefore = await history(master);
    expect(await push('case.merge', { caseId: dup, into: dup })).toMatchObject({ status: 'rejected', code: 'invalid_argument' });
    expect(await push('case.merge', { caseId: dup, into: 'fc-nope' })).toMatchObject({ status: 'rejected', code: 'not_found' });
    expect(await push('case.merge', { caseId: dup, into: master })).toMatchObject({ status: 'applied' });
    expect(await caseRow(dup)).toMatchObject({ status: 'duplicate', duplicateOf: master, slaPhase: 'done' });
    expect(await caseRow(master)).toMatchObject({ duplicates: [dup], status: 'received' });
    const dupAfter = await history(dup);
    const masterAfter = await history(master);
    expect(dupAfter.slice(0, dupBefore.length).map((e) => e.id)).toEqual(dupBefore.map((e) => e.id));
    expect(dupAfter.at(-1)).toMatchObject({ action: 'markDuplicate', fromStatus: 'received', toStatus: 'duplicate', actor: 'Nguyễn Thị Hoa' });
    expect(masterAfter.slice(0, masterBefore.length).map((e) => e.id)).toEqual(masterBefore.map((e) => e.id));
    expect(masterAfter.at(-1)).toMatchObject({ action: 'merged', data: { duplicateId: dup } });
    // Into a duplicate: refused (merge into its master instead).
    const third = await open311Post('water_supply', '20908', 'Mất nước thôn 2');
    expect(await push('case.merge', { caseId: third, into: dup })).toMatchObject({ status: 'rejected', code: 'master_is_duplicate' });
    // Open311: the duplicate is closed and points at the master.
    const r = await getRequest(dup);
    expect(r).toMatchObject({ status: 'closed' });
    expect(r.status_notes).toContain(master);

    // A master with duplicates of its own is merged into another case: its duplicates follow it, so
    // every duplicate names the one case still being handled.
    const other = await open311Post('water_supply', '20908', 'Cả thôn 2 và thôn 3 mất nước');
    const otherBefore = await history(other);
    expect(await push('case.merge', { caseId: master, into: other })).toMatchObject({ status: 'applied' });
    expect(await caseRow(master)).toMatchObject({ status: 'duplicate', duplicateOf: other, duplicates: [] });
    expect(await caseRow(dup)).toMatchObject({ status: 'duplicate', duplicateOf: other });
    expect(await caseRow(other)).toMatchObject({ status: 'received', duplicates: [master, dup] });
    expect((await history(dup)).at(-1)).toMatchObject({ action: 'repointed', data: { from: master, duplicateOf: other }, fromStatus: 'duplicate', toStatus: 'duplicate' });
    const otherAfter = await history(other);
    expect(otherAfter.slice(0, otherBefore.length).map((e) => e.id)).toEqual(otherBefore.map((e) => e.id));
    expect(otherAfter.at(-1)).toMatchObject({ action: 'merged', data: { duplicateId: master, moved: [dup] } });
    expect((await getRequest(dup)).status_notes).toContain(other);
  });

  it('Open311 shows each new state; the citizen re-opens inside the window, not after it', async () => {
    clock = T0 + 2 * DAY_MS;
    const id = await open311Post('street_lighting', '20929', 'Đèn đường trước chợ không sáng cả tuần');
    expect(await getRequest(id)).toMatchObject({ status: 'open', status_notes: expect.stringContaining('tiếp nhận') });
    await push('case.assign', { caseId: id, agencyId: 'ag-ubnd-20929', officer: 'Đinh Văn Lực' });
    expect(await getRequest(id)).toMatchObject({ status: 'open', status_notes: 'Đã chuyển cơ quan có thẩm quyền xử lý.', agency_responsible: 'UBND xã Trà Giáp' });
    await push('case.start', { caseId: id });
    expect(await getRequest(id)).toMatchObject({ status: 'open', status_notes: 'Cơ quan chức năng đang xử lý.' });
    const photo = (await upload(tinyJpeg(42))).body.ref;
    await push('case.resolve', { caseId: id, answer: 'Đã thay bóng đèn LED và sửa tủ điện; cụm đèn sáng lại.', photos: [photo] });
    expect(await getRequest(id)).toMatchObject({ status: 'closed', expected_datetime: null });
    // The answer's photo is public only once the answer is published.
    const publicPhoto = () => fetch(`${h.server.url}/open311/v2/media/${photo}`).then((r) => r.status);
    expect(await publicPhoto()).toBe(404);
    clock += 3_600_000;
    expect(await push('case.publish', { caseId: id }, await h.login('leader'))).toMatchObject({ status: 'applied' });
    expect(await publicPhoto()).toBe(200);
    const published = await getRequest(id);
    expect(published.status).toBe('closed');
    expect(published.status_notes).toContain('Đã thay bóng đèn LED');
    expect(await getRequest(id, 'xml')).toContain('<status>closed</status>');

    // Wrong key, missing reason: refused in the spec's error format, nothing changes.
    expect(await reopen(id, { api_key: 'not-a-key', description: 'x' })).toMatchObject({ status: 403 });
    const noReason = await reopen(id, { api_key: DEFAULT_DEMO_API_KEY });
    expect(noReason.status).toBe(400);
    expect(JSON.parse(noReason.text)).toEqual([{ code: 400, description: expect.stringContaining('description') }]);
    expect(await reopen('pa311-999999', { api_key: DEFAULT_DEMO_API_KEY, description: 'x' })).toMatchObject({ status: 404 });

    clock += 6 * DAY_MS; // inside the 7-day window
    const ok = await reopen(id, { api_key: DEFAULT_DEMO_API_KEY, description: 'Đèn lại tắt từ tối qua' });
    expect(ok.status, ok.text).toBe(200);
    expect(JSON.parse(ok.text)[0]).toMatchObject({ service_request_id: id, status: 'open', status_notes: expect.stringContaining('mở lại (lần 1)') });
    const row = await caseRow(id);
    expect(row).toMatchObject({ status: 'triage', reopenCount: 1, answer: null, slaPhase: 'handle' });
    expect((await history(id)).at(-1)).toMatchObject({ action: 'reopen', actor: 'Công dân (Open311)', actorRole: 'citizen', fromStatus: 'published', toStatus: 'triage', text: 'Đèn lại tắt từ tối qua' });

    // Resolved again, then the window passes: 409 in JSON and XML, nothing changes.
    await push('case.assign', { caseId: id, agencyId: 'ag-ubnd-20929' });
    await push('case.resolve', { caseId: id, answer: 'Đã thay tủ điện mới.', photos: [photo] });
    clock += 7 * DAY_MS + 60_000;
    const late = await reopen(id, { api_key: DEFAULT_DEMO_API_KEY, description: 'Vẫn chưa sáng' });
    expect(late.status).toBe(409);
    expect(JSON.parse(late.text)).toEqual([{ code: 409, description: expect.stringContaining('re-open window') }]);
    const lateXml = await reopen(id, { api_key: DEFAULT_DEMO_API_KEY, description: 'Vẫn chưa sáng' }, 'xml');
    expect(lateXml.status).toBe(409);
    expect(lateXml.text).toMatch(/<errors><error><code>409<\/code><description>[^<]*re-open window/);
    expect((await caseRow(id)).status).toBe('resolved');
    // The operator cannot re-open it for the citizen either.
    expect(await push('case.reopen', { caseId: id, reason: 'Công dân gọi điện' })).toMatchObject({ status: 'rejected', code: 'reopen_window_expired' });

    // Full history extension: every step with its status.
    const hist = (await (await fetch(`${h.server.url}/open311/v2/requests/${id}/history.json`)).json()) as Json;
    expect(hist.map((e: { action: string }) => e.action)).toEqual(['received', 'routed', 'assign', 'start', 'resolve', 'publish', 'reopen', 'assign', 'resolve']);
    expect(hist.at(-1)).toMatchObject({ status: 'closed' });
  });

  it('a restart brings cases with older statuses into the workflow (through the change log) and applies configured SLA targets', async () => {
    const legacy: Array<[string, string, FeedbackState]> = [
      ['investigating', 'fc-000101', 'triage'],
      ['action_scheduled', 'fc-000102', 'scheduled'],
      ['fixed', 'fc-000103', 'resolved'],
      ['closed', 'fc-000104', 'published'],
    ];
    for (const [old, id] of legacy) await h.server.db.orm.update(feedbackCases).set({ status: old, slaPhase: null }).where(eq(feedbackCases.id, id));
    const { changeLog } = await import('../db/schema');
    const { max } = await import('drizzle-orm');
    const [{ seq }] = await h.server.db.orm.select({ seq: max(changeLog.seq) }).from(changeLog);
    await h.restart({ feedback: { slaJobIntervalMs: 0, handle: { normal: { days: 2 }, complex: { minutes: 600 } } } });
    token = await h.login('operator');
    for (const [, id, state] of legacy) {
      const r = await caseRow(id);
      expect(r.status, id).toBe(state);
      expect(r.slaPhase, id).not.toBeNull();
    }
    const changed = await h.server.db.orm.select().from(changeLog).where(gt(changeLog.seq, seq!));
    expect(changed.filter((c) => c.entity === 'feedback_case').map((c) => c.entityId)).toEqual(expect.arrayContaining(legacy.map(([, id]) => id)));

    clock = vnTime('2026-12-07T08:00') - 1000; // open311Post adds 1 s: Monday 08:00:00
    const id = await open311Post('road_damage', '20923', 'Mặt đường nứt vỡ 20 m');
    // Received Monday 08:00; normal = 2 working days (15 h) → Wednesday 08:00; complex = 600 working minutes → Tuesday 10:30.
    expect((await caseRow(id)).handleDueAt?.getTime()).toBe(vnTime('2026-12-09T08:00'));
    expect(await push('case.setLevel', { caseId: id, level: 'complex' })).toMatchObject({ status: 'applied' });
    expect((await caseRow(id)).handleDueAt?.getTime()).toBe(vnTime('2026-12-08T10:30'));
  });

  it('a case from another api_key cannot be re-opened with the demo key', async () => {
    const id = await open311Post();
    await h.server.db.orm.update(feedbackCases).set({ status: 'resolved', resolvedAt: new Date(clock) }).where(eq(feedbackCases.id, id));
    const { open311Requests } = await import('../db/schema');
    await h.server.db.orm.update(open311Requests).set({ apiKeyHash: 'f'.repeat(64) }).where(and(eq(open311Requests.caseId, id)));
    expect(await reopen(id, { api_key: DEFAULT_DEMO_API_KEY, description: 'x' })).toMatchObject({ status: 403 });
  });
});
