export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, meta?: Record<string, unknown>) => void;

/** Keys whose values never reach a log line, however deeply nested. */
const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|hash/i;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/** JSON lines on a stream (stderr by default: stdout is reserved for the `--json` ready line). Wrap with safeLogger. */
export function jsonLineLogger(write: (line: string) => void = (l) => process.stderr.write(l), minLevel: LogLevel = 'info'): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(minLevel);
  return (level, msg, meta) => {
    if (order.indexOf(level) < min) return;
    write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta })}\n`);
  };
}

/** Wraps a caller's logger so secrets are stripped before it sees them. */
export function safeLogger(log: Logger): Logger {
  return (level, msg, meta) => log(level, msg, meta ? (redact(meta) as Record<string, unknown>) : undefined);
}

export const silentLogger: Logger = () => {};
