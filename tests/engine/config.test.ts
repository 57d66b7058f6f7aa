/** Config files: bad files, unknown fields, apiVersions, defaults, credentials. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { EngineConfigError, startEngine } from '../../electron/engine/index';
import {
  LEARNING_CENTER_API,
  getToken,
  makeTempDir,
  robotCreds,
  startTestEngine,
  trainingPortalDoc,
  workshopDoc,
  yamlDocs,
  type TestEngine,
} from '../support/engine-harness';
import { activateOk, catalog, config, expectNoSession, requestRaw, requestSession, uid } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
before(() => {
  tmp = makeTempDir('engine-config-');
});
after(() => {
  tmp?.cleanup();
});

const W = (name: string, spec = {}) => workshopDoc(name, spec);
const P = (workshops: Array<Record<string, unknown>>, portal?: Record<string, unknown>, name = 'bad-portal') =>
  trainingPortalDoc({ name, workshops: workshops as Array<{ name: string }>, ...(portal ? { portal } : {}) });

interface BadCase {
  name: string;
  yaml: string;
  /** Every one of these must appear in the error message (the file path is always checked). */
  mentions: Array<string | RegExp>;
}

const BAD: BadCase[] = [
  {
    name: 'YAML syntax error',
    yaml: 'apiVersion: training.educates.dev/v1beta1\nkind: TrainingPortal\nmetadata: {name: x\nspec: [\n',
    mentions: [],
  },
  {
    name: 'two TrainingPortal documents',
    yaml: yamlDocs(
      W('lab-a'),
      P([{ name: 'lab-a' }], undefined, 'portal-one'),
      P([{ name: 'lab-a' }], undefined, 'portal-two'),
    ),
    mentions: ['TrainingPortal', 'portal-two'],
  },
  { name: 'no TrainingPortal document', yaml: yamlDocs(W('lab-a')), mentions: ['TrainingPortal'] },
  { name: 'empty file', yaml: '', mentions: ['TrainingPortal'] },
  {
    name: 'unknown workshop reference',
    yaml: yamlDocs(
      W('lab-a'),
      P([
        { name: 'lab-a', capacity: 1 },
        { name: 'lab-missing', capacity: 1 },
      ]),
    ),
    mentions: ['TrainingPortal', 'bad-portal', 'lab-missing', /workshops(\[1\]|\.1)/],
  },
  {
    name: 'negative capacity',
    yaml: yamlDocs(W('lab-a'), P([{ name: 'lab-a', capacity: -1 }])),
    mentions: ['TrainingPortal', 'bad-portal', /workshops(\[0\]|\.0)\.capacity/],
  },
  {
    name: 'bad duration 10x',
    yaml: yamlDocs(W('lab-a'), P([{ name: 'lab-a', capacity: 1, expires: '10x' }])),
    mentions: ['TrainingPortal', 'bad-portal', /workshops(\[0\]|\.0)\.expires/],
  },
  {
    name: 'bad duration in workshop.defaults',
    yaml: yamlDocs(
      W('lab-a'),
      P([{ name: 'lab-a' }], { workshop: { defaults: { capacity: 1, expires: '5 minutes' } } }),
    ),
    mentions: ['TrainingPortal', 'bad-portal', /defaults\.expires/],
  },
  {
    name: 'wrong type: sessions.maximum is text',
    yaml: yamlDocs(W('lab-a'), P([{ name: 'lab-a', capacity: 1 }], { sessions: { maximum: 'ten' } })),
    mentions: ['TrainingPortal', 'bad-portal', /sessions\.maximum/],
  },
  {
    name: 'wrong type: spec.workshops is not a list',
    yaml:
      `${stringify(W('lab-a'))}---\n` +
      stringify({
        apiVersion: 'training.educates.dev/v1beta1',
        kind: 'TrainingPortal',
        metadata: { name: 'bad-portal' },
        spec: { workshops: { name: 'lab-a' } },
      }),
    mentions: ['TrainingPortal', 'bad-portal', /spec\.workshops/],
  },
  {
    name: 'wrong type in a Workshop document',
    yaml: yamlDocs(W('lab-a', { tags: 'not-a-list' }), P([{ name: 'lab-a', capacity: 1 }])),
    mentions: ['Workshop', 'lab-a', /tags/],
  },
];

