import type { TFunction } from 'i18next';
import type { CaseSla } from '../../../../shared/contracts';
import { findCategory } from '../../../../shared/feedback/categories';
import { TIME_ZONE, locale } from '../../i18n';

export type SlaState = 'overdue' | 'due-soon' | 'ok' | 'paused' | 'done';

export function slaState(sla: CaseSla): SlaState {
  if (sla.phase === 'done') return 'done';
  // The server stopped the clock (pause with a reason): its own state, never overdue.
  if (sla.paused) return 'paused';
  return sla.overdue ? 'overdue' : sla.dueSoon ? 'due-soon' : 'ok';
}

const WORKDAY_MIN = 450; // VN_GOV_CALENDAR: 07:30–11:30 + 13:30–17:00

/**
 * "2 ngày 1 giờ": working minutes as the SLA counts them (days of 7.5 working hours). Every place that
 * says how late a feedback case is uses it (desk, wall, briefing, worklists), so a case reads the same
 * on every screen.
 */
export function formatWorkingMinutes(minutes: number, t: TFunction): string {
  const min = Math.abs(Math.round(minutes));
  const d = Math.floor(min / WORKDAY_MIN);
  const h = Math.floor((min % WORKDAY_MIN) / 60);
  const m = min % 60;
  return d > 0 ? t('feedback.days', { d, h }) : h > 0 ? t('feedback.hours', { h, m }) : t('feedback.minutes', { m });
}

/** "còn 3 giờ 20 phút" / "trễ 2 ngày 1 giờ": working time as the SLA counts it (days of 7.5 h). */
export function formatRemaining(sla: CaseSla, t: TFunction): string {
  if (sla.phase === 'done') return '';
  const time = formatWorkingMinutes(sla.remainingWorkingMinutes, t);
  if (sla.paused) return t('feedback.slaPaused', { time });
  return sla.overdue ? t('feedback.late', { time }) : t('feedback.remaining', { time });
}

/** "Tạm dừng: chờ thời tiết" — the word and the reason, for titles and the wall. */
export function pausedLabel(sla: CaseSla, t: TFunction): string {
  return sla.pauseReason ? `${t('feedback.slaPausedWord')}: ${sla.pauseReason}` : t('feedback.slaPausedWord');
}

/** dd/mm hh:mm in Vietnam time. */
export function formatShort(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function categoryLabel(code: string, lang: string, t: TFunction): string {
  const c = findCategory(code);
  if (c) return lang === 'en' ? c.en : c.vi;
  return t(`feedback.category.${code}`, { defaultValue: code });
}

export function statusLabel(status: string, t: TFunction): string {
  return t(`feedback.status.${status}`, { defaultValue: status });
}

/** Keys typed into these elements are text, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}
