import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCatalogQuery, parseFormQuery, QueryStringError, quotePlus, updateQueryParams } from './query-string';

test('form query: + is a space, repeated keys kept, blank items skipped, bad escapes tolerated', () => {
  const q = parseFormQuery('a=1+2&b=x%20y&a=3&&c&d=%zz&e=https://h/?x=y');
  assert.deepEqual(q.get('a'), ['1 2', '3']);
  assert.deepEqual(q.get('b'), ['x y']);
  assert.deepEqual(q.get('c'), ['']);
  assert.deepEqual(q.get('d'), ['%zz']);
  assert.deepEqual(q.get('e'), ['https://h/?x=y']);
});

test('catalog query: unquote keeps +, a missing = gives an empty value, two = are refused', () => {
  const q = parseCatalogQuery('labels%5Bk%5D=a+b&name=x&name=y&sessions');
  assert.deepEqual(q.get('labels[k]'), ['a+b']);
  assert.deepEqual(q.get('name'), ['x', 'y']);
  assert.deepEqual(q.get('sessions'), ['']);
  assert.throws(() => parseCatalogQuery('labels[a]=b=c'), QueryStringError);
  assert.equal(parseCatalogQuery('').size, 0);
});

test('quote_plus', () => {
  assert.equal(quotePlus('https://hub.test/'), 'https%3A%2F%2Fhub.test%2F');
  assert.equal(quotePlus("a b!'()*~._-"), 'a+b%21%27%28%29%2A~._-');
});

test('update_query_params keeps other parameters, drops blank ones, replaces notification', () => {
  assert.equal(
    updateQueryParams('https://hub.test/', { notification: 'session-deleted' }),
    'https://hub.test/?notification=session-deleted',
  );
  assert.equal(
    updateQueryParams('https://hub.test/p?a=1&blank=&notification=old#frag', { notification: 'session-invalid' }),
    'https://hub.test/p?a=1&notification=session-invalid#frag',
  );
  assert.equal(
    updateQueryParams('/workshops/catalog/', { notification: 'workshop-invalid' }),
    '/workshops/catalog/?notification=workshop-invalid',
  );
});
