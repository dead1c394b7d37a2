#!/usr/bin/env node
// Packages the desktop app:
//   1. electron-vite build               (out/main, out/preload, out/renderer)
//      + scripts/build-map-assets.mjs      (out/renderer/map: map glyphs, basemap GeoJSON)
//      + server/build.mjs --standalone    (out/server-standalone → resources/server: self-contained,
//                                          every npm dependency bundled, PGlite wasm/data next to it)
//   2. rebuild better-sqlite3 for Electron with @electron/rebuild (unless --no-rebuild)
//   3. electron-builder (config: electron-builder.yml)
//   4. restore node_modules/better-sqlite3 (build/, bin/), so tests and the headless host (plain Node)
//      keep a Node build of the module after packaging.
//
// Usage: node scripts/package.mjs [--linux] [--win] [--dir] [--no-rebuild]
//          [--electron-dist <dir>] [--electron-headers <dir>] [--dry-run] [-- <electron-builder args>]
//   --dir                 unpacked app only (release/<platform>-unpacked), no installer
//   --no-rebuild          skip step 2; the package then holds a Node build of better-sqlite3 that
//                         Electron cannot load: for checking the bundle layout only
//   --electron-dist <dir> use a local (unpacked or zipped) Electron instead of downloading one
//   --electron-headers <dir>  build against local Electron headers instead of downloading them
//   --dry-run             print the planned steps as JSON and exit
// Unknown arguments are passed to electron-builder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = 'better-sqlite3';

class PackageError extends Error {}
function fail(message) {
  throw new PackageError(message);
}

function parseArgs(argv) {
  const opts = { platforms: [], dir: false, rebuild: true, electronDist: null, electronHeaders: null, dryRun: false, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) fail(`${a} needs a value`);
      return path.resolve(v);
    };
    if (a === '--linux' || a === '--win') opts.platforms.push(a.slice(2));
    else if (a === '--dir') opts.dir = true;
    else if (a === '--no-rebuild') opts.rebuild = false;
    else if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--electron-dist' || a.startsWith('--electron-dist=')) opts.electronDist = value();
    else if (a === '--electron-headers' || a.startsWith('--electron-headers=')) opts.electronHeaders = value();
    else if (a === '--') {
      opts.extra.push(...argv.slice(i + 1));
      break;
    } else opts.extra.push(a);
  }
  return opts;
}

