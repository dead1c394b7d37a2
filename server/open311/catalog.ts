/**
 * The Open311 view of the PAKN category catalogue (shared/feedback/categories) for the demo
 * jurisdiction, plus the mapping of case statuses down to Open311's open/closed.
 */
import { CLOSED_STATES, FEEDBACK_CATEGORIES, type FeedbackCategory, isFeedbackState, openClosed, toOpen311Service } from '../../shared/feedback';
import type { FeedbackLevel } from '../../shared/feedback/sla';

export const DEFAULT_JURISDICTION_ID = 'bactramy.danang.gov.vn';
export const DEFAULT_DEMO_API_KEY = 'demo-bac-tra-my-2026';
export const BAC_TRA_MY_BOUNDARY = 'bac_tra_my_2025';

export const DEFAULT_JURISDICTION = {
  id: DEFAULT_JURISDICTION_ID,
  name: 'Bắc Trà My (thành phố Đà Nẵng)',
  boundary: BAC_TRA_MY_BOUNDARY,
  agencyName: 'Trung tâm Điều hành thông minh (IOC) Bắc Trà My',
  isDefault: true,
};

export type AttributeDatatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

/** One attribute of an Open311 service definition (GET services/{code}). */
export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
}

const YES_NO = [
  { key: 'yes', name: 'Có' },
  { key: 'no', name: 'Không' },
];

/** Extra questions per category (the citizen app's form), in Vietnamese. */
export const CATEGORY_ATTRIBUTES: Record<string, ServiceAttribute[]> = {
  road_damage: [
    {
      variable: true, code: 'road_type', datatype: 'singlevaluelist', required: false, order: 1,
      datatype_description: 'Chọn một loại đường', description: 'Loại đường',
      values: [
        { key: 'national', name: 'Quốc lộ (QL40B)' },
        { key: 'provincial', name: 'Đường tỉnh' },
        { key: 'commune', name: 'Đường xã, liên thôn' },
        { key: 'village', name: 'Đường thôn, nóc' },
      ],
    },
    { variable: true, code: 'passable', datatype: 'singlevaluelist', required: false, order: 2, datatype_description: 'Có / Không', description: 'Xe máy còn đi qua được không?', values: YES_NO },
  ],
  landslide: [
    { variable: true, code: 'blocking_road', datatype: 'singlevaluelist', required: true, order: 1, datatype_description: 'Có / Không', description: 'Đất đá có lấp đường không?', values: YES_NO },
    { variable: true, code: 'houses_at_risk', datatype: 'number', required: false, order: 2, datatype_description: 'Số nguyên ≥ 0', description: 'Số nhà dân bị đe dọa' },
  ],
  water_supply: [{ variable: true, code: 'households_affected', datatype: 'number', required: false, order: 1, datatype_description: 'Số nguyên ≥ 0', description: 'Số hộ bị ảnh hưởng' }],
  disaster_flood: [
    { variable: true, code: 'people_trapped', datatype: 'singlevaluelist', required: true, order: 1, datatype_description: 'Có / Không', description: 'Có người bị mắc kẹt, cần cứu hộ không?', values: YES_NO },
    { variable: true, code: 'water_depth_m', datatype: 'number', required: false, order: 2, datatype_description: 'Mét, ví dụ 0.8', description: 'Độ sâu ngập ước tính (m)' },
    {
      variable: true, code: 'needs', datatype: 'multivaluelist', required: false, order: 3, datatype_description: 'Chọn một hoặc nhiều', description: 'Nhu cầu hỗ trợ',
      values: [
        { key: 'food', name: 'Lương thực' },
        { key: 'water', name: 'Nước uống' },
        { key: 'medical', name: 'Y tế' },
        { key: 'evacuation', name: 'Di dời' },
      ],
    },
  ],
  public_order: [{ variable: true, code: 'happening_now', datatype: 'singlevaluelist', required: false, order: 1, datatype_description: 'Có / Không', description: 'Sự việc đang diễn ra?', values: YES_NO }],
};

/** Seeded/simulated cases use a few older category names: shown as these services. */
export const LEGACY_CATEGORY_ALIASES: Record<string, string[]> = {
  street_lighting: ['lighting'],
  waste_environment: ['waste', 'forest'],
  other: ['electricity'],
};

const NOTICE: Record<FeedbackLevel, string> = {
  urgent: 'Phản ánh khẩn cấp: xử lý trong 4 giờ làm việc. Nếu có nguy hiểm đến tính mạng, gọi ngay 112 (cứu nạn), 113 (công an), 114 (cứu hỏa).',
  normal: 'Tiếp nhận, phân loại trong 8 giờ làm việc; xử lý trong 5 ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày lễ, Tết).',
  complex: 'Vụ việc phức tạp: tiếp nhận trong 8 giờ làm việc; xử lý trong 10 ngày làm việc, có thể gia hạn và sẽ được thông báo.',
};

export interface ServiceSpec {
  jurisdictionId: string;
  serviceCode: string;
  serviceName: string;
  description: string;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
  category: string;
  aliases: string[];
  level: FeedbackLevel;
  attributes: ServiceAttribute[];
  locationRequired: boolean;
  serviceNotice: string | null;
  sort: number;
}

/** The demo jurisdiction's services: one per PAKN category, Vietnamese names, metadata where attributes exist. */
export function categoryServices(jurisdictionId = DEFAULT_JURISDICTION_ID, categories: readonly FeedbackCategory[] = FEEDBACK_CATEGORIES): ServiceSpec[] {
  return categories.map((c, i) => {
    const s = toOpen311Service(c);
    return {
      jurisdictionId,
      serviceCode: s.service_code,
      serviceName: s.service_name,
      description: s.description,
      type: s.type,
      keywords: s.keywords,
      group: s.group,
      category: c.code,
      aliases: LEGACY_CATEGORY_ALIASES[c.code] ?? [],
      level: c.defaultLevel,
      attributes: CATEGORY_ATTRIBUTES[c.code] ?? [],
      locationRequired: true,
      serviceNotice: NOTICE[c.defaultLevel],
      sort: i,
    };
  });
}

// ---- status ----------------------------------------------------------------------------------------

/** Every status that maps to Open311 `closed` (the workflow's closed states). */
export const CLOSED_STATUSES: readonly string[] = CLOSED_STATES;

/**
 * Workflow state → Open311 open/closed + Vietnamese status_notes (shared/feedback openClosed); a
 * published case carries its answer, so the citizen reads what was done.
 */
export function open311Status(
  status: string,
  c?: { duplicateOf?: string | null; closeReason?: string | null; reopenCount?: number | null; answer?: string | null },
): { status: 'open' | 'closed'; status_notes: string } {
  if (!isFeedbackState(status)) return { status: 'open', status_notes: 'Đang xử lý.' };
  const r = openClosed(status, c ? { duplicateOf: c.duplicateOf ?? null, closeReason: c.closeReason ?? null, reopenCount: c.reopenCount ?? 0 } : undefined);
  if (status === 'published' && c?.answer) return { ...r, status_notes: `${r.status_notes} Trả lời: ${c.answer}` };
  return r;
}
