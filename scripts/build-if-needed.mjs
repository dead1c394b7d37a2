// Build with electron-vite when out/ is missing or older than any source file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const OUTPUTS = ['out/main/index.js', 'out/main/host.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/map/manifest.json', 'out/server/cli.js'];
const SOURCES = ['main', 'preload', 'renderer', 'shared', 'server', 'resources', 'scripts/build-map-assets.mjs', 'electron.vite.config.ts', 'package.json'];

/** Newest modification time (ms) of a file or anything below a folder, node_modules excluded. */
export function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) if (e !== 'node_modules') max = Math.max(max, newest(join(path, e)));
  return max;
}

export function buildIfNeeded({ quiet = false } = {}) {
  const outs = OUTPUTS.map((p) => join(root, p));
  const missing = outs.some((p) => !existsSync(p));
  const oldestOut = missing ? 0 : Math.min(...outs.map((p) => statSync(p).mtimeMs));
  const newestSrc = Math.max(...SOURCES.map((p) => join(root, p)).filter(existsSync).map(newest));
  if (!missing && oldestOut >= newestSrc) return false;
  if (!quiet) process.stderr.write(missing ? 'Building the app (first run)…\n' : 'Sources changed: rebuilding…\n');
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(String(r.stdout) + String(r.stderr));
    throw new Error('electron-vite build failed');
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();
