import { useCallback, useEffect, useRef, useState } from 'react';
import type { FeedbackCounts, FeedbackFilters, FeedbackRow, FeedbackSort } from '../../../../shared/contracts';
import { api } from '../../api';
import { useConnection } from '../../shell/hooks';

export interface FeedbackWindow {
  /** Filter/sort key the window belongs to. */
  key: string;
  total: number | null;
  counts: FeedbackCounts | null;
  /** Rows loaded for [offset, offset + rows.length). */
  offset: number;
  rows: FeedbackRow[];
  loadedAt: number;
  error: string | null;
}

const PAGE = 200;
const FIRST = 60;
const REFRESH_MS = 30_000;

/**
 * The part of the queue around what the list shows: one contract call of ≤ 200 rows at a time,
 * reloaded when the range leaves the window, when the filters change, when the cache changes
 * (`data:changed` for feedback), and every 30 s so SLA colours age with the clock.
 */
export function useFeedbackWindow(filters: FeedbackFilters, sort: FeedbackSort, visible: { start: number; end: number }) {
  const key = JSON.stringify({ filters, sort });
  const [win, setWin] = useState<FeedbackWindow>({ key, total: null, counts: null, offset: 0, rows: [], loadedAt: 0, error: null });
  const conn = useConnection();
  const seq = useRef(0);
  const want = useRef({ key, offset: 0 });

  const load = useCallback(
    (offset: number, limit: number = PAGE) => {
      const id = ++seq.current;
      want.current = { key, offset };
      api.feedback.query({ filters, sort, offset, limit }).then(
        (res) => {
          if (id !== seq.current) return; // a newer request won
          setWin({ key, total: res.total, counts: res.counts, offset, rows: res.rows, loadedAt: Date.now(), error: null });
        },
        (err: Error) => id === seq.current && setWin((w) => ({ ...w, error: err.message })),
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );

  // Filters changed or (re)connected: start over at the visible range.
  useEffect(() => {
    if (conn !== 'open') return;
    // First paint: just what a screen shows (a 200-row page costs the main process 3× more);
    // scrolling on loads full pages.
    const offset = Math.max(0, Math.floor((visible.start - 20) / 50) * 50);
    load(offset, Math.min(PAGE, Math.max(FIRST, visible.end - offset + 20)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, conn]);

  // Scrolled outside the loaded window: load the window around it.
  useEffect(() => {
    if (conn !== 'open' || win.key !== key || win.total === null) return;
    const end = Math.min(visible.end, win.total);
    const covered = visible.start >= win.offset && end <= win.offset + win.rows.length;
    if (covered) return;
    const offset = Math.max(0, Math.floor((visible.start - 40) / 50) * 50);
    if (want.current.key === key && want.current.offset === offset) return;
    load(offset);
  }, [visible.start, visible.end, win, key, conn, load]);

  // Live: cache changes (debounced) and the SLA clock.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const reload = () => load(want.current.offset);
    const off = api.data.onChanged(({ entities }) => {
      if (!entities.includes('feedback_case') && !entities.includes('case_event')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(reload, 250);
    });
    const tick = setInterval(reload, REFRESH_MS);
    return () => {
      off();
      clearInterval(tick);
      if (timer) clearTimeout(timer);
    };
  }, [load]);

  const rowAt = (index: number): FeedbackRow | undefined => (win.key === key ? win.rows[index - win.offset] : undefined);
  return { win, rowAt, reload: () => load(want.current.offset), stale: win.key !== key };
}
