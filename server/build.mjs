// Builds the central server for plain Node (no tsx): out/server/cli.js (+ chunks). Uses vite's
// build() so `?raw` SQL/data imports and import.meta.glob work exactly as they do under vitest.
// Every npm dependency and Node builtin stays external (resolved from node_modules at run time).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const packages = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isExternal = (id) => builtins.has(id) || id.startsWith('node:') || packages.some((p) => id === p || id.startsWith(`${p}/`));

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
        input: { cli: 'server/cli.ts', 'bench-sync': 'server/bench/sync-bench.ts', 'bench-seed': 'server/bench/bench-seed.ts' },
        external: isExternal,
        output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
