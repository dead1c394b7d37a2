import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('logger', () => {
  it('never writes secrets', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log('info', 'camera rtsp://admin:s3cret@10.0.0.5/stream failed', { password: 'hunter2', url: 'http://127.0.0.1:1/?token=abc&display=1', nested: { apiKey: 'k' } });
    const out = lines.join('\n');
    for (const secret of ['s3cret', 'hunter2', 'token=abc', '"k"']) expect(out).not.toContain(secret);
    expect(out).toContain('admin:***@');
    expect(out).toContain('display=1');
  });
});
