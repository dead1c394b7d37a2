import { useTranslation } from 'react-i18next';
import { TIME_ZONE, locale } from '../i18n';
import { useNow } from './hooks';

/** "Thứ Năm, 26/11/2026" in Asia/Ho_Chi_Minh, whatever the machine's time zone. */
export const wallDate = (now: Date, lang: string) => new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }).format(now);
/** "18:14" (or with seconds) in Asia/Ho_Chi_Minh. */
export const wallTime = (now: Date, lang: string, seconds = false) =>
  new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' as const } : {}), hour12: false }).format(now);

/** Wall clock in Asia/Ho_Chi_Minh, whatever the machine's time zone. */
export function Clock() {
  const { i18n } = useTranslation();
  const now = useNow();
  const time = wallTime(now, i18n.language, true);
  const date = wallDate(now, i18n.language);
  return (
    <div className="clock" data-testid="clock" title={TIME_ZONE}>
      <span className="clock-time">{time}</span>
      <span className="clock-date">{date}</span>
    </div>
  );
}
