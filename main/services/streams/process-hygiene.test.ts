import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamHub } from './stream-hub';
import { alive, FFMPEG, sleep, waitFor } from './testing/helpers';

const ROOT = resolve(import.meta.dirname, '../../..');
let dir: string;
let silent: Server;
const sockets = new Set<Socket>();
let silentUrl: string;

// A "camera" that accepts the TCP connection and never answers: ffmpeg blocks on it, writes nothing,
// so it neither gets SIGPIPE nor exits by itself — the worst case for leftovers.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-hygiene-'));
  silent = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
  silentUrl = `rtsp://127.0.0.1:${(silent.address() as { port: number }).port}/cam`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function runHost(dataDir: string, pdeathsig: boolean): Promise<{ host: ReturnType<typeof spawn>; pids: number[] }> {
  const host = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing/hub-host.ts'), dataDir, silentUrl, pdeathsig ? '1' : '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((ok) => createInterface({ input: host.stdout! }).once('line', ok));
  return { host, pids: (JSON.parse(line) as { pids: number[] }).pids };
}

describe('ffmpeg never outlives the app', () => {
  it('a SIGKILLed host takes its (blocked) ffmpeg with it', async () => {
    const { host, pids } = await runHost(join(dir, 'a'), true);
    expect(pids).toHaveLength(1);
    expect(alive(pids[0])).toBe(true);
    host.kill('SIGKILL');
    await waitFor(() => !alive(pids[0]), 3000);
  }, 30_000);

  it('without the kernel safety net, the reaper kills the leftovers on the next start', async () => {
    const dataDir = join(dir, 'b');
    const { host, pids } = await runHost(dataDir, false);
    host.kill('SIGKILL');
    await sleep(1000);
    expect(alive(pids[0])).toBe(true); // survived its parent: blocked on the silent camera
    expect(readdirSync(join(dataDir, 'ffmpeg-pids'))).toEqual([String(pids[0])]);
    const hub = new StreamHub({ ffmpegPath: FFMPEG, dataDir, log: () => {}, resolve: () => null });
    expect(hub.reap()).toBe(1);
    await waitFor(() => !alive(pids[0]), 3000);
    expect(existsSync(join(dataDir, 'ffmpeg-pids', String(pids[0])))).toBe(false);
    await hub.dispose();
  }, 30_000);

  it('the reaper leaves a reused pid of another program alone', async () => {
    const dataDir = join(dir, 'c');
    const other = spawn('sleep', ['30']);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dataDir, 'ffmpeg-pids'), { recursive: true });
    writeFileSync(join(dataDir, 'ffmpeg-pids', String(other.pid)), '{}');
    const hub = new StreamHub({ ffmpegPath: FFMPEG, dataDir, log: () => {}, resolve: () => null });
    expect(hub.reap()).toBe(0);
    expect(alive(other.pid!)).toBe(true);
    other.kill('SIGKILL');
    await hub.dispose();
  });
});
