import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { TIME_ZONE, locale } from '../i18n';

// Building an Intl.DateTimeFormat costs ~0.3–0.5 ms here (two per tick was most of the clock's
// per-second main-thread cost on the wall): one per language and pattern, kept.
const formats = new Map<string, Intl.DateTimeFormat>();
const PATTERNS = {
  date: { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit', hour12: false },
  timeSeconds: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
function formatter(lang: string, pattern: keyof typeof PATTERNS): Intl.DateTimeFormat {
  const key = `${lang}|${pattern}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, ...PATTERNS[pattern] })));
  return f;
}

/** "Thứ Năm, 26/11/2026" in Asia/Ho_Chi_Minh, whatever the machine's time zone. */
export const wallDate = (now: Date, lang: string) => formatter(lang, 'date').format(now);
/** "18:14" (or with seconds) in Asia/Ho_Chi_Minh. */
export const wallTime = (now: Date, lang: string, seconds = false) => formatter(lang, seconds ? 'timeSeconds' : 'time').format(now);

/**
 * Wall clock in Asia/Ho_Chi_Minh, whatever the machine's time zone. It ticks on the second boundary
 * (a 1 s interval drifts against the second and can show a second twice or skip one) and writes its
 * two text nodes directly: a React render per second on every display was measurable main-thread
 * work next to the map's frames (bench:map), for two strings.
 */
export function Clock() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const timeRef = useRef<HTMLSpanElement>(null);
  const dateRef = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const now = new Date();
      setText(timeRef.current, wallTime(now, lang, true));
      setText(dateRef.current, wallDate(now, lang));
      timer = setTimeout(tick, 1000 - (now.getTime() % 1000) + 5);
    };
    tick();
    return () => clearTimeout(timer);
  }, [lang]);
  const now = new Date();
  return (
    <div className="clock" data-testid="clock" title={TIME_ZONE}>
      <span className="clock-time" ref={timeRef}>
        {wallTime(now, lang, true)}
      </span>
      <span className="clock-date" ref={dateRef}>
        {wallDate(now, lang)}
      </span>
    </div>
  );
}

/** Replace an element's text without touching the DOM when it has not changed (the date, most ticks). */
function setText(el: HTMLElement | null, text: string) {
  if (!el) return;
  const node = el.firstChild;
  if (node && node.nodeType === Node.TEXT_NODE && !node.nextSibling) {
    if (node.nodeValue !== text) node.nodeValue = text;
  } else el.textContent = text;
}
