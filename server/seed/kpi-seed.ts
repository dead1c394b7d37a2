/**
 * A year of KPI source data for the demo district, deterministic (own Prng stream, so the rest of the
 * demo seed is unchanged): dossiers with their Decision 766 attributes, the EPI register (children
 * and doses), pregnant women, monthly health-record snapshots, education per school year, cyberspace
 * mentions. Plausible for a mountain district of ~50k people: the Ca Dong / Xơ Đăng communes far up
 * the valleys (Trà Giáp with the former Trà Ka, Trà Đốc with the former Trà Bui, Trà Tân) have lower
 * coverage, fewer online dossiers, more drop-out. Data dated before 1 July 2025 uses the vn-2019
 * units (codes were reused); after, the 5 communes.
 */
import type { DossierEvent } from '../../shared/domain/entities';
import { ANTIGEN_DUE_DAYS, ANTIGENS, EDUCATION_LEVELS, type Antigen } from '../../shared/kpi/catalogue';
import { periodOf, periodRange, periodsBetween } from '../../shared/kpi/periods';
import { sentiment } from '../../shared/kpi/sentiment';
import { MERGER_DATE, NEW_UNITS, OLD_UNITS } from '../../shared/kpi/units';
import { kpiChildren, kpiEducation, kpiHealthRecords, kpiImmunizations, kpiPregnancies } from '../db/schema';
import type { Writer } from '../sync/writer';
import { COMMUNES, PROCEDURES } from './catalog';
import type { SeedContext } from './demo-seed';
import { Prng } from './prng';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MERGER = periodRange(MERGER_DATE).start;
const iso = (ms: number) => new Date(ms).toISOString();
const ymd = (ms: number) => periodOf('day', ms);

/** How remote a commune is (0 = the town, 1 = the farthest valley): drives every rate below. */
export const REMOTENESS: Record<string, number> = { '20900': 0.1, '20908': 0.4, '20923': 0.6, '20920': 0.7, '20929': 0.9 };
/** Share of the successor commune's population each pre-2025 unit had (approximate). */
const OLD_SHARE: Record<string, number> = {
  '20899': 0.36, '20900': 0.22, '20911': 0.22, '20914': 0.2,
  '20902': 0.3, '20905': 0.3, '20908': 0.4,
  '20917': 0.48, '20920': 0.52,
  '20923': 0.55, '20926': 0.45,
  '20929': 0.56, '20932': 0.44,
};

export const KPI_DEMO = { dossierEvents: 9_000, days: 365 } as const;

interface Unit {
  id: string;
  commune: string; // post-2025 commune code
  population: number;
  remote: number;
}

function unitsAt(s: SeedContext, t: number): Unit[] {
  if (t >= MERGER) return COMMUNES.map((c) => ({ id: `vn-2025:${c}`, commune: c, population: s.data.communes.find((x) => x.code === c)!.population, remote: REMOTENESS[c] }));
  return OLD_UNITS.map((o) => {
    const c = o.successorId.split(':')[1];
    const code = o.id.split(':')[1];
    return { id: o.id, commune: c, population: Math.round(s.data.communes.find((x) => x.code === c)!.population * OLD_SHARE[code]), remote: Math.min(1, REMOTENESS[c] + (code === '20932' || code === '20917' ? 0.08 : 0)) };
  });
}

function pickUnit(rng: Prng, units: Unit[]): Unit {
  return rng.weighted(units.map((u) => [u, u.population] as const));
}

const clamp = (x: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, x));

