import { TIME_ZONE, locale } from '../i18n';

/** hh:mm:ss dd/mm in Vietnam time, whatever the machine's zone. */
export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', day: '2-digit', month: '2-digit', hour12: false }).format(new Date(iso));
}

export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(iso));
}
