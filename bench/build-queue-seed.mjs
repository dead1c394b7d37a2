// Builds bench/queue-seed.ts for plain Node into out/bench-queue/ with vite (the server code it
// imports uses `?raw` data imports), the same way server/build.mjs builds the server.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const packages = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isExternal = (id) => builtins.has(id) || id.startsWith('node:') || packages.some((p) => id === p || id.startsWith(`${p}/`));

export async function buildQueueSeed() {
  await build({
    root,
    configFile: false,
    logLevel: 'error',
    build: {
      ssr: true,
      target: 'node20',
      outDir: 'out/bench-queue',
      emptyOutDir: true,
      minify: false,
      rollupOptions: { input: { 'queue-seed': 'bench/queue-seed.ts' }, external: isExternal, output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  });
  return `${root}out/bench-queue/queue-seed.js`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildQueueSeed());
