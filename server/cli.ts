/**
 * `npm run server -- [options]` (scripts/server.mjs runs the built out/server/cli.js).
 * Secrets come from the environment only (argv is visible to every local user via ps).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Role } from '../shared/sync/protocol';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, startServer } from './app';
import { jsonLineLogger, safeLogger } from './log';

const HELP = `IOC Wall central server

Options:
  --port <n>             listen port (env IOC_SERVER_PORT, default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>          listen address (default ${DEFAULT_HOST})
  --data-dir <path>      embedded PGlite data folder (default ${DEFAULT_DATA_DIR})
  --database-url <url>   real PostgreSQL instead of PGlite (env DATABASE_URL)
  --seed-demo            seed the demo district if not seeded yet (default: only when the DB is empty)
  --no-seed-demo         never seed
  --simulate [ms]        keep the demo district alive: activity every <ms> (default 5000)
  --session-hours <n>    session lifetime (default 12)
  --json                 print one ready line on stdout: {"ready":true,"url":…,"port":…}
  --log-level <level>    debug|info|warn|error (default info); logs are JSON lines on stderr
  -h, --help

Environment: IOC_DEMO_PASSWORD (demo users' password), IOC_BOOTSTRAP_USERS (JSON array of
{username,password,role,displayName?}), DATABASE_URL, IOC_SERVER_PORT.`;

const BootstrapUsers = z.array(z.object({ username: z.string().min(1).max(64), password: z.string().min(8).max(256), role: Role, displayName: z.string().max(200).optional() }));

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}\n`);
  process.exit(2);
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`${name}: expected a non-negative number, got '${value}'`);
  return n;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'seed-demo': { type: 'boolean' },
      'no-seed-demo': { type: 'boolean' },
      simulate: { type: 'boolean' },
      'session-hours': { type: 'string' },
      json: { type: 'boolean' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  // `--simulate 2000`: parseArgs has no optional values, so the interval arrives as a positional.
  const simulateMs = values.simulate && positionals.length ? number(positionals.shift(), '--simulate') : undefined;
  if (positionals.length) fail(`unexpected argument: ${positionals[0]}`);
  const level = z.enum(['debug', 'info', 'warn', 'error']).safeParse(values['log-level']);
  if (!level.success) fail('--log-level: debug|info|warn|error');
  let bootstrapUsers: z.infer<typeof BootstrapUsers> = [];
  if (process.env.IOC_BOOTSTRAP_USERS) {
    const parsed = BootstrapUsers.safeParse((() => { try { return JSON.parse(process.env.IOC_BOOTSTRAP_USERS!); } catch { return null; } })());
    if (!parsed.success) fail('IOC_BOOTSTRAP_USERS: expected a JSON array of {username, password (≥ 8 chars), role, displayName?}');
    bootstrapUsers = parsed.data;
  }

  const log = safeLogger(jsonLineLogger(undefined, level.data));
  const server = await startServer({
    databaseUrl: values['database-url'] ?? (process.env.DATABASE_URL || undefined),
    dataDir: values['data-dir'],
    host: values.host,
    port: number(values.port ?? process.env.IOC_SERVER_PORT, '--port'),
    seedDemo: values['no-seed-demo'] ? false : values['seed-demo'] ? true : undefined,
    demoPassword: process.env.IOC_DEMO_PASSWORD || undefined,
    simulate: values.simulate ? { intervalMs: simulateMs ?? 5000 } : false,
    bootstrapUsers,
    sessionHours: number(values['session-hours'], '--session-hours'),
    log,
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, port: server.port })}\n`);

  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal: why });
    server.close().then(
      () => process.exit(0),
      (err) => {
        log('error', 'shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  // Embedded in a desktop app or host: stdin is a pipe from the parent. When it closes — the parent
  // exited, even by SIGKILL — stop too, so no server outlives its app.
  if (process.env.IOC_EXIT_WITH_PARENT === '1') {
    process.stdin.on('end', () => stop('parent exited'));
    process.stdin.on('close', () => stop('parent exited'));
    process.stdin.resume();
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log('info', 'shutting down', { signal: sig });
      server.close().then(
        () => process.exit(0),
        (err) => {
          log('error', 'shutdown failed', { err });
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level: 'error', msg: 'server failed to start', err: { name: err?.name, message: err?.message } })}\n`);
  process.exit(1);
});
