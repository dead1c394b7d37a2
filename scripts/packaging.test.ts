// Packages the real build with electron-builder (linux "dir" target) and checks what a user's
// install would contain: the built app and its production dependencies, native code unpacked
// next to the asar, and no sources, tests, server or tooling. The Electron binary cannot be
// downloaded here, so a stand-in Electron distribution (a shell script) is used: the check is
// about the app's own files, which electron-builder lays out the same way for any Electron.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUT = 240_000;

function binOf(pkg: string): string {
  const dir = path.join(repoRoot, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return path.join(dir, typeof bin === 'string' ? bin : bin[pkg]);
}

/** Runs a Node CLI in the repo; resolves with its exit code and combined output. */
function runNode(args: string[]): Promise<{ code: number | null; output: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, ms: Date.now() - t0 }));
  });
}

const work = mkdtempSync(path.join(tmpdir(), 'ioc-packaging-'));
const appOutDir = path.join(work, 'release', 'linux-unpacked');
const asarPath = path.join(appOutDir, 'resources', 'app.asar');
const unpackedDir = `${asarPath}.unpacked`;
let entries: string[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'out/main/index.js'))) {
    const build = await runNode([binOf('electron-vite'), 'build']);
    if (build.code !== 0) throw new Error(`electron-vite build failed (exit ${build.code}):\n${build.output}`);
    console.log(`electron-vite build: ${build.ms} ms`);
  }
  // electron-vite empties out/renderer: the offline map assets are built into it afterwards.
  if (!existsSync(path.join(repoRoot, 'out/renderer/map/manifest.json'))) {
    const build = await runNode([path.join(repoRoot, 'scripts/build-map-assets.mjs')]);
    if (build.code !== 0) throw new Error(`map assets build failed (exit ${build.code}):\n${build.output}`);
  }
  // The embedded central server ships beside the app (resources/server), self-contained.
  if (!existsSync(path.join(repoRoot, 'out/server-standalone/cli.js'))) {
    const build = await runNode([path.join(repoRoot, 'server/build.mjs'), '--standalone']);
    if (build.code !== 0) throw new Error(`standalone server build failed (exit ${build.code}):\n${build.output}`);
  }

  // Stand-in for an unpacked Electron distribution: electron-builder copies it and renames
  // `electron` to the app's executableName.
  const electronDist = path.join(work, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in electron: not runnable" >&2\nexit 1\n');
  chmodSync(path.join(electronDist, 'electron'), 0o755);

  const pack = await runNode([
    binOf('electron-builder'),
    '--linux',
    'dir',
    '--projectDir',
    repoRoot,
    `-c.electronDist=${electronDist}`,
    '-c.npmRebuild=false',
    `-c.directories.output=${path.join(work, 'release')}`,
  ]);
  if (pack.code !== 0) throw new Error(`electron-builder failed (exit ${pack.code}):\n${pack.output}`);
  console.log(`electron-builder --linux dir: ${pack.ms} ms`);

  // Paths inside the asar, relative and with '/' separators: 'out/main/index.js'.
  entries = listPackage(asarPath, { isPack: false }).map((e) => e.replace(/\\/g, '/').replace(/^\//, ''));
}, TIMEOUT);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const prodDependencies = (): string[] =>
  Object.keys(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).dependencies ?? {});

