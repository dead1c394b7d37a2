/**
 * A host process for the process-hygiene test: starts a StreamHub with one viewer on `url`, prints
 * {"pids":[…]} once ffmpeg runs, then waits to be killed.
 * usage: node --import tsx hub-host.ts <dataDir> <rtspUrl> <pdeathsig 1|0>
 */
import { StreamHub } from '../stream-hub';
import { FFMPEG, SinkViewer, waitFor } from './helpers';

const [dataDir, url, pdeathsig] = process.argv.slice(2);
const hub = new StreamHub({
  ffmpegPath: FFMPEG,
  dataDir,
  log: () => {},
  resolve: () => ({ name: 'host test', source: { type: 'rtsp', url } }),
  parentDeathSignal: pdeathsig === '1',
  sourceTimeoutMs: 120_000,
  watchdogMs: 120_000,
});
hub.subscribe('cam', 'sub', new SinkViewer());
const pids = await waitFor(() => (hub.pids().length ? hub.pids() : null), 10_000);
process.stdout.write(JSON.stringify({ pids }) + '\n');
setInterval(() => {}, 1000);
