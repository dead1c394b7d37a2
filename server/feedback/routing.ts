/**
 * Routing rules: category × commune → agency, applied at intake (Open311 POST, simulator, seed).
 * The most specific rule wins (a rule for the case's commune before a rule for every commune).
 * `autoAssign`: the case starts assigned (accepted on arrival); otherwise it waits in `received`
 * with the agency proposed.
 */
import { asc } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { routingRules } from '../db/schema';
import { AGENCIES, CASE_CATEGORIES, COMMUNES } from '../seed/catalog';

export interface RoutingRule {
  id: string;
  category: string;
  /** Post-2025 commune (`vn-2025:<code>`), or null for every commune. */
  unitId: string | null;
  agencyId: string;
  autoAssign: boolean;
}

export function routeFor(rules: readonly RoutingRule[], category: string, unitId: string | null): RoutingRule | null {
  return (unitId ? rules.find((r) => r.category === category && r.unitId === unitId) : undefined) ?? rules.find((r) => r.category === category && r.unitId === null) ?? null;
}

export async function loadRoutingRules(exec: Executor): Promise<RoutingRule[]> {
  const rows = await exec.select().from(routingRules).orderBy(asc(routingRules.sort), asc(routingRules.id));
  return rows.map((r) => ({ id: r.id, category: r.category, unitId: r.unitId, agencyId: r.agencyId, autoAssign: r.autoAssign }));
}

/** Replaces every rule (the admin edits the table as a whole). */
export async function replaceRoutingRules(exec: Executor, rules: readonly RoutingRule[], by: string, now: Date): Promise<void> {
  await exec.delete(routingRules);
  if (rules.length) await exec.insert(routingRules).values(rules.map((r, i) => ({ ...r, sort: i, updatedAt: now, updatedBy: by })));
}

/** Clear-cut categories go straight to their agency; the rest wait for the IOC operator's triage. */
const AUTO_ASSIGN = new Set(['public_order', 'forest', 'health', 'landslide']);

/** The demo district's rules: commune matters go to the commune's People's Committee (UBND xã). */
export function demoRoutingRules(): RoutingRule[] {
  const out: RoutingRule[] = [];
  const has = (id: string) => AGENCIES.some((a) => a.id === id);
  for (const [category, c] of Object.entries(CASE_CATEGORIES)) {
    if (c.agency === 'ag-ubnd') {
      for (const commune of COMMUNES) out.push({ id: `rr-${category}-${commune}`, category, unitId: `vn-2025:${commune}`, agencyId: `ag-ubnd-${commune}`, autoAssign: false });
    } else if (has(c.agency)) out.push({ id: `rr-${category}`, category, unitId: null, agencyId: c.agency, autoAssign: AUTO_ASSIGN.has(category) });
  }
  out.push({ id: 'rr-disaster_flood', category: 'disaster_flood', unitId: null, agencyId: 'ag-ubnd-huyen', autoAssign: true });
  out.push({ id: 'rr-land', category: 'land', unitId: null, agencyId: 'ag-tnmt', autoAssign: false });
  return out;
}
