import { eq } from 'drizzle-orm';
import { findCategory } from '../../shared/feedback/categories';
import type { Alert, Camera, FeedbackCase, WaterReading, WaterStation } from '../../shared/domain/entities';
import { upsertUser } from '../auth/users';
import type { EntityRow } from '../db/entity-tables';
import { serverMeta } from '../db/schema';
import { type Actor, caseEventRow, DEFAULT_FEEDBACK_CONFIG, type FeedbackConfig } from '../feedback/case-model';
import { demoRoutingRules, replaceRoutingRules, type RoutingRule } from '../feedback/routing';
import { CaseStory } from '../feedback/story';
import { demoPhotoRefs } from './demo-photos';
import type { Writer } from '../sync/writer';
import { buildAdminUnits } from './admin-units';
import { defaultPeriods, recompute } from '../kpi/compute';
import { AGENCIES, CAMERAS, CASE_CATEGORIES, COMMUNES, VILLAGES, WATER_STATIONS } from './catalog';
import { type DistrictData, loadDistrictData } from './district-data';
import { buildFacilities } from './facilities';
import { type LonLat, pointInside } from './geo';
import { demoPeriods, KPI_DEMO, seedKpiData } from './kpi-seed';
import { Prng } from './prng';

/** What the demo seed writes; deterministic (tests assert these). */
export const DEMO_COUNTS = {
  admin_unit: 21,
  agency: AGENCIES.length,
  camera: CAMERAS.length,
  feedback_case: 300,
  dossier_event: KPI_DEMO.dossierEvents,
  alert: 36,
  water_station: WATER_STATIONS.length,
  water_reading: WATER_STATIONS.length * 72,
  /** per pre-2025 unit: preschool, primary (or TH&THCS), health station; + 5 THCS, 2 upper secondary, 1 health centre */
  facility: 13 * 3 + 5 + 2 + 1,
} as const;
export const DEMO_UNACKNOWLEDGED_ALERTS = 8;

export const DEFAULT_DEMO_PASSWORD = 'iocdemo-2026';
export const DEMO_USERS = [
  { username: 'operator', displayName: 'Nguyễn Thị Hoa', role: 'operator' },
  { username: 'leader', displayName: 'Trần Văn Minh', role: 'leader' },
  { username: 'admin', displayName: 'Quản trị hệ thống', role: 'admin' },
] as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const fill = (template: string, place: string) => template.replace('{place}', place);

export interface SeedContext {
  data: DistrictData;
  rng: Prng;
  now: number;
  /** Post-2025 communes by code: area + centre, for placing things inside the right commune. */
  commune(code: string): { area: DistrictData['communes'][number]['area']; center: LonLat; name: string };
}

export function seedContext(now: Date, seed = 20_251_201): SeedContext {
  const data = loadDistrictData();
  return {
    data,
    rng: new Prng(seed),
    now: now.getTime(),
    commune(code) {
      const c = data.communes.find((x) => x.code === code);
      if (!c) throw new Error(`unknown commune ${code}`);
      return c;
    },
  };
}

function cameras(s: SeedContext): Camera[] {
  return CAMERAS.map(([id, name, group, commune, radius]) => {
    const c = s.commune(commune);
    return {
      id,
      name,
      group,
      unitId: `vn-2025:${commune}`,
      location: pointInside(c.area, c.center, radius, s.rng),
      sources: { main: { type: 'synthetic', url: `synthetic://${id}?size=1280x720` }, sub: { type: 'synthetic', url: `synthetic://${id}?size=640x360` } },
      enabled: true,
    };
  });
}

function waterStations(cams: Camera[]): WaterStation[] {
  return WATER_STATIONS.map(([id, name, river, cameraId, bd1, bd2, bd3]) => {
    const cam = cams.find((c) => c.id === cameraId)!;
    return { id, name, river, unitId: cam.unitId, location: cam.location, alarm: { bd1, bd2, bd3 }, cameraId };
  });
}

