import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { COMMANDS } from '../../shared/sync/commands';
import { canonicalJson } from '../../shared/sync/canonical';
import type { Mutation, MutationResult, PushRequest } from '../../shared/sync/protocol';
import { auditMany, type AuditEntry } from '../audit';
import type { SessionUser } from '../auth/auth.service';
import { isTransientDbError } from '../db/client';
import { insertRows } from '../db/insert-rows';
import { DEFAULT_FEEDBACK_CONFIG, type FeedbackConfig } from '../feedback/case-model';
import { appliedMutations, clientProgress } from '../db/schema';
import type { Logger } from '../log';
import { CommandRejected, commandReads, commandTarget, HANDLERS } from './commands/handlers';
import type { Entity } from '../../shared/domain/entities';
import { withWriteTx, type WriteContext, type Writer } from './writer';

/** Test seams to simulate a crash (throw) at a given point of a push transaction. */
export interface PushHooks {
  /** Inside the batch transaction, right after one executed command's effects (inside its savepoint). */
  beforeCommit?: (m: Mutation) => void | Promise<void>;
  /** Just before the batch transaction's COMMIT, after every mutation of the batch was written. */
  beforeBatchCommit?: (mutations: readonly Mutation[]) => void | Promise<void>;
}

type Rejected = Extract<MutationResult, { status: 'rejected' }>;
type Retry = Extract<MutationResult, { status: 'retry' }>;
type Final = Exclude<MutationResult, { status: 'retry' }>;
const rejected = (id: string, code: string, reason: string): Rejected => ({ id, status: 'rejected', code, reason });
const retry = (id: string, reason: string): Retry => ({ id, status: 'retry', reason });

const TRANSIENT_REASON = 'Temporary database problem; send again later';
const SERVER_ERROR_REASON = 'Server error; send again later';

/**
 * Applies a push batch in ONE transaction (the change-log lock taken once), each mutation in its own
 * SAVEPOINT:
 *  - a rejected command (business conflict, invalid args, forbidden) or a server bug in one command
 *    rolls back to its savepoint and is answered rejected; the others go on;
 *  - a transient failure in one command rolls back to its savepoint, the ones before it are committed
 *    and it and every later one are answered `retry`;
 *  - each applied mutation's effects + change-log rows + applied_mutations row + audit row commit
 *    together with the batch: a crash before COMMIT leaves nothing, the client resends the same ids
 *    and they are judged again (exactly once through the (clientId, id) dedup).
 * A failure of the batch transaction itself (not of one command) answers `retry` for all when
 * transient, otherwise the batch is applied again one mutation per transaction, so one poisoned
 * command cannot block a wall's queue.
 * The writer defers (WriteOptions.deferWrites): the rows the batch's commands name are read up
 * front in one query per entity, their row writes go to the database at flush as multi-row upserts
 * (a failure there is a failure of the batch transaction), and a command's savepoint exists only
 * if it sent a statement: a typical batch of case notes costs ~13 statements, not ~1800.
 */
export class PushService {
  constructor(
    private readonly ctx: WriteContext,
    private readonly now: () => Date,
    private readonly log: Logger,
    private readonly hooks: PushHooks = {},
    private readonly feedback: FeedbackConfig = DEFAULT_FEEDBACK_CONFIG,
  ) {}

  /** One result per mutation, in order. After the first transient failure, the rest answer `retry`. */
  async push(req: PushRequest, user: SessionUser, ip: string): Promise<MutationResult[]> {
    return this.tryBatch(req.clientId, req.mutations, user, ip);
  }

