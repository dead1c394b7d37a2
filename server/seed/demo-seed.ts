import type { Alert, Camera, CaseEvent, FeedbackCase, WaterReading, WaterStation } from '../../shared/domain/entities';
import { upsertUser } from '../auth/users';
import { serverMeta } from '../db/schema';
import type { Writer } from '../sync/writer';
import { buildAdminUnits } from './admin-units';
import { defaultPeriods, recompute } from '../kpi/compute';
import { AGENCIES, CAMERAS, CASE_CATEGORIES, COMMUNES, VILLAGES, WATER_STATIONS } from './catalog';
import { type DistrictData, loadDistrictData } from './district-data';
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

const agencyFor = (fc: FeedbackCase) => {
  const a = CASE_CATEGORIES[fc.category].agency;
  return a === 'ag-ubnd' ? `ag-ubnd-${fc.unitId!.split(':')[1]}` : a;
};

/** 300 cases over the last 120 days; older ones further along the workflow, each with its history. */
function feedback(s: SeedContext): { cases: FeedbackCase[]; events: CaseEvent[] } {
  const cases: FeedbackCase[] = [];
  const events: CaseEvent[] = [];
  const { rng } = s;
  for (let i = 1; i <= DEMO_COUNTS.feedback_case; i++) {
    const id = `fc-${String(i).padStart(6, '0')}`;
    const receivedAt = s.now - Math.floor(rng.next() ** 1.6 * 120 * DAY);
    const fc = newCase(s, id, receivedAt);
    const ev = (n: number, at: number, actor: string, action: string, text: string | null) =>
      events.push({ id: `${id}-e${n}`, caseId: id, at: iso(at), actor, action, text });
    ev(1, receivedAt, 'Công dân (ứng dụng Smart Trà My)', 'received', null);
    const ageDays = (s.now - receivedAt) / DAY;
    let at = receivedAt;
    if (ageDays > 0.3 && rng.chance(0.9)) {
      at += Math.floor(rng.next() * 8 * HOUR) + 10 * 60_000;
      fc.agencyId = agencyFor(fc);
      fc.status = 'assigned';
      ev(2, at, 'Nguyễn Thị Hoa', 'assigned', AGENCIES.find((a) => a.id === fc.agencyId)!.name);
      const next = ageDays > 20 ? rng.weighted([['fixed', 55], ['closed', 20], ['in_progress', 10], ['not_responsible', 5], ['duplicate', 5], ['unable_to_fix', 5]] as const) : ageDays > 3 ? rng.weighted([['in_progress', 50], ['action_scheduled', 20], ['investigating', 15], ['fixed', 15]] as const) : null;
      if (next) {
        at += Math.floor(rng.next() * Math.min(ageDays - 0.5, 15) * DAY);
        fc.status = next;
        ev(3, at, 'Trần Văn Minh', `status:${next}`, next === 'fixed' ? 'Đã xử lý xong, có ảnh trước/sau.' : null);
      }
    }
    fc.updatedAt = iso(at);
    cases.push(fc);
  }
  return { cases, events };
}

function alerts(s: SeedContext, cases: FeedbackCase[]): Alert[] {
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
      title: kind === 'feedback_overdue' ? `${title(place)} (${rng.pick(cases).id})` : title(place),
      unitId: `vn-2025:${commune}`,
      raisedAt: iso(raisedAt),
      acknowledgedAt: open ? null : iso(raisedAt + rng.int(2, 90) * 60_000),
      acknowledgedBy: open ? null : rng.pick(['Nguyễn Thị Hoa', 'Trần Văn Minh']),
      note: open ? null : rng.pick([null, 'Đã báo UBND xã kiểm tra', 'Đã liên hệ đơn vị quản lý']),
    });
  }
  return out;
}

/** Writes the whole demo district through the normal write path (so it is all in the change log). */
export async function seedDemo(w: Writer, now: Date, demoPassword: string): Promise<Record<string, number>> {
  const s = seedContext(now);
  const units = buildAdminUnits(s.data);
  const cams = cameras(s);
  const stations = waterStations(cams);
  const { cases, events } = feedback(s);
  const written: Record<string, number> = {};
  const put = async (entity: Parameters<Writer['upsert']>[0], rows: Array<Record<string, unknown>>) => {
    written[entity] = (await w.upsert(entity, rows)).length;
  };
  await put('admin_unit', units);
  await put('agency', AGENCIES.map(({ unit, ...a }) => ({ ...a, unitId: unit })));
  await put('camera', cams);
  await put('water_station', stations);
  await put('water_reading', waterReadings(s));
  await put('feedback_case', cases);
  await put('case_event', events);
  await put('alert', alerts(s, cases));
  // KPI source data (a year of dossiers, EPI register, health, education, mentions), then the values.
  Object.assign(written, await seedKpiData(w, s));
  const kpi = await recompute(w, { now, periods: [...new Set([...defaultPeriods(s.now), ...demoPeriods(s.now)])] });
  written.indicator_value = kpi.written;
  written.immunization_due = kpi.dues;
  for (const u of DEMO_USERS) await upsertUser(w.tx, { ...u, password: demoPassword }, now);
  await w.tx.insert(serverMeta).values({ key: 'demo_seed', value: { at: now.toISOString(), counts: written } }).onConflictDoNothing();
  return written;
}
