/** Runs the CLI from TypeScript sources (`node --import tsx electron/cli-entry.ts engine …`), as tests do. */
import { main } from './cli';
import { errorText } from '../shared/util/error-text';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`portal-console: ${errorText(err)}\n`);
    process.exitCode = 1;
  },
);
