import { useSyncExternalStore } from 'react';
import { TIME_ZONE } from '../../i18n';

const hms = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** hh:mm:ss in Vietnam time, whatever the machine's zone. */
export const formatHms = (t: Date | number) => hms.format(t);

/** yyyyMMdd-HHmmss in Vietnam time (snapshot file names). */
export function fileStamp(t: Date | number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(t);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '00';
  return `${p('year')}${p('month')}${p('day')}-${p('hour')}${p('minute')}${p('second')}`;
}

// One ticker shared by every tile, aligned to the second boundary, so 25 tile clocks flip together
// instead of drifting apart by up to a second each.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;
function tick() {
  now = Date.now();
  for (const l of [...listeners]) l();
  timer = setTimeout(tick, 1000 - (now % 1000) + 5);
}
function subscribe(l: () => void) {
  listeners.add(l);
  if (!timer) tick();
  return () => {
    listeners.delete(l);
    if (!listeners.size && timer) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

/** Current second (ms epoch), shared page-wide. */
export function useSecond(): number {
  return useSyncExternalStore(subscribe, () => now);
}
