/** Runs a Node script (TypeScript through tsx) as a child process and waits for its `listening on <url>` line. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ListeningChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

export function spawnListening(script: string, args: string[] = [], timeoutMs = 30_000): Promise<ListeningChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not listen in time`));
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        out = '';
        resolve({
          url: m[1],
          child,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening`));
    });
  });
}
