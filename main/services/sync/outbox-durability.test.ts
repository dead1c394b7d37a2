import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb } from '../../db/open';
import type { ClientScriptOptions } from './child-client';
import { FakeSyncServer, seedCase } from './test-server';

/**
 * These tests need a second OS process running our TypeScript. Node 20 cannot run .ts, so
 * child-client.ts is bundled on the fly with rolldown (already here as Vite's bundler);
 * npm packages stay external and resolve from the project's node_modules via NODE_PATH.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-child-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `import { main } from ${JSON.stringify(join(here, 'child-client.ts'))};\nmain();\n`);
  bundle = join(dir, 'child.cjs');
  const { build } = await import('rolldown');
  await build({ input: entry, platform: 'node', external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'), output: { file: bundle, format: 'cjs' }, logLevel: 'silent' });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(opts: ClientScriptOptions): { child: ChildProcess; lines: string[]; exited: Promise<{ code: number | null; signal: string | null; ms: number }> } {
  const child = spawn(process.execPath, [bundle, JSON.stringify(opts)], { env: { ...process.env, NODE_PATH: join(root, 'node_modules') }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const t0 = Date.now();
  const exited = new Promise<{ code: number | null; signal: string | null; ms: number }>((r) =>
    child.on('exit', (code, signal) => {
      if (err) console.error(err);
      r({ code, signal, ms: Date.now() - t0 });
    }),
  );
  return { child, lines, exited };
}

async function until(fn: () => boolean, ms: number, what: string) {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('outbox durability across process death', () => {
  it('every command confirmed before SIGKILL is in the outbox after restart, and is applied exactly once', async () => {
    const dbPath = join(dir, 'killed.db');
    const server = await FakeSyncServer.start();
    try {
      server.upsert('feedback_case', seedCase('c1'));
      // The child enqueues with no server reachable (standby) and is killed mid-stream.
      const run = runChild({ mode: 'enqueue', dbPath, serverUrl: 'http://127.0.0.1:9', token: null, count: 0 });
      await until(() => run.lines.filter((l) => l.startsWith('confirmed')).length >= 40, 20_000, '40 confirmations');
      run.child.kill('SIGKILL');
      const { signal } = await run.exited;
      expect(signal).toBe('SIGKILL');
      const confirmed = run.lines.filter((l) => l.startsWith('confirmed ')).map((l) => l.slice(10));

      const db = openCacheDb(dbPath);
      const queued = new CacheRepo(db).outboxBatch(100_000).map((m) => m.mutationId);
      db.close();
      // Confirmed ⇒ durable. (One more may be committed but unconfirmed when the kill landed.)
      expect(queued.slice(0, confirmed.length)).toEqual(confirmed);
      expect(queued.length - confirmed.length).toBeLessThanOrEqual(1);

      // Restart "the app" against a live server: each queued command is applied once, in order.
      const sync = runChild({ mode: 'sync', dbPath, serverUrl: server.url, token: server.issueToken(), timeoutMs: 15_000 });
      const done = await sync.exited;
      expect(done.code).toBe(0);
      expect(sync.lines.at(-1)).toBe('disposed');
      for (const id of queued) expect(server.effects.get(id)).toBe(1);
      expect(server.row('feedback_case', 'c1')?.noteCount).toBe(queued.length);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('a client process exits by itself after dispose(): no timer, socket or live channel left running', async () => {
    const server = await FakeSyncServer.start();
    try {
      server.upsert('feedback_case', seedCase('c1'));
      const run = runChild({ mode: 'sync', dbPath: join(dir, 'exit.db'), serverUrl: server.url, token: server.issueToken() });
      const exit = await Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
      if (!exit) run.child.kill('SIGKILL');
      expect(exit, 'child still running 8 s after start: something keeps the event loop alive').not.toBeNull();
      expect(exit!.code).toBe(0);
      expect(run.lines).toContain('disposed');
      expect(server.openLiveConnections()).toBe(0);
      console.log(`[measure] child client start → online → dispose → exit: ${exit!.ms} ms`);
    } finally {
      await server.stop();
    }
  }, 30_000);
});
