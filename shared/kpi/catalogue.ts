/**
 * The indicator catalogue of the IOC's six components. Every value the boards show is one of these,
 * computed on the central server per period and unit (server/kpi/compute.ts) and synced to the
 * desktop as `indicator_value` rows.
 *
 * Aggregation from communes to the district (and from pre-2025 units to the post-2025 communes
 * through the crosswalk, see units.ts) works on the stored numerator/denominator, never on values:
 *  - `ratio`: Σ numerators / Σ denominators × scale (a percentage of communes is NOT the mean of
 *    their percentages); a zero denominator gives null.
 *  - `sum`: Σ values (counts).
 *  - `mean`: Σ totals / Σ counts (stored as numerator = total, denominator = count), e.g. average days.
 *  - `max`: the largest value.
 *  - `derived`: recomputed from other indicators of the same unit and period (766 score, drop-out).
 */
export type Component = 'cameras' | 'services766' | 'feedback' | 'cyberspace' | 'health' | 'education';
export const COMPONENTS: readonly Component[] = ['cameras', 'services766', 'feedback', 'cyberspace', 'health', 'education'];

export type Aggregation = 'ratio' | 'sum' | 'mean' | 'max' | 'derived';
export type Direction = 'up' | 'down';
export type Unit = '%' | 'count' | 'days' | 'hours' | 'points' | 'm';

export interface Thresholds {
  /** up: value ≥ green is green, ≥ amber is amber, else red. down: ≤ green green, ≤ amber amber, else red. */
  green: number;
  amber: number;
}

export interface Indicator {
  code: string;
  component: Component;
  vi: string;
  en: string;
  /** Formula id in formulas.ts (FORMULAS) and a plain statement of it. */
  formula: string;
  definition: string;
  unit: Unit;
  target: number | null;
  direction: Direction;
  thresholds: Thresholds | null;
  source: string;
  aggregation: Aggregation;
  /** ratio only: multiply Σnum/Σden by this (100 for percentages). */
  scale?: number;
  /** services766 group indicators: the group and its points in Decision 766. */
  group766?: Group766;
  /** For a per-antigen coverage: the antigen code. */
  antigen?: Antigen;
  /** Snapshot indicators (a state "now", e.g. cameras offline): period totals take the last value. */
  snapshot?: boolean;
}

export type Group766 = 'transparency' | 'progress' | 'digitization' | 'online' | 'satisfaction';
/** Decision 766/QĐ-TTg (2022): five groups, 100 points. */
export const GROUPS_766: Readonly<Record<Group766, number>> = Object.freeze({ transparency: 18, progress: 20, digitization: 22, online: 22, satisfaction: 18 });

/** EPI antigens tracked per child (TCMR): dose codes used by the immunization datasets. */
export const ANTIGENS = ['BCG', 'HepB0', 'DTP1', 'DTP2', 'DTP3', 'OPV1', 'OPV2', 'OPV3', 'IPV', 'MR9', 'MR18'] as const;
export type Antigen = (typeof ANTIGENS)[number];
/** Doses a child needs by 12 months to count as fully immunized (Vietnam EPI schedule). */
export const FULL_IMMUNIZATION_DOSES: readonly Antigen[] = ['BCG', 'HepB0', 'DTP1', 'DTP2', 'DTP3', 'OPV1', 'OPV2', 'OPV3', 'IPV', 'MR9'];
/** Recommended age (days) for each dose: children past it without the dose are overdue. */
export const ANTIGEN_DUE_DAYS: Readonly<Record<Antigen, number>> = Object.freeze({ BCG: 30, HepB0: 1, DTP1: 60, DTP2: 90, DTP3: 120, OPV1: 60, OPV2: 90, OPV3: 120, IPV: 150, MR9: 270, MR18: 540 });
export const ANTIGEN_NAMES: Readonly<Record<Antigen, { vi: string; en: string }>> = Object.freeze({
  BCG: { vi: 'Lao (BCG)', en: 'BCG (tuberculosis)' },
  HepB0: { vi: 'Viêm gan B sơ sinh trong 24 giờ', en: 'Hepatitis B birth dose within 24 h' },
  DTP1: { vi: 'DPT-VGB-Hib mũi 1', en: 'DTP-HepB-Hib dose 1' },
  DTP2: { vi: 'DPT-VGB-Hib mũi 2', en: 'DTP-HepB-Hib dose 2' },
  DTP3: { vi: 'DPT-VGB-Hib mũi 3', en: 'DTP-HepB-Hib dose 3' },
  OPV1: { vi: 'Bại liệt uống (OPV) lần 1', en: 'Oral polio (OPV) dose 1' },
  OPV2: { vi: 'Bại liệt uống (OPV) lần 2', en: 'Oral polio (OPV) dose 2' },
  OPV3: { vi: 'Bại liệt uống (OPV) lần 3', en: 'Oral polio (OPV) dose 3' },
  IPV: { vi: 'Bại liệt tiêm (IPV)', en: 'Inactivated polio (IPV)' },
  MR9: { vi: 'Sởi 9 tháng', en: 'Measles at 9 months' },
  MR18: { vi: 'Sởi-Rubella 18 tháng', en: 'Measles-rubella at 18 months' },
});