/** Exactly KPI_DEMO.dossierEvents events, newest day first, so the latest year is always whole. */
export function demoDossiers(s: SeedContext, rng: Prng): DossierEvent[] {
  const out: DossierEvent[] = [];
  const units = unitsAt(s, s.now);
  let n = 0;
  for (let day = 0; out.length < KPI_DEMO.dossierEvents; day++) {
    const dayStart = periodRange(periodOf('day', s.now - day * DAY)).start;
    const dow = new Date(dayStart + 7 * HOUR).getUTCDay();
    const perDay = dow === 0 ? 0.3 : dow === 6 ? 2 : 10;
    const count = Math.max(0, Math.round(perDay + (rng.next() - 0.5) * perDay * 0.6));
    for (let k = 0; k < count && out.length < KPI_DEMO.dossierEvents; k++) {
      const u = pickUnit(rng, dayStart >= MERGER ? units : unitsAt(s, dayStart));
      const r = u.remote;
      const receivedAt = dayStart + (7.5 + rng.next() * 9) * HOUR;
      if (receivedAt > s.now) continue;
      const dossierId = `HS-${String(++n).padStart(6, '0')}`;
      const allowedDays = rng.weighted([[1, 10], [3, 25], [5, 30], [7, 15], [10, 12], [15, 8]] as const);
      const dueAt = receivedAt + allowedDays * 1.35 * DAY;
      const online = rng.chance(clamp(0.72 - 0.5 * r));
      const hasFee = rng.chance(0.35);
      const base = { dossierId, procedure: rng.pick(PROCEDURES), agencyId: `ag-ubnd-${u.commune}`, unitId: u.id, online, dueAt: iso(dueAt) };
      const events: DossierEvent[] = [{ id: '', ...base, kind: 'received', at: iso(receivedAt), hasFee, paidOnline: hasFee ? online && rng.chance(0.65 - 0.3 * r) : false, digitized: null, rating: null }];
      if (rng.chance(clamp(0.985 - 0.08 * r))) events.push({ id: '', ...base, kind: 'synced_national', at: iso(receivedAt + rng.int(2, 240) * 60_000) });
      const stuck = rng.chance(0.015 + 0.03 * r);
      const outcome = rng.weighted([['completed_early', 38 - 15 * r], ['completed_on_time', 55], ['completed_late', 4 + 14 * r]] as const);
      const used = allowedDays * 1.35 * DAY;
      const doneAt = outcome === 'completed_early' ? receivedAt + used * (0.3 + rng.next() * 0.6) : outcome === 'completed_on_time' ? dueAt - rng.next() * Math.min(used * 0.1, 6 * HOUR) : dueAt + rng.int(4, 200) * HOUR;
      if (!stuck && doneAt <= s.now) {
        const rated = rng.chance(0.35);
        events.push({ id: '', ...base, kind: outcome, at: iso(doneAt), digitized: rng.chance(clamp(0.96 - 0.3 * r)), rating: rated ? (rng.chance(clamp(0.94 - 0.12 * r)) ? rng.int(4, 5) : rng.int(1, 3)) : null });
      } else if (receivedAt + 2 * HOUR <= s.now) events.push({ id: '', ...base, kind: 'in_progress', at: iso(receivedAt + rng.int(1, 20) * HOUR < s.now ? receivedAt + 2 * HOUR : receivedAt) });
      for (const e of events) {
        if (Date.parse(e.at) > s.now || out.length >= KPI_DEMO.dossierEvents) break;
        out.push({ ...e, id: `de-${String(out.length + 1).padStart(6, '0')}` });
      }
    }
  }
  return out;
}