describe('desktop package (electron-builder.yml)', () => {
  it('contains the built main, preload and renderer, and the app executable', () => {
    expect(entries).toContain('out/main/index.js');
    expect(entries.some((e) => e === 'out/preload/index.cjs' || e === 'out/preload/index.js')).toBe(true);
    expect(entries).toContain('out/renderer/index.html');
    // the offline map: Vietnamese glyphs and the basemap, served from the app origin (app://ioc/map/…)
    expect(entries).toContain('out/renderer/map/fonts/DejaVu Sans Regular/7680-7935.pbf');
    expect(entries).toContain('out/renderer/map/data/communes_2025.geojson');
    expect(entries).toContain('out/renderer/map/LICENSES.txt');
    expect(entries.filter((e) => /^out\/renderer\/assets\/.+\.js$/.test(e)).length).toBeGreaterThan(0);
    expect(existsSync(path.join(appOutDir, 'ioc-wall'))).toBe(true);
  });

  it("has a package.json whose main entry is inside the asar (or Electron could not start the app)", () => {
    expect(entries).toContain('package.json');
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8'));
    expect(entries).toContain(path.posix.normalize(pkg.main));
  });

  it('carries every production dependency, including the runtime deps of better-sqlite3', () => {
    const deps = [...prodDependencies(), 'bindings', 'file-uri-to-path'];
    expect(deps).toContain('better-sqlite3');
    const missing = deps.filter((d) => !entries.includes(`node_modules/${d}/package.json`));
    expect(missing).toEqual([]);
  });

  it('ships no sources, tests, source maps, server, e2e, scripts or bench code', () => {
    const topLevel = new Set(entries.map((e) => e.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['node_modules', 'out', 'package.json']);

    const sources = entries.filter((e) => /\.(ts|tsx|mts|cts)$/.test(e) && !(e.startsWith('node_modules/') && e.endsWith('.d.ts')));
    expect(sources).toEqual([]);
    expect(entries.filter((e) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(e))).toEqual([]);
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    // the built output holds only the three electron-vite targets
    expect(entries.filter((e) => e.startsWith('out/') && !/^out\/(main|preload|renderer)(\/|$)/.test(e))).toEqual([]);
    expect(entries.filter((e) => /(^|\/)(server|e2e|scripts|bench|renderer\/src)\//.test(e) && !e.startsWith('node_modules/'))).toEqual([]);
  });

  it('ships the embedded central server beside app.asar, self-contained (never inside it)', () => {
    const serverDir = path.join(appOutDir, 'resources', 'server');
    for (const f of ['cli.js', 'pglite.wasm', 'pglite.data', 'package.json']) expect(existsSync(path.join(serverDir, f)), f).toBe(true);
    expect(entries.filter((e) => e.startsWith('out/server'))).toEqual([]);
  });

  it('unpacks better-sqlite3 native code next to the asar, without build intermediates', () => {
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(existsSync(path.join(unpackedDir, addon))).toBe(true);
    expect((statFile(asarPath, addon) as { unpacked?: boolean }).unpacked).toBe(true);
    const all = [...entries];
    expect(all.filter((e) => /\/build\/Release\/(obj|obj\.target|\.deps)(\/|$)/.test(e))).toEqual([]);
    expect(all.filter((e) => e.endsWith('.node') && !(statFile(asarPath, e) as { unpacked?: boolean }).unpacked)).toEqual([]);
  });
});

describe('scripts/package.mjs (planned steps, --dry-run)', () => {
  const plan = async (...args: string[]) => {
    const r = await runNode([path.join(repoRoot, 'scripts/package.mjs'), '--dry-run', ...args]);
    expect(r.code, r.output).toBe(0);
    return JSON.parse(r.output) as { build: string[]; mapAssets: string[]; rebuild: { module: string } | null; builder: string[] };
  };

  it('builds, rebuilds better-sqlite3 for Electron, then runs electron-builder for the platform', async () => {
    const steps = await plan('--linux');
    expect(steps.build.slice(-1)).toEqual(['build']);
    expect(steps.mapAssets.slice(-1)[0]).toMatch(/scripts\/build-map-assets\.mjs$/);
    expect(steps.rebuild?.module).toBe('better-sqlite3');
    expect(steps.builder.slice(2)).toEqual(['--linux']);
  });

  it('passes --electron-dist through as electronDist with npmRebuild off, and extra args after --', async () => {
    const steps = await plan('--win', '--dir', '--no-rebuild', '--electron-dist', 'some/dist', '--', '-c.directories.output=x');
    expect(steps.rebuild).toBeNull();
    expect(steps.builder.slice(2)).toEqual([
      '--win',
      '--dir',
      `-c.electronDist=${path.resolve(repoRoot, 'some/dist')}`,
      '-c.npmRebuild=false',
      '-c.directories.output=x',
    ]);
  });
});
