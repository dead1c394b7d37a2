// `npm start`: build what is missing, then start the desktop app. Where the Electron binary cannot
// be obtained (no access to its download, as on our build machines), fall back to the headless host
// and print the URL of each display, so the command does its main job on every machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const forceHost = args.includes('--host') || process.env.IOC_HEADLESS === '1';

buildIfNeeded();

function electronBinary() {
  // Resolving the electron package downloads its binary on first use; give that a bounded try.
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path && existsSync(path) ? path : null;
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = forceHost ? null : electronBinary();
if (electron) {
  run(electron, [root, ...args.filter((a) => a !== '--host')]);
} else {
  if (!forceHost) process.stderr.write('\nThe Electron binary is not available on this machine: starting the headless host instead.\n');
  run(process.execPath, [join(root, 'out/main/host.js'), ...args.filter((a) => a !== '--host')]);
}
