// `npm test`: every check CI runs, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

// The whole suite runs on the embedded PGlite; with TEST_DATABASE_URL (CI sets it) the server
// suite runs a second time against that real PostgreSQL.
const pgUrl = process.env.TEST_DATABASE_URL;
const noDb = { DATABASE_URL: '' };
const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['build', 'npm', ['run', '-s', 'build']],
  ['unit + integration (vitest, PGlite)', 'npx', ['vitest', 'run'], noDb],
  ...(pgUrl ? [['server suite on PostgreSQL (vitest)', 'npx', ['vitest', 'run', 'server'], { DATABASE_URL: pgUrl }]] : []),
  ['e2e (playwright, headless host in Chromium)', 'npx', ['playwright', 'test'], noDb],
];
const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const [name, cmd, argv, env] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });
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
