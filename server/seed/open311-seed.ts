/**
 * Open311 configuration of the demo district: the jurisdiction, one service per PAKN category
 * (shared/feedback/categories) and the demo API key. Idempotent: runs at every start, so a database
 * seeded before Open311 existed gets it too, and a changed OPEN311_DEMO_API_KEY replaces the old key.
 */
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { open311ApiKeys } from '../db/schema';
import { categoryServices, DEFAULT_JURISDICTION } from '../open311/catalog';
import { registerApiKey, sha256Hex, upsertJurisdiction, upsertServices } from '../open311/store';

export const DEMO_KEY_LABEL = 'demo (OPEN311_DEMO_API_KEY)';

export async function seedOpen311(exec: Executor, opts: { demoApiKey: string | null }): Promise<void> {
  await upsertJurisdiction(exec, DEFAULT_JURISDICTION);
  await upsertServices(exec, categoryServices());
  // Only one demo key at a time: a previous value of the variable stops working.
  const others = opts.demoApiKey ? ne(open311ApiKeys.keyHash, sha256Hex(opts.demoApiKey)) : undefined;
  await exec.update(open311ApiKeys).set({ disabled: true }).where(and(eq(open311ApiKeys.label, DEMO_KEY_LABEL), others));
  if (opts.demoApiKey) await registerApiKey(exec, { key: opts.demoApiKey, label: DEMO_KEY_LABEL, jurisdictionId: DEFAULT_JURISDICTION.id });
}
