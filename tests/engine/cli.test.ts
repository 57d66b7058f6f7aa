/** The headless CLI (`portal-console engine …`) run from sources: help, bad config, signals, demo portal, flags. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  getToken,
  makeTempDir,
  REPO_ROOT,
  runEngineCli,
  spawnEngineCli,
  startTestEngine,
  waitFor,
  type EngineCliProcess,
} from '../support/engine-harness';
import { catalogEnvironmentsSchema } from '../support/portal-schemas';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { config, qs, INDEX_URL } from './helpers';

interface StoredCredentials {
  robot: { clientId: string; clientSecret: string; username: string; password: string };
  admin: { username: string; password: string };
}

let tmp: ReturnType<typeof makeTempDir>;
const running = new Set<EngineCliProcess>();
before(() => {
  tmp = makeTempDir('engine-cli-');
});
after(async () => {
  for (const p of running) {
    p.kill('SIGKILL');
    await p.exited;
  }
  tmp?.cleanup();
});

async function spawn(args: string[]): Promise<EngineCliProcess> {
  const p = await spawnEngineCli(args);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

test('--help documents every option and exits 0', async () => {
  const { code, stdout, stderr } = await runEngineCli(['--help']);
  assert.equal(code, 0, stderr);
  for (const option of ['--config', '--data', '--host', '--port', '--startup-delay', '--webhook', '--help']) {
    assert.ok(stdout.includes(option), `help mentions ${option}:\n${stdout}`);
  }
});

test('docs/engine.md lists exactly the options --help prints', async () => {
  const { stdout } = await runEngineCli(['--help']);
  const fromHelp = new Set(stdout.match(/--[a-z][a-z-]*/g) ?? []);
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'engine.md'), 'utf8');
  const table = doc.slice(
    doc.indexOf('| option | meaning |'),
    doc.indexOf('\n\n', doc.indexOf('| option | meaning |')),
  );
  const fromDoc = new Set(table.match(/--[a-z][a-z-]*/g) ?? []);
  assert.deepEqual([...fromDoc].sort(), [...fromHelp].sort());
});

test('a bad config prints an error naming file and field, and exits 1 without listening', async () => {
  const file = path.join(tmp.dir, 'broken.yaml');
  fs.writeFileSync(file, config('broken-portal', { workshops: [{ name: 'lab-b', capacity: 1, expires: '10x' }] }));
  const dataDir = path.join(tmp.dir, 'broken-data');
  const { code, stdout, stderr } = await runEngineCli([
    '--config',
    file,
    '--data',
    dataDir,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
  ]);
  assert.equal(code, 1);
  assert.ok(!stdout.includes('listening on'), 'never listened');
  const output = stdout + stderr;
  assert.ok(output.includes(file), `names the file:\n${output}`);
  assert.ok(output.includes('broken-portal'), `names the document:\n${output}`);
  assert.match(output, /expires/);
  assert.equal(fs.existsSync(path.join(dataDir, 'portal.db')), false);
});

test('an unknown option is refused with a non-zero exit', async () => {
  const { code } = await runEngineCli(['--no-such-option']);
  assert.notEqual(code, 0);
});