/** 72 hourly readings per station: a calm river with a small daily swing and one rain bump. */
function waterReadings(s: SeedContext): WaterReading[] {
  const out: WaterReading[] = [];
  for (const [id, , , , , , , usual] of WATER_STATIONS) {
    for (let h = 71; h >= 0; h--) {
      const bump = Math.max(0, 1 - Math.abs(h - 30) / 12) * 0.9;
      const level = usual + 0.15 * Math.sin(h / 3.8) + bump + (s.rng.next() - 0.5) * 0.1;
      out.push({ id: `${id}-h${String(71 - h).padStart(2, '0')}`, stationId: id, at: iso(Math.floor(s.now / HOUR) * HOUR - h * HOUR), levelM: Math.round(level * 100) / 100 });
    }
  }
  return out;
}

export function newCase(s: SeedContext, id: string, receivedAt: number): FeedbackCase {
  const { rng } = s;
  const category = rng.weighted(Object.entries(CASE_CATEGORIES).map(([k, v]) => [k, v.weight] as const));
  const cat = CASE_CATEGORIES[category];
  const commune = rng.pick(COMMUNES);
  const c = s.commune(commune);
  const place = `${rng.pick(VILLAGES)}, xã ${c.name}`;
  return {
    id,
    title: rng.pick(cat.titles),
    description: fill(rng.pick(cat.descriptions), place),
    category,
    status: 'received',
    level: rng.weighted([['normal', 75], ['urgent', 15], ['complex', 10]] as const),
    unitId: `vn-2025:${commune}`,
    location: pointInside(c.area, c.center, 0.04, rng),
    address: place,
    agencyId: null,
    receivedAt: iso(receivedAt),
    updatedAt: iso(receivedAt),
    noteCount: 0,
  };
}

const agencyName = (id: string) => AGENCIES.find((a) => a.id === id)?.name ?? id;
const CITIZEN_APP: Actor = { name: 'Công dân (ứng dụng Smart Trà My)', role: 'citizen' };
const OPERATOR: Actor = { name: 'Nguyễn Thị Hoa', role: 'operator' };
const LEADER: Actor = { name: 'Trần Văn Minh', role: 'leader' };
const OFFICERS = ['Lê Văn Tùng', 'Hồ Thị Mai', 'Phạm Ngọc Sơn', 'Đinh Văn Lực', 'Bríu Thị Hương'];

/** Answers the agencies give, per category (the citizen reads them in Open311 status_notes). */
const ANSWERS: Record<string, string[]> = {
  road_damage: ['Đã vá ổ gà, thảm lại mặt đường và dọn vệ sinh; xe lưu thông bình thường.', 'Đã thông cống, sửa rãnh thoát nước ngang đường.'],
  landslide: ['Đã dọn đất đá, thông tuyến; cắm biển cảnh báo sạt lở và bố trí người trực.', 'Đã kiểm tra hiện trường, di dời 3 hộ dân đến nơi an toàn, gia cố tạm taluy.'],
  street_lighting: ['Đã thay bóng đèn và sửa tủ điều khiển; cụm đèn sáng trở lại.', 'Đã dựng lại cột đèn, kiểm tra an toàn điện.'],
  waste_environment: ['Đã thu gom toàn bộ rác tồn đọng, bố trí lịch thu gom 2 lần/tuần.', 'Đã xác minh, nhắc nhở hộ vi phạm và dọn sạch lòng suối.'],
  water_supply: ['Đã nối lại đường ống bị vỡ, nước sinh hoạt đã về các hộ dân.', 'Đã súc rửa bể chứa, nước trong trở lại.'],
};
const GENERIC_ANSWER = ['Đơn vị đã kiểm tra, xử lý và thông tin kết quả cho người phản ánh.', 'Đã làm việc với các bên liên quan, vụ việc đã được giải quyết.'];

/**
 * 300 cases over the last 120 days, each taken through the workflow (shared/feedback) by the routing
 * rules and a realistic sequence of operator/agency actions — older ones further along, some paused,
 * merged as duplicates, not responsible or rejected — with the full history and the SLA fields as of now.
 */
