import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineConfigError, parsePortalConfig } from './config-file';

const portal = (spec: string, name = 'p1', apiVersion = 'training.educates.dev/v1beta1'): string =>
  `apiVersion: ${apiVersion}\nkind: TrainingPortal\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const workshop = (name: string, spec = '  title: T'): string =>
  `apiVersion: training.educates.dev/v1beta1\nkind: Workshop\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const file = (...docs: string[]): string => docs.join('\n---\n');

const parse = (text: string, warnings: string[] = []) =>
  parsePortalConfig('portal.yaml', text, (w) => warnings.push(w));

test('defaults and clamping', () => {
  const cfg = parse(
    file(
      portal(
        [
          '  portal:',
          '    sessions: {maximum: 8, registered: 2}',
          '    workshop:',
          '      defaults: {expires: 30m, labels: {a: default, b: default}}',
          '  workshops:',
          '  - {name: w1}',
          '  - {name: w2, capacity: 3, reserved: 5}',
          '  - {name: w3, capacity: 5, reserved: 2, initial: 1, deadline: 10m}',
          '  - {name: w4, capacity: 5, initial: 0, labels: [{name: b, value: entry}]}',
        ].join('\n'),
      ),
      workshop('w1', '  labels: {a: workshop}'),
      workshop('w2'),
      workshop('w3'),
      workshop('w4'),
    ),
  );
  const [w1, w2, w3, w4] = cfg.workshops;
  assert.equal(cfg.anonymous, 2, 'anonymous defaults to registered');
  assert.deepEqual([w1?.capacity, w1?.reserved, w1?.initial, w1?.durationS, w1?.deadlineS], [8, 1, 1, 1800, 1800]);
  assert.deepEqual(w1?.labels, { a: 'workshop', b: 'default' });
  assert.deepEqual([w2?.capacity, w2?.reserved, w2?.initial], [3, 3, 3], 'reserved clamped to capacity');
  assert.deepEqual(
    [w3?.reserved, w3?.initial, w3?.deadlineS],
    [2, 2, 1800],
    'initial raised to reserved; deadline raised to expires',
  );
  assert.equal(w4?.initial, 0, 'initial: 0 stays 0');
  assert.deepEqual(w4?.labels, { a: 'default', b: 'entry' });
});

test('no maximum and no capacity: capacity 0, with a warning', () => {
  const warnings: string[] = [];
  const cfg = parse(file(portal('  workshops:\n  - name: w1'), workshop('w1')), warnings);
  assert.equal(cfg.workshops[0]?.capacity, 0);
  assert.ok(warnings.some((w) => w.includes('capacity 0')));
});

test('unknown fields are warned about by name and ignored', () => {
  const warnings: string[] = [];
  parse(
    file(
      portal('  portal:\n    theme: {name: x}\n  workshops:\n  - {name: w1, capacity: 1, registry: {}}'),
      workshop('w1', '  title: T\n  session: {}'),
    ),
    warnings,
  );
  assert.ok(
    warnings.some((w) => w.includes('spec.portal.theme')),
    warnings.join('\n'),
  );
  assert.ok(
    warnings.some((w) => w.includes('spec.workshops[0].registry')),
    warnings.join('\n'),
  );
  assert.ok(
    warnings.some((w) => w.includes('spec.session') && w.includes('Workshop "w1"')),
    warnings.join('\n'),
  );
});

test('learningcenter group and alpha versions are accepted', () => {
  const text = file(
    portal('  workshops:\n  - {name: w1, capacity: 1}', 'lc', 'learningcenter.tanzu.vmware.com/v1beta1'),
    workshop('w1').replace('training.educates.dev/v1beta1', 'learningcenter.tanzu.vmware.com/v1alpha1'),
  );
  assert.equal(parse(text).name, 'lc');
});

test('bad files: the message names the file, the document and the field', () => {
  const cases: { name: string; text: string; expect: RegExp }[] = [
    { name: 'no portal', text: workshop('w1'), expect: /portal\.yaml: no TrainingPortal/ },
    {
      name: 'two portals',
      text: file(portal('  workshops: []'), portal('  workshops: []', 'p2')),
      expect: /document 2 \(TrainingPortal "p2"\).*exactly one/,
    },
    {
      name: 'missing workshop',
      text: portal('  workshops:\n  - {name: nope}'),
      expect: /document 1 \(TrainingPortal "p1"\): spec\.workshops\[0\]\.name: no Workshop document named "nope"/,
    },
    {
      name: 'bad duration',
      text: file(portal('  workshops:\n  - {name: w1, expires: 10d}'), workshop('w1')),
      expect: /spec\.workshops\[0\]\.expires: expected a duration/,
    },
    {
      name: 'negative capacity',
      text: file(portal('  workshops:\n  - {name: w1, capacity: -1}'), workshop('w1')),
      expect: /spec\.workshops\[0\]\.capacity/,
    },
    {
      name: 'string maximum',
      text: portal('  portal:\n    sessions: {maximum: lots}'),
      expect: /spec\.portal\.sessions\.maximum/,
    },
    {
      name: 'bad visibility',
      text: portal('  portal:\n    catalog: {visibility: hidden}'),
      expect: /spec\.portal\.catalog\.visibility/,
    },
    {
      name: 'bad registration type',
      text: portal('  portal:\n    registration: {type: three-step}'),
      expect: /spec\.portal\.registration\.type/,
    },
    {
      name: 'bad apiVersion',
      text: portal('  workshops: []', 'p1', 'example.com/v1'),
      expect: /document 1 \(TrainingPortal "p1"\): apiVersion/,
    },
    { name: 'bad name', text: portal('  workshops: []', 'Not_A_Name'), expect: /metadata\.name/ },
    {
      name: 'duplicate workshop doc',
      text: file(portal('  workshops: []'), workshop('w1'), workshop('w1')),
      expect: /document 3 \(Workshop "w1"\): metadata\.name: .*twice/,
    },
    {
      name: 'workshop listed twice',
      text: file(portal('  workshops:\n  - {name: w1}\n  - {name: w1}'), workshop('w1')),
      expect: /spec\.workshops\[1\]\.name: .*twice/,
    },
    { name: 'YAML syntax', text: 'kind: [unclosed', expect: /portal\.yaml: document 1: YAML error/ },
    { name: 'not a mapping', text: '- a\n- b', expect: /document 1: expected a mapping/ },
    { name: 'labels not strings', text: portal('  portal:\n    labels: {a: {b: c}}'), expect: /spec\.portal\.labels/ },
    {
      name: 'bad webhook',
      text: portal('  analytics:\n    webhook: {url: "ftp://x"}'),
      expect: /spec\.analytics\.webhook\.url/,
    },
  ];
  for (const c of cases) {
    assert.throws(
      () => parse(c.text),
      (err: unknown) => err instanceof EngineConfigError && c.expect.test(err.message),
      c.name,
    );
  }
});