describe('bad config files are rejected before anything starts', () => {
  for (const c of BAD) {
    test(c.name, async () => {
      const dir = fs.mkdtempSync(path.join(tmp.dir, 'case-'));
      const file = path.join(dir, 'bad-portal.yaml');
      fs.writeFileSync(file, c.yaml);
      const dataDir = path.join(dir, 'data');
      const logs: string[] = [];
      await assert.rejects(
        startEngine({ dataDir, configPath: file, host: '127.0.0.1', port: 0, log: (l) => logs.push(l) }),
        (err: unknown) => {
          assert.ok(err instanceof EngineConfigError, `EngineConfigError expected, got ${String(err)}`);
          assert.ok(err.message.includes(file), `message names the file: ${err.message}`);
          for (const m of c.mentions) {
            if (typeof m === 'string') assert.ok(err.message.includes(m), `message mentions ${m}: ${err.message}`);
            else assert.match(err.message, m);
          }
          return true;
        },
      );
      assert.equal(fs.existsSync(path.join(dataDir, 'portal.db')), false, 'no database written');
      assert.equal(fs.existsSync(path.join(dataDir, 'credentials.json')), false, 'no credentials written');
    });
  }

  test('a missing config file is an error naming the path', async () => {
    const file = path.join(tmp.dir, 'does-not-exist.yaml');
    await assert.rejects(
      startEngine({ dataDir: path.join(tmp.dir, 'nofile'), configPath: file, port: 0 }),
      (err: unknown) => {
        assert.ok(err instanceof Error && err.message.includes(file), String(err));
        return true;
      },
    );
  });
});

describe('accepted configs', () => {
  test('a missing data folder is created', async () => {
    const dataDir = path.join(tmp.dir, 'nested', 'data', 'dir');
    const file = path.join(tmp.dir, 'mkdir.yaml');
    fs.writeFileSync(file, config('mkdir-portal', { workshops: [{ name: 'lab-m', capacity: 1 }] }));
    const engine = await startEngine({ dataDir, configPath: file, host: '127.0.0.1', port: 0 });
    try {
      assert.ok(fs.existsSync(path.join(dataDir, 'portal.db')));
    } finally {
      await engine.close();
    }
  });

  test('unknown fields are ignored with a warning naming them', async () => {
    const yaml = yamlDocs(
      W('lab-a'),
      trainingPortalDoc({
        name: 'warn-portal',
        portal: { colour: 'blue' },
        workshops: [{ name: 'lab-a', capacity: 2, flavour: 'x' }],
      }),
    );
    const te = await startTestEngine({ config: yaml });
    try {
      assert.equal((await catalog(te)).environments.length, 1);
      assert.ok(
        te.logs.some((l) => l.includes('colour')),
        `a warning names colour: ${te.logs.join(' | ')}`,
      );
      assert.ok(
        te.logs.some((l) => l.includes('flavour')),
        `a warning names flavour: ${te.logs.join(' | ')}`,
      );
    } finally {
      await te.close();
    }
  });

  for (const apiVersion of ['training.educates.dev/v1beta1', LEARNING_CENTER_API]) {
    test(`apiVersion ${apiVersion} is accepted`, async () => {
      const te = await startTestEngine({
        config: config('api-portal', { apiVersion, workshops: [{ name: 'lab-api', capacity: 1, expires: 90 }] }),
      });
      try {
        assert.equal(te.engine.portalName, 'api-portal');
        // the API group says which dialect the engine speaks (the dialect's shapes are pinned in dialects.test.ts)
        assert.equal(te.engine.dialect, apiVersion === LEARNING_CENTER_API ? 'learningcenter' : 'educates');
        const body = await te.apiJson<{ environments: { name: string; duration: number }[] }>(
          '/workshops/catalog/environments/',
        );
        const env = body.environments[0];
        assert.equal(env?.name, 'api-portal-w01');
        assert.equal(env?.duration, 90, 'integer seconds are a valid duration');
      } finally {
        await te.close();
      }
    });
  }

  test('portal labels may be a list of {name, value}', async () => {
    const te = await startTestEngine({
      config: config('lbl-portal', {
        portal: { labels: [{ name: 'site', value: 'here' }] },
        workshops: [{ name: 'lab-l', capacity: 1 }],
      }),
    });
    try {
      assert.deepEqual((await catalog(te)).portal.labels, { site: 'here' });
    } finally {
      await te.close();
    }
  });
});

