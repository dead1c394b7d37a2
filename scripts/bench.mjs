// `npm run bench [name…]`: build if needed, run the named benchmarks (all by default); each writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = new URL('..', import.meta.url).pathname;
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.mjs')).map((f) => f.replace('.bench.mjs', ''));
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const todo = names.length ? names : available;
for (const n of todo) if (!existsSync(join(root, 'bench', `${n}.bench.mjs`))) throw new Error(`no benchmark "${n}" (have: ${available.join(', ')})`);
buildIfNeeded();
let failed = 0;
for (const n of todo) {
  process.stdout.write(`\n=== bench:${n} ===\n`);
  const r = spawnSync(process.execPath, [join(root, 'bench', `${n}.bench.mjs`), ...flags], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
