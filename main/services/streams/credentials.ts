import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from './ffmpeg-args';

/** Encrypts small secrets; Electron passes one backed by `safeStorage`. */
export interface SecretCipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/** AES-256-GCM with a random 32-byte key in a mode-600 file (used when no OS keychain is available). */
export function fileKeyCipher(keyFile: string): SecretCipher {
  let key: Buffer;
  if (existsSync(keyFile)) {
    key = readFileSync(keyFile);
    if (key.length !== 32) throw new Error(`credential key file ${keyFile} is corrupt`);
  } else {
    key = randomBytes(32);
    writeFileSync(keyFile, key, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(keyFile, 0o600);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), ct]);
    },
    decrypt(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]);
    },
  };
}

/**
 * Camera credentials per camera id, kept only on this machine (never in the synced camera row),
 * encrypted at rest. They reach ffmpeg only at spawn time, inside the source URL.
 */
export class CredentialStore {
  private readonly file: string;
  private readonly cipher: SecretCipher;
  private entries: Record<string, string> = {};

  constructor(opts: { dataDir: string; cipher?: SecretCipher }) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.file = join(opts.dataDir, 'camera-credentials.json');
    this.cipher = opts.cipher ?? fileKeyCipher(join(opts.dataDir, 'camera-credentials.key'));
    if (existsSync(this.file)) {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { v: number; entries: Record<string, string> };
      this.entries = parsed.entries ?? {};
    }
  }

  get(cameraId: string): Credentials | null {
    const sealed = this.entries[cameraId];
    if (!sealed) return null;
    const c = JSON.parse(this.cipher.decrypt(Buffer.from(sealed, 'base64')).toString('utf8')) as Credentials;
    return { username: String(c.username ?? ''), password: String(c.password ?? '') };
  }

  set(cameraId: string, creds: Credentials): void {
    const plain = Buffer.from(JSON.stringify({ username: creds.username, password: creds.password }), 'utf8');
    this.entries[cameraId] = this.cipher.encrypt(plain).toString('base64');
    this.save();
  }

  delete(cameraId: string): void {
    delete this.entries[cameraId];
    this.save();
  }

  ids(): string[] {
    return Object.keys(this.entries).sort();
  }

  /** Every stored password (for log redaction). */
  secrets(): string[] {
    return this.ids()
      .map((id) => {
        try {
          return this.get(id)?.password ?? '';
        } catch {
          return '';
        }
      })
      .filter((p) => p.length > 0);
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ v: 1, entries: this.entries }), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
