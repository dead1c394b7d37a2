import { redact } from '../../core/logger';

/**
 * Redacts a string for logs and health: credentials inside URLs (core redact) and, in any form,
 * every password we know of (ffmpeg may echo a URL in an error message, possibly decoded).
 */
export function makeRedactor(secrets: () => string[]): (s: string) => string {
  return (s) => {
    let out = String(redact(s));
    for (const secret of secrets()) {
      if (secret.length < 3) continue; // too short to redact without mangling the text
      for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
    }
    return out;
  };
}
