import type { Logger } from './dispatcher';

const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|credential|api[_-]?key/i;

/** Drop values of secret-looking keys and credentials inside URLs before anything is logged. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5) return '[…]';
  if (typeof value === 'string') return value.replace(/\/\/([^/@\s:]+):([^/@\s]+)@/g, '//$1:***@').replace(/([?&](?:token|api_key|key)=)[^&\s]+/gi, '$1***');
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '***' : redact(v, depth + 1);
    return out;
  }
  return value;
}

/** One JSON line per entry on stderr; secrets redacted. */
export function createLogger(opts: { level?: 'debug' | 'info' | 'warn' | 'error'; write?: (line: string) => void } = {}): Logger {
  const order = { debug: 10, info: 20, warn: 30, error: 40 } as const;
  const min = order[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  return (level, msg, meta) => {
    if (order[level] < min) return;
    write(JSON.stringify({ t: new Date().toISOString(), level, msg: redact(msg), ...(meta ? (redact(meta) as object) : {}) }));
  };
}
