import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SETPRIV = '/usr/bin/setpriv';

/**
 * Keeps one file per running ffmpeg in `<dataDir>/ffmpeg-pids/<pid>` so that a host that died
 * without cleaning up (SIGKILL, crash, power loss of the UI) can kill what it left behind on the
 * next start. On Linux each ffmpeg is also started through `setpriv --pdeathsig KILL` (exec, same pid),
 * so the kernel kills it when this process dies, even while it is blocked on a dead camera.
 */
export class FfmpegProcesses {
  private readonly dir: string;
  private readonly pdeathsig: boolean;

  constructor(private readonly opts: { dataDir: string; ffmpegPath: string; parentDeathSignal?: boolean }) {
    this.dir = join(opts.dataDir, 'ffmpeg-pids');
    this.pdeathsig = (opts.parentDeathSignal ?? true) && process.platform === 'linux' && existsSync(SETPRIV);
  }

  spawn(args: string[], meta: Record<string, unknown>): ChildProcess {
    const [cmd, argv] = this.pdeathsig ? [SETPRIV, ['--pdeathsig', 'KILL', '--', this.opts.ffmpegPath, ...args]] : [this.opts.ffmpegPath, args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    if (child.pid) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, String(child.pid)), JSON.stringify({ ...meta, startedAt: new Date().toISOString() }), { mode: 0o600 });
      const pid = child.pid;
      child.once('exit', () => rmSync(join(this.dir, String(pid)), { force: true }));
    }
    return child;
  }

  /** True when `pid` is alive and runs our ffmpeg binary (a reused pid of another program is left alone). */
  isOurs(pid: number): boolean {
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      return argv0 === this.opts.ffmpegPath;
    } catch {
      return false;
    }
  }

  /** Kill every leftover ffmpeg recorded in the pid folder; returns how many were killed. */
  reap(): number {
    if (!existsSync(this.dir)) return 0;
    let killed = 0;
    for (const name of readdirSync(this.dir)) {
      const pid = Number(name);
      if (Number.isInteger(pid) && pid > 1 && this.isOurs(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
          killed++;
        } catch {
          /* already gone */
        }
      }
      rmSync(join(this.dir, name), { force: true });
    }
    return killed;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`: an ffmpeg blocked on RTSP may ignore SIGTERM. Resolves on exit. */
export function killChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
