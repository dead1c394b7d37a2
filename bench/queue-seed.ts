/**
 * `node --import tsx bench/queue-seed.ts --cases 100000 --data-dir <dir>`: prepares a central server
 * database for bench/queue.bench.mjs. Starts the real server once (migrations + demo district), then
 * adds realistic citizen-feedback cases through the one write path (`withWriteTx`), each row shaped
 * like the server's own backfill does it (workflow state + SLA fields from server/feedback), so the
 * server does not rewrite them at its next start. Prints one JSON line `{cases, changeLogRows, fillMs}`.
 */
import { count } from 'drizzle-orm';
import { parseArgs } from 'node:util';
import { FEEDBACK_CATEGORIES } from '../shared/feedback/categories';
import { startServer } from '../server/app';
import { changeLog } from '../server/db/schema';
import { fromPakn, toPakn } from '../server/feedback/case-model';
import { ChangeFeed } from '../server/sync/change-feed';
import { withWriteTx } from '../server/sync/writer';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, 'data-dir': { type: 'string' } } });
const target = Number(values.cases);
if (!Number.isInteger(target) || target < 0) throw new Error('--cases: expected a non-negative integer');

const UNITS = [
  { id: 'vn-2025:20900', name: 'Trà My', lon: 108.23, lat: 15.34 },
  { id: 'vn-2025:20908', name: 'Trà Liên', lon: 108.14, lat: 15.2 },
  { id: 'vn-2025:20929', name: 'Trà Giáp', lon: 108.08, lat: 15.28 },
  { id: 'vn-2025:20923', name: 'Trà Tân', lon: 108.28, lat: 15.26 },
  { id: 'vn-2025:20920', name: 'Trà Đốc', lon: 108.3, lat: 15.2 },
];
const AGENCIES = ['ag-bqlda', 'ag-tnmt', 'ag-ttyt', 'ag-cong-an', 'ag-ubnd-20900', 'ag-ubnd-20908', 'ag-ubnd-20920', 'ag-ubnd-20923', 'ag-ubnd-20929'];
const TEXTS: Record<string, string[]> = {
  road_damage: ['Mặt đường hư hỏng, nhiều ổ gà', 'Đường bê tông nứt vỡ sau mưa lũ', 'Cống qua đường bị sụt'],
  landslide: ['Sạt lở taluy dương lấp nửa mặt đường', 'Đất đá sạt lở gần nhà dân', 'Vết nứt sườn đồi sau mưa lớn'],
  street_lighting: ['Đèn đường không sáng', 'Cột đèn chiếu sáng bị nghiêng', 'Đèn đường sáng cả ban ngày'],
  waste_environment: ['Rác thải tồn đọng ven suối', 'Đốt rác gây khói ô nhiễm', 'Nước thải chăn nuôi chảy ra đường'],
  water_supply: ['Nước sinh hoạt bị đục', 'Mất nước sinh hoạt nhiều ngày', 'Đường ống nước bị vỡ'],
  public_order: ['Tụ tập gây mất trật tự ban đêm', 'Xe chở gỗ quá tải', 'Lấn chiếm lòng đường'],
};
const CATS = FEEDBACK_CATEGORIES.map((c) => c.code).filter((c) => c in TEXTS);
const STATUS_WEIGHTS: Array<[string, number]> = [
  ['received', 10], ['triage', 6], ['assigned', 14], ['in_progress', 14], ['scheduled', 4], ['internal_referral', 2],
  ['resolved', 20], ['published', 22], ['not_responsible', 3], ['duplicate', 3], ['rejected', 2],
];
const WSUM = STATUS_WEIGHTS.reduce((s, [, w]) => s + w, 0);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const server = await startServer({ dataDir: values['data-dir'], host: '127.0.0.1', port: 0 });
try {
  const rowsNow = async () => Number((await server.db.orm.select({ n: count() }).from(changeLog))[0].n);
  const ctx = { db: server.db, feed: new ChangeFeed() };
  const r = rng(2026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const now = Date.now();
  const t0 = Date.now();
  for (let done = 0; done < target; ) {
    const n = Math.min(2000, target - done);
    const batch = Array.from({ length: n }, (_, i) => {
      const k = done + i;
      let x = r() * WSUM;
      const status = STATUS_WEIGHTS.find(([, w]) => (x -= w) < 0)?.[0] ?? 'received';
      const unit = pick(UNITS);
      const category = pick(CATS);
      const title = pick(TEXTS[category]);
      const received = now - 10 * 60_000 - Math.floor(r() ** 2 * 120 * 86_400_000);
      const closed = ['resolved', 'published', 'not_responsible', 'duplicate', 'rejected'].includes(status);
      const row = {
        id: `bq-${String(k).padStart(6, '0')}`,
        title,
        description: `${title}. Người dân thôn ${1 + (k % 12)}, xã ${unit.name} phản ánh tình trạng kéo dài, đề nghị cơ quan chức năng kiểm tra xử lý.`,
        category,
        status,
        level: r() < 0.12 ? 'urgent' : r() < 0.1 ? 'complex' : 'normal',
        unitId: unit.id,
        location: [unit.lon + (r() - 0.5) * 0.08, unit.lat + (r() - 0.5) * 0.08],
        address: `Thôn ${1 + (k % 12)}, xã ${unit.name}`,
        agencyId: status === 'received' || status === 'triage' ? null : pick(AGENCIES),
        receivedAt: new Date(received).toISOString(),
        updatedAt: new Date(received + 3_600_000).toISOString(),
        noteCount: 0,
        acceptedAt: status === 'received' ? null : new Date(received + 1_800_000).toISOString(),
        resolvedAt: closed ? new Date(received + 86_400_000).toISOString() : null,
        publishedAt: status === 'published' ? new Date(received + 90_000_000).toISOString() : null,
        answer: status === 'resolved' || status === 'published' ? 'Đã kiểm tra và khắc phục.' : null,
        closeReason: ['not_responsible', 'rejected'].includes(status) ? 'Không thuộc phạm vi giải quyết của huyện' : null,
        duplicateOf: status === 'duplicate' ? 'bq-000000' : null,
      };
      return { ...row, ...fromPakn(toPakn(row), server.feedback.sla, now) };
    });
    await withWriteTx(ctx, (w) => w.upsert('feedback_case', batch));
    done += n;
  }
  process.stdout.write(`${JSON.stringify({ cases: target, changeLogRows: await rowsNow(), fillMs: Date.now() - t0 })}\n`);
} finally {
  await server.close();
}
