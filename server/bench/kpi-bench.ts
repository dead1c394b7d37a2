/**
 * `node out/server/bench-kpi.js [--runs 3] [--data-dir <dir> | --database-url <url>]`: the server side
 * of bench/kpi.bench.mjs. Starts the real server on a fresh database (migrations + the demo seed: a
 * year of KPI source data for every unit), then times `recompute()` over a year of periods for every
 * reporting unit:
 *  - cold: indicator_values emptied first, so every value is computed AND written through the change
 *    log (what the first start and a full rebuild cost) → `recompute1yMs` (median of runs);
 *  - warm: nothing changed since the last run, so values are computed and compared, none written
 *    (what the scheduled recompute costs) → `recompute1yWarmMs`.
 * Prints one JSON line: { recompute1yMs, recompute1yWarmMs, runs, values, written, periods, seedMs,
 * startupMs, database, sourceRows }.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { count, sql } from 'drizzle-orm';
import { startServer } from '../app';
import { cyberMentions, dossierEvents, indicatorValues, kpiChildren, kpiImmunizations } from '../db/schema';
import { defaultPeriods, recompute } from '../kpi/compute';
import { ChangeFeed } from '../sync/change-feed';
import { withWriteTx } from '../sync/writer';

export interface KpiBenchResult {
  recompute1yMs: number;
  recompute1yWarmMs: number;
  runs: number;
  values: number;
  written: number;
  periods: number;
  seedMs: number | null;
  startupMs: number;
  database: string;
  sourceRows: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the benchmark in this process (bench/kpi.bench.mjs runs the built CLI below instead). */
export async function benchKpiRecompute(opts: { runs?: number; dataDir?: string; databaseUrl?: string; now?: Date } = {}): Promise<KpiBenchResult> {
  const runs = opts.runs ?? 3;
  const tmp = opts.dataDir || opts.databaseUrl ? null : mkdtempSync(join(tmpdir(), 'ioc-kpi-bench-'));
  const now = opts.now ?? new Date();
  let seedMs: number | null = null;
  const t0 = performance.now();
  const server = await startServer({
    databaseUrl: opts.databaseUrl,
    dataDir: opts.dataDir ?? tmp!,
    host: '127.0.0.1',
    port: 0,
    now: () => now,
    kpi: { recomputeEveryMs: 0, pollEveryMs: 0, feeds: [] },
    log: (_level, msg, meta) => {
      if (msg === 'demo district seeded') seedMs = Number(meta?.ms);
    },
  });
  const startupMs = Math.round(performance.now() - t0);
  try {
    const ctx = { db: server.db, feed: new ChangeFeed() };
    const periods = defaultPeriods(now.getTime());
    const n = async (t: typeof dossierEvents | typeof kpiChildren | typeof kpiImmunizations | typeof cyberMentions) => Number((await server.db.orm.select({ n: count() }).from(t))[0].n);
    const sourceRows = { dossier_event: await n(dossierEvents), children: await n(kpiChildren), doses: await n(kpiImmunizations), cyber_mention: await n(cyberMentions) };
    const cold: number[] = [];
    const warm: number[] = [];
    let last = { values: 0, written: 0, periods: 0 };
    for (let i = 0; i < runs; i++) {
      await server.db.orm.execute(sql`DELETE FROM ${indicatorValues}`);
      let t = performance.now();
      const r = await withWriteTx(ctx, (w) => recompute(w, { now, periods }));
      cold.push(performance.now() - t);
      last = r;
      t = performance.now();
      const again = await withWriteTx(ctx, (w) => recompute(w, { now, periods }));
      warm.push(performance.now() - t);
      if (again.written !== 0) throw new Error(`warm recompute wrote ${again.written} rows: values are not stable`);
    }
    return {
      recompute1yMs: Math.round(median(cold)),
      recompute1yWarmMs: Math.round(median(warm)),
      runs,
      values: last.values,
      written: last.written,
      periods: last.periods,
      seedMs,
      startupMs,
      database: server.db.kind,
      sourceRows,
    };
  } finally {
    await server.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

// CLI entry (the built bench-kpi.js): only when run directly.
if (process.argv[1] && /bench-kpi\.(js|ts)$/.test(process.argv[1])) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: expected a positive integer');
  const result = await benchKpiRecompute({ runs, dataDir: values['data-dir'], databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || undefined) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
