import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optimisticPatch, type CommandName } from '../../../shared/sync/commands';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb, type CacheDb } from '../../db/open';
import { availableActions, FeedbackService } from './feedback.service';

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let svc: FeedbackService;
let server: Server;
let serverUrl = '';
let online = false;
const uploads: string[] = [];
const retried: string[] = [];

function enqueue(name: CommandName, args: Record<string, unknown>): string {
  const createdAt = new Date().toISOString();
  return repo.addMutation({ mutationId: randomUUID(), name, args, createdAt, actor: 'op', patches: optimisticPatch(name, args, 'op', createdAt) }).mutationId;
}

const fc = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: 'Mặt đường hư hỏng',
  description: 'Ổ gà',
  category: 'road_damage',
  status: 'in_progress',
  level: 'normal',
  unitId: null,
  location: [108.2, 15.3],
  address: null,
  agencyId: 'ag-1',
  receivedAt: '2026-03-02T08:00:00+07:00',
  updatedAt: '2026-03-02T08:00:00+07:00',
  noteCount: 0,
  ...extra,
});

function png(): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, Buffer.from('fake-but-sniffable'), deflateSync(Buffer.from(randomUUID()))]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-fb-actions-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  const rows = [fc('c-work'), fc('c-near', { status: 'received', agencyId: null, location: [108.2001, 15.3001] }), fc('c-done', { status: 'resolved' }), fc('c-paused', { paused: true })];
  repo.applyPage(
    rows.map((data, i) => ({ seq: i + 1, entity: 'feedback_case' as const, id: data.id, op: 'upsert' as const, data })),
    rows.length,
    new Date().toISOString(),
  );
  // A real HTTP endpoint standing in for the central server's POST /api/v1/media.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const { createHash } = await import('node:crypto');
      const body = Buffer.concat(chunks);
      if (req.url === '/api/v1/media' && req.headers.authorization === 'Bearer t0k') {
        const ref = `${createHash('sha256').update(body).digest('hex')}.png`;
        uploads.push(ref);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ref }));
      } else res.writeHead(401).end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  svc = new FeedbackService({
    db: () => db.sqlite,
    enqueue,
    mediaDir: join(dir, 'media'),
    serverAuth: () => (online ? { url: serverUrl, token: 't0k' } : null),
    retryRejected: (id) => retried.push(id),
  });
});

afterAll(async () => {
  svc?.dispose();
  db?.close();
  await new Promise((ok) => server?.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback actions through the outbox', () => {
  it('offers what the workflow allows (pause xor resume by the paused flag)', () => {
    expect(availableActions('in_progress', false)).toEqual(expect.arrayContaining(['case.resolve', 'case.pause', 'case.schedule', 'case.refer', 'case.setLevel']));
    expect(availableActions('in_progress', false)).not.toContain('case.resume');
    expect(availableActions('in_progress', true)).toContain('case.resume');
    expect(availableActions('resolved', false)).toEqual(expect.arrayContaining(['case.publish', 'case.reopen']));
    expect(availableActions('resolved', false)).not.toContain('case.resolve');
    expect(availableActions('rejected', false)).toEqual([]);
    expect(svc.get('c-work').actions).toContain('case.resolve');
    expect(svc.get('c-work').needsFixPhoto).toBe(true); // road_damage
  });

  it('refuses what the workflow refuses, with a clear error, and queues nothing', () => {
    const before = repo.outboxCount();
    expect(() => svc.act('case.publish', { caseId: 'c-work' })).toThrow(/not allowed/);
    expect(() => svc.act('case.resume', { caseId: 'c-work' })).toThrow(/not paused/);
    expect(() => svc.act('case.pause', { caseId: 'c-paused', reason: 'chờ' })).toThrow(/paused/);
    expect(() => svc.act('case.pause', { caseId: 'c-work', reason: '  ' })).toThrow(/reason/);
    expect(() => svc.act('case.resolve', { caseId: 'c-work', answer: 'Đã vá' })).toThrow(/"after" photo/);
    expect(() => svc.act('case.resolve', { caseId: 'c-work', answer: 'Đã vá', photos: ['not-a-ref'] })).toThrow(/media reference/);
    expect(() => svc.act('case.merge', { caseId: 'c-near', into: 'c-near' })).toThrow(/itself/);
    expect(() => svc.act('case.merge', { caseId: 'c-near', into: 'nope' })).toThrow(/No feedback case/);
    expect(() => svc.act('case.nope', { caseId: 'c-work' })).toThrow(/Unknown case command/);
    expect(repo.outboxCount()).toBe(before);
  });

  it('queues allowed actions and shows them pending on the case (level, pause, merge)', () => {
    svc.act('case.setLevel', { caseId: 'c-work', level: 'urgent' });
    svc.act('case.pause', { caseId: 'c-work', reason: 'Chờ người dân bổ sung ảnh' });
    const d = svc.get('c-work');
    expect(d.row.pending).toBe(true);
    expect(d.row.case.level).toBe('urgent');
    expect(d.paused).toBe(true);
    expect(d.actions).toContain('case.resume');
    expect(d.pendingActions.map((a) => a.name)).toEqual(['case.setLevel', 'case.pause']);
    // open cases of the category within 50 m (the resolved one is not offered)
    expect(svc.get('c-near').duplicates.map((x) => x.case.id).sort()).toEqual(['c-paused', 'c-work']);
    svc.act('case.merge', { caseId: 'c-near', into: 'c-work' });
    expect(svc.get('c-near').row.case.status).toBe('duplicate');
  });

  it('an answer photo is kept offline, uploaded when the server is back, and a photo_not_uploaded rejection is retried', async () => {
    online = false;
    const data = png();
    const { ref, uploaded } = await svc.attachPhoto('image/png', data.toString('base64'));
    expect(uploaded).toBe(false);
    expect(ref).toMatch(/^[0-9a-f]{64}\.png$/);
    expect(existsSync(join(dir, 'media', ref))).toBe(true);
    // the photo shows from the local copy while offline
    expect((await svc.photo(ref)).dataUrl).toBe(`data:image/png;base64,${data.toString('base64')}`);
    // a JPEG claim with PNG bytes is refused
    await expect(svc.attachPhoto('image/jpeg', data.toString('base64'))).rejects.toThrow(/JPEG or PNG/);

    const res = svc.act('case.resolve', { caseId: 'c-work', answer: 'Đã vá ổ gà, ảnh sau khi khắc phục kèm theo.', photos: [ref] });
    // the server refused it because the photo was not there yet
    repo.markRejected(res.mutationId, 'photo_not_uploaded', 'Upload the photo first', new Date().toISOString());
    expect(svc.get('c-work').rejectedActions.map((r) => [r.name, r.code])).toEqual([['case.resolve', 'photo_not_uploaded']]);

    online = true;
    svc.media!.kick();
    await expect.poll(() => uploads, { timeout: 10_000 }).toContain(ref);
    await expect.poll(() => retried, { timeout: 5_000 }).toContain(res.mutationId);
    expect(svc.media!.isUploaded(ref)).toBe(true);
  });
});
