/**
 * `portal-console <command>`: the headless entry points. Each command lives in its own module and is loaded
 * only when used, so `engine` never loads the console and neither loads Electron.
 */
const USAGE = `Usage: portal-console <command> [options]

Commands:
  engine   run the built-in training portal engine headless (see: portal-console engine --help)
  web      run the console in web mode on loopback (see: portal-console web --help)

Options:
  -h, --help  show this help
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'engine':
      return (await import('./engine/cli-engine.js')).runEngineCommand(rest);
    case 'web':
      return (await import('./web/cli-web.js')).runWebCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`portal-console: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