function feedback(s: SeedContext, cfg: FeedbackConfig, rules: RoutingRule[], photos: string[]): { cases: Array<Record<string, unknown>>; events: Array<Record<string, unknown>> } {
  const cases: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  const { rng } = s;
  const recent: Record<string, string[]> = {};
  const minutes = (a: number, b: number) => rng.int(a, b) * 60_000;
  for (let i = 1; i <= DEMO_COUNTS.feedback_case; i++) {
    const id = `fc-${String(i).padStart(6, '0')}`;
    const receivedAt = s.now - Math.floor(rng.next() ** 1.6 * 120 * DAY);
    const fc = newCase(s, id, receivedAt);
    const story = new CaseStory(fc as unknown as EntityRow, agencyName, (n) => `${id}-e${n}`);
    story.received(CITIZEN_APP, null);
    story.route(rules, fc.unitId, new Date(receivedAt + 60_000));
    const ageDays = (s.now - receivedAt) / DAY;
    let at = receivedAt + 60_000;
    const step = (action: Parameters<CaseStory['apply']>[0], actor: Actor, gap: number) => {
      const next = Math.min(at + gap, s.now - 60_000);
      if (next <= at) return false;
      at = next;
      story.apply(action, actor, at);
      return true;
    };
    const cat = findCategory(fc.category);
    const older = recent[fc.category] ?? [];
    if (ageDays > 0.3 && rng.chance(0.9)) {
      if (story.c.state === 'received') {
        const exit = ageDays > 2 ? rng.weighted([['work', 88], ['duplicate', 5], ['not_responsible', 4], ['reject', 3]] as const) : 'work';
        if (exit === 'duplicate' && older.length) {
          step({ type: 'markDuplicate', of: rng.pick(older) }, OPERATOR, minutes(20, 6 * 60));
        } else if (exit === 'not_responsible') {
          step({ type: 'notResponsible', reason: 'Tuyến Quốc lộ 40B do Khu Quản lý đường bộ quản lý; đã chuyển thông tin và hướng dẫn người dân.' }, OPERATOR, minutes(30, 8 * 60));
        } else if (exit === 'reject') {
          step({ type: 'reject', reason: 'Nội dung phản ánh không rõ địa điểm, đã liên hệ nhưng không được người phản ánh phản hồi.' }, OPERATOR, minutes(30, 8 * 60));
        } else {
          step({ type: 'triage' }, OPERATOR, minutes(10, 7 * 60));
          step({ type: 'assign', agencyId: story.c.agencyId ?? 'ag-ubnd-huyen', officer: rng.pick(OFFICERS) }, OPERATOR, minutes(5, 120));
        }
      }
      if (story.c.state === 'assigned') {
        const plan = ageDays > 20 ? rng.weighted([['published', 60], ['resolved', 20], ['in_progress', 10], ['refer', 5], ['paused', 5]] as const) : ageDays > 3 ? rng.weighted([['in_progress', 45], ['scheduled', 20], ['assigned', 10], ['resolved', 15], ['paused', 10]] as const) : rng.weighted([['assigned', 60], ['in_progress', 40]] as const);
        if (plan === 'refer') step({ type: 'refer', agencyId: 'ag-ubnd-huyen', reason: 'Vượt thẩm quyền cấp xã, chuyển UBND huyện chỉ đạo.' }, OPERATOR, minutes(60, 48 * 60));
        else if (plan === 'scheduled') step({ type: 'schedule', at: s.now + rng.int(1, 6) * DAY }, OPERATOR, minutes(60, 24 * 60));
        else if (plan !== 'assigned') {
          step({ type: 'start' }, { name: story.c.officer ?? rng.pick(OFFICERS), role: 'officer' }, minutes(60, 36 * 60));
          if (plan === 'paused') step({ type: 'pause', reason: rng.pick(['Chờ tạnh mưa, nước suối dâng cao không thể tiếp cận hiện trường.', 'Chờ người phản ánh bổ sung thông tin vị trí.']) }, OPERATOR, minutes(60, 24 * 60));
          if (plan === 'resolved' || plan === 'published') {
            const answer = rng.pick(ANSWERS[fc.category] ?? GENERIC_ANSWER);
            const resolved = step({ type: 'resolve', answer, photos: cat?.needsFixPhoto || rng.chance(0.4) ? [rng.pick(photos)] : [] }, { name: story.c.officer ?? rng.pick(OFFICERS), role: 'officer' }, minutes(4 * 60, Math.min(ageDays - 1, 12) * 24 * 60));
            if (resolved && plan === 'published') step({ type: 'publish' }, LEADER, minutes(30, 48 * 60));
          }
        }
      }
    }
    if (story.c.state !== 'duplicate') (recent[fc.category] ??= []).push(id);
    cases.push(story.toRow(cfg, s.now, at));
    events.push(...story.events);
  }
  // Link masters to their duplicates both ways, with the master's 'merged' event.
  const byId = new Map(cases.map((c) => [c.id as string, c]));
  for (const c of cases) {
    if (c.status !== 'duplicate' || typeof c.duplicateOf !== 'string') continue;
    const master = byId.get(c.duplicateOf)!;
    master.duplicates = [...((master.duplicates as string[]) ?? []), c.id];
    const dupEvent = events.find((e) => e.caseId === c.id && e.action === 'markDuplicate')!;
    events.push({ ...caseEventRow(master.id as string, new Date(dupEvent.at as string), OPERATOR, 'merged', `Gộp phản ánh trùng ${c.id}: ${c.title}`, master.status as string, master.status as string, { duplicateId: c.id }), id: `${String(master.id)}-merged-${String(c.id)}` });
  }
  return { cases, events };
}