describe('the demo portal (no --config)', () => {
  test('stores generated credentials 0600, prints where they are (not the secrets), and serves the demo', async () => {
    const dataDir = path.join(tmp.dir, 'demo-data');
    const p = await spawn(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
    assert.match(p.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const file = path.join(dataDir, 'credentials.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const creds = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredCredentials;
    const output = p.stdout() + p.stderr();
    assert.ok(
      output.includes(file) || output.includes('credentials.json'),
      `says where the credentials are:\n${output}`,
    );
    for (const secret of [creds.robot.clientSecret, creds.robot.password, creds.admin.password]) {
      assert.ok(!output.includes(secret), 'no secret in the output');
    }
    const token = await getToken(p.url, { ...creds.robot });
    const res = await fetch(`${p.url}/workshops/catalog/environments/`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const body = catalogEnvironmentsSchema.parse(await res.json());
    assert.ok(
      body.environments.length >= 3 && body.environments.length <= 4,
      `3–4 demo workshops, got ${body.environments.length}`,
    );
    const env = body.environments[0];
    assert.ok(env);
    const reply = await fetch(`${p.url}/workshops/environment/${env.name}/request/${qs({ index_url: INDEX_URL })}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(reply.status, 200);
    await reply.text();

    p.kill('SIGTERM');
    const exit = await p.exited;
    assert.equal(exit.code, 0, 'SIGTERM exits 0');

    const again = await spawn(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), creds, 'credentials reused on the next start');
    await getToken(again.url, { ...creds.robot });
    again.kill('SIGINT');
    const exit2 = await again.exited;
    assert.equal(exit2.code, 0, 'SIGINT exits 0');
  });
});

test('--webhook and --startup-delay are honoured', async () => {
  const receiver = await startWebhookReceiver();
  try {
    const file = path.join(tmp.dir, 'flags.yaml');
    fs.writeFileSync(
      file,
      config('flag-portal', {
        portal: {
          clients: { robot: { id: 'flag-client', secret: 'flag-secret' } },
          credentials: { robot: { username: 'flag-bot', password: 'flag-pw' } },
        },
        workshops: [{ name: 'lab-flag', capacity: 3, reserved: 1 }],
      }),
    );
    const p = await spawn([
      '--config',
      file,
      '--data',
      path.join(tmp.dir, 'flag-data'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--startup-delay',
      '400',
      '--webhook',
      `${receiver.url}/cli`,
    ]);
    const token = await getToken(p.url, {
      clientId: 'flag-client',
      clientSecret: 'flag-secret',
      username: 'flag-bot',
      password: 'flag-pw',
    });
    const output = p.stdout();
    assert.ok(output.includes(file), `names the config file as the credentials source:\n${output}`);
    assert.ok(!output.includes('flag-secret') && !output.includes('flag-pw'), 'no secret in the output');
    // The environment becomes RUNNING after the simulated start-up, then its reserved session becomes available.
    const deadline = Date.now() + 10_000;
    let available = 0;
    while (available < 1 && Date.now() < deadline) {
      const res = await fetch(`${p.url}/workshops/catalog/environments/`, {
        headers: { authorization: `Bearer ${token}` },
      });
      available = catalogEnvironmentsSchema.parse(await res.json()).environments[0]?.available ?? 0;
      if (available < 1) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(available, 1);
    const res = await fetch(
      `${p.url}/workshops/environment/flag-portal-w01/request/${qs({ index_url: INDEX_URL, user: 'flag-user' })}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    assert.equal(res.status, 200);
    await res.text();
    await receiver.waitForPost(
      '/cli',
      (b) => (b as { event?: { name?: string } } | undefined)?.event?.name === 'Session/Pending',
    );
    p.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
  } finally {
    await receiver.close();
  }
});

describe('dialects from the command line', () => {
  test('--dialect learningcenter without --config serves the Learning Center demo portal', async () => {
    const dataDir = path.join(tmp.dir, 'lc-demo');
    const p = await spawn(['--dialect', 'learningcenter', '--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
    await waitFor(() => /dialect: learningcenter \(.*status\.learningcenter\)/.test(p.stdout()), {
      message: `dialect line in:\n${p.stdout()}`,
    });
    const creds = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as StoredCredentials;
    assert.equal(creds.robot.username, 'robot@learningcenter');
    assert.equal(creds.admin.username, 'learningcenter');
    const token = await getToken(p.url, { ...creds.robot });
    const body = (await (
      await fetch(`${p.url}/workshops/catalog/environments/`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      portal: Record<string, unknown>;
      environments: { workshop: Record<string, unknown> }[];
    };
    assert.equal(body.portal['name'], 'lc-demo-portal');
    assert.equal('labels' in body.portal, false);
    assert.match(String(body.environments[0]?.workshop['id']), /^[0-9a-f]{32}$/);
    p.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
  });

  test('an unknown --dialect is refused with exit 2', async () => {
    const { code, stderr } = await runEngineCli(['--dialect', 'eduk8s']);
    assert.equal(code, 2);
    assert.match(stderr, /--dialect must be educates or learningcenter/);
  });

  for (const [file, dialect] of [
    ['educates-portal.yaml', 'educates'],
    ['learningcenter-portal.yaml', 'learningcenter'],
  ] as const) {
    test(`docs/examples/${file} starts an engine speaking ${dialect}`, async () => {
      const te = await startTestEngine({ configPath: path.join(REPO_ROOT, 'docs', 'examples', file) });
      try {
        assert.equal(te.engine.dialect, dialect);
        const body = await te.apiJson<{ environments: unknown[] }>('/workshops/catalog/environments/');
        assert.equal(body.environments.length, 1);
      } finally {
        await te.close();
      }
    });
  }
});