/** EPI register: children born in the last two years and their doses; later doses, fewer of them, far up the valleys. */
function immunizations(s: SeedContext, rng: Prng) {
  const children: Array<typeof kpiChildren.$inferInsert> = [];
  const doses: Array<typeof kpiImmunizations.$inferInsert> = [];
  let k = 0;
  for (let day = 730; day >= 0; day--) {
    const t = s.now - day * DAY;
    for (const u of unitsAt(s, t)) {
      const perDay = (u.population * (0.016 + 0.012 * u.remote)) / 365;
      if (!rng.chance(perDay)) continue;
      const birth = periodRange(ymd(t)).start;
      const childCode = `TE-${u.commune}-${String(++k).padStart(5, '0')}`;
      children.push({ childCode, unitId: u.id, birthDate: ymd(t) });
      const r = u.remote;
      const cov: Record<Antigen, number> = {
        BCG: 0.97 - 0.12 * r, HepB0: 0.9 - 0.4 * r, DTP1: 0.97 - 0.14 * r, DTP2: 0.95 - 0.18 * r, DTP3: 0.93 - 0.22 * r,
        OPV1: 0.97 - 0.14 * r, OPV2: 0.95 - 0.18 * r, OPV3: 0.93 - 0.22 * r, IPV: 0.9 - 0.22 * r, MR9: 0.94 - 0.22 * r, MR18: 0.88 - 0.28 * r,
      };
      const delayScale = 4 + 25 * r;
      // Series (DTP 1→2→3, OPV 1→2→3): a later dose only after the earlier one.
      const got = new Set<Antigen>();
      for (const a of ANTIGENS) {
        const prev: Antigen | null = a === 'DTP2' ? 'DTP1' : a === 'DTP3' ? 'DTP2' : a === 'OPV2' ? 'OPV1' : a === 'OPV3' ? 'OPV2' : null;
        const gets: boolean = prev ? got.has(prev) && rng.chance(cov[a] / cov[prev]) : rng.chance(cov[a]);
        if (!gets) continue;
        const given = a === 'HepB0' ? birth + rng.int(0, 20) * HOUR : birth + ANTIGEN_DUE_DAYS[a] * DAY + Math.floor(-Math.log(1 - rng.next()) * delayScale) * DAY;
        got.add(a);
        if (given > s.now) continue;
        doses.push({ childCode, antigen: a, givenOn: ymd(given) });
      }
    }
  }
  return { children, doses };
}

function pregnancies(s: SeedContext, rng: Prng) {
  const out: Array<typeof kpiPregnancies.$inferInsert> = [];
  let k = 0;
  for (let day = 400; day >= 0; day--) {
    const t = s.now - day * DAY;
    for (const u of unitsAt(s, t)) {
      if (!rng.chance((u.population * (0.017 + 0.012 * u.remote)) / 365)) continue;
      const doses = rng.weighted([[0, 4 + 10 * u.remote], [1, 6 + 6 * u.remote], [2, 60], [3, 30 - 10 * u.remote]] as const);
      out.push({ womanCode: `PN-${u.id.split(':')[1]}-${String(++k).padStart(5, '0')}`, unitId: u.id, registeredOn: ymd(t), ttDoses: doses, protected: doses >= 2 || rng.chance(0.2) });
    }
  }
  return out;
}

/** Monthly EHR snapshots from January 2025 (or 24 months back): coverage climbs towards the 95 % target, slower in remote communes. */
function healthRecords(s: SeedContext, rng: Prng) {
  const out: Array<typeof kpiHealthRecords.$inferInsert> = [];
  const from = Math.max(Date.UTC(2025, 0, 15), s.now - 730 * DAY);
  const months = periodsBetween('month', from, s.now);
  months.forEach((m, i) => {
    const t = periodRange(m).start;
    const progress = i / Math.max(1, months.length - 1);
    for (const u of unitsAt(s, t + DAY)) {
      const pop = Math.round(u.population * (1 + 0.012 * (t - Date.UTC(2025, 0, 1)) / (365 * DAY)));
      const cov = clamp(0.62 + (0.33 - 0.22 * u.remote) * progress + (rng.next() - 0.5) * 0.02);
      const records = Math.round(pop * cov);
      out.push({ unitId: u.id, month: m, population: pop, records, standardized: Math.round(records * clamp(0.8 + 0.17 * progress - 0.08 * u.remote)), visits: Math.round(pop * (0.03 + rng.next() * 0.015)), visitsSynced: 0 });
      const last = out[out.length - 1];
      last.visitsSynced = Math.round(last.visits * clamp(0.97 - 0.2 * u.remote + (rng.next() - 0.5) * 0.04));
    }
  });
  return out;
}

const LEVEL_SHARE: Record<string, number> = { preschool: 0.085, primary: 0.1, lower_secondary: 0.075, upper_secondary: 0.06 };

