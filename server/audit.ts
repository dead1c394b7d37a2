import type { Executor } from './db/client';
import { insertRows } from './db/insert-rows';
import { auditLog } from './db/schema';
import { canonicalJson } from '../shared/sync/canonical';

export interface AuditEntry {
  userId?: string | null;
  actor: string;
  ip?: string | null;
  action: string;
  target?: string | null;
  /** A summary of the arguments; callers pass no secrets (passwords never reach here). */
  args?: unknown;
  result: string;
}

const MAX_ARGS_CHARS = 2000;

/** Oversized args are stored as a truncated string: the audit trail must not become a data sink. */
function summarize(args: unknown): unknown {
  if (args === undefined) return null;
  const text = canonicalJson(args);
  return text.length <= MAX_ARGS_CHARS ? args : { truncated: text.slice(0, MAX_ARGS_CHARS) };
}

function toRow(e: AuditEntry): typeof auditLog.$inferInsert {
  return {
    userId: e.userId ?? null,
    actor: e.actor.slice(0, 200),
    ip: e.ip ?? null,
    action: e.action,
    target: e.target?.slice(0, 200) ?? null,
    args: summarize(e.args),
    result: e.result.slice(0, 200),
  };
}

export async function audit(exec: Executor, e: AuditEntry): Promise<void> {
  await exec.insert(auditLog).values(toRow(e));
}

/** Several entries in one INSERT (ids, and so the trail's order, follow the array's order). */
export async function auditMany(exec: Executor, entries: readonly AuditEntry[]): Promise<void> {
  await insertRows(exec, auditLog, entries.map(toRow));
}
