/**
 * `node out/server/bench-sync.js [--rows 100000] [--database-url …]`: measures what the sync design
 * promises on this machine and prints one JSON line:
 *  - initial pull of N change-log rows over HTTP (pages of 5000, rows parsed like a client does)
 *  - push throughput (mutations/s, batches of MAX_PUSH_BATCH case notes on 300 cases, as the desktop sends)
 *  - live notification latency (push → SSE event), median of 20
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../app';
import { withWriteTx } from '../sync/writer';
import { ChangeFeed } from '../sync/change-feed';
import { DEFAULT_DEMO_PASSWORD } from '../seed/demo-seed';
import { MAX_PUSH_BATCH } from '../../shared/sync/protocol';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, 'database-url': { type: 'string' } } });
const rows = Number(values.rows);
const dataDir = mkdtempSync(join(tmpdir(), 'ioc-bench-'));
const server = await startServer({ databaseUrl: values['database-url'] ?? process.env.DATABASE_URL, dataDir, port: 0 });
const json = (r: Response) => r.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const h = { 'content-type': 'application/json', 'x-ioc-protocol': '1' };
try {
  const { token } = await json(await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: h, body: JSON.stringify({ username: 'operator', password: process.env.IOC_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD }) }));
  const auth = { ...h, authorization: `Bearer ${token}` };

  // Fill the log up to `rows` with realistic dossier events (the biggest synced table).
  const ctx = { db: server.db, feed: new ChangeFeed() };
  const have = (await json(await fetch(`${server.url}/api/v1/health`))).seq as number;
  const t0 = Date.now();
  for (let n = have; n < rows; ) {
    const batch = Array.from({ length: Math.min(5000, rows - n) }, (_, i) => ({ id: `bench-${n + i}`, dossierId: `HS-B${n + i}`, procedure: 'Đăng ký khai sinh', agencyId: 'ag-ubnd-20900', unitId: 'vn-2025:20900', kind: 'received', online: true, at: new Date().toISOString(), dueAt: new Date(Date.now() + 86_400_000).toISOString() }));
    await withWriteTx(ctx, (w) => w.upsert('dossier_event', batch));
    n += batch.length;
  }
  const fillMs = Date.now() - t0;

  const p0 = performance.now();
  let cursor = 0;
  let pulled = 0;
  for (let more = true; more; ) {
    const page = await json(await fetch(`${server.url}/api/v1/sync/pull?since=${cursor}&limit=5000`, { headers: auth }));
    pulled += page.changes.length;
    cursor = page.cursor;
    more = page.hasMore;
  }
  const pullMs = Math.round(performance.now() - p0);

  const clientId = randomUUID();
  let clientSeq = 0;
  const batches = 6;
  const q0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const mutations = Array.from({ length: MAX_PUSH_BATCH }, (_, i) => ({ id: randomUUID(), clientSeq: ++clientSeq, name: 'case.addNote', args: { caseId: `fc-${String(1 + (i % 300)).padStart(6, '0')}`, text: 'bench' }, createdAt: new Date().toISOString() }));
    const r = await json(await fetch(`${server.url}/api/v1/sync/push`, { method: 'POST', headers: auth, body: JSON.stringify({ protocol: 1, clientId, mutations }) }));
    if (r.results.some((x: { status: string }) => x.status !== 'applied')) throw new Error('bench push not applied');
  }
  const pushPerSec = Math.round((batches * MAX_PUSH_BATCH) / ((performance.now() - q0) / 1000));

  // Live latency: time from sending a push to the SSE event carrying its seq.
  const res = await fetch(`${server.url}/api/v1/sync/live`, { headers: auth });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const latencies: number[] = [];
  let buf = '';
  const nextEvent = async (minSeq: number) => {
    for (;;) {
      const m = /data: \{"seq":(\d+)\}/.exec(buf);
      if (m && Number(m[1]) >= minSeq) return void (buf = buf.slice(m.index + m[0].length));
      if (m) buf = buf.slice(m.index + m[0].length);
      else {
        const { value } = await reader.read();
        buf += decoder.decode(value, { stream: true });
      }
    }
  };
  await nextEvent(0);
  for (let i = 0; i < 20; i++) {
    const s0 = performance.now();
    const r = await json(await fetch(`${server.url}/api/v1/sync/push`, { method: 'POST', headers: auth, body: JSON.stringify({ protocol: 1, clientId, mutations: [{ id: randomUUID(), clientSeq: ++clientSeq, name: 'case.addNote', args: { caseId: 'fc-000002', text: 'live' }, createdAt: new Date().toISOString() }] }) }));
    await nextEvent(r.results[0].seq);
    latencies.push(performance.now() - s0);
  }
  await reader.cancel();
  latencies.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ database: server.db.kind, rows: pulled, fillMs, initialPullMs: pullMs, pushMutationsPerSec: pushPerSec, liveLatencyMs: { median: Math.round(latencies[10]), max: Math.round(latencies[19]) } })}\n`);
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
