import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { consoleDataDir, defaultUserDataDir, engineDataDir } from '../app/app-paths';
import { redact } from '../ipc/redact';
import { PRIVATE_FILE_MODE } from '../common/private-files';
import { startWebConsole } from './start-web-console';
import { dialectSchema, type Dialect } from '../../shared/contract';
import { errorText } from '../../shared/util/error-text';

const USAGE = `Usage: portal-console web [options]

Runs the console in web mode: the built-in engine, the console and a web server on loopback, for a browser
on this machine. It prints the address to open; the address carries a per-launch token, so keep it private.

Options:
  --port N      port to listen on (default 0: a free port)
  --host ADDR   loopback address to listen on (default 127.0.0.1; only 127.x.x.x or localhost are accepted)
  --data DIR    the console's data folder (default ${consoleDataDir(defaultUserDataDir())});
                the engine's data goes to a sibling "engine" folder by default, beside the one Electron uses
  --engine-data DIR   the built-in engine's data folder (default: see --data)
  --engine-config FILE  a config file for the built-in engine (training portal, environments)
  --engine-dialect NAME  the built-in engine's API dialect: educates or learningcenter (default: the config's
                API group, else educates)
  --no-engine   do not start the built-in engine (only remote portals)
  --open        open the address in the default browser (where a desktop is available)
  -h, --help    show this help

Stop with Ctrl+C (SIGINT) or SIGTERM: the server, the console and the engine all close.
`;

function parseDialect(text: string | undefined): Dialect | undefined {
  if (text === undefined) return undefined;
  const parsed = dialectSchema.safeParse(text);
  if (!parsed.success) throw new Error(`--engine-dialect must be educates or learningcenter, not "${text}"`);
  return parsed.data;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535)
    throw new Error(`--port must be a number from 0 to 65535, not "${text}"`);
  return Number(text);
}

export const LAUNCHER_PAGE = 'open-console.html';

/**
 * The page `--open` hands to the browser: a private file (mode 0600, in the console's own folder) that forwards
 * to the tokened address. Threat: a browser started with the address itself carries the token in its command line,
 * which every local user can read (`ps`, /proc/<pid>/cmdline); the file's path says nothing, and only its owner
 * can read the file. Removed when the console closes.
 */
export function writeLauncherPage(dir: string, url: string): string {
  const file = path.join(dir, LAUNCHER_PAGE);
  const html = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  fs.rmSync(file, { force: true });
  fs.writeFileSync(
    file,
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
      `<meta http-equiv="refresh" content="0;url=${html}"><title>Portal Console</title></head>` +
      `<body><p><a href="${html}">Open the console</a></p></body></html>\n`,
    { flag: 'wx', mode: PRIVATE_FILE_MODE },
  );
  return file;
}

/** Best effort: a headless machine has no browser, and the printed address is enough. */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stdout.write('(could not open a browser here: open the address above yourself)\n'));
    child.unref();
  } catch {
    process.stdout.write('(could not open a browser here: open the address above yourself)\n');
  }
}

export async function runWebCommand(argv: string[]): Promise<number> {
  let values: {
    port?: string;
    host?: string;
    data?: string;
    'engine-data'?: string;
    'engine-config'?: string;
    'engine-dialect'?: string;
    'no-engine'?: boolean;
    open?: boolean;
    help?: boolean;
  };
  let port: number;
  let dialect: Dialect | undefined;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'engine-data': { type: 'string' },
        'engine-config': { type: 'string' },
        'engine-dialect': { type: 'string' },
        'no-engine': { type: 'boolean' },
        open: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
    port = parsePort(values.port);
    dialect = parseDialect(values['engine-dialect']);
  } catch (err) {
    process.stderr.write(`portal-console web: ${errorText(err)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const userData = defaultUserDataDir();
  const dataDir = path.resolve(values.data ?? consoleDataDir(userData));
  // With an explicit --data the engine stays inside it; by default it sits beside Electron's.
  const engineDir = values['engine-data'] ?? (values.data ? undefined : engineDataDir(userData));

  let web: Awaited<ReturnType<typeof startWebConsole>>;
  try {
    web = await startWebConsole({
      dataDir,
      port,
      ...(values.host !== undefined ? { host: values.host } : {}),
      engine: !values['no-engine'],
      ...(engineDir !== undefined ? { engineDataDir: engineDir } : {}),
      ...(values['engine-config'] !== undefined ? { engineConfigPath: values['engine-config'] } : {}),
      ...(dialect !== undefined ? { engineDialect: dialect } : {}),
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    // Start-up failures (a busy data folder, an unusable port) end with one redacted line. An engine that does not
    // start does not end start-up: the console runs without it and says why (log and the portal's card).
    process.stderr.write(`portal-console web: ${redact(errorText(err))}\n`);
    return 1;
  }

  // The one place the token is shown: the user needs it to open the console.
  process.stdout.write(`console ready at ${web.url}\n`);
  process.stdout.write(`data folder: ${web.dataDir}\n`);
  if (web.engineUrl) process.stdout.write(`built-in engine at ${web.engineUrl}\n`);
  else if (!values['no-engine']) process.stdout.write('built-in engine: not running (the reason is logged above)\n');
  process.stdout.write('stop with Ctrl+C\n');
  let launcher: string | null = null;
  if (values.open) {
    try {
      launcher = writeLauncherPage(web.dataDir, web.url);
      openInBrowser(pathToFileURL(launcher).href);
    } catch (err) {
      process.stdout.write(`(could not open a browser here: ${errorText(err)}; open the address above yourself)\n`);
    }
  }

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write(`\n${signal}: closing the console…\n`);
      if (launcher !== null) fs.rmSync(launcher, { force: true });
      web.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