export const EDUCATION_LEVELS = ['preschool', 'primary', 'lower_secondary', 'upper_secondary'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

const pct = { unit: '%' as const, aggregation: 'ratio' as const, scale: 100 };

const list: Indicator[] = [
  // ── Cameras ────────────────────────────────────────────────────────────────
  { code: 'cam.online_pct', component: 'cameras', vi: 'Camera trực tuyến', en: 'Cameras online', formula: 'ratio', definition: 'cameras online / cameras enabled', ...pct, target: 98, direction: 'up', thresholds: { green: 95, amber: 85 }, source: 'camera health (StreamHub)', snapshot: true },
  { code: 'cam.uptime_pct', component: 'cameras', vi: 'Thời gian hoạt động camera', en: 'Camera uptime', formula: 'ratio', definition: 'camera-minutes online / camera-minutes in the period', ...pct, target: 99, direction: 'up', thresholds: { green: 98, amber: 90 }, source: 'camera health (StreamHub)' },
  { code: 'cam.offline_now', component: 'cameras', vi: 'Camera mất tín hiệu', en: 'Cameras offline now', formula: 'count', definition: 'enabled cameras offline at the end of the period', unit: 'count', aggregation: 'sum', target: 0, direction: 'down', thresholds: { green: 0, amber: 2 }, source: 'camera health (StreamHub)', snapshot: true },

  // ── Public services (Decision 766) ─────────────────────────────────────────
  { code: 'dvc.received', component: 'services766', vi: 'Hồ sơ tiếp nhận', en: 'Dossiers received', formula: 'count', definition: 'dossiers received in the period', unit: 'count', aggregation: 'sum', target: null, direction: 'up', thresholds: null, source: 'dossier events (one-stop shop / DVC)' },
  { code: 'dvc.ontime_pct', component: 'services766', vi: 'Giải quyết trước và đúng hạn', en: 'Handled early or on time', formula: 'ratio', definition: '(completed early + on time) / (completed + overdue still open), completions in the period', ...pct, target: 95, direction: 'up', thresholds: { green: 95, amber: 85 }, source: 'dossier events' },
  { code: 'dvc.early_pct', component: 'services766', vi: 'Giải quyết trước hạn', en: 'Handled early', formula: 'ratio', definition: 'completed early / completed', ...pct, target: null, direction: 'up', thresholds: null, source: 'dossier events' },
  { code: 'dvc.avg_days', component: 'services766', vi: 'Thời gian giải quyết trung bình', en: 'Average processing time', formula: 'mean', definition: 'Σ (completed − received) in days / dossiers completed', unit: 'days', aggregation: 'mean', target: 5, direction: 'down', thresholds: { green: 5, amber: 8 }, source: 'dossier events' },
  { code: 'dvc.time_used_pct', component: 'services766', vi: 'Thời gian sử dụng so với quy định', en: 'Time used of time allowed', formula: 'ratio', definition: 'Σ days used / Σ days allowed (due − received), completed dossiers', ...pct, target: 60, direction: 'down', thresholds: { green: 70, amber: 100 }, source: 'dossier events' },
  { code: 'dvc.synced_pct', component: 'services766', vi: 'Hồ sơ đồng bộ Cổng DVC quốc gia', en: 'Dossiers synced to the national portal', formula: 'ratio', definition: 'dossiers received in the period synced to the national portal / received', ...pct, target: 100, direction: 'up', thresholds: { green: 95, amber: 80 }, source: 'dossier events (synced_national)' },
  { code: 'dvc.online_pct', component: 'services766', vi: 'Hồ sơ trực tuyến', en: 'Dossiers submitted online', formula: 'ratio', definition: 'dossiers received online / received', ...pct, target: 50, direction: 'up', thresholds: { green: 50, amber: 30 }, source: 'dossier events' },
  { code: 'dvc.payment_pct', component: 'services766', vi: 'Thanh toán trực tuyến', en: 'Online payment', formula: 'ratio', definition: 'dossiers with a fee paid online / dossiers with a fee', ...pct, target: 40, direction: 'up', thresholds: { green: 40, amber: 20 }, source: 'dossier events (payment)' },
  { code: 'dvc.digitized_pct', component: 'services766', vi: 'Số hóa hồ sơ, kết quả', en: 'Dossiers and results digitized', formula: 'ratio', definition: 'dossiers completed with dossier and result digitized / completed', ...pct, target: 100, direction: 'up', thresholds: { green: 90, amber: 70 }, source: 'dossier events (digitized)' },
  { code: 'dvc.satisfaction_pct', component: 'services766', vi: 'Mức độ hài lòng', en: 'Satisfaction', formula: 'ratio', definition: 'ratings satisfied or very satisfied / ratings', ...pct, target: 95, direction: 'up', thresholds: { green: 90, amber: 80 }, source: 'dossier events (rating)' },
  { code: 'dvc.overdue_open', component: 'services766', vi: 'Hồ sơ quá hạn chưa giải quyết', en: 'Overdue dossiers still open', formula: 'count', definition: 'dossiers past due and not completed at the end of the period', unit: 'count', aggregation: 'sum', target: 0, direction: 'down', thresholds: { green: 0, amber: 5 }, source: 'dossier events', snapshot: true },
  { code: 'dvc.due_24h', component: 'services766', vi: 'Hồ sơ đến hạn trong 24 giờ', en: 'Dossiers due within 24 h', formula: 'count', definition: 'open dossiers due within 24 h of the end of the period (or now)', unit: 'count', aggregation: 'sum', target: null, direction: 'down', thresholds: null, source: 'dossier events', snapshot: true },
  { code: 'dvc.g766.transparency', component: 'services766', vi: 'Công khai, minh bạch', en: 'Transparency', formula: 'g766_transparency', definition: '18 × synced %', unit: 'points', aggregation: 'derived', target: 18, direction: 'up', thresholds: { green: 16, amber: 13 }, source: 'Decision 766/QĐ-TTg', group766: 'transparency' },
  { code: 'dvc.g766.progress', component: 'services766', vi: 'Tiến độ giải quyết', en: 'Progress', formula: 'g766_progress', definition: '16 × on-time % + 4 × time score (1.5 − time used/allowed, clamped 0..1)', unit: 'points', aggregation: 'derived', target: 20, direction: 'up', thresholds: { green: 18, amber: 15 }, source: 'Decision 766/QĐ-TTg', group766: 'progress' },
  { code: 'dvc.g766.digitization', component: 'services766', vi: 'Số hóa hồ sơ', en: 'Digitization', formula: 'g766_digitization', definition: '22 × digitized %', unit: 'points', aggregation: 'derived', target: 22, direction: 'up', thresholds: { green: 20, amber: 15 }, source: 'Decision 766/QĐ-TTg', group766: 'digitization' },
  { code: 'dvc.g766.online', component: 'services766', vi: 'Cung cấp dịch vụ trực tuyến', en: 'Online provision', formula: 'g766_online', definition: '11 × min(1, online % / 50 %) + 11 × min(1, online payment % / 40 %)', unit: 'points', aggregation: 'derived', target: 22, direction: 'up', thresholds: { green: 20, amber: 15 }, source: 'Decision 766/QĐ-TTg', group766: 'online' },
  { code: 'dvc.g766.satisfaction', component: 'services766', vi: 'Mức độ hài lòng', en: 'Satisfaction', formula: 'g766_satisfaction', definition: '18 × satisfaction %', unit: 'points', aggregation: 'derived', target: 18, direction: 'up', thresholds: { green: 16, amber: 14 }, source: 'Decision 766/QĐ-TTg', group766: 'satisfaction' },
  { code: 'dvc.score766', component: 'services766', vi: 'Điểm Bộ chỉ số 766', en: 'Decision 766 score', formula: 'score766', definition: 'sum of the five groups (100 points); null when a group has no data', unit: 'points', aggregation: 'derived', target: 90, direction: 'up', thresholds: { green: 80, amber: 65 }, source: 'Decision 766/QĐ-TTg; QĐ 892/QĐ-UBND Quảng Nam' },

  // ── Citizen feedback (PAKN) ────────────────────────────────────────────────
  { code: 'pakn.received', component: 'feedback', vi: 'Phản ánh tiếp nhận', en: 'Feedback received', formula: 'count', definition: 'cases received in the period', unit: 'count', aggregation: 'sum', target: null, direction: 'up', thresholds: null, source: 'feedback cases (Open311 + app)' },
  { code: 'pakn.ontime_pct', component: 'feedback', vi: 'Phản ánh xử lý đúng hạn', en: 'Feedback handled on time', formula: 'ratio', definition: 'cases closed within SLA / cases closed in the period + open past SLA', ...pct, target: 95, direction: 'up', thresholds: { green: 90, amber: 75 }, source: 'feedback cases and events' },
  { code: 'pakn.avg_hours', component: 'feedback', vi: 'Thời gian xử lý trung bình', en: 'Average handling time', formula: 'mean', definition: 'Σ (closed − received) in hours / cases closed', unit: 'hours', aggregation: 'mean', target: 72, direction: 'down', thresholds: { green: 72, amber: 120 }, source: 'feedback cases and events' },
  { code: 'pakn.overdue', component: 'feedback', vi: 'Phản ánh quá hạn', en: 'Overdue feedback', formula: 'count', definition: 'open cases past their SLA at the end of the period', unit: 'count', aggregation: 'sum', target: 0, direction: 'down', thresholds: { green: 0, amber: 3 }, source: 'feedback cases', snapshot: true },

  // ── Cyberspace ─────────────────────────────────────────────────────────────
  { code: 'cyber.mentions', component: 'cyberspace', vi: 'Lượt đề cập', en: 'Mentions', formula: 'count', definition: 'feed items matching a keyword pack', unit: 'count', aggregation: 'sum', target: null, direction: 'up', thresholds: null, source: 'RSS/Atom feeds, keyword packs per commune' },
  { code: 'cyber.negative_pct', component: 'cyberspace', vi: 'Tỷ lệ tin tiêu cực', en: 'Negative share', formula: 'ratio', definition: 'negative mentions / mentions (lexicon sentiment)', ...pct, target: 10, direction: 'down', thresholds: { green: 15, amber: 30 }, source: 'RSS/Atom feeds, Vietnamese sentiment lexicon' },
  { code: 'cyber.positive_pct', component: 'cyberspace', vi: 'Tỷ lệ tin tích cực', en: 'Positive share', formula: 'ratio', definition: 'positive mentions / mentions', ...pct, target: null, direction: 'up', thresholds: null, source: 'RSS/Atom feeds, Vietnamese sentiment lexicon' },

  // ── Health ─────────────────────────────────────────────────────────────────
  { code: 'hl.ehr_coverage_pct', component: 'health', vi: 'Người dân có hồ sơ sức khỏe điện tử', en: 'Residents with an electronic health record', formula: 'ratio', definition: 'residents with an EHR / population', ...pct, target: 95, direction: 'up', thresholds: { green: 95, amber: 80 }, source: 'health records dataset', snapshot: true },
  { code: 'hl.ehr_standardized_pct', component: 'health', vi: 'Hồ sơ chuẩn hóa theo CSDL dân cư', en: 'Records standardized against the population database', formula: 'ratio', definition: 'records standardized / records', ...pct, target: 100, direction: 'up', thresholds: { green: 95, amber: 80 }, source: 'health records dataset', snapshot: true },
  { code: 'hl.visit_sync_pct', component: 'health', vi: 'Lượt khám đồng bộ hồ sơ', en: 'Clinical visits synced', formula: 'ratio', definition: 'visits synced to the EHR / visits', ...pct, target: 100, direction: 'up', thresholds: { green: 95, amber: 80 }, source: 'health records dataset' },
  { code: 'hl.fully_immunized_pct', component: 'health', vi: 'Trẻ dưới 1 tuổi tiêm chủng đầy đủ', en: 'Children under 1 fully immunized', formula: 'ratio', definition: 'children turning 1 in the period with every dose of the schedule / children turning 1', ...pct, target: 95, direction: 'up', thresholds: { green: 90, amber: 80 }, source: 'immunization dataset (per child and antigen)' },
  ...(['BCG', 'HepB0', 'DTP1', 'DTP3', 'OPV3', 'IPV', 'MR9', 'MR18'] as const).map((a): Indicator => ({
    code: `hl.cov.${a.toLowerCase()}`,
    component: 'health',
    vi: `Tỷ lệ tiêm ${ANTIGEN_NAMES[a].vi}`,
    en: `Coverage ${ANTIGEN_NAMES[a].en}`,
    formula: 'ratio',
    definition: `children reaching the age for ${a} in the period (eligible) who received it / eligible`,
    ...pct,
    target: 95,
    direction: 'up',
    thresholds: { green: 90, amber: 80 },
    source: 'immunization dataset (per child and antigen)',
    antigen: a,
  })),
  { code: 'hl.dtp_dropout_pct', component: 'health', vi: 'Tỷ lệ bỏ mũi DPT1→DPT3', en: 'Drop-out DTP1→DTP3', formula: 'dropout', definition: '(DTP1 − DTP3) / DTP1, children eligible for DTP3 in the period', ...pct, target: 5, direction: 'down', thresholds: { green: 5, amber: 10 }, source: 'immunization dataset' },
  { code: 'hl.tt_protected_pct', component: 'health', vi: 'Phụ nữ có thai được bảo vệ uốn ván', en: 'Pregnant women protected against tetanus', formula: 'ratio', definition: 'pregnant women with TT2+ (or a booster) / pregnant women registered', ...pct, target: 90, direction: 'up', thresholds: { green: 90, amber: 80 }, source: 'immunization dataset (pregnant women)' },

  // ── Education ──────────────────────────────────────────────────────────────
  ...EDUCATION_LEVELS.map((lv): Indicator => ({
    code: `ed.enrol_${lv}_pct`,
    component: 'education',
    vi: `Tỷ lệ huy động ${{ preschool: 'mầm non', primary: 'tiểu học', lower_secondary: 'THCS', upper_secondary: 'THPT' }[lv]}`,
    en: `Enrolment ${lv.replace('_', ' ')}`,
    formula: 'ratio',
    definition: 'pupils enrolled of the age group / children of the age group',
    ...pct,
    target: lv === 'upper_secondary' ? 70 : lv === 'preschool' ? 90 : 98,
    direction: 'up',
    thresholds: lv === 'upper_secondary' ? { green: 70, amber: 55 } : { green: 95, amber: 85 },
    source: 'education dataset (Circular 03/2024/TT-BGDĐT)',
    snapshot: true,
  })),
  { code: 'ed.enrolled', component: 'education', vi: 'Học sinh', en: 'Pupils enrolled', formula: 'count', definition: 'pupils enrolled, all levels', unit: 'count', aggregation: 'sum', target: null, direction: 'up', thresholds: null, source: 'education dataset', snapshot: true },
  { code: 'ed.dropout_pct', component: 'education', vi: 'Tỷ lệ học sinh bỏ học', en: 'Drop-out rate', formula: 'ratio', definition: 'pupils who dropped out / pupils enrolled at the start of the school year', ...pct, target: 1, direction: 'down', thresholds: { green: 1, amber: 3 }, source: 'education dataset' },
  { code: 'ed.schools_standard_pct', component: 'education', vi: 'Trường đạt chuẩn quốc gia', en: 'Schools at national standard', formula: 'ratio', definition: 'schools meeting the national standard / schools', ...pct, target: 60, direction: 'up', thresholds: { green: 60, amber: 40 }, source: 'education dataset', snapshot: true },
  { code: 'ed.solid_classrooms_pct', component: 'education', vi: 'Phòng học kiên cố', en: 'Solid classrooms', formula: 'ratio', definition: 'solid (kiên cố) classrooms / classrooms', ...pct, target: 85, direction: 'up', thresholds: { green: 85, amber: 70 }, source: 'education dataset', snapshot: true },
];

export const CATALOGUE: readonly Indicator[] = Object.freeze(list.map((i) => Object.freeze(i)));
export const INDICATORS: ReadonlyMap<string, Indicator> = new Map(CATALOGUE.map((i) => [i.code, i]));

export function indicator(code: string): Indicator {
  const i = INDICATORS.get(code);
  if (!i) throw new Error(`unknown indicator ${code}`);
  return i;
}

export function byComponent(component: Component): Indicator[] {
  return CATALOGUE.filter((i) => i.component === component);
}

export type TileState = 'green' | 'amber' | 'red' | 'none';

/** Green/amber/red of a value against the indicator's thresholds ('none' without value or thresholds). */
export function stateOf(ind: Pick<Indicator, 'direction' | 'thresholds'>, value: number | null | undefined): TileState {
  if (value === null || value === undefined || !Number.isFinite(value) || !ind.thresholds) return 'none';
  const { green, amber } = ind.thresholds;
  if (ind.direction === 'up') return value >= green ? 'green' : value >= amber ? 'amber' : 'red';
  return value <= green ? 'green' : value <= amber ? 'amber' : 'red';
}
