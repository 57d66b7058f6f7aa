import fs from 'node:fs';
import { Session } from 'node:inspector';
import v8 from 'node:v8';
import vm from 'node:vm';

/** a full garbage collection now (`gc` is exposed in a throw-away context, not on the benchmark's global) */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** V8's sampling profiler on this process, sampling every `intervalUs`; `stop(file)` writes a .cpuprofile */
export async function startProfile(intervalUs: number): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return {
    async stop(file: string) {
      const res = (await post('Profiler.stop')) as { profile: unknown };
      fs.writeFileSync(file, JSON.stringify(res.profile));
      session.disconnect();
      console.log(`wrote ${file}`);
    },
  };
}
