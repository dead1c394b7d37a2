import type { Agency } from '../domain/entities';
import type { FeedbackLevel } from './sla';

/**
 * PAKN categories for a mountain district (Bắc Trà My). `code` doubles as the Open311
 * `service_code` (an opaque string to clients). `needsFixPhoto`: the case can only be resolved with
 * an "after" photo, because the answer is a physical fix the citizen can check.
 */
export type AgencyKind = Agency['kind'];

export interface FeedbackCategory {
  code: string;
  vi: string;
  en: string;
  needsFixPhoto: boolean;
  defaultLevel: FeedbackLevel;
  agencyKind: AgencyKind;
  /** Open311 `group`. */
  group: 'infrastructure' | 'safety' | 'environment' | 'public_services' | 'administration' | 'other';
  /** Folded search keywords (Vietnamese without diacritics), also Open311 `keywords`. */
  keywords: readonly string[];
}

const cat = (c: FeedbackCategory): FeedbackCategory => Object.freeze(c);

export const FEEDBACK_CATEGORIES: readonly FeedbackCategory[] = Object.freeze([
  cat({
    code: 'road_damage',
    vi: 'Giao thông, đường hư hỏng',
    en: 'Roads and damaged roads',
    needsFixPhoto: true,
    defaultLevel: 'normal',
    agencyKind: 'public_works',
    group: 'infrastructure',
    keywords: ['duong', 'o ga', 'cau', 'cong', 'bien bao', 'giao thong'],
  }),
  cat({
    code: 'landslide',
    vi: 'Sạt lở đất, đá',
    en: 'Landslide, rockfall',
    needsFixPhoto: true,
    defaultLevel: 'urgent',
    agencyKind: 'district',
    group: 'safety',
    keywords: ['sat lo', 'da lan', 'lo dat', 'nut dat', 'taluy'],
  }),
  cat({
    code: 'street_lighting',
    vi: 'Điện chiếu sáng công cộng',
    en: 'Street lighting',
    needsFixPhoto: true,
    defaultLevel: 'normal',
    agencyKind: 'public_works',
    group: 'infrastructure',
    keywords: ['den duong', 'chieu sang', 'bong den', 'dien'],
  }),
  cat({
    code: 'waste_environment',
    vi: 'Rác thải, vệ sinh môi trường',
    en: 'Waste and environment',
    needsFixPhoto: true,
    defaultLevel: 'normal',
    agencyKind: 'environment',
    group: 'environment',
    keywords: ['rac', 'o nhiem', 'mui hoi', 'nuoc thai', 've sinh'],
  }),
  cat({
    code: 'water_supply',
    vi: 'Cấp nước sinh hoạt',
    en: 'Water supply',
    needsFixPhoto: true,
    defaultLevel: 'normal',
    agencyKind: 'public_works',
    group: 'infrastructure',
    keywords: ['nuoc sach', 'mat nuoc', 'ong nuoc', 'be nuoc', 'nuoc sinh hoat'],
  }),
  cat({
    code: 'public_order',
    vi: 'An ninh trật tự',
    en: 'Public order and security',
    needsFixPhoto: false,
    defaultLevel: 'urgent',
    agencyKind: 'police',
    group: 'safety',
    keywords: ['an ninh', 'trom', 'danh nhau', 'gay roi', 'ma tuy'],
  }),
  cat({
    code: 'health',
    vi: 'Y tế',
    en: 'Health',
    needsFixPhoto: false,
    defaultLevel: 'normal',
    agencyKind: 'health',
    group: 'public_services',
    keywords: ['tram y te', 'benh vien', 'tiem chung', 'thuoc', 'dich benh'],
  }),
  cat({
    code: 'education',
    vi: 'Giáo dục',
    en: 'Education',
    needsFixPhoto: false,
    defaultLevel: 'normal',
    agencyKind: 'education',
    group: 'public_services',
    keywords: ['truong', 'hoc sinh', 'giao vien', 'lop hoc', 'ban tru'],
  }),
  cat({
    code: 'land',
    vi: 'Đất đai, xây dựng',
    en: 'Land and construction',
    needsFixPhoto: false,
    defaultLevel: 'complex',
    agencyKind: 'environment',
    group: 'administration',
    keywords: ['dat dai', 'lan chiem', 'so do', 'tranh chap', 'xay dung'],
  }),
  cat({
    code: 'admin_procedure',
    vi: 'Thủ tục hành chính',
    en: 'Administrative procedures',
    needsFixPhoto: false,
    defaultLevel: 'normal',
    agencyKind: 'district',
    group: 'administration',
    keywords: ['thu tuc', 'ho so', 'giay to', 'dich vu cong', 'mot cua'],
  }),
  cat({
    code: 'disaster_flood',
    vi: 'Thiên tai, ngập lụt',
    en: 'Natural disaster, flooding',
    needsFixPhoto: false,
    defaultLevel: 'urgent',
    agencyKind: 'district',
    group: 'safety',
    keywords: ['lu', 'ngap', 'mua lon', 'nuoc dang', 'cuu ho', 'thien tai'],
  }),
  cat({
    code: 'other',
    vi: 'Khác',
    en: 'Other',
    needsFixPhoto: false,
    defaultLevel: 'normal',
    agencyKind: 'other',
    group: 'other',
    keywords: [],
  }),
]);

const BY_CODE = new Map(FEEDBACK_CATEGORIES.map((c) => [c.code, c]));

export function findCategory(code: string, list: readonly FeedbackCategory[] = FEEDBACK_CATEGORIES): FeedbackCategory | undefined {
  return list === FEEDBACK_CATEGORIES ? BY_CODE.get(code) : list.find((c) => c.code === code);
}

/** Open311 GeoReport v2 `GET services` row. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

export function toOpen311Service(c: FeedbackCategory): Open311Service {
  return {
    service_code: c.code,
    service_name: c.vi,
    description: `${c.vi} (${c.en})`,
    metadata: false,
    type: 'realtime',
    keywords: c.keywords.join(','),
    group: c.group,
  };
}
