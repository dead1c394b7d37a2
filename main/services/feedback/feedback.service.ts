import type Database from 'better-sqlite3';
import { IocError } from '../../../shared/contracts/rpc';
import type { FeedbackDetail, FeedbackFilters, FeedbackLookups, FeedbackQueryResult, FeedbackRow, FeedbackSort, PendingAction, RoutingRule, RoutingRules } from '../../../shared/contracts/feedback.contract';
import { RoutingRulesClient } from './routing-rules';
import { AdminUnit, Agency, CaseEvent, FeedbackCase } from '../../../shared/domain/entities';
import { findDuplicateCandidates } from '../../../shared/feedback/duplicates';
import type { SlaPolicy } from '../../../shared/feedback/sla';
import { CASE_ACTION_COMMANDS } from '../../../shared/contracts/feedback.contract';
import { findCategory } from '../../../shared/feedback/categories';
import { ALLOWED_FROM } from '../../../shared/feedback/workflow';
import { CASE_COMMAND_ACTION, COMMANDS, type CommandName } from '../../../shared/sync/commands';
import { FeedbackMedia } from './media';
import type { Logger } from '../../core/dispatcher';
import { CE, CE_AT, CE_CASE, ftsQuery, LEVEL_RANK, placeholders, Q, searchTokens, sqlString } from './feedback.sql';
import { matchesTokens } from './fold';
import { flushAll, flushStep, type FoldOptions, hasDirty } from './queue-index';
import { HANDLE_STATUSES, LEVELS, phaseOf, SlaIndex, type Thresholds } from './sla-index';
import { allowedStatusChanges, canAssign, SERVER_STATUSES, statusRank, workflowState } from './status-map';

/** Rows without server SLA state whose clock (from the status) is accept / handle (migration 6 column). */
const LOCAL_SQL = { accept: `q.sla_src = 'accept'`, handle: `q.sla_src = 'handle'` } as const;
/** Rows with the server's SLA state and a running clock (not paused, not done). */
const SRV_RUNNING = `q.sla_src = 'srv' AND q.sla_due IS NOT NULL`;
const PHASE_SQL = { accept: `q.status = 'received'`, handle: `q.status IN (${HANDLE_STATUSES.map(sqlString).join(', ')})` } as const;

export interface FeedbackServiceDeps {
  /** The local cache connection (null until it is open). */
  db: () => Database.Database | null;
  /** Queue a command in the outbox (CentralService.enqueueCommand); returns its mutation id. */
  enqueue: (name: CommandName, args: Record<string, unknown>) => string;
  now?: () => Date;
  policy?: SlaPolicy;
  log?: Logger;
  /** Queries slower than this are logged (ms). */
  slowQueryMs?: number;
  /**
   * Subscribe to cache changes (`data:changed`): the service then folds new/changed cases into the
   * queue in the background, chunk by chunk, instead of on the next read. Returns an unsubscribe.
   */
  onCacheChanged?: (listener: (entities: readonly string[]) => void) => () => void;
  /**
   * True while the sync engine is part-way through a pull with more pages waiting (an initial sync):
   * the background fold then waits for the last page and folds the whole backlog at once (folding
   * after every page re-touched the whole queue each time). Reads still fold first, so they are
   * never stale.
   */
  syncCatchingUp?: () => boolean;
  /** Queue fold sizes (tests); defaults in queue-index.ts. */
  fold?: FoldOptions;
  /** Folder for answer photos kept on this machine (offline); without it photos cannot be attached. */
  mediaDir?: string;
  /** The central server and a session token, when the app has one (photo upload/download). */
  serverAuth?: () => { url: string; token: string } | null;
  /** Put a rejected command back in the outbox (CentralService.retryRejected). */
  retryRejected?: (mutationId: string) => void;
  fetch?: typeof fetch;
}

export interface QueryInput {
  filters: FeedbackFilters;
  sort: FeedbackSort;
  offset: number;
  limit: number;
}

/** A case as the queue sees it: server truth with the operator's pending overlay. */
interface Item {
  id: string;
  data: Record<string, unknown>;
  status: string;
  level: string;
  /** receivedAt, epoch ms (NaN if unreadable). */
  received: number;
  pending: boolean;
  /** The server's stored due instant (epoch ms), null when paused/done; undefined without server SLA state. */
  srvDue?: number | null;
}

type Skip = { status?: boolean; sla?: boolean };
interface Where {
  sql: string;
  params: unknown[];
}
interface SortPart {
  expr: string;
  dir: 'asc' | 'desc';
  of: (i: Pick<Item, 'id' | 'status' | 'level' | 'received'>) => number | string;
}

const LEVEL_ORDER: Record<string, number> = { urgent: 0, normal: 1, complex: 2 };

/**
 * The citizen-feedback queue over the local cache: filters, sorts and counts in SQL on the
 * migration-3 indexes; SLA states from shared/feedback (exact thresholds, see sla-index.ts); rows
 * with a pending operator action are evaluated on their overlaid state (status/agency as the operator
 * set them) and merged into the page at their sorted position.
 */
export class FeedbackService {
  private readonly sla: SlaIndex;
  private readonly now: () => Date;

  private readonly off: (() => void) | null;
  private flushTimer: ReturnType<typeof setImmediate> | null = null;
  private deferTimer: ReturnType<typeof setTimeout> | null = null;
  readonly media: FeedbackMedia | null;
  private readonly routing: RoutingRulesClient;

