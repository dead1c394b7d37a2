import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackQueryInput } from '../../../shared/contracts/feedback.contract';
import { CacheRepo } from '../../db/cache.repo';
import { type CacheDb, openCacheDb } from '../../db/open';
import { SyncEngine } from '../sync/sync-engine';
import { FakeSyncServer } from '../sync/test-server';
import { FeedbackService } from './feedback.service';
import { hasDirty } from './queue-index';
import { HANDLE_STATUSES } from './sla-index';

/**
 * The feedback queue index after a multi-page initial pull (and after mass and single updates), on
 * real SQLite through the real sync engine: every queue row (status, level, received, unit, agency,
 * category, location, SLA columns) equals what the server's row says, search finds what it should,
 * the queue's indexes are all there, and the background fold waits for the pull's last page
 * (folding after each page re-touched the whole queue every time: bench:queue).
 */
const CASES = 12_000;
const PAGE = 1000;
const STATUSES = ['received', 'triage', 'assigned', 'in_progress', 'scheduled', 'resolved', 'published', 'rejected'];
const LEVELS = ['urgent', 'normal', 'complex'];
const UNITS = ['vn-2025:20900', 'vn-2025:20908', 'vn-2025:20929', null];
const AGENCIES = ['ag-tnmt', 'ag-ttyt', 'ag-cong-an', null];
const CATS = ['road_damage', 'landslide', 'street_lighting'];
const T0 = Date.parse('2026-09-01T00:00:00Z');
/** A word per update round in the title ("lần đầu", "lần hai", …), to search for. */
const ROUND_WORD = ['lần đầu', 'lần hai', 'lần ba'];
const iso = (ms: number) => new Date(ms).toISOString();

const cid = (i: number) => `pq-${String(i).padStart(5, '0')}`;
function makeCase(i: number, round = 0): Record<string, unknown> & { id: string } {
  const k = i * 7 + round * 3;
  const status = STATUSES[k % STATUSES.length];
  const received = T0 + i * 61_000 + round * 1000;
  const srv = i % 3 !== 0; // a third without server SLA state (rows from an older server)
  const paused = srv && i % 11 === 0;
  const due = !srv || paused || ['resolved', 'published', 'rejected'].includes(status) ? null : received + (2 + (k % 5)) * 86_400_000 + 123;
  return {
    id: cid(i),
    title: `${i % 5 === 0 ? 'Sạt lở taluy' : 'Đèn đường không sáng'} ${ROUND_WORD[round]}`,
    description: i % 4 === 0 ? 'Đường vào thôn Đắc bị hư hỏng nặng' : 'Người dân phản ánh',
    category: CATS[i % CATS.length],
    status,
    level: LEVELS[k % LEVELS.length],
    unitId: UNITS[i % UNITS.length],
    location: i % 6 === 0 ? null : [108.1 + (i % 100) / 1000, 15.2 + (i % 37) / 1000],
    address: null,
    agencyId: AGENCIES[k % AGENCIES.length],
    receivedAt: i % 2 ? iso(received) : new Date(received + 7 * 3_600_000).toISOString().replace('Z', '+07:00'),
    updatedAt: iso(received + 3_600_000),
    noteCount: 0,
    ...(srv ? { slaPhase: due === null ? (paused ? 'handle' : 'done') : 'handle', dueAt: due === null ? null : iso(due), paused, pauseReason: paused ? 'Chờ thời tiết' : null } : {}),
  };
}

/** What the queue row must hold for a server row (the migration 3/4/6 column meanings). */
function expected(d: Record<string, unknown>) {
  const loc = d.location as [number, number] | null;
  const srv = typeof d.slaPhase === 'string';
  const status = d.status as string;
  return {
    id: d.id,
    status,
    level: d.level,
    received: Date.parse(d.receivedAt as string),
    unit_id: d.unitId,
    agency_id: d.agencyId,
    category: d.category,
    lon: loc ? loc[0] : null,
    lat: loc ? loc[1] : null,
    sla_src: srv ? 'srv' : status === 'received' ? 'accept' : (HANDLE_STATUSES as readonly string[]).includes(status) ? 'handle' : 'done',
    sla_due: srv && typeof d.dueAt === 'string' ? Date.parse(d.dueAt) : null,
    sla_paused: d.paused === true ? 1 : 0,
  };
}

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let server: FakeSyncServer;
let engine: SyncEngine;
let svc: FeedbackService;
let indexesBefore: string[];