/** The last three school years (September to May). */
function education(s: SeedContext, rng: Prng) {
  const out: Array<typeof kpiEducation.$inferInsert> = [];
  const nowMonth = periodOf('month', s.now);
  const y = Number(nowMonth.slice(0, 4)) - (Number(nowMonth.slice(5)) >= 9 ? 0 : 1);
  for (const start of [y - 2, y - 1, y]) {
    const t = Date.UTC(start, 8, 5);
    const elapsed = clamp((s.now - t) / (270 * DAY));
    for (const u of unitsAt(s, t)) {
      const r = u.remote;
      for (const level of EDUCATION_LEVELS) {
        const agePop = Math.round(u.population * LEVEL_SHARE[level] * (0.95 + rng.next() * 0.1));
        const rate = { preschool: 0.93 - 0.22 * r, primary: 0.995 - 0.03 * r, lower_secondary: 0.96 - 0.16 * r, upper_secondary: 0.78 - 0.45 * r }[level];
        const enrolled = Math.round(agePop * clamp(rate + (rng.next() - 0.5) * 0.03, 0, 1.05));
        const dropRate = { preschool: 0, primary: 0.002 + 0.006 * r, lower_secondary: 0.008 + 0.035 * r, upper_secondary: 0.015 + 0.05 * r }[level];
        const schools = level === 'upper_secondary' ? (u.commune === '20900' && (u.id.endsWith('20899') || u.id.startsWith('vn-2025')) ? 1 : 0) : Math.max(1, Math.round(u.population / (level === 'lower_secondary' ? 5000 : 2200)));
        const classrooms = schools ? Math.max(schools * 4, Math.round(enrolled / (level === 'preschool' ? 22 : 28))) : 0;
        out.push({
          unitId: u.id,
          schoolYear: `${start}-${start + 1}`,
          level,
          agePopulation: agePop,
          enrolled: schools ? enrolled : 0,
          dropouts: schools ? Math.round(enrolled * dropRate * elapsed * (0.8 + rng.next() * 0.4)) : 0,
          schools,
          schoolsStandard: Math.round(schools * clamp(0.75 - 0.5 * r + (start - 2024) * 0.05 + (rng.next() - 0.5) * 0.1)),
          classrooms,
          solidClassrooms: Math.round(classrooms * clamp(0.97 - 0.3 * r + (start - 2024) * 0.02)),
        });
      }
    }
  }
  return out;
}

const NEWS = {
  positive: ['{place} khánh thành cầu treo, người dân phấn khởi', 'Cán bộ một cửa {place} tận tình, hồ sơ giải quyết nhanh chóng', 'Mô hình trồng quế ở {place} cho thu nhập ổn định, nhiều hộ thoát nghèo', 'Học sinh {place} đến trường an toàn trên con đường mới thông xe', 'Biểu dương tổ cứu hộ {place} kịp thời giúp đỡ người dân'],
  negative: ['Mưa lớn gây sạt lở nghiêm trọng tại {place}, giao thông bị chia cắt', 'Người dân {place} bức xúc vì đường xuống cấp', 'Phát hiện khai thác vàng trái phép ở {place}', 'Nước sinh hoạt ở {place} bị ô nhiễm sau lũ', 'Phản ánh cán bộ {place} chậm trễ giải quyết hồ sơ đất đai'],
  neutral: ['{place} tổ chức họp dân về kế hoạch trồng rừng', 'Huyện Bắc Trà My triển khai tiêm chủng mở rộng tại {place}', 'Lễ hội văn hóa Ca Dong tại {place}', '{place} chuẩn bị phương án phòng chống thiên tai mùa mưa'],
};
const SOURCES = ['Báo Quảng Nam', 'Báo Đà Nẵng', 'VnExpress', 'Facebook: Trà My quê tôi', 'Zalo OA UBND', 'YouTube: Miền núi Quảng Nam'];

