import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../../core/dispatcher';
import type { HealthReport } from '../system/health.service';

export interface EmbeddedServerOptions {
  /** Built server entry (out/server/cli.js). */
  entry: string;
  /** Node executable (process.execPath; Electron runs it with ELECTRON_RUN_AS_NODE=1). */
  nodePath: string;
  env?: Record<string, string>;
  dataDir: string;
  port?: number;
  simulate?: boolean;
  log: Logger;
  startTimeoutMs?: number;
}

export interface EmbeddedCredentials {
  username: string;
  password: string;
}

/**
 * With no central server configured, the app runs one itself (embedded PGlite + the demo district)
 * as a child process — never inside the desktop bundle — and signs in with a local account whose
 * random password lives only in the data dir (mode 600) and reaches the server through its env.
 */
export class EmbeddedServer {
  private child: ChildProcess | null = null;
  private url: string | null = null;
  private lastError: string | null = null;
  private stopping = false;

  constructor(private readonly opts: EmbeddedServerOptions) {}

  credentials(): EmbeddedCredentials {
    const file = join(this.opts.dataDir, 'embedded-account.json');
    if (existsSync(file)) {
      try {
        const c = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedCredentials;
        if (c.username && c.password) return c;
      } catch {
        /* rewrite below */
      }
    }
    mkdirSync(this.opts.dataDir, { recursive: true });
    const c = { username: 'wall-local', password: randomBytes(24).toString('base64url') };
    writeFileSync(file, JSON.stringify(c), { mode: 0o600 });
    return c;
  }

  serverUrl(): string | null {
    return this.url;
  }

  async start(): Promise<string> {
    const creds = this.credentials();
    const args = [this.opts.entry, '--json', '--port', String(this.opts.port ?? 0), '--data-dir', join(this.opts.dataDir, 'server')];
    if (this.opts.simulate) args.push('--simulate');
    const child = spawn(this.opts.nodePath, args, {
      // stdin stays a pipe: the server exits when it closes, i.e. when this process dies in any way.
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        IOC_EXIT_WITH_PARENT: '1',
        ...process.env,
        // The embedded server always uses its own PGlite folder, whatever DATABASE_URL the shell has.
        DATABASE_URL: '',
        ...this.opts.env,
        IOC_BOOTSTRAP_USERS: JSON.stringify([{ username: creds.username, password: creds.password, role: 'operator', displayName: 'Phòng điều hành (máy cục bộ)' }]),
      },
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => {
      const line = String(d).trim();
      if (line) this.opts.log('debug', 'embedded server', { line: line.slice(0, 500) });
    });
    this.url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('embedded server did not start in time')), this.opts.startTimeoutMs ?? 180_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const msg = JSON.parse(line) as { ready?: boolean; url?: string };
          if (msg.ready && msg.url) {
            clearTimeout(timer);
            ok(msg.url);
          }
        } catch {
          /* not the ready line */
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`embedded server exited (${code ?? signal}) before it was ready`));
      });
    });
    child.on('exit', (code, signal) => {
      if (!this.stopping) {
        this.lastError = `exited (${code ?? signal})`;
        this.opts.log('error', 'embedded server stopped unexpectedly', { code, signal });
      }
      this.child = null;
    });
    this.opts.log('info', 'embedded central server started', { url: this.url, pid: child.pid });
    return this.url;
  }

  pid(): number | null {
    return this.child?.pid ?? null;
  }

  healthReport(): HealthReport {
    if (this.child) return { state: 'ok', detail: `embedded at ${this.url} (pid ${this.child.pid})` };
    return { state: 'down', detail: this.lastError ? `embedded server ${this.lastError}` : 'embedded server not running' };
  }

  /** SIGTERM, then SIGKILL after a grace period: a child must never outlive the app. */
  async dispose(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
