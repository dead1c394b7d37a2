/**
 * Pure formulas of the KPI catalogue: ratios (zero denominator → null), aggregation of
 * numerators/denominators across units and the 2025 crosswalk, the Decision 766 score and its
 * what-if.
 */
import { GROUPS_766, type Aggregation, type Group766, type Indicator } from './catalogue';
import { rollupTargets } from './units';

/** num/den × scale, or null when the denominator is 0 or a part is missing. */
export function ratio(num: number | null | undefined, den: number | null | undefined, scale = 1): number | null {
  if (num == null || den == null || !Number.isFinite(num) || !Number.isFinite(den) || den === 0) return null;
  return (num / den) * scale;
}

export const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** One stored measurement (an indicator_value's numbers). */
export interface Part {
  value: number | null;
  numerator?: number | null;
  denominator?: number | null;
}

/** Combine parts (several units, or several leaves of one unit) by the indicator's aggregation. */
export function combine(rule: Aggregation, parts: readonly Part[], scale = 1): Part {
  if (rule === 'ratio' || rule === 'mean') {
    let num = 0;
    let den = 0;
    let any = false;
    for (const p of parts) {
      if (p.numerator == null || p.denominator == null) continue;
      num += p.numerator;
      den += p.denominator;
      any = true;
    }
    if (!any) return { value: null, numerator: null, denominator: null };
    return { value: ratio(num, den, rule === 'ratio' ? scale : 1), numerator: num, denominator: den };
  }
  const values = parts.map((p) => p.value).filter((v): v is number => v != null && Number.isFinite(v));
  if (values.length === 0) return { value: null, numerator: null, denominator: null };
  if (rule === 'sum') return { value: values.reduce((s, v) => s + v, 0), numerator: null, denominator: null };
  if (rule === 'max') return { value: Math.max(...values), numerator: null, denominator: null };
  throw new Error('derived indicators are recomputed, not combined');
}

/**
 * Roll leaf values up to every reporting unit they count for: pre-2025 units → themselves, their
 * post-2025 commune and the district; post-2025 communes → themselves and the district. Returns one
 * combined Part per reporting unit.
 */
export function rollup(ind: Pick<Indicator, 'aggregation' | 'scale'>, leaves: ReadonlyArray<Part & { unitId: string | null }>): Map<string, Part> {
  const buckets = new Map<string, Part[]>();
  for (const leaf of leaves) {
    for (const target of rollupTargets(leaf.unitId)) {
      let b = buckets.get(target);
      if (!b) buckets.set(target, (b = []));
      b.push(leaf);
    }
  }
  const out = new Map<string, Part>();
  for (const [unit, parts] of buckets) out.set(unit, combine(ind.aggregation, parts, ind.scale ?? 1));
  return out;
}

/** Drop-out DTP1→DTP3 as a percentage: (DTP1 − DTP3) / DTP1. */
export function dropoutPct(dtp1: number, dtp3: number): number | null {
  return ratio(dtp1 - dtp3, dtp1, 100);
}

// ── Decision 766 ────────────────────────────────────────────────────────────

/** The counts the 766 groups are computed from (one unit, one period). */
export interface Inputs766 {
  /** Dossiers received; of them synced to the national portal. */
  received: number;
  synced: number;
  /** Completed in the period, early or on time; plus overdue still open (they count as late). */
  completed: number;
  earlyOrOnTime: number;
  overdueOpen: number;
  /** Σ days used and Σ days allowed over completed dossiers. */
  daysUsed: number;
  daysAllowed: number;
  /** Completed with dossier and result digitized. */
  digitized: number;
  online: number;
  /** Dossiers with a fee; of them paid online. */
  withFee: number;
  paidOnline: number;
  ratings: number;
  satisfied: number;
}

export const EMPTY_766: Readonly<Inputs766> = Object.freeze({ received: 0, synced: 0, completed: 0, earlyOrOnTime: 0, overdueOpen: 0, daysUsed: 0, daysAllowed: 0, digitized: 0, online: 0, withFee: 0, paidOnline: 0, ratings: 0, satisfied: 0 });

export function add766(a: Inputs766, b: Partial<Inputs766>): Inputs766 {
  const out = { ...a };
  for (const k of Object.keys(b) as Array<keyof Inputs766>) out[k] += b[k] ?? 0;
  return out;
}

/** Targets that give full points in the online group (% online dossiers, % paid online). */
export const ONLINE_FULL_AT = { online: 0.5, payment: 0.4 } as const;

export type Groups766 = Record<Group766, number | null>;
export interface Score766 {
  groups: Groups766;
  /** Sum of the five groups, or null when any group has no data. */
  total: number | null;
  /** Sum of groups that have data, and the points they could reach (for partial display). */
  partial: number;
  partialMax: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function score766(i: Inputs766): Score766 {
  const synced = ratio(i.synced, i.received);
  const onTime = ratio(i.earlyOrOnTime, i.completed + i.overdueOpen);
  const used = ratio(i.daysUsed, i.daysAllowed);
  const timeScore = used == null ? null : clamp01(1.5 - used);
  const digitized = ratio(i.digitized, i.completed);
  const online = ratio(i.online, i.received);
  const paid = ratio(i.paidOnline, i.withFee);
  const satisfied = ratio(i.satisfied, i.ratings);
  const W = GROUPS_766;
  const groups: Groups766 = {
    transparency: synced == null ? null : r2(W.transparency * synced),
    progress: onTime == null ? null : r2(W.progress * (0.8 * onTime + 0.2 * (timeScore ?? onTime))),
    digitization: digitized == null ? null : r2(W.digitization * digitized),
    online: online == null ? null : r2((W.online / 2) * clamp01(online / ONLINE_FULL_AT.online) + (W.online / 2) * clamp01((paid ?? 0) / ONLINE_FULL_AT.payment)),
    satisfaction: satisfied == null ? null : r2(W.satisfaction * satisfied),
  };
  let partial = 0;
  let partialMax = 0;
  let complete = true;
  for (const g of Object.keys(W) as Group766[]) {
    const v = groups[g];
    if (v == null) complete = false;
    else {
      partial += v;
      partialMax += W[g];
    }
  }
  return { groups, total: complete ? r2(partial) : null, partial: r2(partial), partialMax };
}

/**
 * What-if for the 766 board: "close these N dossiers on time → +x points". `dueSoon` dossiers (not
 * yet due) completed on time join numerator and denominator of the progress ratio; `overdue` ones
 * closed now leave "overdue open" and become "completed late" (same denominator — no gain in
 * progress, but they count as completed for digitization when digitized).
 */
export function whatIf766(i: Inputs766, change: { closeDueSoonOnTime?: number; closeOverdue?: number; digitized?: boolean; daysEach?: number; allowedEach?: number }): { before: Score766; after: Score766; delta: number } {
  const n = Math.max(0, Math.floor(change.closeDueSoonOnTime ?? 0));
  const m = Math.max(0, Math.min(i.overdueOpen, Math.floor(change.closeOverdue ?? 0)));
  const dig = change.digitized ?? true;
  const days = change.daysEach ?? 0;
  const allowed = change.allowedEach ?? 0;
  const after = add766(i, {
    completed: n + m,
    earlyOrOnTime: n,
    overdueOpen: -m,
    digitized: dig ? n + m : 0,
    daysUsed: (n + m) * days,
    daysAllowed: (n + m) * allowed,
  });
  const b = score766(i);
  const a = score766(after);
  return { before: b, after: a, delta: r2((a.total ?? a.partial) - (b.total ?? b.partial)) };
}

/** The 766-derived indicator values of one unit and period from its inputs. */
export function derived766(i: Inputs766): Record<string, number | null> {
  const s = score766(i);
  return {
    'dvc.g766.transparency': s.groups.transparency,
    'dvc.g766.progress': s.groups.progress,
    'dvc.g766.digitization': s.groups.digitization,
    'dvc.g766.online': s.groups.online,
    'dvc.g766.satisfaction': s.groups.satisfaction,
    'dvc.score766': s.total,
  };
}