  private async tryBatch(clientId: string, ms: readonly Mutation[], user: SessionUser, ip: string): Promise<MutationResult[]> {
    try {
      return await this.applyBatch(clientId, ms, user, ip, false);
    } catch (err) {
      if (isTransientDbError(err)) {
        this.log('warn', 'push: transient failure of the batch, answering retry', { mutations: ms.length, first: ms[0]?.id, err });
        return ms.map((m) => retry(m.id, TRANSIENT_REASON));
      }
      if (ms.length > 1) {
        this.log('error', 'push: batch failed, applying its mutations one by one', { mutations: ms.length, err });
        const results: MutationResult[] = [];
        for (let i = 0; i < ms.length; i++) {
          const [r] = await this.tryBatch(clientId, [ms[i]], user, ip);
          results.push(r);
          if (r.status === 'retry') {
            for (const m of ms.slice(i + 1)) results.push(retry(m.id, r.reason));
            break;
          }
        }
        return results;
      }
      // One mutation whose transaction failed outside its savepoint: record it as a server bug.
      const [m] = ms;
      this.log('error', 'push: command failed', { mutation: m.id, name: m.name, err });
      try {
        return await this.applyBatch(clientId, ms, user, ip, true);
      } catch (err2) {
        this.log('error', 'push: could not record failure', { mutation: m.id, err: err2 });
        return [retry(m.id, SERVER_ERROR_REASON)];
      }
    }
  }