  constructor(private readonly deps: FeedbackServiceDeps) {
    this.sla = new SlaIndex(deps.policy);
    this.now = deps.now ?? (() => new Date());
    this.media = deps.mediaDir
      ? new FeedbackMedia({ dir: deps.mediaDir, serverAuth: deps.serverAuth ?? (() => null), fetch: deps.fetch, log: deps.log, onUploaded: () => this.retryPhotoRejections() })
      : null;
    this.routing = new RoutingRulesClient({ serverAuth: deps.serverAuth ?? (() => null), fetch: deps.fetch });
    this.off =
      deps.onCacheChanged?.((entities) => {
        if (entities.includes('feedback_case')) this.scheduleFlush();
        // Data arrived: the server is reachable again, photos kept offline can go up now.
        this.media?.kick();
      }) ?? null;
  }

  dispose(): void {
    this.media?.dispose();
    this.off?.();
    if (this.flushTimer) clearImmediate(this.flushTimer);
    if (this.deferTimer) clearTimeout(this.deferTimer);
    this.flushTimer = null;
    this.deferTimer = null;
  }

  /**
   * Background fold of dirty cases: one step per turn of the event loop (a chunk, or the whole
   * backlog in bulk when it is big), so calls interleave. While the sync engine still has pages to
   * pull it waits (checking again every 250 ms).
   */
  private scheduleFlush(): void {
    if (this.flushTimer || this.deferTimer) return;
    if (this.deps.syncCatchingUp?.()) {
      this.deferTimer = setTimeout(() => {
        this.deferTimer = null;
        this.scheduleFlush();
      }, 250);
      return;
    }
    this.flushTimer = setImmediate(() => {
      this.flushTimer = null;
      const db = this.deps.db();
      if (!db || !db.open) return;
      try {
        if (flushStep(db, this.deps.fold) > 0 && hasDirty(db)) this.scheduleFlush();
      } catch (e) {
        this.deps.log?.('warn', 'feedback queue flush failed', { error: (e as Error).message });
      }
    });
  }

  // ---- query ----------------------------------------------------------------------------------

