import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateFromPattern, resolveParameters } from './request-parameters';

test('request parameters: only declared names are kept; defaults, generated values and ""', () => {
  const declared = [
    { name: 'USER', value: 'guest', generate: null, from: null },
    { name: 'PASSWORD', value: '', generate: 'expression', from: '[a-z0-9]{12}' },
    { name: 'EMPTY', value: '', generate: null, from: null },
  ];
  const resolved = resolveParameters(declared, [
    { name: 'USER', value: 'grumpy' },
    { name: 'NOT_DECLARED', value: 'x' },
  ]);
  assert.deepEqual(
    resolved.map((p) => p.name),
    ['USER', 'PASSWORD', 'EMPTY'],
  );
  assert.equal(resolved[0]?.value, 'grumpy');
  assert.match(resolved[1]?.value ?? '', /^[a-z0-9]{12}$/);
  assert.equal(resolved[2]?.value, '');
});

test('generated values follow simple patterns, else 16 random letters and digits', () => {
  assert.match(generateFromPattern('user-[0-9]{4}'), /^user-[0-9]{4}$/);
  assert.match(generateFromPattern('[A-F]{2}\\.[xy]'), /^[A-F]{2}\.[xy]$/);
  assert.match(generateFromPattern('(a|b)+'), /^[A-Za-z0-9]{16}$/);
});