describe('defaults and clamping', () => {
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      config: config('dflt-portal', {
        portal: { sessions: { maximum: 4 }, capacity: 9, workshop: { defaults: { expires: '10m' } } },
        workshops: [
          // no capacity here or in defaults: the deprecated portal.capacity (9) beats sessions.maximum
          { name: 'lab-max' },
          { name: 'lab-clamp', capacity: 2, reserved: 5 },
          { name: 'lab-own', capacity: 3, reserved: 0, expires: '1h' },
        ],
      }),
    });
  });
  after(async () => {
    await te?.close();
  });

  test('reserved defaults to 1 and is clamped to capacity; durations fall back to workshop.defaults', async () => {
    const envs = (await catalog(te)).environments;
    const byRes = new Map(envs.map((e) => [e.workshop.resource, e]));
    assert.equal(byRes.get('lab-max')?.reserved, 1);
    assert.equal(byRes.get('lab-clamp')?.capacity, 2);
    assert.equal(byRes.get('lab-clamp')?.reserved, 2);
    assert.equal(byRes.get('lab-max')?.duration, 600);
    assert.equal(byRes.get('lab-own')?.duration, 3600);
  });

  test('the deprecated spec.portal.capacity is honoured when workshop.defaults has none', async () => {
    const envs = (await catalog(te)).environments;
    assert.equal(envs.find((e) => e.workshop.resource === 'lab-max')?.capacity, 9);
  });

  test('capacity defaults to sessions.maximum; workshop.defaults beat the deprecated keys', async () => {
    const other = await startTestEngine({
      config: config('dflt2-portal', {
        portal: { sessions: { maximum: 3 }, reserved: 0, workshop: { defaults: { reserved: 2 } } },
        workshops: [{ name: 'lab-d' }],
      }),
    });
    try {
      const env = (await catalog(other)).environments[0];
      assert.equal(env?.capacity, 3);
      assert.equal(env?.reserved, 2);
    } finally {
      await other.close();
    }
  });

  test('no capacity and no maximum means capacity 0: every request is 503', async () => {
    const other = await startTestEngine({ config: config('zero-portal', { workshops: [{ name: 'lab-z' }] }) });
    try {
      const env = (await catalog(other)).environments[0];
      assert.equal(env?.capacity, 0);
      assert.equal(env?.reserved, 0);
      await expectNoSession(await requestRaw(other, 'zero-portal-w01', { user: uid('zero') }));
    } finally {
      await other.close();
    }
  });

  test('a deadline below expires is raised to expires, so the session is never extendable', async () => {
    const other = await startTestEngine({
      config: config('dl-portal', {
        workshops: [{ name: 'lab-dl', capacity: 2, reserved: 0, expires: '2m', overtime: '5m', deadline: '1m' }],
      }),
    });
    try {
      const reply = await requestSession(other, 'dl-portal-w01', { user: uid('dl') });
      await activateOk(other, reply);
      const res = await other.api(`/workshops/session/${reply.name}/extend/`);
      const body = (await res.json()) as { extended: boolean; extendable: boolean };
      assert.equal(body.extended, false);
      assert.equal(body.extendable, false);
    } finally {
      await other.close();
    }
  });
});

