// `npm test`: every check CI runs, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['build', 'npm', ['run', '-s', 'build']],
  ['unit + integration (vitest)', 'npx', ['vitest', 'run']],
  ['e2e (playwright, headless host in Chromium)', 'npx', ['playwright', 'test']],
];
const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const [name, cmd, argv] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, argv, { stdio: 'inherit' });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    passed++;
    process.stdout.write(`=== ${name}: ok (${s} s) ===\n`);
  } else {
    failed++;
    process.stdout.write(`=== ${name}: FAILED (${s} s) ===\n`);
    break;
  }
}
process.stdout.write(`\nsteps: ${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
