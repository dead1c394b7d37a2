/**
 * SLA on the central server (due instants stored at intake, pause stops the clock, the escalation
 * job marks overdue cases once) and the routing rules admin API applied at intake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, vnTime } from '../../shared/feedback';
import type { CommandName } from '../../shared/sync/commands';
import { alerts, auditLog, caseEvents, feedbackCases } from '../db/schema';
import { DEFAULT_DEMO_API_KEY } from '../open311/catalog';
import { communeCenter } from '../open311/geo';
import { form } from '../open311/test-support';
import { type Harness, startHarness } from '../test/harness';
import { Outbox } from '../test/mutations';
import { demoRoutingRules } from './routing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on response shapes
type Json = any;

describe('SLA and routing on the server', () => {
  let h: Harness;
  let clock = vnTime('2026-11-20T08:00');
  let op: string;
  let admin: string;
  let mediaDir: string;
  const o = new Outbox();

  beforeAll(async () => {
    mediaDir = mkdtempSync(join(tmpdir(), 'ioc-fb-sla-'));
    h = await startHarness({ now: () => new Date(clock), sessionHours: 24 * 3650, open311: { mediaDir, rateLimitPerMin: 100_000 }, feedback: { slaJobIntervalMs: 0 } });
    op = await h.login('operator');
    admin = await h.login('admin');
    // The seed leaves old cases overdue: escalate those first, so each test sees only its own cases.
    await h.server.slaJob.tick();
  });
  afterAll(async () => {
    await h?.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  async function push(name: CommandName, args: Record<string, unknown>) {
    const r = await h.api('POST', '/api/v1/sync/push', { token: op, body: o.request(o.mutation(name, args)) });
    return r.body.results[0] as { status: string; code?: string };
  }
  async function post(service: string, commune: string, description = 'Phản ánh của người dân') {
    const [lon, lat] = communeCenter(commune);
    const res = await fetch(`${h.server.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ api_key: DEFAULT_DEMO_API_KEY, service_code: service, lat: String(lat), long: String(lon), description, ...(service === 'landslide' ? { 'attribute[blocking_road]': 'yes' } : {}) }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return (JSON.parse(text) as Json)[0].service_request_id as string;
  }
  const row = async (id: string) => (await h.server.db.orm.select().from(feedbackCases).where(eq(feedbackCases.id, id)))[0];
  const ms = (d: Date | null) => d?.getTime() ?? null;

  describe('due instants stored at intake (working hours, weekends, Tết)', () => {
    it.each<[string, string, string, string, string, 'accept' | 'handle', string]>([
      // label, received (VN wall time), service, commune, field, phase, due (VN wall time)
      ['Friday afternoon: 1 h on Friday, 7 h on Monday', '2026-11-20T16:00', 'road_damage', '20923', 'acceptDueAt', 'accept', '2026-11-23T16:30'],
      ['after hours: the clock starts next morning', '2026-11-24T19:00', 'road_damage', '20923', 'acceptDueAt', 'accept', '2026-11-26T08:00'],
      ['on a Saturday: starts Monday 07:30', '2026-11-21T10:00', 'road_damage', '20923', 'acceptDueAt', 'accept', '2026-11-24T08:00'],
      ['before Tết Bính Ngọ: the Tết week does not count', '2026-02-13T15:00', 'road_damage', '20923', 'acceptDueAt', 'accept', '2026-02-23T15:30'],
      ['normal: 5 working days to handle', '2026-11-23T09:00', 'road_damage', '20923', 'handleDueAt', 'accept', '2026-11-30T09:00'],
      ['urgent (landslide, auto-assigned): 4 working hours', '2026-11-20T16:00', 'landslide', '20929', 'dueAt', 'handle', '2026-11-23T10:30'],
    ])('%s', async (_label, at, service, commune, field, phase, due) => {
      clock = vnTime(at);
      const id = await post(service, commune);
      const r = (await row(id)) as unknown as Record<string, Date | string | boolean | null>;
      expect(r.slaPhase).toBe(phase);
      expect(ms(r[field] as Date)).toBe(vnTime(due));
      if (phase === 'accept') expect(ms(r.dueAt as Date)).toBe(ms(r.acceptDueAt as Date));
      expect(ms(r.dueSoonAt as Date)).toBe(ms(r.dueAt as Date)! - 24 * HOUR_MS);
    });
  });

  it('pause stops the clock: no overdue, no escalation while paused; resume moves the deadline by the paused working time', async () => {
    clock = vnTime('2026-11-23T09:00');
    const id = await post('road_damage', '20923', 'Rãnh thoát nước bị lấp');
    clock = vnTime('2026-11-23T09:30');
    expect(await push('case.assign', { caseId: id, agencyId: 'ag-bqlda' })).toMatchObject({ status: 'applied' });
    expect(ms((await row(id)).handleDueAt)).toBe(vnTime('2026-11-30T09:00'));
    clock = vnTime('2026-11-24T09:00');
    expect(await push('case.pause', { caseId: id, reason: 'Chờ tạnh mưa, nước suối dâng cao' })).toMatchObject({ status: 'applied' });
    expect(await row(id)).toMatchObject({ paused: true, pauseReason: 'Chờ tạnh mưa, nước suối dâng cao', dueAt: null, overdue: false, remainingMinutes: 4 * 450 });
    expect(await push('case.pause', { caseId: id, reason: 'lần hai' })).toMatchObject({ status: 'rejected', code: 'already_paused' });

    clock = vnTime('2026-12-02T09:00'); // past the original deadline
    const t = await h.server.slaJob.tick();
    expect(t.escalated).not.toContain(id);
    expect(await row(id)).toMatchObject({ paused: true, overdue: false, escalatedAt: null });

    expect(await push('case.resume', { caseId: id })).toMatchObject({ status: 'applied' });
    const resumed = await row(id);
    expect(resumed).toMatchObject({ paused: false, overdue: false, remainingMinutes: 4 * 450 });
    expect(ms(resumed.dueAt)).toBe(vnTime('2026-12-08T09:00'));
    expect(await push('case.resume', { caseId: id })).toMatchObject({ status: 'rejected', code: 'not_paused' });
  });

  it('the SLA job flags due-soon at T−24 h, escalates an overdue case once (event + alert), and stays idempotent', async () => {
    clock = vnTime('2026-12-14T08:00'); // Monday
    const id = await post('road_damage', '20900', 'Cống ngang đường bị sập');
    const due = ms((await row(id)).acceptDueAt)!;
    expect(due).toBe(vnTime('2026-12-15T08:30'));

    clock = due - 25 * HOUR_MS;
    expect((await h.server.slaJob.tick()).updated).not.toContain(id);
    clock = due - 23 * HOUR_MS;
    const soon = await h.server.slaJob.tick();
    expect(soon.updated).toContain(id);
    expect(soon.escalated).not.toContain(id);
    expect(await row(id)).toMatchObject({ dueSoon: true, overdue: false });

    clock = due + 60_000;
    const late = await h.server.slaJob.tick();
    expect(late.escalated).toContain(id);
    expect(await row(id)).toMatchObject({ dueSoon: false, overdue: true, slaPhase: 'accept' });
    expect(ms((await row(id)).escalatedDueAt)).toBe(due);
    for (let i = 0; i < 3; i++) {
      clock += HOUR_MS;
      expect((await h.server.slaJob.tick()).escalated).not.toContain(id);
    }
    const events = await h.server.db.orm.select().from(caseEvents).where(and(eq(caseEvents.caseId, id), eq(caseEvents.action, 'escalated')));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorRole: 'system', text: expect.stringContaining('Quá hạn tiếp nhận') });
    const raised = await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${id}-${due}`));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'feedback_overdue', acknowledgedAt: null, unitId: 'vn-2025:20900' });
    expect(raised[0].title).toContain(id);

    // Accepting it starts the handling clock: a new deadline, not overdue, escalated again only if that one passes.
    expect(await push('case.assign', { caseId: id, agencyId: 'ag-bqlda' })).toMatchObject({ status: 'applied' });
    const handled = await row(id);
    expect(handled).toMatchObject({ slaPhase: 'handle', overdue: false });
    clock = ms(handled.dueAt)! + 60_000;
    expect((await h.server.slaJob.tick()).escalated).toContain(id);
    expect(await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${id}-${ms(handled.dueAt)}`))).toHaveLength(1);
  });

  it('a case still overdue 8 working hours after its deadline is escalated a second time (critical), once; a server that was down escalates straight to level 2', async () => {
    clock = vnTime('2026-12-14T08:00'); // Monday
    const id = await post('road_damage', '20929', 'Sạt lở taluy dương, đất đá tràn xuống đường');
    const due = ms((await row(id)).acceptDueAt)!; // Tuesday 08:30
    expect(ms((await row(id)).escalateAt)).toBe(vnTime('2026-12-16T09:00')); // + 480 working minutes: Tue 08:30–17:00 (390, lunch excluded) + Wed 07:30–09:00 (90)
    clock = due + 60_000;
    const first = await h.server.slaJob.tick();
    expect(first.escalated).toContain(id);
    expect(first.escalatedLevel2).not.toContain(id);
    expect(await row(id)).toMatchObject({ escalatedLevel: 1 });
    // Tuesday evening and the night do not count: nothing changes overnight, still level 1 on
    // Wednesday at 08:00.
    clock = vnTime('2026-12-15T20:00');
    expect((await h.server.slaJob.tick()).updated).not.toContain(id);
    clock = vnTime('2026-12-16T08:00');
    expect((await h.server.slaJob.tick()).escalated).not.toContain(id);
    clock = vnTime('2026-12-16T09:01');
    const second = await h.server.slaJob.tick();
    expect(second.escalatedLevel2).toContain(id);
    expect(await row(id)).toMatchObject({ escalatedLevel: 2, overdue: true });
    for (let i = 0; i < 3; i++) {
      clock += 4 * HOUR_MS;
      expect((await h.server.slaJob.tick()).escalated).not.toContain(id);
    }
    const events = await h.server.db.orm.select().from(caseEvents).where(and(eq(caseEvents.caseId, id), eq(caseEvents.action, 'escalated')));
    expect(events.map((e) => (e.data as { level: number }).level).sort()).toEqual([1, 2]);
    expect(events.find((e) => (e.data as { level: number }).level === 2)!.text).toMatch(/^Quá hạn tiếp nhận hơn 8 giờ làm việc .*báo lãnh đạo lần 2/);
    const [warning] = await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${id}-${due}`));
    const [critical] = await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${id}-${due}-2`));
    expect(warning.severity).toBe('warning');
    expect(critical).toMatchObject({ severity: 'critical', kind: 'feedback_overdue', title: expect.stringContaining('hơn 8 giờ làm việc') });

    // Nobody ran the job between the deadline and the level-2 instant: one escalation, at level 2.
    clock = vnTime('2026-12-14T08:00');
    const late = await post('road_damage', '20929', 'Cây đổ chắn ngang đường liên thôn');
    const lateDue = ms((await row(late)).acceptDueAt)!;
    clock = vnTime('2026-12-16T10:00');
    const t = await h.server.slaJob.tick();
    expect(t.escalatedLevel2).toContain(late);
    const lateEvents = await h.server.db.orm.select().from(caseEvents).where(and(eq(caseEvents.caseId, late), eq(caseEvents.action, 'escalated')));
    expect(lateEvents).toHaveLength(1);
    expect(lateEvents[0].text).toMatch(/báo lãnh đạo lần 1, mức khẩn/);
    expect(await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${late}-${lateDue}`))).toHaveLength(0);
    expect(await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${late}-${lateDue}-2`))).toHaveLength(1);
  });

  it('the escalation of an urgent case raises a critical alert; level changes recompute the deadline', async () => {
    clock = vnTime('2026-12-21T08:00');
    const id = await post('road_damage', '20908', 'Cầu tạm bị cuốn trôi');
    expect(await push('case.setLevel', { caseId: id, level: 'urgent' })).toMatchObject({ status: 'applied' });
    const r = await row(id);
    expect(ms(r.dueAt)).toBe(vnTime('2026-12-21T14:00')); // 4 working hours: 08:00–11:30 + 13:30–14:00
    clock = ms(r.dueAt)! + 1000;
    expect((await h.server.slaJob.tick()).escalated).toContain(id);
    const [a] = await h.server.db.orm.select().from(alerts).where(eq(alerts.id, `al-sla-${id}-${ms(r.dueAt)}`));
    expect(a.severity).toBe('critical');
  });

  describe('routing rules (admin API)', () => {
    const url = '/api/v1/admin/routing-rules';

    it('only an admin reads or edits them', async () => {
      expect((await h.api('GET', url, { token: op })).status).toBe(403);
      expect((await h.api('PUT', url, { token: await h.login('leader'), body: { rules: [] } })).status).toBe(403);
      expect((await h.api('PUT', url, { body: { rules: [] } })).status).toBe(401);
      const r = await h.api('GET', url, { token: admin });
      expect(r.status).toBe(200);
      expect(r.body.rules).toHaveLength(demoRoutingRules().length);
    });

    it.each<[string, unknown, string]>([
      ['not an object', [1, 2], 'invalid_request'],
      ['rules missing', {}, 'invalid_request'],
      ['unknown category', { rules: [{ id: 'r1', category: 'ufo', unitId: null, agencyId: 'ag-bqlda' }] }, 'invalid_request'],
      ['bad id', { rules: [{ id: 'R 1!', category: 'road_damage', unitId: null, agencyId: 'ag-bqlda' }] }, 'invalid_request'],
      ['extra field', { rules: [{ id: 'r1', category: 'road_damage', unitId: null, agencyId: 'ag-bqlda', sql: 'drop' }] }, 'invalid_request'],
      ['autoAssign not a boolean', { rules: [{ id: 'r1', category: 'road_damage', unitId: null, agencyId: 'ag-bqlda', autoAssign: 'yes' }] }, 'invalid_request'],
      ['unknown agency', { rules: [{ id: 'r1', category: 'road_damage', unitId: null, agencyId: 'ag-nope' }] }, 'unknown_agency'],
      ['unit that is not a commune', { rules: [{ id: 'r1', category: 'road_damage', unitId: 'vn-2019:515', agencyId: 'ag-bqlda' }] }, 'unknown_unit'],
      ['two rules for the same key', { rules: [{ id: 'r1', category: 'road_damage', unitId: null, agencyId: 'ag-bqlda' }, { id: 'r2', category: 'road_damage', unitId: null, agencyId: 'ag-tnmt' }] }, 'duplicate_rule'],
      ['the same id twice', { rules: [{ id: 'r1', category: 'road_damage', unitId: null, agencyId: 'ag-bqlda' }, { id: 'r1', category: 'landslide', unitId: null, agencyId: 'ag-bqlda' }] }, 'duplicate_rule'],
    ])('refuses %s with 400 and changes nothing', async (_label, body, code) => {
      const before = (await h.api('GET', url, { token: admin })).body;
      const r = await h.api('PUT', url, { token: admin, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
      expect((await h.api('GET', url, { token: admin })).body).toEqual(before);
    });

    it('an edit is audited and applied at the next intake (commune rule first, then the category-wide one)', async () => {
      const rules = demoRoutingRules().filter((r) => r.category !== 'road_damage');
      rules.push({ id: 'rr-road-20923', category: 'road_damage', unitId: 'vn-2025:20923', agencyId: 'ag-ubnd-20923', autoAssign: true });
      rules.push({ id: 'rr-road', category: 'road_damage', unitId: null, agencyId: 'ag-bqlda', autoAssign: false });
      const r = await h.api('PUT', url, { token: admin, body: { rules } });
      expect(r.status, r.text).toBe(200);
      expect(r.body.rules).toHaveLength(rules.length);
      const [entry] = await h.server.db.orm.select().from(auditLog).where(eq(auditLog.action, 'routing_rules.replace')).orderBy(desc(auditLog.id)).limit(1);
      expect(entry).toMatchObject({ actor: 'admin', result: 'ok' });

      clock = vnTime('2026-12-22T09:00');
      const local = await post('road_damage', '20923', 'Ổ gà trước UBND xã');
      expect(await row(local)).toMatchObject({ status: 'assigned', agencyId: 'ag-ubnd-20923', routingRuleId: 'rr-road-20923', slaPhase: 'handle' });
      const elsewhere = await post('road_damage', '20900', 'Ổ gà ở thôn 3');
      expect(await row(elsewhere)).toMatchObject({ status: 'received', agencyId: 'ag-bqlda', routingRuleId: 'rr-road', slaPhase: 'accept' });
      const open311 = (await (await fetch(`${h.server.url}/open311/v2/requests/${local}.json`)).json()) as Json;
      expect(open311[0]).toMatchObject({ status: 'open', agency_responsible: 'UBND xã Trà Tân', status_notes: 'Đã chuyển cơ quan có thẩm quyền xử lý.' });
    });
  });
});
