/**
 * A desktop client as its own process for the exactly-once test (run with `node --import tsx`).
 * It queues `count` notes (printing `ack <text>` once each is durably in the outbox — the moment the
 * UI would confirm it), keeps syncing, and prints `drained` when the outbox is empty and it is online.
 * The test SIGKILLs it at random moments; `digest` mode prints the cache's per-table digest.
 */
import { CacheRepo } from '../../../db/cache.repo';
import { openCacheDb } from '../../../db/open';
import { SyncEngine } from '../sync-engine';

const opts = JSON.parse(process.argv[2]) as { db: string; serverUrl: string; token: string; caseId: string; prefix: string; count: number; mode: 'work' | 'digest' };
const db = openCacheDb(opts.db);
const repo = new CacheRepo(db);
const engine = new SyncEngine({ repo, serverUrl: opts.serverUrl, getToken: () => opts.token, options: { backoffBaseMs: 50, backoffMaxMs: 500 } });
const say = (line: string) => process.stdout.write(line + '\n');
engine.start();

for (let i = 0; i < opts.count; i++) {
  const text = `${opts.prefix}-${i}`;
  engine.enqueue('case.addNote', { caseId: opts.caseId, text }, 'chaos');
  say(`ack ${text}`);
  await new Promise((r) => setTimeout(r, Math.random() * 15));
}
for (;;) {
  if (engine.status().state === 'online' && repo.outboxCount() === 0) {
    if (opts.mode === 'digest') {
      await engine.pullNow();
      say(`digest ${JSON.stringify({ cursor: repo.cursor(), tables: repo.digest() })}`);
    }
    say('drained');
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
engine.dispose();
db.close();
