import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb } from '../../db/open';
import { SyncEngine } from './sync-engine';

/**
 * A whole desktop client in one function, for tests that need a separate process (power-cut and
 * "process can exit" tests) and, later, for the end-to-end exactly-once test against server/.
 * Output is line-based on `write` so a parent can follow it.
 *
 * - `enqueue`: queue `count` commands (forever if 0), printing `confirmed <mutationId>` after each
 *   one is committed; the parent kills the process at any moment.
 * - `sync`: start the engine, wait until online with an empty outbox, dispose, close the DB,
 *   print `disposed` and return: the process must then exit by itself (nothing left running).
 */
export interface ClientScriptOptions {
  mode: 'enqueue' | 'sync';
  dbPath: string;
  serverUrl: string;
  token: string | null;
  count?: number;
  timeoutMs?: number;
}

export async function runClientScript(opts: ClientScriptOptions, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const db = openCacheDb(opts.dbPath);
  const repo = new CacheRepo(db);
  const engine = new SyncEngine({ repo, serverUrl: opts.serverUrl, getToken: () => opts.token });
  try {
    if (opts.mode === 'enqueue') {
      for (let i = 0; !opts.count || i < opts.count; i++) {
        const { mutationId } = engine.enqueue('case.addNote', { caseId: 'c1', text: `ghi chú ${i}` }, 'op1');
        write(`confirmed ${mutationId}`);
        // Yield so the parent's kill can land between (or during) commits.
        if (i % 10 === 9) await new Promise((r) => setImmediate(r));
      }
      return;
    }
    engine.start();
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    while (!(engine.status().state === 'online' && repo.outboxCount() === 0)) {
      if (Date.now() > deadline) throw new Error(`not online: ${JSON.stringify(engine.status())}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    write(`online cursor=${repo.cursor()}`);
  } finally {
    engine.dispose();
    db.close();
    write('disposed');
  }
}

/** Entry for a bundled child: `node child.cjs '<json options>'`. */
export function main(argv: string[] = process.argv): void {
  runClientScript(JSON.parse(argv[2]) as ClientScriptOptions).catch((err) => {
    process.stderr.write(`child failed: ${(err as Error).stack}\n`);
    process.exitCode = 1;
  });
}
