import { useTranslation } from 'react-i18next';
import { TIME_ZONE, locale } from '../i18n';
import { useNow } from './hooks';

/** Wall clock in Asia/Ho_Chi_Minh, whatever the machine's time zone. */
export function Clock() {
  const { i18n } = useTranslation();
  const now = useNow();
  const loc = locale(i18n.language);
  const time = new Intl.DateTimeFormat(loc, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(now);
  const date = new Intl.DateTimeFormat(loc, { timeZone: TIME_ZONE, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }).format(now);
  return (
    <div className="clock" data-testid="clock" title={TIME_ZONE}>
      <span className="clock-time">{time}</span>
      <span className="clock-date">{date}</span>
    </div>
  );
}
