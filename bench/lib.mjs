// Shared helpers for the benchmarks: percentiles, the built host as a child process, Chromium, results.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = new URL('..', import.meta.url).pathname;
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--autoplay-policy=no-user-gesture-required'];

export function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export const round = (n, d = 1) => (n == null ? null : Math.round(n * 10 ** d) / 10 ** d);
export const stats = (values) => ({ p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), min: round(Math.min(...values)), max: round(Math.max(...values)), mean: values.length ? round(values.reduce((a, x) => a + x, 0) / values.length) : null, n: values.length });

export async function startHost({ displays = 2, extraArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioc-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'out/main/host.js'), '--port', '0', '--json', '--displays', String(displays), '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => {
      try {
        const m = JSON.parse(l);
        if (m.ready) ok(m);
      } catch {}
    });
    child.once('exit', (c) => fail(new Error(`host exited ${c}`)));
  });
  return {
    ...ready,
    startMs: performance.now() - t0,
    child,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function writeResult(name, data) {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const out = { bench: name, at: new Date().toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), node: process.version }, ...data };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return out;
}

/**
 * CPU clocks of a Chromium launched by this process (Linux /proc, ns resolution via schedstat):
 * `main()` — the CPU time of the busiest renderer's main thread (the page's; its tid is the process
 * id), `gpu()` — the GPU process, all threads (where SwiftShader rasterizes). A thread that is
 * blocked waiting (e.g. for a software-GL readback) or descheduled does not advance its clock, so
 * this separates work the page's main thread does from time it spends waiting on other processes.
 */
export async function chromiumCpuClocks(page) {
  const { execFileSync } = await import('node:child_process');
  const { readFileSync, readdirSync } = await import('node:fs');
  const procs = (type) =>
    execFileSync('ps', ['-eo', 'pid=,args='])
      .toString()
      .split('\n')
      .filter((l) => /chrom/.test(l) && l.includes(`--type=${type}`))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  const threadMs = (pid, tid) => Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const processMs = (pid) => readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => { try { return sum + threadMs(pid, tid); } catch { return sum; } }, 0);
  // The page's renderer: the one whose main thread runs a 300 ms busy loop in the page (the most
  // CPU so far is not enough: a spare renderer or another page's can lead).
  const pids = procs('renderer');
  const before = new Map(pids.map((pid) => [pid, threadMs(pid, pid)]));
  await page.evaluate(() => { const end = performance.now() + 300; while (performance.now() < end); });
  const renderer = pids.map((pid) => ({ pid, ms: threadMs(pid, pid) - before.get(pid) })).sort((a, b) => b.ms - a.ms)[0];
  const gpu = procs('gpu-process')[0];
  if (!renderer || renderer.ms < 100) throw new Error(`no Chromium renderer ran the page's busy loop (${JSON.stringify(renderer)})`);
  return { renderer: renderer.pid, gpuPid: gpu, main: () => threadMs(renderer.pid, renderer.pid), gpu: () => (gpu ? processMs(gpu) : 0) };
}
