import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAttendeeCsv } from '../../electron/services/events/attendee-csv';
import { userIdFromEmail } from '../../electron/services/user-id';

const H = 'email,first_name,last_name';

describe('attendee CSV files', () => {
  test('a good file: header in any case and order, BOM, trimmed cells, user derived from email', () => {
    const r = parseAttendeeCsv(
      '\uFEFF Last_Name , EMAIL,first_name\r\n Lovelace , ada@example.org , Ada \r\n' +
        'Hopper,grace.h@example.org,Grace\r\n',
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.rows, [
      { line: 2, email: 'ada@example.org', firstName: 'Ada', lastName: 'Lovelace', user: 'ada-example-org' },
      { line: 3, email: 'grace.h@example.org', firstName: 'Grace', lastName: 'Hopper', user: 'grace-h-example-org' },
    ]);
  });

  test('an explicit user column wins over the derived id', () => {
    const r = parseAttendeeCsv(`${H},user\nada@example.org,Ada,L,ada_1\n`);
    assert.equal(r.rows[0]?.user, 'ada_1');
  });

  const bad: [string, string, RegExp][] = [
    ['bad email', `${H}\nnot-an-email,A,B\n`, /bad email/],
    ['missing field', `${H}\nada@example.org,,Lovelace\n`, /missing first_name/],
    ['short row', `${H}\nada@example.org\n`, /missing first_name, last_name/],
    ['too many columns', `${H}\nada@example.org,Ada,Lovelace,extra\n`, /too many columns \(4, expected 3\)/],
    ['duplicate email', `${H}\nada@example.org,A,B\nADA@example.org,C,D\n`, /duplicate email \(first on line 2\)/],
    [
      'duplicate derived user',
      `${H}\nada.x@example.org,A,B\nada-x@example.org,C,D\n`,
      /duplicate user "ada-x-example-org" \(first on line 2\)/,
    ],
    ['bad user id', `${H},user\nada@example.org,A,B,ada lovelace\n`, /bad user id/],
  ];
  for (const [name, csv, reason] of bad) {
    test(`reports: ${name}`, () => {
      const r = parseAttendeeCsv(csv);
      const e = r.errors[r.errors.length - 1];
      assert.ok(e, JSON.stringify(r));
      assert.match(e.reason, reason);
      assert.ok(e.line >= 2);
      assert.ok(e.raw.length > 0);
    });
  }

  test('line numbers count blank lines and quoted line breaks', () => {
    const r = parseAttendeeCsv(`${H}\n\nada@example.org,"Ada\nAugusta",Lovelace\nbad,X,Y\n`);
    assert.equal(r.rows[0]?.line, 3);
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.raw]),
      [[5, 'bad,X,Y']],
    );
  });

  const headers: [string, string, RegExp][] = [
    ['empty file', '', /empty/],
    ['only blank lines', '\n\n  \n', /empty/],
    ['missing column', 'email,first_name\n', /missing column last_name/],
    ['unknown column', `${H},phone\n`, /unknown column "phone"/],
    ['repeated column', `${H},email\n`, /repeated column email/],
    ['no header at all', 'ada@example.org,Ada,Lovelace\n', /bad header/],
  ];
  for (const [name, csv, reason] of headers) {
    test(`header: ${name}`, () => {
      const r = parseAttendeeCsv(csv);
      assert.deepEqual(r.rows, []);
      assert.match(r.errors[0]?.reason ?? '', reason);
    });
  }

  test('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const r = parseAttendeeCsv(`${H}\n${s}`);
        assert.ok(Array.isArray(r.rows) && Array.isArray(r.errors));
        const r2 = parseAttendeeCsv(s);
        assert.ok(Array.isArray(r2.rows));
      }),
      { numRuns: 300 },
    );
  });
});

describe('user ids', () => {
  test('user ids from emails are slugs', () => {
    assert.equal(userIdFromEmail('Ada@Example.org'), 'ada-example-org');
    assert.equal(userIdFromEmail('a.b+tag@x.co.uk'), 'a-b-tag-x-co-uk');
  });
});
