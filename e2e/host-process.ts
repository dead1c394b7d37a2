import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface HostProcess {
  origin: string;
  token: string;
  urls: { display: string; url: string }[];
  urlFor(display: string): string;
  dataDir: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the host's ready line. */
  startMs: number;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Start the built headless host (`out/main/host.js`) as its own process on a random port with a
 * fresh data dir, and wait for its ready line. Every spec gets an isolated host.
 */
/** `args`: more host CLI flags (e.g. `--no-simulate`: the embedded demo district holds still). */
export async function startHostProcess(opts: { displays?: number; dataDir?: string; env?: Record<string, string>; args?: string[] } = {}): Promise<HostProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ioc-host-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'out/main/host.js'), '--port', '0', '--json', '--displays', String(opts.displays ?? 2), '--data-dir', dataDir, '--log-level', 'warn', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const ready = await new Promise<{ origin: string; token: string; urls: { display: string; url: string }[] }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`host did not start in 30 s\n${stderr}`)), 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.ready) {
          clearTimeout(timer);
          ok(msg);
        }
      } catch {
        /* not our line */
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`host exited with ${code}\n${stderr}`));
    });
  });
  const startMs = performance.now() - t0;
  return {
    ...ready,
    dataDir,
    child,
    startMs,
    urlFor: (display) => ready.urls.find((u) => u.display === display)?.url ?? `${ready.origin}/?display=${display}#token=${ready.token}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
