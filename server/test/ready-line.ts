import type { ChildProcess } from 'node:child_process';

export interface ReadyLine {
  ready: boolean;
  url: string;
  port: number;
}

export interface ServerOutput {
  /** The first stdout line of a server started with `--json`, parsed. */
  ready: Promise<ReadyLine>;
  stdout: () => string;
  stderr: () => string;
}

/**
 * Collects a spawned server's output and waits for its ready line. `ready` rejects if the process
 * exits first or nothing comes within `timeoutMs`, quoting stderr so a failing start explains itself.
 */
export function watchServer(child: ChildProcess, timeoutMs = 90_000): ServerOutput {
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ready = new Promise<ReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr:\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(stdout.split('\n')[0]) as ReadyLine);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}; stderr:\n${stderr}`));
    });
  });
  return { ready, stdout: () => stdout, stderr: () => stderr };
}
