import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { COMMANDS } from '../../shared/sync/commands';
import { canonicalJson } from '../../shared/sync/canonical';
import type { Mutation, MutationResult, PushRequest } from '../../shared/sync/protocol';
import { audit } from '../audit';
import type { SessionUser } from '../auth/auth.service';
import { isTransientDbError } from '../db/client';
import { appliedMutations, clientProgress } from '../db/schema';
import type { Logger } from '../log';
import { CommandRejected, commandTarget, HANDLERS } from './commands/handlers';
import { withWriteTx, type WriteContext, type Writer } from './writer';

/** Test seam: runs inside an executed command's transaction just before COMMIT (to simulate a crash there). */
export interface PushHooks {
  beforeCommit?: (m: Mutation) => void | Promise<void>;
}

type Rejected = Extract<MutationResult, { status: 'rejected' }>;
type Final = Exclude<MutationResult, { status: 'retry' }>;
const rejected = (id: string, code: string, reason: string): Rejected => ({ id, status: 'rejected', code, reason });

/** An answer that writes nothing (duplicate, id reuse, out of order): the transaction is rolled back. */
class Unrecorded {
  constructor(readonly result: MutationResult) {}
}

export class PushService {
  constructor(
    private readonly ctx: WriteContext,
    private readonly now: () => Date,
    private readonly log: Logger,
    private readonly hooks: PushHooks = {},
  ) {}

  /** One result per mutation, in order. After the first transient failure, the rest answer `retry`. */
  async push(req: PushRequest, user: SessionUser, ip: string): Promise<MutationResult[]> {
    const results: MutationResult[] = [];
    let retryReason: string | null = null;
    for (const m of req.mutations) {
      if (retryReason === null) {
        try {
          results.push(await this.applyOne(req.clientId, m, user, ip));
          continue;
        } catch (err) {
          retryReason = await this.onFailure(req.clientId, m, user, ip, err, results);
          if (retryReason === null) continue;
        }
      }
      results.push({ id: m.id, status: 'retry', reason: retryReason });
    }
    return results;
  }

  /**
   * Transient → retry (this and the rest). Anything else is a server bug: answered (and audited) as
   * rejected 'internal_error' so one poisoned command cannot block a wall's queue forever.
   */
  private async onFailure(clientId: string, m: Mutation, user: SessionUser, ip: string, err: unknown, results: MutationResult[]) {
    if (isTransientDbError(err)) {
      this.log('warn', 'push: transient failure, answering retry', { mutation: m.id, err });
      return 'Temporary database problem; send again later';
    }
    this.log('error', 'push: command failed', { mutation: m.id, name: m.name, err });
    try {
      results.push(await this.applyOne(clientId, m, user, ip, rejected(m.id, 'internal_error', 'The server failed to apply this command')));
      return null;
    } catch (err2) {
      this.log('error', 'push: could not record failure', { mutation: m.id, err: err2 });
      return 'Server error; send again later';
    }
  }

  /** One mutation, one transaction: effects + change log + applied_mutations + client_progress + audit. */
  private async applyOne(clientId: string, m: Mutation, user: SessionUser, ip: string, forced?: Rejected): Promise<MutationResult> {
    const argsSha256 = createHash('sha256').update(canonicalJson({ name: m.name, args: m.args ?? null })).digest('hex');
    try {
      return await withWriteTx(this.ctx, async (w) => {
        const [prior] = await w.tx
          .select()
          .from(appliedMutations)
          .where(and(eq(appliedMutations.clientId, clientId), eq(appliedMutations.mutationId, m.id)));
        if (prior) {
          if (prior.argsSha256 !== argsSha256) {
            throw new Unrecorded(rejected(m.id, 'mutation_id_reused', 'This mutation id was already used for a different command'));
          }
          const stored = prior.result as MutationResult;
          throw new Unrecorded(stored.status === 'applied' ? { ...stored, duplicate: true } : stored);
        }
        const [progress] = await w.tx.select().from(clientProgress).where(eq(clientProgress.clientId, clientId));
        if (progress && m.clientSeq <= progress.lastClientSeq) {
          throw new Unrecorded(
            rejected(m.id, 'out_of_order', `clientSeq ${m.clientSeq} is not after ${progress.lastClientSeq}, the last one this server saw from this client`),
          );
        }
        const result: Final = forced ?? (await this.execute(w, m, user));
        const now = this.now();
        // Only applied commands are remembered and advance the client's position: a rejection changes
        // no state (a lost answer is simply re-judged), but it is audited like everything else.
        if (result.status === 'applied') {
          await w.tx.insert(appliedMutations).values({ clientId, mutationId: m.id, clientSeq: m.clientSeq, name: m.name, userId: user.id, argsSha256, result, appliedAt: now });
          await w.tx
            .insert(clientProgress)
            .values({ clientId, lastClientSeq: m.clientSeq, updatedAt: now })
            .onConflictDoUpdate({ target: clientProgress.clientId, set: { lastClientSeq: m.clientSeq, updatedAt: now } });
        }
        const args = m.args !== null && typeof m.args === 'object' && !Array.isArray(m.args) ? (m.args as Record<string, unknown>) : { value: m.args };
        await audit(w.tx, {
          userId: user.id,
          actor: user.username,
          ip,
          action: `command:${m.name}`,
          target: commandTarget(args),
          args: { ...args, mutationId: m.id, clientId, clientSeq: m.clientSeq, createdAt: m.createdAt },
          result: result.status === 'applied' ? 'applied' : `rejected:${result.code}`,
        });
        if (!forced) await this.hooks.beforeCommit?.(m);
        return result;
      });
    } catch (err) {
      if (err instanceof Unrecorded) return err.result;
      throw err;
    }
  }

  /** Validation, permission, then the effects in a savepoint (a business rejection undoes them). */
  private async execute(w: Writer, m: Mutation, user: SessionUser): Promise<Final> {
    const command = COMMANDS[m.name];
    const parsed = command.args.safeParse(m.args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return rejected(m.id, 'invalid_args', `${issue.path.join('.') || 'args'}: ${issue.message}`.slice(0, 300));
    }
    if (!command.roles.includes(user.role)) return rejected(m.id, 'forbidden', `Role '${user.role}' may not ${m.name}`);
    try {
      await w.savepoint((sw) => (HANDLERS[m.name] as (w: Writer, a: unknown, c: unknown) => Promise<void>)(sw, parsed.data, { user, now: this.now() }));
    } catch (err) {
      if (err instanceof CommandRejected) return rejected(m.id, err.code, err.message);
      throw err;
    }
    return { id: m.id, status: 'applied', duplicate: false, seq: w.lastSeq };
  }
}
