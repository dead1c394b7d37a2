/**
 * `node out/server/bench-seed.js --rows 100000 [--data-dir <dir> | --database-url <url>]`: prepares a
 * database for bench/sync.bench.mjs. Starts the real server once (migrations + demo seed when empty),
 * then appends realistic dossier events through the one write path (`withWriteTx`: change-log lock,
 * entity upsert, change-log rows) until the change log holds at least `rows` rows, and exits. Prints
 * one JSON line `{database, changeLogRows, fillMs}`. The bench then starts `out/server/cli.js` on it.
 */
import { count } from 'drizzle-orm';
import { parseArgs } from 'node:util';
import { startServer } from '../app';
import { changeLog } from '../db/schema';
import { ChangeFeed } from '../sync/change-feed';
import { withWriteTx } from '../sync/writer';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } });
const target = Number(values.rows);
if (!Number.isInteger(target) || target < 0) throw new Error('--rows: expected a non-negative integer');
const server = await startServer({ databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || undefined), dataDir: values['data-dir'], host: '127.0.0.1', port: 0 });
try {
  const rowsNow = async () => Number((await server.db.orm.select({ n: count() }).from(changeLog))[0].n);
  const ctx = { db: server.db, feed: new ChangeFeed() };
  const t0 = Date.now();
  const base = Date.UTC(2025, 6, 1);
  for (let have = await rowsNow(); have < target; ) {
    const n = Math.min(5000, target - have);
    const batch = Array.from({ length: n }, (_, i) => {
      const k = have + i;
      const at = base + (k % 150) * 86_400_000 + (k % 86_400) * 1000;
      return { id: `bench-de-${k}`, dossierId: `HS-B${String(k).padStart(7, '0')}`, procedure: 'Đăng ký khai sinh', agencyId: 'ag-ubnd-20900', unitId: 'vn-2025:20900', kind: 'received', online: k % 3 !== 0, at: new Date(at).toISOString(), dueAt: new Date(at + 5 * 86_400_000).toISOString() };
    });
    await withWriteTx(ctx, (w) => w.upsert('dossier_event', batch));
    have = await rowsNow();
  }
  process.stdout.write(`${JSON.stringify({ database: server.db.kind, changeLogRows: await rowsNow(), fillMs: Date.now() - t0 })}\n`);
} finally {
  await server.close();
}