  /**
   * The batch in one transaction. `forced`: do not execute, record every new mutation as rejected
   * `internal_error` (audited). Throws only for a failure of the transaction itself.
   */
  private async applyBatch(clientId: string, ms: readonly Mutation[], user: SessionUser, ip: string, forced: boolean): Promise<MutationResult[]> {
    const hashes = ms.map((m) => createHash('sha256').update(canonicalJson({ name: m.name, args: m.args ?? null })).digest('hex'));
    return withWriteTx(this.ctx, async (w) => {
      const results: MutationResult[] = [];
      const applied: Array<typeof appliedMutations.$inferInsert> = [];
      const audits: AuditEntry[] = [];
      /** Applied now, with the number of change-log rows written up to its end (for its seq). */
      const fresh: Array<{ result: Extract<Final, { status: 'applied' }>; changes: number }> = [];
      const duplicates: number[] = [];
      const ids = [...new Set(ms.map((m) => m.id))];
      // Under the change-log lock (taken first by withWriteTx): no other push can change these meanwhile.
      const prior = await w.tx
        .select({ mutationId: appliedMutations.mutationId, argsSha256: appliedMutations.argsSha256, result: appliedMutations.result })
        .from(appliedMutations)
        .where(and(eq(appliedMutations.clientId, clientId), inArray(appliedMutations.mutationId, ids)));
      const known = new Map(prior.map((p) => [p.mutationId, { argsSha256: p.argsSha256, result: p.result as Final }]));
      const [progress] = await w.tx.select({ last: clientProgress.lastClientSeq }).from(clientProgress).where(eq(clientProgress.clientId, clientId));
      const startSeq = progress ? Number(progress.last) : null;
      let lastClientSeq = startSeq;
      let stop: string | null = null;
      let executed = false;
      const now = this.now();
      if (!forced) {
        // The rows the new commands will read, in one query per entity instead of one per command.
        const reads = new Map<Entity, string[]>();
        for (const m of ms) {
          if (known.has(m.id)) continue;
          for (const [entity, id] of commandReads(m.name, m.args)) {
            const ids = reads.get(entity);
            if (ids) ids.push(id);
            else reads.set(entity, [id]);
          }
        }
        for (const [entity, ids] of reads) await w.prefetch(entity, ids);
      }

      for (let i = 0; i < ms.length; i++) {
        const m = ms[i];
        if (stop !== null) {
          results.push(retry(m.id, stop));
          continue;
        }
        // Answers that write nothing (duplicate, id reuse, out of order): not recorded, not audited.
        const seen = known.get(m.id);
        if (seen) {
          if (seen.argsSha256 !== hashes[i]) results.push(rejected(m.id, 'mutation_id_reused', 'This mutation id was already used for a different command'));
          // Resolved after the change log is flushed (an earlier mutation of this batch has no seq yet).
          else duplicates.push(results.push(seen.result) - 1);
          continue;
        }
        if (lastClientSeq !== null && m.clientSeq <= lastClientSeq) {
          results.push(rejected(m.id, 'out_of_order', `clientSeq ${m.clientSeq} is not after ${lastClientSeq}, the last one this server saw from this client`));
          continue;
        }
        let result: Final;
        if (forced) result = rejected(m.id, 'internal_error', 'The server failed to apply this command');
        else {
          executed = true;
          try {
            result = await this.execute(w, m, user, this.now());
          } catch (err) {
            if (isTransientDbError(err)) {
              // Rolled back to its savepoint: the earlier mutations still commit, this one and the rest retry.
              this.log('warn', 'push: transient failure, answering retry', { mutation: m.id, err });
              stop = TRANSIENT_REASON;
              results.push(retry(m.id, stop));
              continue;
            }
            this.log('error', 'push: command failed', { mutation: m.id, name: m.name, err });
            result = rejected(m.id, 'internal_error', 'The server failed to apply this command');
          }
        }
        // Only applied commands are remembered and advance the client's position: a rejection changes
        // no state (a lost answer is simply re-judged), but it is audited like everything else.
        if (result.status === 'applied') {
          fresh.push({ result, changes: w.changes });
          applied.push({ clientId, mutationId: m.id, clientSeq: m.clientSeq, name: m.name, userId: user.id, argsSha256: hashes[i], result, appliedAt: now });
          known.set(m.id, { argsSha256: hashes[i], result });
          lastClientSeq = m.clientSeq;
        }
        const args = m.args !== null && typeof m.args === 'object' && !Array.isArray(m.args) ? (m.args as Record<string, unknown>) : { value: m.args };
        audits.push({
          userId: user.id,
          actor: user.username,
          ip,
          action: `command:${m.name}`,
          target: commandTarget(args),
          args: { ...args, mutationId: m.id, clientId, clientSeq: m.clientSeq, createdAt: m.createdAt },
          result: result.status === 'applied' ? 'applied' : `rejected:${result.code}`,
        });
        results.push(result);
      }

      await w.flush();
      for (const f of fresh) if (f.result.seq !== null) f.result.seq = w.seqOf(f.changes - 1);
      for (const i of duplicates) {
        const r = results[i];
        if (r.status === 'applied') results[i] = { ...r, duplicate: true };
      }
      await insertRows(w.tx, appliedMutations, applied);
      if (lastClientSeq !== null && lastClientSeq !== startSeq) {
        await w.tx
          .insert(clientProgress)
          .values({ clientId, lastClientSeq, updatedAt: now })
          .onConflictDoUpdate({ target: clientProgress.clientId, set: { lastClientSeq, updatedAt: now } });
      }
      await auditMany(w.tx, audits);
      if (executed) await this.hooks.beforeBatchCommit?.(ms);
      return results;
    }, { deferWrites: true });
  }

  /** Validation, permission, then the effects in a savepoint (a rejection or a failure undoes them). */
  private async execute(w: Writer, m: Mutation, user: SessionUser, now: Date): Promise<Final> {
    const command = COMMANDS[m.name];
    const parsed = command.args.safeParse(m.args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return rejected(m.id, 'invalid_args', `${issue.path.join('.') || 'args'}: ${issue.message}`.slice(0, 300));
    }
    if (!command.roles.includes(user.role)) return rejected(m.id, 'forbidden', `Role '${user.role}' may not ${m.name}`);
    const before = w.changes;
    try {
      await w.step(async () => {
        await (HANDLERS[m.name] as (w: Writer, a: unknown, c: unknown) => Promise<void>)(w, parsed.data, { user, now, feedback: this.feedback });
        await this.hooks.beforeCommit?.(m);
      });
    } catch (err) {
      if (err instanceof CommandRejected) return rejected(m.id, err.code, err.message);
      throw err;
    }
    // seq: filled in by applyBatch once the change log is flushed (null if the command wrote nothing).
    return { id: m.id, status: 'applied', duplicate: false, seq: w.changes !== before ? -1 : null };
  }
}