  query(input: QueryInput): FeedbackQueryResult {
    const started = performance.now();
    const db = this.requireDb();
    const nowMs = this.now().getTime();
    const th = this.sla.thresholds(nowMs);
    const { filters: f, sort } = input;
    const pendingItems = this.pendingItems(db);
    const pendingIds = pendingItems.map((p) => p.id);

    // The search runs once; the statements below reuse its row ids.
    const tokens = searchTokens(f.text);
    // The hits go into a temp table with a primary key once: every statement below tests membership
    // by key (a JSON list of 100k rowids was re-parsed by each of them: 2 s for a broad word).
    let textRids: string | null = null;
    if (tokens.length) {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS fq_hits (rid INTEGER PRIMARY KEY); DELETE FROM temp.fq_hits;`);
      db.prepare(`INSERT INTO temp.fq_hits (rid) SELECT rowid FROM feedback_fts WHERE feedback_fts MATCH ?`).run(ftsQuery(tokens));
      textRids = 'temp.fq_hits';
    }
    const where = (skip: Skip = {}) => this.where(f, th, pendingIds, textRids, skip);

    // Pending rows, judged on their overlaid state.
    const pendMatch = pendingItems.filter((p) => this.matches(p, f, th, {}));

    // total
    const w = where();
    const sqlTotal = (db.prepare(`SELECT count(*) FROM ${Q} q WHERE ${w.sql}`).pluck().get(...w.params) as number) ?? 0;
    const total = sqlTotal + pendMatch.length;

    // counts (faceted)
    const byStatus: Record<string, number> = {};
    const ws = where({ status: true });
    for (const [st, n] of db.prepare(`SELECT q.status, count(*) FROM ${Q} q WHERE ${ws.sql} GROUP BY q.status`).raw().all(...ws.params) as Array<[unknown, number]>) {
      if (typeof st === 'string') byStatus[st] = n;
    }
    for (const p of pendingItems) if (this.matches(p, f, th, { status: true })) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
    const wl = where({ sla: true });
    // One indexed range count per (level, phase) on fq_status: a sum over every row is 10× slower.
    let overdueN = 0;
    let dueSoonN = 0;
    if (textRids === null) {
      for (const g of th.groups) {
        const base = `SELECT count(*) FROM ${Q} q WHERE ${wl.sql} AND q.level = ? AND ${LOCAL_SQL[g.phase]} AND q.received`;
        overdueN += db.prepare(`${base} <= ?`).pluck().get(...wl.params, g.level, g.overdueMax) as number;
        dueSoonN += db.prepare(`${base} > ? AND q.received <= ?`).pluck().get(...wl.params, g.level, g.overdueMax, g.dueSoonMax) as number;
      }
      // Rows with the server's SLA state: two ranges on fq_sla_due (the due ticked forward to now).
      const srv = `SELECT count(*) FROM ${Q} q WHERE ${wl.sql} AND q.sla_src = 'srv' AND q.sla_due`;
      overdueN += db.prepare(`${srv} < ?`).pluck().get(...wl.params, th.now) as number;
      dueSoonN += db.prepare(`${srv} >= ? AND q.sla_due <= ?`).pluck().get(...wl.params, th.now, th.now + this.sla.policy.dueSoonMs) as number;
    } else {
      // A search already narrows by key: one pass over its hits beats twelve passes.
      const [o, d] = db.prepare(`SELECT coalesce(sum(${this.slaSql(th, 'overdue')}), 0), coalesce(sum(${this.slaSql(th, 'dueSoon')}), 0) FROM ${Q} q WHERE ${wl.sql}`).raw().get(...wl.params) as [number, number];
      overdueN = o;
      dueSoonN = d;
    }
    const pausedN = db
      .prepare(`SELECT count(*) FROM ${Q} q INDEXED BY fq_paused WHERE q.sla_paused = 1 AND ${wl.sql} AND q.sla_src = 'srv' AND q.sla_due IS NULL AND (${PHASE_SQL.accept} OR ${PHASE_SQL.handle})`)
      .pluck()
      .get(...wl.params) as number;
    const slaCounts = { overdue: overdueN, dueSoon: dueSoonN, paused: pausedN };
    for (const p of pendingItems) {
      if (!this.matches(p, f, th, { sla: true })) continue;
      const s = this.slaFlags(p, th);
      if (s.overdue) slaCounts.overdue++;
      if (s.dueSoon) slaCounts.dueSoon++;
      if (p.srvDue === null && p.data.paused === true && phaseOf(p.status) !== 'done') slaCounts.paused++;
    }

    // the page
    const ids = input.limit === 0 ? [] : sort.by === 'dueAt' ? this.pageByDue(db, w, pendMatch, sort, input.offset, input.limit) : this.pageBySql(db, w, pendMatch, sort, input.offset, input.limit);
    const items = this.load(db, ids, pendingItems);
    const rows: FeedbackRow[] = [];
    for (const id of ids) {
      const it = items.get(id);
      const row = it && this.toRow(it, nowMs);
      if (row) rows.push(row);
    }

    const ms = performance.now() - started;
    if (ms > (this.deps.slowQueryMs ?? 250)) this.deps.log?.('warn', 'slow feedback query', { ms: Math.round(ms), filters: f, sort, offset: input.offset });
    return { total, rows, counts: { byStatus, overdue: slaCounts.overdue, dueSoon: slaCounts.dueSoon, paused: slaCounts.paused }, now: new Date(nowMs).toISOString() };
  }

  // ---- one case -------------------------------------------------------------------------------

  get(id: string): FeedbackDetail {
    const db = this.requireDb();
    const nowMs = this.now().getTime();
    const item = this.load(db, [id], this.pendingItems(db)).get(id);
    const row = item && this.fullRow(item, nowMs);
    if (!item || !row) throw new IocError('not_found', `No feedback case ${id} in the local cache`);

    const history = (db.prepare(`SELECT data FROM cache_rows INDEXED BY ce_case WHERE ${CE} AND ${CE_CASE} = ? ORDER BY ${CE_AT} DESC, id DESC`).all(id) as Array<{ data: string }>)
      .map((r) => CaseEvent.safeParse(JSON.parse(r.data)))
      .filter((p) => p.success)
      .map((p) => p.data)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

    const pendingActions: PendingAction[] = (
      db.prepare(`SELECT mutation_id, name, args, created_at, actor FROM outbox WHERE name LIKE 'case.%' AND json_extract(args, '$.caseId') = ? ORDER BY client_seq`).all(id) as Array<{
        mutation_id: string;
        name: string;
        args: string;
        created_at: string;
        actor: string;
      }>
    ).map((r) => ({ mutationId: r.mutation_id, name: r.name, args: JSON.parse(r.args) as unknown, createdAt: r.created_at, actor: r.actor }));

    const c = row.case;
    let duplicates: FeedbackDetail['duplicates'] = [];
    if (c.location) {
      // 50 m is 0.00045° of latitude and ~0.00047° of longitude here (15.5° N): a 0.0006° box on the
      // fq_geo index (category, lat, lon) holds every candidate; the exact distance filters after.
      const [lon, lat] = c.location;
      const D = 0.0006;
      const near = db
        .prepare(
          `SELECT c.data FROM ${Q} q INDEXED BY fq_geo JOIN cache_rows c ON c.entity = 'feedback_case' AND c.id = q.id
             WHERE q.category = ? AND q.lat BETWEEN ? AND ? AND q.lon BETWEEN ? AND ? AND (${PHASE_SQL.accept} OR ${PHASE_SQL.handle}) AND q.id <> ?`,
        )
        .all(c.category, lat - D, lat + D, lon - D, lon + D, id) as Array<{ data: string }>;
      const open = near.map((r) => FeedbackCase.safeParse(JSON.parse(r.data))).flatMap((p) => (p.success ? [p.data] : []));
      const candidates = open.map((o) => ({ id: o.id, category: o.category, location: o.location, receivedAt: Date.parse(o.receivedAt), row: o }));
      duplicates = findDuplicateCandidates({ id: c.id, category: c.category, location: c.location }, candidates, { radiusM: 50 }).map((d) => ({ case: d.case.row, distanceM: Math.round(d.distanceM * 10) / 10 }));
    }

    const unit = c.unitId ? this.entity(db, 'admin_unit', c.unitId, AdminUnit) : null;
    const agency = c.agencyId ? this.entity(db, 'agency', c.agencyId, Agency) : null;
    const rejectedActions = (
      db.prepare(`SELECT mutation_id, name, args, created_at, actor, code, reason, rejected_at FROM rejected WHERE name LIKE 'case.%' AND json_extract(args, '$.caseId') = ? ORDER BY client_seq`).all(id) as Array<{
        mutation_id: string;
        name: string;
        args: string;
        created_at: string;
        actor: string;
        code: string;
        reason: string;
        rejected_at: string;
      }>
    ).map((r) => ({ mutationId: r.mutation_id, name: r.name, args: JSON.parse(r.args) as unknown, createdAt: r.created_at, actor: r.actor, code: r.code, reason: r.reason, rejectedAt: r.rejected_at }));

    const paused = item.data.paused === true;
    return {
      row,
      history,
      pendingActions,
      duplicates,
      unit,
      agency,
      allowedStatuses: allowedStatusChanges(c.status),
      canAssign: canAssign(c.status),
      photos: photosOf(item.data),
      answerPhotos: Array.isArray(item.data.answerPhotos) ? (item.data.answerPhotos as unknown[]).filter((p): p is string => typeof p === 'string').slice(0, 20) : [],
      rejectedActions,
      actions: availableActions(c.status, paused),
      needsFixPhoto: !!findCategory(c.category)?.needsFixPhoto,
      paused,
    };
  }

  lookups(): FeedbackLookups {
    const db = this.requireDb();
    const perUnit = db.prepare(`SELECT unit_id AS u, count(*) AS n FROM ${Q} GROUP BY unit_id`).all() as Array<{ u: unknown; n: number }>;
    const units: FeedbackLookups['units'] = [];
    for (const r of perUnit) {
      if (typeof r.u !== 'string') continue;
      const unit = this.entity(db, 'admin_unit', r.u, AdminUnit);
      units.push({ id: r.u, name: unit?.name ?? r.u, cases: r.n });
    }
    units.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    const agencies = (db.prepare(`SELECT data FROM cache_rows WHERE entity = 'agency' ORDER BY id`).all() as Array<{ data: string }>)
      .map((r) => Agency.safeParse(JSON.parse(r.data)))
      .flatMap((p) => (p.success ? [{ id: p.data.id, name: p.data.name, kind: p.data.kind, unitId: p.data.unitId }] : []))
      .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    const present = (db.prepare(`SELECT DISTINCT status FROM ${Q}`).pluck().all() as unknown[]).filter((s): s is string => typeof s === 'string');
    const statuses = [...SERVER_STATUSES, ...present.filter((s) => !(SERVER_STATUSES as readonly string[]).includes(s)).sort()];
    return { units, agencies, statuses, openStatuses: statuses.filter((st) => phaseOf(st) !== 'done') };
  }

  // ---- routing rules (central server, admin, online) --------------------------------------------

  async routingRules(): Promise<RoutingRules> {
    return { rules: await this.routing.list(), communes: this.communes() };
  }

  async saveRoutingRules(rules: readonly RoutingRule[]): Promise<RoutingRules> {
    return { rules: await this.routing.save(rules), communes: this.communes() };
  }

  /** Communes (and towns) of the cached admin units, for the routing rules' commune picker. */
  private communes(): RoutingRules['communes'] {
    const db = this.deps.db();
    if (!db) return [];
    return (db.prepare(`SELECT data FROM cache_rows WHERE entity = 'admin_unit'`).all() as Array<{ data: string }>)
      .map((r) => AdminUnit.safeParse(JSON.parse(r.data)))
      .flatMap((p) => (p.success && (p.data.level === 'commune' || p.data.level === 'town') && p.data.validTo === null ? [{ id: p.data.id, name: p.data.name }] : []))
      .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  }

  // ---- actions (outbox) -----------------------------------------------------------------------

  assign(caseId: string, agencyId: string, officer?: string): { mutationId: string; queued: true } {
    const c = this.current(caseId);
    if (!canAssign(c.status)) throw new IocError('conflict', `A case in status '${c.status}' cannot be assigned (triage it first, or re-open it)`);
    return { mutationId: this.deps.enqueue('case.assign', { caseId, agencyId, ...(officer ? { officer } : {}) }), queued: true };
  }

  setStatus(caseId: string, status: string, reason?: string): { mutationId: string; queued: true } {
    const c = this.current(caseId);
    const option = allowedStatusChanges(c.status).find((o) => o.status === status);
    if (!option) throw new IocError('conflict', `The workflow does not allow '${c.status}' → '${status}'`);
    if (option.needsReason && !reason?.trim()) throw new IocError('invalid_input', `'${status}' needs a reason`, [{ path: 'reason', message: 'required' }]);
    return { mutationId: this.deps.enqueue('case.setStatus', { caseId, status, ...(reason?.trim() ? { reason: reason.trim() } : {}) }), queued: true };
  }

  addNote(caseId: string, text: string): { mutationId: string; queued: true } {
    this.current(caseId);
    return { mutationId: this.deps.enqueue('case.addNote', { caseId, text }), queued: true };
  }

  /** Any other case command, checked against the workflow on the case as the operator sees it. */
  act(name: string, rawArgs: Record<string, unknown>): { mutationId: string; queued: true } {
    if (!(CASE_ACTION_COMMANDS as readonly string[]).includes(name)) throw new IocError('invalid_input', `Unknown case command '${name}'`);
    const cmd = name as (typeof CASE_ACTION_COMMANDS)[number];
    const parsed = COMMANDS[cmd].args.safeParse(rawArgs);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new IocError('invalid_input', `${name}: ${issues.map((i) => `${i.path || 'args'}: ${i.message}`).join('; ')}`, issues);
    }
    const args = parsed.data as Record<string, unknown> & { caseId: string };
    const c = this.current(args.caseId);
    if (!availableActions(c.status, c.data.paused === true).includes(cmd)) {
      throw new IocError('conflict', `'${name}' is not allowed for a case in status '${c.status}'${cmd === 'case.pause' || cmd === 'case.resume' ? (c.data.paused ? ' (paused)' : ' (not paused)') : ''}`);
    }
    if (cmd === 'case.merge') {
      if (args.into === args.caseId) throw new IocError('invalid_input', 'A case cannot be a duplicate of itself');
      this.current(String(args.into));
    }
    if (cmd === 'case.resolve') {
      const photos = (args.photos as string[] | undefined) ?? [];
      if (!photos.length && findCategory(String(c.data.category))?.needsFixPhoto) throw new IocError('invalid_input', 'This category needs an "after" photo of the fix', [{ path: 'photos', message: 'required' }]);
      for (const ref of photos) if (this.media && !this.media.hasLocal(ref) && !this.media.isUploaded(ref)) this.deps.log?.('warn', 'resolve names a photo this machine does not hold', { ref });
    }
    return { mutationId: this.deps.enqueue(cmd, args), queued: true };
  }

  async attachPhoto(type: 'image/jpeg' | 'image/png', dataBase64: string): Promise<{ ref: string; uploaded: boolean }> {
    if (!this.media) throw new IocError('unavailable', 'Photos cannot be stored on this machine');
    return this.media.attach(type, Buffer.from(dataBase64, 'base64'));
  }

  async photo(ref: string): Promise<{ dataUrl: string }> {
    if (!this.media) throw new IocError('unavailable', 'Photos are not available on this machine');
    return { dataUrl: await this.media.dataUrl(ref) };
  }

  /**
   * A resolve pushed while its photo was still only on this machine is refused `photo_not_uploaded`;
   * once the photo is up, put it back in the outbox (same args, sent exactly once more).
   */
  private retryPhotoRejections(): void {
    const db = this.deps.db();
    if (!db || !this.deps.retryRejected || !this.media) return;
    const rows = db.prepare(`SELECT mutation_id, args FROM rejected WHERE name = 'case.resolve' AND code = 'photo_not_uploaded'`).all() as Array<{ mutation_id: string; args: string }>;
    for (const r of rows) {
      const photos = ((JSON.parse(r.args) as { photos?: string[] }).photos ?? []).filter((p) => typeof p === 'string');
      if (photos.every((p) => this.media!.isUploaded(p))) {
        try {
          this.deps.retryRejected(r.mutation_id);
        } catch (e) {
          this.deps.log?.('warn', 'retry of a photo answer failed', { mutationId: r.mutation_id, error: (e as Error).message });
        }
      }
    }
  }

  // ---- internals: WHERE -----------------------------------------------------------------------

  private where(f: FeedbackFilters, th: Thresholds, pendingIds: readonly string[], textRids: string | null, skip: Skip): Where {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (pendingIds.length) {
      parts.push(`q.id NOT IN (${placeholders(pendingIds.length)})`);
      params.push(...pendingIds);
    }
    if (!skip.status && f.status?.length) {
      parts.push(`q.status IN (${placeholders(f.status.length)})`);
      params.push(...f.status);
    }
    if (f.level?.length) {
      parts.push(`q.level IN (${placeholders(f.level.length)})`);
      params.push(...f.level);
    }
    if (f.unitId) {
      parts.push(`q.unit_id = ?`);
      params.push(f.unitId);
    }
    if (f.agencyId) {
      parts.push(`q.agency_id = ?`);
      params.push(f.agencyId);
    }
    if (textRids !== null) parts.push(`q.rid IN (SELECT rid FROM ${textRids})`);
    if (!skip.sla && (f.overdue || f.dueSoon)) {
      const flags = [f.overdue && this.slaSql(th, 'overdue'), f.dueSoon && this.slaSql(th, 'dueSoon')].filter(Boolean);
      parts.push(`(${flags.join(' OR ')})`);
    }
    return { sql: parts.length ? parts.join(' AND ') : '1', params };
  }

  /** SQL boolean: the row's running clock is overdue / due soon at the thresholds' instant. */
  private slaSql(th: Thresholds, which: 'overdue' | 'dueSoon'): string {
    const terms = th.groups.map((g) => {
      const range = which === 'overdue' ? `q.received <= ${g.overdueMax}` : `q.received > ${g.overdueMax} AND q.received <= ${g.dueSoonMax}`;
      return `(${LOCAL_SQL[g.phase]} AND q.level = '${g.level}' AND ${range})`;
    });
    // Server SLA state: overdue ⇔ now > dueAt; due soon ⇔ now ≤ dueAt ≤ now + window (a paused
    // clock has no dueAt, so it is neither).
    terms.push(which === 'overdue' ? `(${SRV_RUNNING} AND q.sla_due < ${th.now})` : `(${SRV_RUNNING} AND q.sla_due >= ${th.now} AND q.sla_due <= ${th.now + this.sla.policy.dueSoonMs})`);
    return `(${terms.join(' OR ')})`;
  }

  /** The same predicate in JS, for pending (overlaid) rows. */
  private matches(it: Item, f: FeedbackFilters, th: Thresholds, skip: Skip): boolean {
    if (!skip.status && f.status?.length && !f.status.includes(it.status)) return false;
    if (f.level?.length && !(f.level as string[]).includes(it.level)) return false;
    if (f.unitId && it.data.unitId !== f.unitId) return false;
    if (f.agencyId && it.data.agencyId !== f.agencyId) return false;
    const tokens = searchTokens(f.text);
    if (tokens.length && !matchesTokens([it.data.title, it.data.description, it.data.address, it.id].map((v) => (typeof v === 'string' ? v : '')).join(' '), tokens)) return false;
    if (!skip.sla && (f.overdue || f.dueSoon)) {
      const s = this.slaFlags(it, th);
      if (!((f.overdue && s.overdue) || (f.dueSoon && s.dueSoon))) return false;
    }
    return true;
  }

  private slaFlags(it: Pick<Item, 'status' | 'level' | 'received' | 'srvDue'>, th: Thresholds): { overdue: boolean; dueSoon: boolean } {
    if (it.srvDue !== undefined) {
      if (it.srvDue === null || phaseOf(it.status) === 'done') return { overdue: false, dueSoon: false };
      return { overdue: it.srvDue < th.now, dueSoon: it.srvDue >= th.now && it.srvDue <= th.now + this.sla.policy.dueSoonMs };
    }
    const phase = phaseOf(it.status);
    if (phase === 'done' || Number.isNaN(it.received)) return { overdue: false, dueSoon: false };
    const g = th.groups.find((x) => x.level === it.level && x.phase === phase);
    if (!g) return { overdue: false, dueSoon: false };
    return { overdue: it.received <= g.overdueMax, dueSoon: it.received > g.overdueMax && it.received <= g.dueSoonMax };
  }

  // ---- internals: pages -----------------------------------------------------------------------

  private sortParts(sort: Pick<FeedbackSort, 'by' | 'dir'>): SortPart[] {
    const recv: SortPart = { expr: 'q.received', dir: 'desc', of: (i) => i.received };
    const id: SortPart = { expr: 'q.id', dir: 'desc', of: (i) => i.id };
    switch (sort.by) {
      case 'level':
        return [{ expr: LEVEL_RANK, dir: sort.dir, of: (i) => LEVEL_ORDER[i.level] ?? 3 }, recv, id];
      case 'status':
        return [{ expr: statusRankSql(), dir: sort.dir, of: (i) => statusRank(i.status) }, recv, id];
      default:
        return [
          { ...recv, dir: sort.dir },
          { ...id, dir: sort.dir },
        ];
    }
  }

  /** Sorted in SQL (index order or SQLite's top-N sorter); pending rows merged at their positions. */
  private pageBySql(db: Database.Database, w: Where, pend: Item[], sort: Pick<FeedbackSort, 'by' | 'dir'>, offset: number, limit: number): string[] {
    const parts = this.sortParts(sort);
    const orderBy = parts.map((p) => `${p.expr} ${p.dir.toUpperCase()}`).join(', ');
    const page = (off: number) => db.prepare(`SELECT q.id FROM ${Q} q WHERE ${w.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`).pluck().all(...w.params, limit, off) as string[];
    if (!pend.length) return page(offset);
    // Global position of a pending row = server rows sorting before it + pending rows before it
    // (one pass for all pending rows).
    const sorted = [...pend].sort((a, b) => compareParts(parts, a, b));
    const befores = sorted.map((p) => beforeSql(parts, p));
    const sums = befores.map((b) => `coalesce(sum(${b.sql}), 0)`).join(', ');
    const counts = db.prepare(`SELECT ${sums} FROM ${Q} q WHERE ${w.sql}`).raw().get(...befores.flatMap((b) => b.params), ...w.params) as number[];
    const positions = sorted.map((p, i) => ({ id: p.id, pos: counts[i] + i }));
    const pendBefore = positions.filter((p) => p.pos < offset).length;
    const server = page(offset - pendBefore);
    const out: string[] = [];
    let s = 0;
    for (let pos = offset; pos < offset + limit; pos++) {
      const p = positions.find((x) => x.pos === pos);
      if (p) out.push(p.id);
      else if (s < server.length) out.push(server[s++]);
      else break;
    }
    return out;
  }

  /**
   * Sorted by (due instant, receivedAt, id). Within one (level, phase) group the due instant never
   * decreases as receivedAt grows, so each group's rows in receivedAt order (from fq_status, at most
   * offset + limit of them) are already in due order: the page is a merge of six index-ordered
   * streams plus the pending rows. Rows without a running clock (closed, undated) follow, newest first.
   */
  private pageByDue(db: Database.Database, w: Where, pend: Item[], sort: FeedbackSort, offset: number, limit: number): string[] {
    const asc = sort.dir === 'asc';
    const need = offset + limit;
    const timed = (p: Pick<Item, 'status' | 'level' | 'received' | 'srvDue'>) =>
      p.srvDue !== undefined ? p.srvDue !== null && phaseOf(p.status) !== 'done' : phaseOf(p.status) !== 'done' && p.level in LEVEL_ORDER && Number.isFinite(p.received);
    type Key = { id: string; due: number; received: number };
    const streams: Key[][] = [];
    for (const level of LEVELS)
      for (const phase of ['accept', 'handle'] as const) {
        const rows = db
          .prepare(`SELECT q.id, q.received FROM ${Q} q WHERE ${w.sql} AND ${LOCAL_SQL[phase]} AND q.level = ? AND q.received IS NOT NULL ORDER BY q.received ${asc ? 'ASC' : 'DESC'}, q.id ${asc ? 'ASC' : 'DESC'} LIMIT ?`)
          .raw()
          .all(...w.params, level, need) as Array<[string, number]>;
        streams.push(rows.map(([id, received]) => ({ id, received, due: this.sla.dueAt(level, phase, received) })));
      }
    // Rows with the server's SLA state, in the order of their stored due (fq_sla_due).
    const srvRows = db
      .prepare(`SELECT q.id, q.received, q.sla_due FROM ${Q} q WHERE ${w.sql} AND ${SRV_RUNNING} ORDER BY q.sla_due ${asc ? 'ASC' : 'DESC'}, q.received ${asc ? 'ASC' : 'DESC'}, q.id ${asc ? 'ASC' : 'DESC'} LIMIT ?`)
      .raw()
      .all(...w.params, need) as Array<[string, number | null, number]>;
    streams.push(srvRows.map(([id, received, due]) => ({ id, received: received ?? 0, due })));
    const pendKeys = pend
      .filter(timed)
      .map((p) => ({ id: p.id, received: p.received, due: p.srvDue != null ? p.srvDue : this.sla.dueAt(p.level as 'urgent', phaseOf(p.status) as 'accept', p.received) }));
    const cmp = (x: Key, y: Key) => {
      const c = x.due - y.due || x.received - y.received || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
      return asc ? c : -c;
    };
    streams.push(pendKeys.sort(cmp));
    const heads = streams.map(() => 0);
    const out: string[] = [];
    let timedCount = 0;
    for (let k = 0; k < need; k++) {
      let best = -1;
      for (let i = 0; i < streams.length; i++) if (heads[i] < streams[i].length && (best < 0 || cmp(streams[i][heads[i]], streams[best][heads[best]]) < 0)) best = i;
      if (best < 0) break;
      const key = streams[best][heads[best]++];
      timedCount++;
      if (k >= offset) out.push(key.id);
    }
    if (out.length < limit) {
      // How many timed rows there are in all, to know where the untimed tail starts.
      const timedSql = `(((${LOCAL_SQL.accept} OR ${LOCAL_SQL.handle}) AND q.level IN ('urgent', 'normal', 'complex') AND q.received IS NOT NULL) OR (${SRV_RUNNING}))`;
      const totalTimed = timedCount < need ? timedCount : (db.prepare(`SELECT count(*) FROM ${Q} q WHERE ${w.sql} AND ${timedSql}`).pluck().get(...w.params) as number) + pendKeys.length;
      const tailWhere = { sql: `${w.sql} AND NOT coalesce(${timedSql}, 0)`, params: w.params };
      out.push(...this.pageBySql(db, tailWhere, pend.filter((p) => !timed(p)), { by: 'receivedAt', dir: 'desc' }, Math.max(0, offset - totalTimed), limit - out.length));
    }
    return out;
  }

  // ---- internals: rows ------------------------------------------------------------------------

  /** Feedback rows with a pending overlay, overlaid (in the order the operator acted). */
  private pendingItems(db: Database.Database): Item[] {
    const rows = db
      .prepare(
        `SELECT c.id AS id, c.data AS data, o.patch AS patch FROM optimistic o JOIN outbox q ON q.mutation_id = o.mutation_id
           JOIN cache_rows c ON c.entity = o.entity AND c.id = o.id WHERE o.entity = 'feedback_case' ORDER BY q.client_seq`,
      )
      .all() as Array<{ id: string; data: string; patch: string }>;
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of rows) {
      const base = byId.get(r.id) ?? (JSON.parse(r.data) as Record<string, unknown>);
      byId.set(r.id, Object.assign(base, JSON.parse(r.patch) as object));
    }
    return [...byId].map(([id, data]) => toItem(id, data, true));
  }

  private load(db: Database.Database, ids: readonly string[], pending: Item[]): Map<string, Item> {
    const out = new Map<string, Item>();
    const pend = new Map(pending.map((p) => [p.id, p]));
    const rest = ids.filter((id) => !pend.has(id));
    for (const id of ids) if (pend.has(id)) out.set(id, pend.get(id)!);
    for (let i = 0; i < rest.length; i += 500) {
      const chunk = rest.slice(i, i + 500);
      for (const r of db.prepare(`SELECT id, data FROM cache_rows WHERE entity = 'feedback_case' AND id IN (${placeholders(chunk.length)})`).all(...chunk) as Array<{ id: string; data: string }>) {
        out.set(r.id, toItem(r.id, JSON.parse(r.data) as Record<string, unknown>, false));
      }
    }
    return out;
  }

  /** A queue row: the list's fields only, checked by hand (zod on 200 full rows cost ~40 ms a page). */
  private toRow(it: Item, nowMs: number): FeedbackRow | null {
    const d = it.data;
    const str = (v: unknown) => typeof v === 'string';
    const strOrNull = (v: unknown) => v === null || v === undefined || typeof v === 'string';
    const loc = d.location;
    const locOk = loc === null || loc === undefined || (Array.isArray(loc) && loc.length === 2 && loc.every((x) => typeof x === 'number' && Number.isFinite(x)));
    if (!str(d.id) || !str(d.title) || !str(d.category) || !str(d.status) || !(LEVELS as readonly string[]).includes(it.level) || !str(d.receivedAt) || !str(d.updatedAt) || !strOrNull(d.unitId) || !strOrNull(d.agencyId) || !strOrNull(d.address) || !locOk) {
      this.deps.log?.('warn', 'feedback case this version cannot read; skipped', { id: it.id });
      return null;
    }
    const c = {
      id: d.id as string,
      title: d.title as string,
      category: d.category as string,
      status: d.status as string,
      level: d.level as FeedbackRow['case']['level'],
      unitId: (d.unitId as string | null | undefined) ?? null,
      agencyId: (d.agencyId as string | null | undefined) ?? null,
      address: (d.address as string | null | undefined) ?? null,
      location: (loc as [number, number] | null | undefined) ?? null,
      receivedAt: d.receivedAt as string,
      updatedAt: d.updatedAt as string,
      paused: d.paused === true,
    };
    return { case: c, pending: it.pending, sla: this.slaOf(c, d, nowMs) };
  }

  /**
   * The case's SLA as the desk shows it: the server's stored state when the row has it (paused,
   * pause reason, due instant of the running clock — ticked forward locally to `nowMs` between server
   * updates), else computed from receivedAt (rows from an older server).
   */
  private slaOf(c: { level: FeedbackRow['case']['level']; status: string; receivedAt: string; updatedAt: string }, d: Record<string, unknown>, nowMs: number): FeedbackRow['sla'] {
    if (typeof d.slaPhase === 'string') {
      const srvPhase = d.slaPhase === 'accept' || d.slaPhase === 'handle' ? d.slaPhase : 'done';
      // An operator's pending close (overlay) stops the clock on the desk right away.
      const phase = phaseOf(c.status) === 'done' ? 'done' : srvPhase;
      const paused = phase !== 'done' && d.paused === true;
      const due = typeof d.dueAt === 'string' ? Date.parse(d.dueAt) : NaN;
      const pauseReason = paused && typeof d.pauseReason === 'string' ? d.pauseReason : null;
      const stored = typeof d.remainingMinutes === 'number' && Number.isFinite(d.remainingMinutes) ? d.remainingMinutes : 0;
      if (phase === 'done' || paused || !Number.isFinite(due)) {
        return { dueAt: null, phase, dueSoon: false, overdue: false, escalationLevel: 0, escalations: 0, remainingWorkingMinutes: phase === 'done' ? 0 : Math.round(stored), paused, pauseReason, source: 'server' };
      }
      const remaining = this.sla.remainingMinutes(due, nowMs);
      const overdue = nowMs > due;
      const escalated = typeof d.escalatedAt === 'string' && d.escalatedDueAt === d.dueAt;
      // Rows escalated before the server stored a level were escalated once.
      const escalations = !escalated || !overdue ? 0 : d.escalatedLevel === 2 ? 2 : 1;
      return {
        dueAt: new Date(due).toISOString(),
        phase,
        dueSoon: !overdue && due - nowMs <= this.sla.policy.dueSoonMs,
        overdue,
        escalationLevel: overdue ? (escalated || -remaining > this.sla.policy.escalateAfterMinutes ? 2 : 1) : 0,
        escalations,
        remainingWorkingMinutes: Math.round(remaining),
        paused: false,
        pauseReason: null,
        source: 'server',
      };
    }
    const clock = this.sla.fastClock({ level: c.level, status: c.status, receivedAt: c.receivedAt, updatedAt: c.updatedAt }, nowMs);
    return {
      dueAt: clock.dueAt === null ? null : new Date(clock.dueAt).toISOString(),
      phase: clock.phase,
      dueSoon: clock.dueSoon,
      overdue: clock.overdue,
      escalationLevel: clock.escalationLevel,
      escalations: 0,
      remainingWorkingMinutes: Math.round(clock.remainingWorkingMinutes),
      paused: false,
      pauseReason: null,
      source: 'local',
    };
  }

  /** The detail's row: the whole case, validated. */
  private fullRow(it: Item, nowMs: number): FeedbackDetail['row'] | null {
    const parsed = FeedbackCase.safeParse(it.data);
    if (!parsed.success) {
      this.deps.log?.('warn', 'feedback case this version cannot read; skipped', { id: it.id });
      return null;
    }
    return { case: parsed.data, pending: it.pending, sla: this.slaOf(parsed.data, it.data, nowMs) };
  }

  private current(caseId: string): { status: string; data: Record<string, unknown> } {
    const db = this.requireDb();
    const it = this.load(db, [caseId], this.pendingItems(db)).get(caseId);
    if (!it) throw new IocError('not_found', `No feedback case ${caseId} in the local cache`);
    return { status: it.status, data: it.data };
  }

  private entity<T>(db: Database.Database, entity: string, id: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | null {
    const r = db.prepare('SELECT data FROM cache_rows WHERE entity = ? AND id = ?').get(entity, id) as { data: string } | undefined;
    if (!r) return null;
    const p = schema.safeParse(JSON.parse(r.data));
    return p.success ? p.data : null;
  }

  /** The cache, with the queue side table up to date (see queue-index.ts). */
  private requireDb(): Database.Database {
    const db = this.deps.db();
    if (!db) throw new IocError('unavailable', 'The local cache is not open');
    flushAll(db, this.deps.fold);
    return db;
  }
}

/** Case commands the workflow allows from `status` (pause xor resume by the paused flag). */
export function availableActions(status: string, paused: boolean): string[] {
  const state = workflowState(status);
  if (!state) return [];
  return CASE_ACTION_COMMANDS.filter((name) => {
    const action = CASE_COMMAND_ACTION[name];
    if (!action || !ALLOWED_FROM[action].includes(state)) return false;
    if (name === 'case.pause') return !paused;
    if (name === 'case.resume') return paused;
    return true;
  });
}

function toItem(id: string, data: Record<string, unknown>, pending: boolean): Item {
  const received = typeof data.receivedAt === 'string' ? Date.parse(data.receivedAt) : NaN;
  const item: Item = { id, data, status: String(data.status ?? ''), level: String(data.level ?? ''), received, pending };
  if (typeof data.slaPhase === 'string') {
    const due = typeof data.dueAt === 'string' ? Date.parse(data.dueAt) : NaN;
    item.srvDue = data.paused === true || !Number.isFinite(due) ? null : due;
  }
  return item;
}

let statusRankCache: string | null = null;
function statusRankSql(): string {
  statusRankCache ??= `CASE q.status ${SERVER_STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${SERVER_STATUSES.length} END`;
  return statusRankCache;
}

function compareParts(parts: SortPart[], a: Item, b: Item): number {
  for (const p of parts) {
    const x = p.of(a);
    const y = p.of(b);
    if (x === y) continue;
    const c = x < y ? -1 : 1;
    return p.dir === 'asc' ? c : -c;
  }
  return 0;
}

/** SQL: the row sorts strictly before `it` under `parts`. */
function beforeSql(parts: SortPart[], it: Item): Where {
  const ors: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < parts.length; i++) {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      ands.push(`${parts[j].expr} = ?`);
      params.push(parts[j].of(it));
    }
    ands.push(`${parts[i].expr} ${parts[i].dir === 'asc' ? '<' : '>'} ?`);
    params.push(parts[i].of(it));
    ors.push(`(${ands.join(' AND ')})`);
  }
  return { sql: ors.join(' OR '), params };
}

const MEDIA_REF = /^[0-9a-f]{64}\.(jpg|png)$/;

/** Photo URLs a row may carry (Open311 media_url, app photo arrays, the fix's before/after photos). */
function photosOf(data: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && (/^(https?:|data:image\/|app:)/.test(v) || MEDIA_REF.test(v)) && !out.includes(v)) out.push(v);
  };
  add(data.media_url);
  add(data.mediaUrl);
  for (const key of ['photos', 'media', 'mediaUrls']) if (Array.isArray(data[key])) (data[key] as unknown[]).forEach((v) => add(typeof v === 'object' && v ? (v as { url?: unknown }).url : v));
  const res = data.resolution as { photos?: unknown } | null | undefined;
  if (res && Array.isArray(res.photos)) res.photos.forEach(add);
  if (Array.isArray(data.answerPhotos)) data.answerPhotos.forEach(add);
  return out.slice(0, 20);
}

