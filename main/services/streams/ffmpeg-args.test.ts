import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs, drawtextLiteral, injectCredentials, OUTPUT_ARGS, parseSynthetic, TRANSCODE_ARGS, type BuildArgsOptions } from './ffmpeg-args';

const base = { cameraName: 'Cầu Trà Giác', timeoutMs: 5000 } satisfies Partial<BuildArgsOptions>;
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildFfmpegArgs', () => {
  it.each([
    // [source, input flags that must appear in order before -i, the -i value, remux?]
    [{ type: 'rtsp', url: 'rtsp://10.0.0.5:554/ch1' }, ['-rtsp_transport', 'tcp', '-stimeout', '5000000', '-analyzeduration', '0', '-probesize', '32'], 'rtsp://10.0.0.5:554/ch1', true],
    [{ type: 'rtsp', url: 'rtsp://10.0.0.5/h265', codec: 'h265' }, ['-rtsp_transport', 'tcp'], 'rtsp://10.0.0.5/h265', false],
    [{ type: 'http', url: 'http://relay:8888/cam/stream.ts' }, ['-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '2', '-rw_timeout', '5000000'], 'http://relay:8888/cam/stream.ts', true],
    [{ type: 'http', url: 'https://relay/cam/index.m3u8' }, ['-live_start_index', '-1'], 'https://relay/cam/index.m3u8', true],
    [{ type: 'hls', url: 'http://relay/x.m3u8', codec: 'mjpeg' }, ['-live_start_index', '-1', '-rw_timeout', '5000000'], 'http://relay/x.m3u8', false],
    [{ type: 'file', url: 'file:///srv/demo%20cam.ts' }, ['-re', '-stream_loop', '-1'], '/srv/demo cam.ts', true],
    [{ type: 'file', url: '/srv/a.ts' }, ['-re', '-stream_loop', '-1'], '/srv/a.ts', true],
    [{ type: 'synthetic', url: 'synthetic://cam-1?size=1280x720' }, ['-re', '-f', 'lavfi'], 'testsrc2=size=1280x720:rate=15', false],
  ] as const)('%o', (source, inputFlags, input, remux) => {
    const args = buildFfmpegArgs({ ...base, source });
    const i = args.indexOf('-i');
    expect(args[i + 1]).toBe(input);
    const before = args.slice(0, i).join(' ');
    expect(before).toContain(inputFlags.join(' '));
    expect(args).not.toContain('-timeout'); // would make the 2018 ffmpeg LISTEN on RTSP
    expect(args).not.toContain('nobuffer');
    expect(args.slice(-OUTPUT_ARGS.length)).toEqual(OUTPUT_ARGS);
    expect(after(args, '-map')).toBe('0:v:0');
    if (remux) expect(after(args, '-c:v')).toBe('copy');
    else expect(args.join(' ')).toContain(TRANSCODE_ARGS.join(' '));
  });

  it('injects credentials at spawn time only into network URLs', () => {
    const creds = { username: 'admin', password: 'p@ss:w/rd' };
    const args = buildFfmpegArgs({ ...base, source: { type: 'rtsp', url: 'rtsp://10.0.0.5:554/ch1' }, credentials: creds });
    expect(after(args, '-i')).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/ch1');
    expect(injectCredentials('rtsp://u:x@h/1', creds)).toBe('rtsp://u:x@h/1'); // already has some: untouched
    expect(injectCredentials('rtsp://h/1', null)).toBe('rtsp://h/1');
  });

  it('adds -output_ts_offset after a restart', () => {
    const args = buildFfmpegArgs({ ...base, source: { type: 'rtsp', url: 'rtsp://h/1' }, tsOffsetSec: 12.3456 });
    expect(after(args, '-output_ts_offset')).toBe('12.346');
    expect(args.indexOf('-output_ts_offset')).toBeGreaterThan(args.indexOf('-i'));
  });

  it('synthetic: burns name, ms clock and the stripe, GOP 30 baseline', () => {
    const args = buildFfmpegArgs({ ...base, cameraName: "Chợ Trà My: cổng 'A'", source: { type: 'synthetic', url: 'synthetic://c?size=640x360' }, tzOffsetMs: 7 * 3600_000 });
    const vf = after(args, '-vf');
    expect(vf).toContain('setpts=floor(RTCTIME/1000)');
    expect(vf).toContain("text='Chợ Trà My\\: cổng A'");
    expect(vf).toContain('DejaVuSans-Bold.ttf');
    expect(vf.match(/drawbox=/g)).toHaveLength(1 + 2 + 27 + 1); // background, markers, data, parity
    expect(vf).toContain('+25200000,86400000)');
    expect(args.join(' ')).toContain('-g 30 -bf 0 -profile:v baseline');
  });
});

describe('helpers', () => {
  it.each([
    ['synthetic://x?size=1280x720', { width: 1280, height: 720, rate: 15 }],
    ['synthetic://x?size=641x361&rate=25', { width: 640, height: 360, rate: 25 }],
    ['synthetic://x', { width: 640, height: 360, rate: 15 }],
    ['synthetic://x?size=huge&rate=999', { width: 640, height: 360, rate: 15 }],
  ])('parseSynthetic(%s)', (url, want) => expect(parseSynthetic(url)).toEqual(want));

  it('drawtextLiteral strips quotes/backslashes and escapes colons', () => {
    expect(drawtextLiteral("a:b'c\\d\ne")).toBe('a\\:bcd e');
  });
});
