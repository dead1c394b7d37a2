/** A parent process that starts the embedded server and prints its pid (for the orphan test). */
import { EmbeddedServer } from '../embedded-server';

const [entry, dataDir] = process.argv.slice(2);
const server = new EmbeddedServer({ entry, nodePath: process.execPath, dataDir, log: () => {} });
const url = await server.start();
process.stdout.write(JSON.stringify({ url, pid: server.pid() }) + '\n');
setInterval(() => {}, 1000); // stay alive until killed
