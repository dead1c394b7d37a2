// Proves that the import rules of DESIGN.md are enforced by the repo's real ESLint config
// (eslint.config.js), not only written down: each case lints a snippet as if it lived at
// the given path.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** Boundary messages (no-restricted-imports / no-restricted-syntax) for `code` placed at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  // A path the config ignores would silently pass every case: make that a failure.
  expect(result.messages.filter((m) => m.message.includes('ignored'))).toEqual([]);
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('import boundaries (eslint.config.js)', () => {
  it("rejects 'electron' in a main service, with the rule in words", async () => {
    const errors = await boundaryErrors('main/services/x/y.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("Only main/electron (and preload) may import 'electron'");
    expect(errors[0]).toContain('DESIGN.md import rules');
  });

  it("also rejects 'electron/main', import('electron') and require('electron') outside main/electron", async () => {
    const code = [
      "import { ipcMain } from 'electron/main';",
      "export const lazy = () => import('electron');",
      'export const m = ipcMain;',
    ].join('\n');
    const errors = await boundaryErrors('main/db/x.ts', code);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toContain("Only main/electron (and preload) may import 'electron'");
    const req = await boundaryErrors('main/host/cli.js', "const { app } = require('electron');\nexport { app };\n");
    expect(req).toHaveLength(1);
  });

  it("accepts 'electron' in main/electron and preload", async () => {
    expect(await boundaryErrors('main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(
      await boundaryErrors(
        'preload/index.ts',
        "import { contextBridge } from 'electron';\nimport { appContract } from '../shared/contracts';\nexport const x = [contextBridge, appContract];\n",
      ),
    ).toEqual([]);
  });

  it('keeps main services, db, core and host away from main/electron; the composition root may use it', async () => {
    const code = "import { openWindows } from '../../electron/windows';\nexport const o = openWindows;\n";
    const errors = await boundaryErrors('main/services/wall/x.service.ts', code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Only main/index.ts (the composition root) may import main/electron');
    expect(await boundaryErrors('main/index.ts', "import { openWindows } from './electron/windows';\nexport const o = openWindows;\n")).toEqual([]);
  });

  it('rejects Node builtins in shared/ (node: and bare forms)', async () => {
    const errors = await boundaryErrors(
      'shared/x.ts',
      "import fs from 'node:fs';\nimport path from 'path';\nimport { readFile } from 'fs/promises';\nexport const a = [fs, path, readFile];\n",
    );
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toContain('shared/ is pure TypeScript: no Node builtins');
  });

  it('rejects electron, react and escapes to other layers in shared/; zod and shared files are fine', async () => {
    const code = [
      "import { app } from 'electron';",
      "import { useState } from 'react';",
      "import { thing } from '../../main/services/a';",
      "import { view } from '../renderer/src/v';",
      "import { srv } from '../../server/api';",
      "import { z } from 'zod';",
      "import { other } from './contracts/rpc';",
      'export const all = [app, useState, thing, view, srv, z, other];',
    ].join('\n');
    const errors = await boundaryErrors('shared/wall/x.ts', code);
    expect(errors).toHaveLength(5);
    expect(errors.join('\n')).toContain("shared/ is pure TypeScript: it must not import 'electron'");
    expect(errors.join('\n')).toContain('shared/ must not import React');
    expect(errors.filter((e) => e.includes('shared/ must not import from main/, renderer/, preload/ or server/'))).toHaveLength(3);
  });

  it('rejects renderer imports reaching main/, preload/ or server/ and Node builtins', async () => {
    const code = [
      "import '../../main/services/a';",
      "import { api } from '../../preload/index';",
      "import path from 'node:path';",
      "import { appContract } from '../../shared/contracts';",
      'export const x = [api, path, appContract];',
    ].join('\n');
    const errors = await boundaryErrors('renderer/src/x.tsx', code);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('renderer/ may import only shared/');
    expect(errors[1]).toContain('renderer/ may import only shared/');
    expect(errors[2]).toContain('renderer/ runs in a sandboxed browser page: no Node builtins');
  });

  it('rejects preload imports of Node builtins and main/', async () => {
    const code = "import fs from 'fs';\nimport { x } from '../main/core/app';\nexport const a = [fs, x];\n";
    const errors = await boundaryErrors('preload/index.ts', code);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('preload/ runs sandboxed: no Node builtins');
    expect(errors[1]).toContain('preload/ may import only');
  });

  it('rejects main importing server/ or renderer/ code', async () => {
    const errors = await boundaryErrors(
      'main/host/cli.ts',
      "import { start } from '../../server/index';\nimport { App } from '../../renderer/src/App';\nexport const a = [start, App];\n",
    );
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toContain('main/ must not import renderer/ or server/ code');
  });

  it('rejects server importing main/ or electron; node and shared are fine', async () => {
    const code = [
      "import { createDispatcher } from '../main/core/dispatcher';",
      "import { app } from 'electron';",
      "import { createServer } from 'node:http';",
      "import { appContract } from '../shared/contracts';",
      'export const a = [createDispatcher, app, createServer, appContract];',
    ].join('\n');
    const errors = await boundaryErrors('server/api/app.ts', code);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('server/ must not import main/, renderer/ or preload/');
    expect(errors[1]).toContain("server/ is a plain Node service: it must not import 'electron'");
  });

  it('passes a clean file with no lint messages at all', async () => {
    const code = [
      "import { readFile } from 'node:fs/promises';",
      "import { appContract } from '../../../shared/contracts';",
      '',
      'export async function load(p: string): Promise<number> {',
      '  const text = await readFile(p, "utf8");',
      '  return text.length + Object.keys(appContract).length;',
      '}',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, 'main/services/x/load.service.ts') });
    expect(result.messages).toEqual([]);
  });
});
