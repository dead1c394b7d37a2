import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seedDemo: true });
}, 120_000);
afterAll(async () => h?.close());

const cam = (id: string, url: string) => ({
  id,
  name: `Camera ${id}`,
  group: 'traffic',
  unitId: null,
  location: [108.23, 15.32],
  enabled: true,
  sources: { main: { type: 'rtsp', url }, sub: { type: 'rtsp', url, backup: { type: 'rtsp', url: `${url}-backup` } } },
});

describe('POST /api/v1/admin/cameras', () => {
  it('registers cameras that then reach every wall through the change log', async () => {
    const admin = await h.login('admin');
    const before = await h.api('GET', '/api/v1/sync/pull?since=0&limit=1', { token: admin });
    const r = await h.api('POST', '/api/v1/admin/cameras', { token: admin, body: { cameras: [cam('cau-tra-my-2', 'rtsp://127.0.0.1:8554/cam')] } });
    expect(r.status).toBe(200);
    expect(r.body.cameras).toEqual(['cau-tra-my-2']);
    let since = before.body.cursor as number;
    const seen: Array<{ entity: string; id: string; data: { sources: { sub: { backup: { url: string } } } } }> = [];
    for (;;) {
      const page = await h.api('GET', `/api/v1/sync/pull?since=${since}&limit=5000`, { token: admin });
      seen.push(...page.body.changes);
      if (!page.body.hasMore) break;
      since = page.body.cursor;
    }
    const row = seen.find((c) => c.entity === 'camera' && c.id === 'cau-tra-my-2');
    expect(row?.data.sources.sub.backup.url).toBe('rtsp://127.0.0.1:8554/cam-backup');
  });

  it.each([
    ['operator', 403],
    ['leader', 403],
  ])('is admin-only (%s → %i)', async (user, status) => {
    const token = await h.login(user);
    expect((await h.api('POST', '/api/v1/admin/cameras', { token, body: { cameras: [cam('x1', 'rtsp://127.0.0.1/x')] } })).status).toBe(status);
  });

  it.each([
    ['credentials in a URL', { cameras: [cam('x2', 'rtsp://admin:secret@127.0.0.1/x')] }, 'credentials_in_url'],
    ['a bad id', { cameras: [cam('Bad Id!', 'rtsp://127.0.0.1/x')] }, 'invalid_request'],
    ['no sources', { cameras: [{ ...cam('x3', 'rtsp://127.0.0.1/x'), sources: {} }] }, 'invalid_request'],
    ['an unknown source type', { cameras: [{ ...cam('x4', 'rtsp://127.0.0.1/x'), sources: { main: { type: 'ftp', url: 'ftp://x' } } }] }, 'invalid_request'],
    ['an empty list', { cameras: [] }, 'invalid_request'],
  ])('refuses %s with a clear error and stores nothing', async (_n, body, code) => {
    const admin = await h.login('admin');
    const r = await h.api('POST', '/api/v1/admin/cameras', { token: admin, body });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.text).not.toContain('secret');
  });
});
