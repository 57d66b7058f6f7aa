import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DIALECT_NAMES, EngineConfigError, startEngine, type DialectName, type EngineOptions } from './index';
import { errorText } from '../../shared/util/error-text';

const HELP = `Usage: portal-console engine [options]

Runs the built-in training portal: the Educates / Learning Center portal REST API on one port,
persisted in SQLite. Without --config it serves a built-in demo portal.

Options:
  --config FILE         multi-document YAML with one TrainingPortal and its Workshop resources
  --dialect NAME        API dialect: educates or learningcenter (default: the config's API group;
                        without --config, learningcenter serves the Learning Center demo portal)
  --data DIR            data folder for portal.db and credentials.json
                        (default: ${defaultDataDir()})
  --host HOST           address to listen on (default 127.0.0.1; anything else exposes the portal)
  --port PORT           port to listen on (default 8080; 0 picks a free port)
  --startup-delay MS    simulated Kubernetes start-up: sessions stay STARTING this long (default 0)
  --webhook URL         analytics webhook receiving every portal event as a JSON POST
  -h, --help            show this help

On start it prints "listening on <url>", then where the robot credentials come from.
SIGINT or SIGTERM stops it cleanly.
`;

/** The per-user app data folder: $XDG_DATA_HOME or ~/.local/share, ~/Library/Application Support, %APPDATA%. */
export function defaultDataDir(): string {
  const home = homedir();
  let base: string;
  if (process.platform === 'win32') base = process.env['APPDATA'] ?? join(home, 'AppData', 'Roaming');
  else if (process.platform === 'darwin') base = join(home, 'Library', 'Application Support');
  else base = process.env['XDG_DATA_HOME'] || join(home, '.local', 'share');
  return join(base, 'portal-console', 'engine');
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function runEngineCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    process.stderr.write(`portal-console engine: ${errorText(err)}\n\n${HELP}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`portal-console engine: --port must be 0–65535, got "${values.port ?? ''}"\n`);
    return 2;
  }
  const delay = values['startup-delay'] === undefined ? 0 : Number(values['startup-delay']);
  if (!Number.isInteger(delay) || delay < 0) {
    process.stderr.write(`portal-console engine: --startup-delay must be a whole number of milliseconds\n`);
    return 2;
  }
  const dialect = values.dialect;
  if (dialect !== undefined && !DIALECT_NAMES.includes(dialect as DialectName)) {
    process.stderr.write(`portal-console engine: --dialect must be ${DIALECT_NAMES.join(' or ')}, got "${dialect}"\n`);
    return 2;
  }
  const options: EngineOptions = {
    dataDir: resolve(values.data ?? defaultDataDir()),
    host: values.host ?? '127.0.0.1',
    port,
    startupDelayMs: delay,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  if (values.config !== undefined) options.configPath = values.config;
  if (values.webhook !== undefined) options.analyticsWebhookUrl = values.webhook;
  if (dialect !== undefined) options.dialect = dialect as DialectName;
  let engine: Awaited<ReturnType<typeof startEngine>>;
  try {
    engine = await startEngine(options);
  } catch (err) {
    if (err instanceof EngineConfigError) process.stderr.write(`portal-console engine: ${err.message}\n`);
    else process.stderr.write(`portal-console engine: cannot start: ${errorText(err)}\n`);
    return 1;
  }
  // the handlers come before "listening on": whoever waits for that line may signal at once
  const running = engine;
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      running.close().then(
        () => resolve(0),
        (err: unknown) => {
          process.stderr.write(`portal-console engine: error while stopping: ${errorText(err)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(`listening on ${engine.url}\n`);
  process.stdout.write(`robot credentials: ${engine.credentialsSource}\n`);
  process.stdout.write(
    `dialect: ${engine.dialect} ` +
      `(a real portal of this kind publishes its credentials under status.${engine.dialect})\n`,
  );
  const credFile = join(options.dataDir, 'credentials.json');
  if (engine.credentialsSource.includes(credFile)) {
    const f = shellQuote(credFile);
    process.stdout.write(
      `get a token (reads the secrets from that file; needs jq):\n` +
        `  curl -s -u "$(jq -r '.robot.clientId + ":" + .robot.clientSecret' ${f})" \\\n` +
        `    --data-urlencode grant_type=password \\\n` +
        `    --data-urlencode "username=$(jq -r .robot.username ${f})" \\\n` +
        `    --data-urlencode "password=$(jq -r .robot.password ${f})" \\\n` +
        `    ${engine.url}/oauth2/token/\n`,
    );
  } else {
    process.stdout.write(
      `get a token: read the robot username/password and client id/secret from ` +
        `${engine.credentialsSource.replace(/^config file /, '')} ` +
        `(spec.portal.credentials.robot, spec.portal.clients.robot), then:\n` +
        `  curl -s -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode grant_type=password ` +
        `--data-urlencode "username=$ROBOT_USER" --data-urlencode "password=$ROBOT_PASSWORD" ` +
        `${engine.url}/oauth2/token/\n`,
    );
  }
  return stopped;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      dialect: { type: 'string' },
      data: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'startup-delay': { type: 'string' },
      webhook: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
