// Builds the central server for plain Node (no tsx). Uses vite's build() so `?raw` SQL/data
// imports and import.meta.glob work exactly as they do under vitest.
//
//   node server/build.mjs               out/server/cli.js (+ chunks, bench entries): every npm
//                                        dependency stays external (resolved from node_modules).
//   node server/build.mjs --standalone  out/server-standalone/: a self-contained server for the
//                                        desktop package (resources/server). Every dependency is
//                                        bundled into one cli.js; only Node builtins and optional
//                                        natives stay external. PGlite's runtime assets
//                                        (pglite.wasm, initdb.wasm, pglite.data), which it loads via
//                                        `new URL('./x', import.meta.url)`, are copied next to cli.js.
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const packages = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isBuiltin = (id) => builtins.has(id) || id.startsWith('node:');
const isExternal = (id) => isBuiltin(id) || packages.some((p) => id === p || id.startsWith(`${p}/`));

/** Optional native / platform-specific modules that their users only require inside try/catch. */
const OPTIONAL = ['pg-native', 'pg-cloudflare', 'cloudflare:sockets'];
const isStandaloneExternal = (id) => isBuiltin(id) || OPTIONAL.some((p) => id === p || id.startsWith(`${p}/`));

export const STANDALONE_DIR = path.join(root, 'out/server-standalone');
/** PGlite files resolved at run time relative to the module that loads them (import.meta.url). */
export const PGLITE_ASSETS = ['pglite.wasm', 'initdb.wasm', 'pglite.data'];

export async function buildServer({ quiet = false } = {}) {
  await build({
    root,
    configFile: false,
    logLevel: quiet ? 'error' : 'warn',
    build: {
      ssr: true,
      target: 'node20',
      outDir: 'out/server',
      emptyOutDir: true,
      minify: false,
      sourcemap: true,
      rollupOptions: {
        input: { cli: 'server/cli.ts', 'bench-sync': 'server/bench/sync-bench.ts', 'bench-seed': 'server/bench/bench-seed.ts', 'bench-kpi': 'server/bench/kpi-bench.ts' },
        external: isExternal,
        output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
}

export async function buildStandaloneServer({ quiet = false } = {}) {
  // Built next to the final folder and swapped in at the end, so a reader (electron-builder, a
  // test running in parallel) never sees a half-written out/server-standalone.
  const tmpDir = `${STANDALONE_DIR}.tmp-${process.pid}`;
  await build({
    root,
    configFile: false,
    logLevel: quiet ? 'error' : 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: true,
      target: 'node20',
      outDir: tmpDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      // import.meta.url must stay the bundle's own URL: PGlite finds its assets from it.
      assetsInlineLimit: 0,
      rollupOptions: {
        input: { cli: 'server/cli.ts' },
        external: isStandaloneExternal,
        // One file: every module's import.meta.url is cli.js, so the copied assets sit next to it.
        output: { format: 'esm', entryFileNames: '[name].js', codeSplitting: false },
      },
    },
  });
  const pgliteDist = path.join(root, 'node_modules/@electric-sql/pglite/dist');
  for (const f of PGLITE_ASSETS) copyFileSync(path.join(pgliteDist, f), path.join(tmpDir, f));
  // Marks the folder as ESM: no package.json with "type": "module" is above it once packaged.
  writeFileSync(path.join(tmpDir, 'package.json'), `${JSON.stringify({ name: 'ioc-wall-server', private: true, type: 'module', main: 'cli.js' }, null, 2)}\n`);
  rmSync(STANDALONE_DIR, { recursive: true, force: true });
  renameSync(tmpDir, STANDALONE_DIR);
  if (!quiet) {
    const size = (f) => (existsSync(path.join(STANDALONE_DIR, f)) ? statSync(path.join(STANDALONE_DIR, f)).size : 0);
    const total = ['cli.js', ...PGLITE_ASSETS].reduce((n, f) => n + size(f), 0);
    console.log(`standalone server: ${path.relative(root, STANDALONE_DIR)} (cli.js ${(size('cli.js') / 1e6).toFixed(1)} MB, total ${(total / 1e6).toFixed(1)} MB)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--standalone')) await buildStandaloneServer();
  else await buildServer();
}
