import { app, session, type WebContents } from 'electron';
import type { Logger } from '../core/dispatcher';
import { APP_ORIGIN } from './protocol';

/**
 * App-wide hardening, applied once before any window exists: no navigation away from our own
 * origin, no new windows, no <webview>, every permission request denied.
 */
export function applySecurityPolicy(log: Logger): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (e, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) {
        e.preventDefault();
        log('warn', 'navigation blocked', { url: url.slice(0, 200) });
      }
    });
    contents.on('will-redirect', (e, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      log('warn', 'new window blocked', { url: url.slice(0, 200) });
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
      log('info', 'permission request denied', { permission });
      callback(false);
    });
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}
