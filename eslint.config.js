// ESLint flat config. Besides the usual recommended sets, this file is where the import
// rules of DESIGN.md ("Processes and folders" → Import rules) are enforced, so a wrong
// import fails `npm run lint` instead of relying on review. Proven by
// scripts/lint-boundaries.test.ts.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TS = ['**/*.{ts,tsx,mts,cts}'];
const JS = ['**/*.{js,mjs,cjs}'];
const ALL = [...TS, ...JS];

// ---- restriction building blocks ------------------------------------------------------

const why = '(DESIGN.md import rules)';

/** 'electron' and 'electron/*' (e.g. 'electron/main'). */
const noElectron = (message) => ({
  paths: [{ name: 'electron', message }],
  patterns: [{ regex: '^electron/', message }],
});

/** Every Node builtin, both the bare ('fs', 'fs/promises') and the 'node:' form. */
const noNodeBuiltins = (message) => ({
  paths: builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message })),
  patterns: [{ regex: '^node:', message }],
});

/**
 * A relative import that climbs out with '../' and then enters one of the given top-level
 * folders ('../../main/services/x', '../server'). no-restricted-imports cannot resolve paths,
 * so this matches by folder name after at least one '../'; a same-named sub-folder reached
 * with '../' would also match (none exists; name sub-folders differently).
 */
const noReach = (folders, message) => ({
  paths: [],
  patterns: [{ regex: `^(?:\\.\\.?/)*\\.\\./(?:${folders.join('|')})(?:/|$)`, message }],
});

/** Named npm packages (and their sub-paths). */
const noPackages = (names, message) => ({
  paths: names.map((name) => ({ name, message })),
  patterns: [{ regex: `^(?:${names.map((n) => n.replace(/[.]/g, '\\.')).join('|')})/`, message }],
});

// Flat config replaces (does not merge) a rule's options when two blocks match one file, so
// each area gets exactly one block with all of its restrictions combined, and the areas'
// file globs do not overlap.
const restrict = (...parts) => [
  'error',
  {
    paths: parts.flatMap((p) => p.paths),
    patterns: parts.flatMap((p) => p.patterns),
  },
];

// no-restricted-imports sees `import`/`export … from` only; also catch `require('electron')`
// and `import('electron')` so the electron rule cannot be side-stepped.
const noElectronSyntax = (message) => [
  'error',
  { selector: "ImportExpression[source.value=/^electron(\\u002F|$)/]", message },
  { selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron(\\u002F|$)/]", message },
  { selector: "TSImportEqualsDeclaration[moduleReference.expression.value=/^electron(\\u002F|$)/]", message },
];

const msg = {
  electron: `Only main/electron (and preload) may import 'electron' ${why}.`,
  electronShared: `shared/ is pure TypeScript: it must not import 'electron' ${why}.`,
  builtinShared: `shared/ is pure TypeScript: no Node builtins (it also runs in the renderer) ${why}.`,
  builtinRenderer: `renderer/ runs in a sandboxed browser page: no Node builtins; ask main through window.ioc ${why}.`,
  builtinPreload: `preload/ runs sandboxed: no Node builtins; it may import only 'electron' and shared/ ${why}.`,
  reachShared: `shared/ must not import from main/, renderer/, preload/ or server/; it may import only zod and other shared/ files ${why}.`,
  domShared: `shared/ must not import React or other DOM/runtime libraries; put UI code in renderer/ ${why}.`,
  reachRenderer: `renderer/ may import only shared/; it reaches main only through window.ioc, never main/, preload/ or server/ ${why}.`,
  reachPreload: `preload/ may import only 'electron' and shared/, not main/, renderer/ or server/ ${why}.`,
  reachMain: `main/ must not import renderer/ or server/ code (the desktop bundle never contains server code; start the server as a process, by path) ${why}.`,
  reachMainElectron: `Only main/index.ts (the composition root) may import main/electron; services, db, core and host stay Electron-free ${why}.`,
  reachServer: `server/ must not import main/, renderer/ or preload/; it may use shared/, Node and npm packages ${why}.`,
  electronServer: `server/ is a plain Node service: it must not import 'electron' ${why}.`,
};