function alerts(s: SeedContext, cases: Array<Record<string, unknown>>): Alert[] {
  const { rng } = s;
  const templates: Array<[Alert['kind'], Alert['severity'], (u: string) => string]> = [
    ['water_level', 'warning', (u) => `Mực nước vượt BĐ1 tại trạm đo ${u}`],
    ['camera_offline', 'warning', (u) => `Camera mất tín hiệu: ${u}`],
    ['feedback_overdue', 'warning', (u) => `Phản ánh quá hạn xử lý tại xã ${u}`],
    ['dossier_due', 'info', (u) => `Hồ sơ sắp đến hạn (24 giờ) tại UBND xã ${u}`],
    ['cyber_spike', 'critical', (u) => `Tăng đột biến thông tin tiêu cực trên mạng về xã ${u}`],
  ];
  const out: Alert[] = [];
  for (let i = 1; i <= DEMO_COUNTS.alert; i++) {
    const [kind, severity, title] = rng.pick(templates);
    const commune = rng.pick(COMMUNES);
    const place = kind === 'water_level' ? rng.pick(WATER_STATIONS)[1].replace('Trạm đo ', '') : kind === 'camera_offline' ? rng.pick(CAMERAS)[1] : s.commune(commune).name;
    // The newest DEMO_UNACKNOWLEDGED_ALERTS are still open on the wall.
    const open = i > DEMO_COUNTS.alert - DEMO_UNACKNOWLEDGED_ALERTS;
    const raisedAt = open ? s.now - rng.int(5, 36 * 60) * 60_000 : s.now - (DEMO_COUNTS.alert - i + 2) * 20 * HOUR;
    out.push({
      id: `al-${String(i).padStart(4, '0')}`,
      kind,
      severity,
      title: kind === 'feedback_overdue' ? `${title(place)} (${String(rng.pick(cases).id)})` : title(place),
      unitId: `vn-2025:${commune}`,
      raisedAt: iso(raisedAt),
      acknowledgedAt: open ? null : iso(raisedAt + rng.int(2, 90) * 60_000),
      acknowledgedBy: open ? null : rng.pick(['Nguyễn Thị Hoa', 'Trần Văn Minh']),
      note: open ? null : rng.pick([null, 'Đã báo UBND xã kiểm tra', 'Đã liên hệ đơn vị quản lý']),
    });
  }
  return out;
}

