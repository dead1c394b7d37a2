/**
 * Scheduled KPI work: recompute the periods in progress (snapshots such as "overdue now" move with
 * the clock even without new data) and poll the configured feeds. Runs never overlap.
 */
import type { KeywordPack } from '../../shared/kpi/sentiment';
import { periodsOf } from '../../shared/kpi/periods';
import type { Logger } from '../log';
import { withWriteTx, type WriteContext } from '../sync/writer';
import { recompute } from './compute';
import { pollFeeds, type FeedConfig } from './feeds';

export interface KpiOptions {
  feeds?: FeedConfig[];
  keywordPacks?: KeywordPack[];
  /** Recompute the current periods this often (default 10 min; 0 = never). */
  recomputeEveryMs?: number;
  /** Poll feeds this often (default 15 min; 0 = never). */
  pollEveryMs?: number;
}

export class KpiScheduler {
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: WriteContext,
    private readonly now: () => Date,
    private readonly opts: Required<Pick<KpiOptions, 'feeds' | 'keywordPacks'>> & KpiOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    const every = (ms: number | undefined, dflt: number, fn: () => Promise<unknown>) => {
      const period = ms ?? dflt;
      if (period > 0) this.timers.push(setInterval(() => this.enqueue(fn), period));
    };
    every(this.opts.recomputeEveryMs, 10 * 60_000, () => this.recomputeCurrent());
    if (this.opts.feeds.length) every(this.opts.pollEveryMs, 15 * 60_000, () => this.poll());
  }

  private enqueue(fn: () => Promise<unknown>): Promise<unknown> {
    this.running = this.running.then(fn).catch((err) => this.log('warn', 'kpi job failed', { err: (err as Error).message }));
    return this.running;
  }

  /** Today, yesterday (its snapshot closes), this week, month, year. */
  recomputeCurrent() {
    const now = this.now();
    const periods = [...new Set([...periodsOf(now), ...periodsOf(now.getTime() - 86_400_000)])];
    return withWriteTx(this.ctx, (w) => recompute(w, { now, periods }));
  }

  poll() {
    return pollFeeds(this.ctx, this.opts.feeds, this.opts.keywordPacks, this.now(), this.log);
  }

  /** Run a job now, after any job in progress. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.running.then(fn);
    this.running = p.catch(() => {});
    return p;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.running;
  }
}

/** `IOC_KPI_FEEDS="id=url,id2=url2"` (or bare URLs) → feed configs. */
export function feedsFromEnv(value: string | undefined): FeedConfig[] {
  if (!value) return [];
  return value
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((part, k) => {
      const eq = part.indexOf('=');
      return eq > 0 && !part.slice(0, eq).includes(':') ? { id: part.slice(0, eq), url: part.slice(eq + 1) } : { id: `feed${k + 1}`, url: part };
    });
}
