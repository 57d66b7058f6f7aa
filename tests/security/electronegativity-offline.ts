/**
 * Runs Electronegativity's own scanner (its `dist/runner.js`, what the CLI calls) with every network look-up
 * answered "offline" at once: the tool otherwise fetches newer translations and Electron's release list from
 * GitHub on each run, which a test must not do (and which costs ~10 s where there is no network). Those look-ups
 * only feed AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK (keeping Electron patched is tracked elsewhere) and optional
 * translations; the scanner uses its bundled English strings.
 * Usage: node --import tsx electronegativity-offline.ts <input dir> <output .csv>
 */
import path from 'node:path';
import { errorDetail } from '../../shared/util/error-text';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: electronegativity-offline.ts <input> <output.csv>');

const pkgDir = path.resolve(__dirname, '..', '..', 'node_modules', '@doyensec', 'electronegativity');
const offline = (): Promise<never> => Promise.reject(new Error('offline: network look-ups are disabled in tests'));
const offlineGot = Object.assign(offline, { head: offline, get: offline });
const gotPath = require.resolve('got', { paths: [pkgDir] });
require.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: offlineGot,
} as unknown as NodeJS.Module;

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<unknown>;
const run = require(path.join(pkgDir, 'dist', 'runner.js')) as Runner;

run(
  {
    input: path.resolve(input),
    output: path.resolve(output),
    isSarif: false,
    customScan: [],
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    isRelative: true,
    isVerbose: false,
    parserPlugins: [],
  },
  false,
).then(
  () => undefined,
  (err: unknown) => {
    process.stderr.write(`electronegativity failed: ${errorDetail(err)}\n`);
    process.exitCode = 1;
  },
);