/**
 * Adds the demo schools and health stations to a database seeded before they existed (0004); a
 * no-op when any facility is there. Returns how many were written.
 */
export async function topUpDemoFacilities(w: Writer, existing: number): Promise<number> {
  if (existing > 0) return 0;
  const data = loadDistrictData();
  return (await w.upsert('facility', buildFacilities(data, buildAdminUnits(data)))).length;
}

/** Writes the whole demo district through the normal write path (so it is all in the change log). */
export async function seedDemo(w: Writer, now: Date, demoPassword: string, opts: { feedback?: FeedbackConfig; mediaDir?: string | null } = {}): Promise<Record<string, number>> {
  const s = seedContext(now);
  const units = buildAdminUnits(s.data);
  const cams = cameras(s);
  const stations = waterStations(cams);
  const rules = demoRoutingRules();
  const { cases, events } = feedback(s, opts.feedback ?? DEFAULT_FEEDBACK_CONFIG, rules, demoPhotoRefs(opts.mediaDir ?? null));
  const written: Record<string, number> = {};
  const put = async (entity: Parameters<Writer['upsert']>[0], rows: Array<Record<string, unknown>>) => {
    written[entity] = (await w.upsert(entity, rows)).length;
  };
  await put('admin_unit', units);
  await put('agency', AGENCIES.map(({ unit, ...a }) => ({ ...a, unitId: unit })));
  await put('camera', cams);
  await put('water_station', stations);
  await put('water_reading', waterReadings(s));
  await replaceRoutingRules(w.tx, rules, 'seed', now);
  // Masters first: a duplicate's duplicate_of references its master.
  await put('feedback_case', [...cases.filter((c) => c.status !== 'duplicate'), ...cases.filter((c) => c.status === 'duplicate')]);
  await put('case_event', events);
  await put('alert', alerts(s, cases));
  await put('facility', buildFacilities(s.data, units));
  for (const u of DEMO_USERS) await upsertUser(w.tx, { ...u, password: demoPassword }, now);
  await w.tx.insert(serverMeta).values({ key: 'demo_seed', value: { at: now.toISOString(), counts: written } }).onConflictDoNothing();
  return written;
}

export const DEMO_KPI_MARKER = 'demo_seed_kpi';
const DEMO_KPI_DATA_MARKER = 'demo_seed_kpi_data';

/**
 * The demo's year of KPI source data (dossiers, EPI register, health, education, mentions) and the
 * indicator values computed from it. Tens of thousands of rows, written at the first start in
 * several short transactions before the server says ready. Resumable: the source data has its own
 * marker, and recomputing a period only writes what changed.
 */
export async function seedDemoKpi(run: <T>(fn: (w: Writer) => Promise<T>) => Promise<T>, now: Date): Promise<Record<string, number>> {
  const s = seedContext(now);
  const hasMarker = async (w: Writer, key: string) => (await w.tx.select().from(serverMeta).where(eq(serverMeta.key, key))).length > 0;
  const done = await run((w) => hasMarker(w, DEMO_KPI_DATA_MARKER));
  const written: Record<string, number> = done ? {} : { ...(await seedKpiData(run, s)) };
  if (!done) await run((w) => w.tx.insert(serverMeta).values({ key: DEMO_KPI_DATA_MARKER, value: { at: now.toISOString(), counts: written } }).onConflictDoNothing());
  const periods = [...new Set([...defaultPeriods(s.now), ...demoPeriods(s.now)])];
  written.indicator_value = 0;
  written.immunization_due = 0;
  for (let i = 0; i < periods.length; i += 4) {
    const kpi = await run((w) => recompute(w, { now, periods: periods.slice(i, i + 4) }));
    written.indicator_value += kpi.written;
    written.immunization_due = Math.max(written.immunization_due, kpi.dues);
  }
  await run((w) => w.tx.insert(serverMeta).values({ key: DEMO_KPI_MARKER, value: { at: now.toISOString(), counts: written } }).onConflictDoNothing());
  return written;
}
