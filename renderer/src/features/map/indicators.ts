import type { TFunction } from 'i18next';
import { CATALOGUE, INDICATORS, type Component, type Indicator } from '../../../../shared/kpi/catalogue';

/** The KPI board that shows each catalogue component (its name labels the picker's option group). */
const COMPONENT_BOARD: Record<Component, string> = { cameras: 'cameras', services766: 'services', feedback: 'feedback', cyberspace: 'cyberspace', health: 'health', education: 'education' };

const ORDER = new Map(CATALOGUE.map((i, n) => [i.code, n]));

/** The catalogue's name in the UI language (Vietnamese unless English); an unknown code stays as it is. */
export function indicatorName(code: string, lang: string): string {
  const ind = INDICATORS.get(code);
  return ind ? (lang === 'en' ? ind.en : ind.vi) : code;
}

/** The unit as the KPI boards write it ('%', 'ngày', 'điểm'; nothing for counts). */
export function indicatorUnit(ind: Indicator | undefined, t: TFunction): string {
  return ind ? (t(`kpi.unit.${ind.unit}`) as string) : '';
}

/** "Name (unit)": two catalogue indicators may share a name (766 satisfaction in % and in points). */
export function indicatorOptionLabel(code: string, lang: string, t: TFunction): string {
  const unit = indicatorUnit(INDICATORS.get(code), t);
  return unit ? `${indicatorName(code, lang)} (${unit})` : indicatorName(code, lang);
}

/**
 * The codes the cache holds, grouped as the KPI boards group them (catalogue order within a group);
 * codes the catalogue does not know come last, under "other".
 */
export function groupIndicators(codes: readonly string[], t: TFunction): Array<{ label: string; codes: string[] }> {
  const groups = new Map<string, string[]>();
  const sorted = [...codes].sort((a, b) => (ORDER.get(a) ?? Infinity) - (ORDER.get(b) ?? Infinity) || a.localeCompare(b));
  for (const code of sorted) {
    const ind = INDICATORS.get(code);
    const label = ind ? (t(`kpi.boards.${COMPONENT_BOARD[ind.component]}`) as string) : (t('map.otherIndicators') as string);
    groups.set(label, [...(groups.get(label) ?? []), code]);
  }
  return [...groups.entries()].map(([label, codes]) => ({ label, codes }));
}
