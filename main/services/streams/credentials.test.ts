import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialStore } from './credentials';
import { makeRedactor } from './redaction';

const dir = mkdtempSync(join(tmpdir(), 'ioc-creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CredentialStore', () => {
  it('encrypts at rest with a 0600 key file and reads back after a restart', () => {
    const a = new CredentialStore({ dataDir: dir });
    a.set('cam-1', { username: 'admin', password: 'Tr@My-2026!' });
    expect(readFileSync(join(dir, 'camera-credentials.json'), 'utf8')).not.toContain('Tr@My');
    expect(statSync(join(dir, 'camera-credentials.key')).mode & 0o077).toBe(0);
    const b = new CredentialStore({ dataDir: dir });
    expect(b.get('cam-1')).toEqual({ username: 'admin', password: 'Tr@My-2026!' });
    expect(b.get('nope')).toBeNull();
    b.delete('cam-1');
    expect(new CredentialStore({ dataDir: dir }).ids()).toEqual([]);
  });

  it('uses an injected cipher (Electron safeStorage)', () => {
    const calls: string[] = [];
    const cipher = {
      encrypt: (b: Buffer) => (calls.push('e'), Buffer.from(b.toString('base64'))),
      decrypt: (b: Buffer) => (calls.push('d'), Buffer.from(b.toString(), 'base64')),
    };
    const s = new CredentialStore({ dataDir: join(dir, 'ss'), cipher });
    s.set('c', { username: 'u', password: 'secret-pw' });
    expect(s.get('c')!.password).toBe('secret-pw');
    expect(calls).toEqual(['e', 'd']);
  });

  it('redactor hides passwords in any form', () => {
    const r = makeRedactor(() => ['p@ss:w/rd']);
    expect(r('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5/ch1 failed')).not.toMatch(/p%40ss|p@ss/);
    expect(r('auth p@ss:w/rd rejected')).toBe('auth *** rejected');
  });
});
