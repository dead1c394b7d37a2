import type { TFunction } from 'i18next';
import type { Unit } from '../../../../shared/kpi/catalogue';
import { TIME_ZONE, locale } from '../../i18n';

/** A figure as the wall shows it: percentages and averages with one decimal, counts whole, Vietnamese separators. */
export function formatValue(value: number | null | undefined, unit: Unit, lang: string): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const digits = unit === 'count' ? 0 : 1;
  return new Intl.NumberFormat(locale(lang), { minimumFractionDigits: unit === 'count' ? 0 : value % 1 === 0 && unit === 'points' ? 0 : digits, maximumFractionDigits: digits }).format(value);
}

/** A target: whole numbers stay whole ("95 %"), others keep one decimal. */
export function formatTarget(value: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(value);
}

/** "tháng 11/2026", "tuần 48/2026", "26/11/2026", "năm 2026". */
export function formatPeriod(period: string | null | undefined, t: TFunction): string {
  if (!period) return '—';
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return t('kpi.period.day', { d: `${m[3]}/${m[2]}/${m[1]}` });
  if ((m = period.match(/^(\d{4})-W(\d{2})$/))) return t('kpi.period.week', { w: Number(m[2]), y: m[1] });
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return t('kpi.period.month', { m: m[2], y: m[1] });
  if ((m = period.match(/^(\d{4})$/))) return t('kpi.period.year', { y: m[1] });
  return period;
}

/** Short label for a sparkline axis point: "11/26", "W48", "26/11", "2026". */
export function shortPeriod(period: string): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return `${m[3]}/${m[2]}`;
  if ((m = period.match(/^(\d{4})-W(\d{2})$/))) return `W${m[2]}`;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${m[2]}/${m[1].slice(2)}`;
  return period;
}

/** "10:05 26/11" in Vietnam time (the same shape in both languages: it is what the room reads). */
export function formatAsOf(iso: string | null | undefined, _lang?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', hourCycle: 'h23' }).formatToParts(d).map((p) => [p.type, p.value]),
  );
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}`;
}

/** "3 giờ 20 phút" / "2 ngày 4 giờ" (Vietnamese) or "3 h 20 min" / "2 d 4 h". */
export function formatDuration(ms: number, lang: string): string {
  const min = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const vi = lang !== 'en';
  if (d > 0) return vi ? `${d} ngày${h ? ` ${h} giờ` : ''}` : `${d} d${h ? ` ${h} h` : ''}`;
  if (h > 0) return vi ? `${h} giờ${m ? ` ${m} phút` : ''}` : `${h} h${m ? ` ${m} min` : ''}`;
  return vi ? `${m} phút` : `${m} min`;
}

export const isTyping = (el: EventTarget | null) => el instanceof HTMLElement && (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
