import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Role } from '../../shared/sync/protocol';
import type { Executor } from '../db/client';
import { users } from '../db/schema';
import { hashPassword } from './passwords';

export interface UserSpec {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
}

/** Creates the user, or resets password/role/name of an existing one (bootstrap = source of truth). */
export async function upsertUser(exec: Executor, spec: UserSpec, now: Date): Promise<{ id: string; created: boolean }> {
  const passwordHash = await hashPassword(spec.password);
  const displayName = spec.displayName ?? spec.username;
  const [existing] = await exec.select({ id: users.id }).from(users).where(eq(users.username, spec.username));
  if (existing) {
    await exec.update(users).set({ passwordHash, role: spec.role, displayName, disabled: false, updatedAt: now }).where(eq(users.id, existing.id));
    return { id: existing.id, created: false };
  }
  const id = randomUUID();
  await exec.insert(users).values({ id, username: spec.username, displayName, role: spec.role, passwordHash, createdAt: now, updatedAt: now });
  return { id, created: true };
}
