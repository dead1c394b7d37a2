import type { FacilityKind, FacilityLevel } from '../domain/entities';

/** Vietnamese / English names of facility levels, for map popups, legends and KPI boards. */
export const FACILITY_LEVEL_LABELS: Record<FacilityLevel, { vi: string; en: string; short: string }> = {
  preschool: { vi: 'Mầm non', en: 'Preschool', short: 'MN' },
  primary: { vi: 'Tiểu học', en: 'Primary school', short: 'TH' },
  lower_secondary: { vi: 'Trung học cơ sở', en: 'Lower secondary school', short: 'THCS' },
  primary_lower_secondary: { vi: 'Tiểu học và THCS', en: 'Primary and lower secondary school', short: 'TH&THCS' },
  lower_upper_secondary: { vi: 'THCS và THPT', en: 'Lower and upper secondary school', short: 'THCS&THPT' },
  upper_secondary: { vi: 'Trung học phổ thông', en: 'Upper secondary school', short: 'THPT' },
  commune_health_station: { vi: 'Trạm y tế xã', en: 'Commune health station', short: 'TYT' },
  district_health_centre: { vi: 'Trung tâm y tế', en: 'Health centre', short: 'TTYT' },
};

export const FACILITY_KIND_LABELS: Record<FacilityKind, { vi: string; en: string }> = {
  school: { vi: 'Trường học', en: 'Schools' },
  health_station: { vi: 'Cơ sở y tế', en: 'Health facilities' },
};
