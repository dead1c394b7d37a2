import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { protocol } from 'electron';
import { CONTENT_TYPES, SECURITY_HEADERS, rendererCsp } from '../core/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ioc';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before `app.whenReady()`: our pages get a standard, secure origin instead of file://. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

/** Serve the built renderer from `rendererDir` on app://ioc/, with the CSP header, never outside that folder. */
export function serveRenderer(rendererDir: string, connectSrc: () => string[] = () => []): void {
  const root = normalize(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad path', { status: 400 });
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return new Response('forbidden', { status: 403 });
    try {
      const body = await readFile(file);
      const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
      if (file.endsWith('.html')) headers['Content-Security-Policy'] = rendererCsp(connectSrc());
      return new Response(body, { status: 200, headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
