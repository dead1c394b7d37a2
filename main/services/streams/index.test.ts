import { chmodSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../../shared/domain/entities';
import type { StreamHealth } from '../../../shared/video/streams';
import { createStreamsService, ensureExecutable } from './index';
import { StreamHub } from './stream-hub';
import { FFMPEG, ffmpegPids, SinkViewer, sleep } from './testing/helpers';

const dir = mkdtempSync(join(tmpdir(), 'ioc-streams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streams service', () => {
  it('makes a non-executable ffmpeg executable (npm 11 may skip the chmod), or fails clearly', () => {
    const copy = join(dir, 'ffmpeg-copy');
    copyFileSync('/bin/true', copy);
    chmodSync(copy, 0o644);
    ensureExecutable(copy);
    expect(statSync(copy).mode & 0o111).not.toBe(0);
    expect(() => ensureExecutable(join(dir, 'missing'))).toThrow(/ffmpeg not found/);
  });

  it('reports idle before any viewer and starts/stops cleanly', async () => {
    const cameras: Camera[] = [{ id: 'c1', name: 'Ngã ba Trà My', group: 'traffic', unitId: null, location: [108.2, 15.3], enabled: true, sources: { sub: { type: 'synthetic', url: 'synthetic://c1?size=320x180' } } }];
    const svc = createStreamsService({ dataDir: join(dir, 'svc'), log: () => {}, cameras: () => cameras, allowedOrigins: [] });
    expect(svc.healthReport().state).toBe('down');
    await svc.start();
    expect(svc.healthReport()).toEqual({ state: 'idle', detail: 'no stream watched' });
    expect(svc.endpoint().token.length).toBeGreaterThan(20);
    await svc.dispose();
    expect(ffmpegPids(process.pid)).toEqual([]);
  });

  it('publishes health at most once per second', async () => {
    const hub = new StreamHub({ ffmpegPath: FFMPEG, dataDir: join(dir, 'h'), log: () => {}, resolve: () => ({ name: 'x', source: { type: 'synthetic', url: 'synthetic://x?size=320x180' } }) });
    const at: number[] = [];
    const seen: StreamHealth[][] = [];
    hub.onHealth((all) => (at.push(Date.now()), seen.push(all)));
    hub.subscribe('x', 'sub', new SinkViewer());
    await sleep(4200);
    expect(at.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(950);
    expect(seen.at(-1)![0]).toMatchObject({ cameraId: 'x', state: 'live', viewers: 1 });
    expect(seen.at(-1)![0].fps).toBeGreaterThan(10);
    await hub.dispose();
  }, 15_000);
});
