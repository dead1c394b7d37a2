import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices } from '../core/app';
import { createLogger } from '../core/logger';
import { createVirtualDisplays } from '../services/wall/virtual-displays';
import { createStreamsService } from '../services/streams';
import { startHost } from './host';

/**
 * `npm run host` / `node out/main/host.js`: the main-process services in plain Node, the renderer
 * for browsers. Prints one URL per display; `--json` prints one machine-readable line instead.
 */
async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.IOC_HOST_PORT ?? '4780' },
      displays: { type: 'string', default: process.env.IOC_DISPLAYS ?? '2' },
      'data-dir': { type: 'string', default: process.env.IOC_DATA_DIR ?? join(homedir(), '.ioc-wall', 'host') },
      'renderer-dir': { type: 'string', default: resolve(here, '../renderer') },
      json: { type: 'boolean', default: false },
      'server-url': { type: 'string', default: process.env.IOC_SERVER_URL ?? '' },
      'no-simulate': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: process.env.IOC_LOG_LEVEL ?? 'info' },
    },
  });
  const displays = Number(values.displays);
  const port = Number(values.port);
  if (!Number.isInteger(displays) || displays < 1 || displays > 16) throw new Error('--displays must be 1…16');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0…65535');
  const level = values['log-level'] as 'debug' | 'info' | 'warn' | 'error';
  const log = createLogger({ level: ['debug', 'info', 'warn', 'error'].includes(level) ? level : 'info' });
  const pkg = JSON.parse(readFileSync(resolve(here, '../../package.json'), 'utf8')) as { version: string };

  // The stream server admits pages of this host only; its origin is known once the host listens.
  const streamOrigins: string[] = [];
  const services = createAppServices({
    dataDir: resolve(values['data-dir']!),
    runtime: 'host',
    version: pkg.version,
    displays: createVirtualDisplays(displays),
    log,
    central: {
      serverUrl: values['server-url'] || null,
      // No central server configured: run the embedded one (PGlite + demo district, kept alive by the simulator).
      embedded: { entry: resolve(here, '../server/cli.js'), nodePath: process.execPath, simulate: !values['no-simulate'] },
    },
    streams: (deps) => createStreamsService({ ...deps, allowedOrigins: streamOrigins }),
  });
  const host = await startHost({ services, rendererDir: values['renderer-dir']!, port, log });
  streamOrigins.push(host.origin);
  // The contract is served at once; the central link (embedded server start, first pull) follows.
  services.start().catch((err) => log('error', 'central link failed to start', { error: (err as Error).message }));

  const urls = services.wall.state().displays.map((d) => ({ display: d.id, url: host.urlFor(d.id) }));
  if (values.json) {
    process.stdout.write(JSON.stringify({ ready: true, origin: host.origin, port: host.port, token: host.token, urls }) + '\n');
  } else {
    process.stdout.write(`\nIOC Wall — headless host (${displays} displays) on ${host.origin}\n`);
    for (const u of urls) process.stdout.write(`  display ${u.display}: ${u.url}\n`);
    process.stdout.write('Open each URL in a browser window on its monitor. Ctrl+C stops.\n\n');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log('info', 'host stopping', { signal });
    await host.close();
    await services.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`host failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
