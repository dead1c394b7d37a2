import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IocError } from '../../../shared/contracts/rpc';
import type { RoutingRule } from '../../../shared/contracts/feedback.contract';
import { openCacheDb, type CacheDb } from '../../db/open';
import { FeedbackService } from './feedback.service';

/**
 * Routing rules edited from the desk against a real central server (server/test/harness.ts: Fastify
 * + PGlite, seeded demo users) through FeedbackService, the same calls app.ts wires to
 * feedback:routingRules / feedback:saveRoutingRules. main/ never imports server/ code statically (lint
 * boundary); the test loads the harness by path, as a separate server would be.
 */
type Harness = { server: { url: string }; login(u: string): Promise<string>; api(m: string, p: string, o?: { token?: string }): Promise<{ status: number; body: { rules: RoutingRule[] } }>; close(): Promise<void> };
const HARNESS = resolve(__dirname, '../../../server/test/harness.ts');

let h: Harness;
let dir: string;
let db: CacheDb;
let token: string | null = null;
let svc: FeedbackService;

beforeAll(async () => {
  const mod = (await import(/* @vite-ignore */ HARNESS)) as { startHarness: () => Promise<Harness> };
  h = await mod.startHarness();
  dir = mkdtempSync(join(tmpdir(), 'ioc-fb-routing-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  svc = new FeedbackService({ db: () => db.sqlite, enqueue: () => 'x', serverAuth: () => (token ? { url: h.server.url, token } : null) });
}, 60_000);

afterAll(async () => {
  svc?.dispose();
  db?.close();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof IocError ? `${e.code}: ${e.message}` : `other: ${(e as Error).message}`;
  }
};

describe('routing rules from the desk', () => {
  it('offline (no session): a clear unavailable error', async () => {
    token = null;
    expect(await code(svc.routingRules())).toMatch(/^unavailable: Not connected/);
  });

  it('an admin reads the rules, edits them, saves; the server keeps the edit', async () => {
    token = await h.login('admin');
    const before = (await svc.routingRules()).rules;
    expect(before.length).toBeGreaterThan(3);
    const lighting = before.find((r) => r.unitId === null)!;
    const edited: RoutingRule[] = [
      ...before.filter((r) => r.id !== lighting.id),
      { ...lighting, autoAssign: !lighting.autoAssign },
      { id: 'rr-desk-test', category: lighting.category, unitId: before.find((r) => r.unitId !== null)!.unitId, agencyId: lighting.agencyId, autoAssign: true },
    ];
    const saved = await svc.saveRoutingRules(edited);
    expect(saved.rules).toHaveLength(before.length + 1);
    expect(saved.rules.find((r) => r.id === lighting.id)!.autoAssign).toBe(!lighting.autoAssign);
    // the server's own view (not the desk's echo)
    const server = await h.api('GET', '/api/v1/admin/routing-rules', { token });
    expect(server.body.rules.find((r) => r.id === 'rr-desk-test')).toMatchObject({ autoAssign: true, category: lighting.category });
    // delete: the rule is gone on the server
    await svc.saveRoutingRules(saved.rules.filter((r) => r.id !== 'rr-desk-test'));
    expect((await h.api('GET', '/api/v1/admin/routing-rules', { token })).body.rules.some((r) => r.id === 'rr-desk-test')).toBe(false);
  });

  it("the server's validation comes back as invalid_input naming the rule, and nothing is saved", async () => {
    token = await h.login('admin');
    const rules = (await svc.routingRules()).rules;
    const bad = rules.map((r, i) => (i === 2 ? { ...r, agencyId: 'ag-does-not-exist' } : r));
    const err = await svc.saveRoutingRules(bad).catch((e: IocError) => e);
    expect(err).toBeInstanceOf(IocError);
    expect((err as IocError).code).toBe('invalid_input');
    expect((err as IocError).message).toMatch(/rules\.2\.agencyId: .*ag-does-not-exist/);
    expect((err as IocError).issues?.[0].path).toBe('rules.2.agencyId');
    expect((await svc.routingRules()).rules).toEqual(rules);
  });

  it('an operator is refused with forbidden (read and save)', async () => {
    token = await h.login('operator');
    expect(await code(svc.routingRules())).toMatch(/^forbidden: /);
    expect(await code(svc.saveRoutingRules([]))).toMatch(/^forbidden: /);
    token = await h.login('admin');
    expect((await svc.routingRules()).rules.length).toBeGreaterThan(3); // the refused save changed nothing
  });
});