describe('credentials', () => {
  test('from the config file: robot user, client and admin', async () => {
    const te = await startTestEngine({
      config: config('cred-portal', {
        portal: {
          credentials: {
            admin: { username: 'boss', password: 'boss-pass-123' },
            robot: { username: 'bot', password: 'bot-pass-123' },
          },
          clients: { robot: { id: 'my-client', secret: 'my-secret-123' } },
        },
        workshops: [{ name: 'lab-c', capacity: 1 }],
      }),
    });
    try {
      assert.deepEqual(te.engine.credentials, {
        robot: { clientId: 'my-client', clientSecret: 'my-secret-123', username: 'bot', password: 'bot-pass-123' },
        admin: { username: 'boss', password: 'boss-pass-123' },
      });
      assert.ok(te.engine.credentialsSource.includes(te.configPath ?? '?'), te.engine.credentialsSource);
      assert.ok(!te.engine.credentialsSource.includes('my-secret-123'), 'the source text carries no secret');
      await getToken(te.url, {
        clientId: 'my-client',
        clientSecret: 'my-secret-123',
        username: 'bot',
        password: 'bot-pass-123',
      });
    } finally {
      await te.close();
    }
  });

  test('reference defaults: admin educates, robot robot@educates, random secrets stored 0600 and reused', async () => {
    const te = await startTestEngine({ config: config('gen-portal', { workshops: [{ name: 'lab-g', capacity: 1 }] }) });
    try {
      const c = te.engine.credentials;
      assert.equal(c.admin.username, 'educates');
      assert.equal(c.robot.username, 'robot@educates');
      for (const secret of [c.admin.password, c.robot.password, c.robot.clientSecret, c.robot.clientId])
        assert.match(secret, /^[A-Za-z0-9]{32}$/);
      const file = path.join(te.dataDir, 'credentials.json');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), c);
      await te.restart();
      assert.deepEqual(te.engine.credentials, c, 'reused on the next start');
      await getToken(te.url, robotCreds(te.engine.credentials));
    } finally {
      await te.close();
    }
  });

  test('explicit credentials win over the config', async () => {
    const explicit = {
      robot: { clientId: 'x-client', clientSecret: 'x-secret-456', username: 'x-bot', password: 'x-pass-456' },
      admin: { username: 'x-admin', password: 'x-admin-456' },
    };
    const te = await startTestEngine({
      credentials: explicit,
      config: config('exp-portal', {
        portal: { clients: { robot: { id: 'cfg', secret: 'cfg-secret' } } },
        workshops: [{ name: 'lab-e', capacity: 1 }],
      }),
    });
    try {
      assert.deepEqual(te.engine.credentials, explicit);
      await getToken(te.url, robotCreds(explicit));
    } finally {
      await te.close();
    }
  });

  test(
    'a caller that supplies robot credentials gets no credentials file; ' + 'the admin password lives for the run',
    async () => {
      const robot = { clientId: 'k-client', clientSecret: 'k-secret-789', username: 'k-bot', password: 'k-pass-789' };
      const te = await startTestEngine({ credentials: { robot } });
      try {
        assert.deepEqual(te.engine.credentials.robot, robot);
        assert.match(te.engine.credentials.admin.password, /^[A-Za-z0-9]{32}$/);
        assert.equal(fs.existsSync(path.join(te.dataDir, 'credentials.json')), false, 'nothing written in plaintext');
        await getToken(te.url, robot);
      } finally {
        await te.close();
      }
    },
  );

  test('the file holds only generated values, never those the config already has', async () => {
    const te = await startTestEngine({
      config: config('half-portal', {
        portal: { clients: { robot: { id: 'cfg-id', secret: 'cfg-secret-1' } } },
        workshops: [{ name: 'lab-h', capacity: 1 }],
      }),
    });
    try {
      const stored = JSON.parse(fs.readFileSync(path.join(te.dataDir, 'credentials.json'), 'utf8')) as {
        robot: { password: string };
        admin: { password: string };
      };
      assert.equal(JSON.stringify(stored).includes('cfg-secret-1'), false);
      assert.equal(stored.robot.password, te.engine.credentials.robot.password);
      assert.equal(stored.admin.password, te.engine.credentials.admin.password);
    } finally {
      await te.close();
    }
  });
});