const queueIndexes = () => (db.sqlite.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'feedback_queue' ORDER BY name`).pluck().all() as string[]);
const queueCount = () => db.sqlite.prepare('SELECT count(*) FROM feedback_queue').pluck().get() as number;
const serverCases = () => [...server.rows.entries()].filter(([k]) => k.startsWith('feedback_case\u0000')).map(([, v]) => v);
const q = (input: Parameters<typeof FeedbackQueryInput.parse>[0]) => svc.query(FeedbackQueryInput.parse(input));

async function waitFor(fn: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Caught up with the server and the background fold done (no read has folded anything). */
async function settled(): Promise<void> {
  await waitFor(() => repo.cursor() === server.log.length && !engine.catchingUp(), 60_000, 'the pull');
  await waitFor(() => !hasDirty(db.sqlite), 60_000, 'the background fold');
}

/** Every queue row equals the server's row, and nothing else is in the queue. */
function expectQueueMatchesServer(): void {
  const rows = db.sqlite
    .prepare('SELECT id, status, level, received, unit_id, agency_id, category, lon, lat, sla_src, sla_due, sla_paused FROM feedback_queue ORDER BY id')
    .all() as Array<Record<string, unknown>>;
  const want = serverCases()
    .map(expected)
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  expect(rows.length).toBe(want.length);
  const bad = rows.filter((r, i) => JSON.stringify(r) !== JSON.stringify(want[i]));
  expect(bad.slice(0, 3).map((r) => ({ got: r, want: want.find((w) => w.id === r.id) }))).toEqual([]);
  expect(queueIndexes()).toEqual(indexesBefore);
  expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-fb-pull-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  indexesBefore = queueIndexes();
  server = await FakeSyncServer.start();
  for (let i = 0; i < CASES; i++) server.upsert('feedback_case', makeCase(i));
  const token = server.issueToken();
  engine = new SyncEngine({ repo, serverUrl: server.url, getToken: () => token, options: { pullLimit: PAGE, dataDebounceMs: 10, statusDebounceMs: 10, pullIntervalMs: 60_000, backoffBaseMs: 20, backoffMaxMs: 200 } });
  svc = new FeedbackService({
    db: () => db.sqlite,
    enqueue: () => 'x',
    now: () => new Date(T0 + 30 * 86_400_000),
    onCacheChanged: (fn) => engine.onData((entities) => fn([...entities])),
    syncCatchingUp: () => engine.catchingUp(),
    // Bulk from 8,000 dirty rows (the app: 20,000), so the mass update below goes the bulk way too.
    fold: { bulkMin: 8000 },
  });
});

afterAll(async () => {
  svc?.dispose();
  engine?.dispose();
  await server?.stop();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback queue index after a multi-page initial pull (real SQLite, real sync engine)', () => {
  it('waits for the last page, then holds every case exactly as the server has it', async () => {
    server.knobs.delayMs = 40; // pages arrive over ~1 s: data events fire between them
    engine.start();
    // Mid-pull: pages are cached and announced, but the queue is not folded page by page.
    await waitFor(() => repo.counts().feedback_case >= 3 * PAGE && engine.catchingUp(), 60_000, 'three pages mid-pull');
    expect(queueCount()).toBe(0);
    expect(hasDirty(db.sqlite)).toBe(true);
    server.knobs.delayMs = 0;
    await settled();
    expect(server.hits.get('/api/v1/sync/pull')).toBeGreaterThanOrEqual(CASES / PAGE);
    expect(queueCount()).toBe(CASES);
    expectQueueMatchesServer();
  });

  it('the desk sees the pulled cases: totals by status and level, search by id and by words without diacritics', () => {
    const all = serverCases();
    expect(q({}).total).toBe(CASES);
    for (const status of ['received', 'in_progress', 'published']) expect(q({ filters: { status: [status] } }).total).toBe(all.filter((c) => c.status === status).length);
    expect(q({ filters: { level: ['urgent'] } }).total).toBe(all.filter((c) => c.level === 'urgent').length);
    expect(q({ filters: { unitId: 'vn-2025:20908' } }).total).toBe(all.filter((c) => c.unitId === 'vn-2025:20908').length);
    for (const i of [0, 1, 4321, CASES - 1]) {
      const hit = q({ filters: { text: cid(i).slice(3) } });
      expect(hit.rows.map((r) => r.case.id)).toEqual([cid(i)]);
    }
    expect(q({ filters: { text: 'sat lo taluy' } }).total).toBe(all.filter((c) => String(c.title).startsWith('Sạt lở')).length);
    expect(q({ filters: { text: 'thon dac' } }).total).toBe(all.filter((c) => String(c.description).includes('Đắc')).length);
  });

  it('a mass update, deletes and new cases (bulk fold with rows already in the queue) leave it exact; old words are gone from search', async () => {
    for (let i = 0; i < 9000; i++) server.upsert('feedback_case', makeCase(i, 1));
    for (let i = 9000; i < 9050; i++) server.remove('feedback_case', cid(i));
    for (let i = CASES; i < CASES + 100; i++) server.upsert('feedback_case', makeCase(i, 1));
    engine.requestPull(0);
    await settled();
    expectQueueMatchesServer();
    expect(q({}).total).toBe(CASES - 50 + 100);
    // Titles of updated cases now say "lần hai"; the 2,950 left as they were still say "lần đầu".
    expect(q({ filters: { text: 'lan dau' } }).total).toBe(CASES - 9000 - 50);
    expect(q({ filters: { text: 'lan hai' } }).total).toBe(9000 + 100);
    expect(q({ filters: { text: cid(9001).slice(3) } }).total).toBe(0);
  });

  it('a single live change is folded (chunk) and shows at once', async () => {
    const c = { ...makeCase(5, 2), status: 'received', level: 'urgent', title: 'Cây đổ chắn ngang đường' };
    server.upsert('feedback_case', c);
    engine.requestPull(0);
    await settled();
    expectQueueMatchesServer();
    const hit = q({ filters: { text: 'cay do' } });
    expect(hit.rows.map((r) => [r.case.id, r.case.status, r.case.level])).toEqual([[cid(5), 'received', 'urgent']]);
  });
});