/** Absolute path of a package's CLI script (from its package.json "bin"; exports may hide it). */
function binOf(pkg) {
  const dir = path.join(root, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return path.join(dir, typeof bin === 'string' ? bin : bin[pkg]);
}

const hostPlatform = { linux: 'linux', win32: 'win' }[process.platform] ?? process.platform;

function plan(opts) {
  const targets = opts.platforms.length ? opts.platforms : [hostPlatform];
  const builderArgs = [
    ...targets.map((t) => `--${t}`),
    ...(opts.dir ? ['--dir'] : []),
    ...(opts.electronDist ? [`-c.electronDist=${opts.electronDist}`, '-c.npmRebuild=false'] : []),
    ...opts.extra,
  ];
  return {
    build: [process.execPath, binOf('electron-vite'), 'build'],
    // Offline map glyphs + basemap into out/renderer/map (electron-vite empties out/renderer).
    mapAssets: [process.execPath, path.join(root, 'scripts/build-map-assets.mjs')],
    server: [process.execPath, path.join(root, 'server/build.mjs'), '--standalone'],
    rebuild: opts.rebuild ? { module: NATIVE, targets, electronHeaders: opts.electronHeaders } : null,
    builder: [process.execPath, binOf('electron-builder'), ...builderArgs],
  };
}

function run([cmd, ...args], label) {
  const t0 = Date.now();
  console.log(`\n> ${label}: ${[path.basename(args[0] ?? cmd), ...args.slice(1)].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(`${label} failed (exit ${r.status ?? r.signal})`);
  console.log(`  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** NODE_MODULE_VERSION a (non N-API) addon was built for, read from its registration symbol. */
function addonAbi(file) {
  const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return m ? m[1] : null;
}

async function rebuildForElectron(step) {
  if (step.targets.some((t) => t !== hostPlatform)) {
    fail(
      `${NATIVE} is native code and cannot be cross-compiled: build the ${step.targets.join('/')} package on ` +
        `${step.targets.join('/')} (or pass --no-rebuild to check the bundle layout only).`,
    );
  }
  let rebuild;
  try {
    ({ rebuild } = await import('@electron/rebuild'));
  } catch {
    return fail(
      `@electron/rebuild is not installed, so ${NATIVE} cannot be rebuilt for Electron.\n` +
        `  Install it (npm i -D @electron/rebuild) or pass --no-rebuild (layout check only: the app will not load ${NATIVE}).`,
    );
  }
  const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const moduleDir = path.join(root, 'node_modules', NATIVE);
  const buildDir = path.join(moduleDir, 'build');

  // A failed rebuild deletes build/ and a successful one replaces the Node build (and may add
  // bin/<platform>-<arch>-<abi>/): snapshot both and put them back after packaging.
  const backup = mkdtempSync(path.join(tmpdir(), 'ioc-native-'));
  const snapshot = ['build', 'bin'].filter((d) => existsSync(path.join(moduleDir, d)));
  for (const d of snapshot) cpSync(path.join(moduleDir, d), path.join(backup, d), { recursive: true });
  const restore = () => {
    for (const d of ['build', 'bin']) {
      rmSync(path.join(moduleDir, d), { recursive: true, force: true });
      if (snapshot.includes(d)) cpSync(path.join(backup, d), path.join(moduleDir, d), { recursive: true });
    }
    rmSync(backup, { recursive: true, force: true });
  };

  // `npm run` exports the machine's npm config; nodedir=/usr would make node-gyp build against
  // Node's headers and "succeed" with the wrong ABI. Only explicit Electron headers are used.
  for (const k of Object.keys(process.env)) if (k.toLowerCase() === 'npm_config_nodedir') delete process.env[k];
  if (step.electronHeaders) process.env.npm_config_nodedir = step.electronHeaders;

  const t0 = Date.now();
  console.log(`\n> rebuild: ${NATIVE} for Electron ${electronVersion} (${process.arch})`);
  try {
    await rebuild({ buildPath: root, electronVersion, arch: process.arch, onlyModules: [NATIVE], force: true, disablePreGypCopy: true });
  } catch (err) {
    restore();
    fail(
      `rebuilding ${NATIVE} for Electron ${electronVersion} failed: ${err?.message ?? err}\n` +
        '  It needs the Electron headers (downloaded from electronjs.org, or a local copy via --electron-headers <dir>)\n' +
        '  and a C++ toolchain. node_modules was restored. Use --no-rebuild to check the bundle layout only.',
    );
  }
  const addon = path.join(buildDir, 'Release', 'better_sqlite3.node');
  const abi = existsSync(addon) ? addonAbi(addon) : null;
  if (!abi || abi === process.versions.modules) {
    restore();
    fail(`${NATIVE} was rebuilt for Node (ABI ${abi}), not for Electron: check the headers. node_modules was restored.`);
  }
  console.log(`  rebuild: ABI ${abi}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return restore;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const steps = plan(opts);
  if (opts.dryRun) {
    console.log(JSON.stringify(steps, null, 2));
    return;
  }
  const t0 = Date.now();
  run(steps.build, 'electron-vite build');
  run(steps.mapAssets, 'map assets');
  if (!existsSync(path.join(root, 'out/renderer/map/manifest.json'))) fail('map assets build produced no out/renderer/map/manifest.json');
  run(steps.server, 'standalone server build');
  if (!existsSync(path.join(root, 'out/server-standalone/cli.js'))) fail('standalone server build produced no out/server-standalone/cli.js');
  const restore = steps.rebuild ? await rebuildForElectron(steps.rebuild) : null;
  if (!steps.rebuild) console.warn(`\npackage: --no-rebuild: ${NATIVE} stays a Node build; the packaged app cannot open its database.`);
  try {
    run(steps.builder, 'electron-builder');
  } finally {
    restore?.();
  }
  console.log(`\npackage: done in ${((Date.now() - t0) / 1000).toFixed(1)} s (output: see electron-builder.yml directories.output)`);
}

try {
  await main();
} catch (err) {
  if (!(err instanceof PackageError)) throw err;
  console.error(`\npackage: ${err.message}`);
  process.exitCode = 1;
}