function mentions(s: SeedContext, rng: Prng) {
  const out: Array<Record<string, unknown>> = [];
  const places = NEW_UNITS.map((u) => ({ id: u.id, name: u.name.replace(/^Xã /, 'xã ') }));
  for (let day = KPI_DEMO.days; day >= 0; day--) {
    const t = periodRange(periodOf('day', s.now - day * DAY)).start;
    const month = new Date(t + 7 * HOUR).getUTCMonth() + 1;
    const rainy = month >= 9 && month <= 12;
    const n = rng.int(1, rainy ? 9 : 6);
    for (let i = 0; i < n; i++) {
      const at = t + rng.int(6 * 60, 22 * 60) * 60_000;
      if (at > s.now) continue;
      const tone = rng.weighted([['positive', 35], ['negative', rainy ? 30 : 14], ['neutral', 40]] as const);
      const place = rng.chance(0.25) ? { id: 'vn-2019:515', name: 'huyện Bắc Trà My' } : rng.pick(places);
      const title = rng.pick(NEWS[tone]).replace('{place}', place.name);
      const sc = sentiment(title);
      out.push({ id: `cm:demo:${String(out.length + 1).padStart(6, '0')}`, feedId: 'demo', source: rng.pick(SOURCES), url: null, title: title[0].toUpperCase() + title.slice(1), summary: null, publishedAt: iso(at), unitId: place.id, keywords: [place.name.replace(/^(xã|huyện) /, '')], sentiment: sc.label, score: sc.score });
    }
  }
  return out;
}

export interface KpiSeedCounts {
  dossier_event: number;
  children: number;
  doses: number;
  pregnancies: number;
  health_records: number;
  education: number;
  cyber_mention: number;
}

/**
 * Writes the KPI source data (not the computed values: recompute() does that), one dataset chunk per
 * `run` (a short write transaction each, so a serving server stays responsive). Idempotent: rows
 * are generated deterministically and inserted with ON CONFLICT DO NOTHING / upserted, so a seed
 * cut short by a crash completes on the next start.
 */
export async function seedKpiData(run: <T>(fn: (w: Writer) => Promise<T>) => Promise<T>, s: SeedContext): Promise<KpiSeedCounts> {
  const rng = new Prng(7_2026);
  const ins = async <T>(rows: T[], fn: (w: Writer, chunk: T[]) => Promise<unknown>, size = 2000) => {
    for (let i = 0; i < rows.length; i += size) await run((w) => fn(w, rows.slice(i, i + size)));
  };
  const dossiers = demoDossiers(s, rng);
  await ins(dossiers as unknown as Array<Record<string, unknown>>, (w, c) => w.upsert('dossier_event', c));
  const { children, doses } = immunizations(s, rng);
  await ins(children, (w, c) => w.tx.insert(kpiChildren).values(c).onConflictDoNothing());
  await ins(doses, (w, c) => w.tx.insert(kpiImmunizations).values(c).onConflictDoNothing());
  const preg = pregnancies(s, rng);
  await ins(preg, (w, c) => w.tx.insert(kpiPregnancies).values(c).onConflictDoNothing());
  const hr = healthRecords(s, rng);
  await ins(hr, (w, c) => w.tx.insert(kpiHealthRecords).values(c).onConflictDoNothing());
  const ed = education(s, rng);
  await ins(ed, (w, c) => w.tx.insert(kpiEducation).values(c).onConflictDoNothing());
  const cm = mentions(s, rng);
  await ins(cm, (w, c) => w.upsert('cyber_mention', c));
  return { dossier_event: dossiers.length, children: children.length, doses: doses.length, pregnancies: preg.length, health_records: hr.length, education: ed.length, cyber_mention: cm.length };
}

/** The periods the demo computes: the last year, plus the months/years of the oldest health records (pre-merger history). */
export function demoPeriods(now: number): string[] {
  const from = Math.max(Date.UTC(2025, 0, 15), now - 730 * DAY);
  return [...periodsBetween('month', from, now), ...periodsBetween('year', from, now)];
}
