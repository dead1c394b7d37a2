import { IocError } from '../../../shared/contracts/rpc';
import type { RoutingRule } from '../../../shared/contracts/feedback.contract';
import { staffHeaders } from '../../../shared/sync/protocol';

/**
 * The central server's routing rules (category × commune → agency), read and replaced as a whole
 * through its admin-only `GET/PUT /api/v1/admin/routing-rules` with the operator's session. Nothing
 * is cached or queued: an admin edits them online, and every failure comes back as a clear error
 * (offline / not signed in → unavailable, 401 → unauthorized, 403 → forbidden, 400 → invalid_input
 * with the server's message naming the rule) and loses nothing on the desk (the form keeps its rows).
 */
export interface RoutingRulesDeps {
  serverAuth: () => { url: string; token: string } | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class RoutingRulesClient {
  constructor(private readonly deps: RoutingRulesDeps) {}

  async list(): Promise<RoutingRule[]> {
    return (await this.request('GET')).rules;
  }

  async save(rules: readonly RoutingRule[]): Promise<RoutingRule[]> {
    return (await this.request('PUT', { rules })).rules;
  }

  private async request(method: 'GET' | 'PUT', body?: unknown): Promise<{ rules: RoutingRule[] }> {
    const auth = this.deps.serverAuth();
    if (!auth) throw new IocError('unavailable', 'Not connected to the central server (offline or not signed in): routing rules are edited online');
    const headers = staffHeaders(auth.token);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await (this.deps.fetch ?? fetch)(`${auth.url}/api/v1/admin/routing-rules`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.deps.timeoutMs ?? 15_000),
    }).catch((e: Error) => {
      throw new IocError('unavailable', `The central server is not reachable: ${e.message}`);
    });
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: reported by status below */
    }
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    const why = err?.message ?? `HTTP ${res.status}`;
    if (res.status === 401) throw new IocError('unauthorized', `Sign in again: ${why}`);
    if (res.status === 403) throw new IocError('forbidden', 'Only an administrator can view or change the routing rules');
    if (res.status === 400 || res.status === 422) throw new IocError('invalid_input', why, [{ path: pathOf(why), message: why }]);
    if (!res.ok) throw new IocError('unavailable', `The central server refused: ${why}`);
    const rules = (json as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(rules)) throw new IocError('unavailable', 'The central server answered without rules');
    return { rules: rules as RoutingRule[] };
  }
}

/** "rules.3.agencyId: …" → "rules.3.agencyId" (the form marks that row). */
function pathOf(message: string): string {
  const m = /^(rules\.\d+(?:\.\w+)?)/.exec(message);
  return m ? m[1] : '';
}
