// `npm run server -- [options]`: (re)build out/server when it is missing or older than server/,
// shared/ or resources/data/, then run it with the arguments passed through. `--help` lists options.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newest } from './build-if-needed.mjs';

const root = new URL('..', import.meta.url).pathname;
const OUTPUT = join(root, 'out/server/cli.js');
const SOURCES = ['server', 'shared', 'resources/data', 'package.json'];

export async function buildServerIfNeeded({ quiet = false } = {}) {
  const newestSrc = Math.max(...SOURCES.map((p) => join(root, p)).filter(existsSync).map(newest));
  if (existsSync(OUTPUT) && statSync(OUTPUT).mtimeMs >= newestSrc) return false;
  if (!quiet) process.stderr.write(existsSync(OUTPUT) ? 'Server sources changed: rebuilding…\n' : 'Building the server (first run)…\n');
  const { buildServer } = await import('../server/build.mjs');
  await buildServer({ quiet });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildServerIfNeeded();
  const child = spawn(process.execPath, [OUTPUT, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