const boundary = (files, ignores, rule, electronMessage) => ({
  files,
  ...(ignores.length ? { ignores } : {}),
  rules: {
    'no-restricted-imports': rule,
    ...(electronMessage ? { 'no-restricted-syntax': noElectronSyntax(electronMessage) } : {}),
  },
});

const inFolder = (folder) => ALL.map((g) => `${folder}/${g}`);

const boundaries = [
  // main/electron: the only place that talks to Electron; still never renderer/ or server/.
  boundary(inFolder('main/electron'), [], restrict(noReach(['renderer', 'server'], msg.reachMain))),
  // main/index.ts: composition root; wires main/electron but does not import 'electron' itself.
  boundary(
    ['main/index.ts'],
    [],
    restrict(noElectron(msg.electron), noReach(['renderer', 'server'], msg.reachMain)),
    msg.electron,
  ),
  // main/services, main/db, main/core, main/host, …: plain Node.
  boundary(
    inFolder('main'),
    [...inFolder('main/electron'), 'main/index.ts'],
    restrict(
      noElectron(msg.electron),
      noReach(['renderer', 'server'], msg.reachMain),
      noReach(['electron'], msg.reachMainElectron),
    ),
    msg.electron,
  ),
  boundary(
    inFolder('preload'),
    [],
    restrict(noNodeBuiltins(msg.builtinPreload), noReach(['main', 'renderer', 'server'], msg.reachPreload)),
  ),
  boundary(
    inFolder('renderer'),
    [],
    restrict(
      noElectron(msg.electron),
      noNodeBuiltins(msg.builtinRenderer),
      noReach(['main', 'preload', 'server'], msg.reachRenderer),
    ),
    msg.electron,
  ),
  boundary(
    inFolder('shared'),
    [],
    restrict(
      noElectron(msg.electronShared),
      noNodeBuiltins(msg.builtinShared),
      noReach(['main', 'renderer', 'preload', 'server'], msg.reachShared),
      noPackages(['react', 'react-dom', 'react-i18next', 'mpegts.js', 'maplibre-gl'], msg.domShared),
    ),
    msg.electronShared,
  ),
  boundary(
    inFolder('server'),
    [],
    restrict(noElectron(msg.electronServer), noReach(['main', 'renderer', 'preload'], msg.reachServer)),
    msg.electronServer,
  ),
  // Everything else (scripts/, e2e/, bench/, root configs): no 'electron' either.
  boundary(
    ALL,
    ['main/**', 'preload/**', 'renderer/**', 'shared/**', 'server/**'],
    restrict(noElectron(msg.electron)),
    msg.electron,
  ),
];

// React hook rules for the renderer. Optional until eslint-plugin-react-hooks is a
// devDependency; without it, `eslint-disable … react-hooks/…` comments fail as unknown rules.
const reactHooks = await import('eslint-plugin-react-hooks').then((m) => m.default ?? m, () => null);

const unusedVars = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' };

// Node scripts and configs (.js/.mjs/.cjs) run in Node: give them its globals.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((n) => [n, 'readonly']));

export default [
  {
    ignores: [
      '**/node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      'bench/results/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
      '**/*.d.ts',
    ],
  },
  { files: ALL, ...js.configs.recommended },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: TS })),
  // `catch {}` is the idiom for "best effort, failure is fine"; other empty blocks stay errors.
  { files: ALL, rules: { 'no-empty': ['error', { allowEmptyCatch: true }] } },
  { files: JS, rules: { 'no-unused-vars': ['error', unusedVars] } },
  { files: TS, rules: { '@typescript-eslint/no-unused-vars': ['error', unusedVars] } },
  { files: JS, languageOptions: { globals: nodeGlobals, sourceType: 'module' } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  // Benchmarks pass functions to page.evaluate(): those bodies run in the browser.
  { files: ['bench/**/*.mjs'], languageOptions: { globals: { window: 'readonly', document: 'readonly', location: 'readonly', MutationObserver: 'readonly', performance: 'readonly' } } },
  ...(reactHooks
    ? [
        {
          files: ['renderer/**/*.{ts,tsx}'],
          plugins: { 'react-hooks': reactHooks },
          rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
        },
      ]
    : []),
  ...boundaries,
];
