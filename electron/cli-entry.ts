/** Runs the CLI from TypeScript sources (`node --import tsx electron/cli-entry.ts engine …`), as tests do. */
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`portal-console: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
