import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

const all = (chunks: string[]) => {
  const p = new SseParser();
  return chunks.flatMap((c) => p.push(c));
};

describe('SseParser', () => {
  it.each([
    ['one event', ['event: changed\ndata: {"seq":3}\n\n'], [{ event: 'changed', data: '{"seq":3}' }]],
    ['heartbeat comments only', [': ping\n\n', ': connected\n\n'], []],
    ['split anywhere', ['eve', 'nt: chan', 'ged\nda', 'ta: {"seq":4}\n', '\n'], [{ event: 'changed', data: '{"seq":4}' }]],
    ['CRLF split between \\r and \\n', ['event: changed\r', '\ndata: 1\r\n\r', '\n'], [{ event: 'changed', data: '1' }]],
    ['multi-line data, default event name', ['data: a\ndata: b\n\n'], [{ event: 'message', data: 'a\nb' }]],
    ['no space after colon, unknown fields ignored', ['id: 9\nretry: 10\nevent:changed\ndata:x\n\n'], [{ event: 'changed', data: 'x' }]],
    ['incomplete event is held back', ['event: changed\ndata: 5\n'], []],
    ['two events in one chunk', ['event: changed\ndata: 1\n\nevent: changed\ndata: 2\n\n'], [{ event: 'changed', data: '1' }, { event: 'changed', data: '2' }]],
  ])('%s', (_, chunks, expected) => {
    expect(all(chunks)).toEqual(expected);
  });
});
