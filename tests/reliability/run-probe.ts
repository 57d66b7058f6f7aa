/**
 * Runs a reliability probe script in a child Node (with --expose-gc, so heap figures are taken after a full
 * collection) and returns the JSON it prints on its `<TAG> {...}` result line. Bounded by `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function runProbe<T>(
  script: string,
  tag: string,
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'probes', script)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(`${tag} `));
      if (code !== 0 || !line) {
        reject(
          new Error(
            `probe ${script} ended with code ${code} signal ${signal}\n` +
              `stdout: ${out.slice(-2000)}\nstderr: ${err.slice(-3000)}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line.slice(tag.length + 1)) as T);
    });
  });
}
