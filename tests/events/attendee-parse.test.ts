import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAttendees, parseLines } from '../../electron/services/events/attendee-parse';

describe('pasted attendee lines', () => {
  test('name <email>, "Last, First" <email>, name then email, bare email, several per line', () => {
    const r = parseLines(
      [
        'Ada Lovelace <ada@example.org>',
        '"Hopper, Grace" <grace@example.org>; Alan Mathison Turing <alan@example.org>',
        '',
        'Katherine Johnson katherine@example.org',
        '  linus@example.org  ',
        'mailto:barbara@example.org',
        'Lovelace, Ada Byron <ada.byron@example.org>, <bare@example.org>',
      ].join('\r\n'),
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.rows.map((x) => [x.line, x.email, x.firstName, x.lastName, x.user]),
      [
        [1, 'ada@example.org', 'Ada', 'Lovelace', 'ada-example-org'],
        [2, 'grace@example.org', 'Grace', 'Hopper', 'grace-example-org'],
        [2, 'alan@example.org', 'Alan', 'Mathison Turing', 'alan-example-org'],
        [4, 'katherine@example.org', 'Katherine', 'Johnson', 'katherine-example-org'],
        [5, 'linus@example.org', '', '', 'linus-example-org'],
        [6, 'barbara@example.org', '', '', 'barbara-example-org'],
        [7, 'ada.byron@example.org', 'Ada Byron', 'Lovelace', 'ada-byron-example-org'],
        [7, 'bare@example.org', '', '', 'bare-example-org'],
      ],
    );
  });

  const bad: Array<[string, string, RegExp]> = [
    ['no email', 'Ada Lovelace', /no email address/],
    ['bad email', 'Ada <ada@@example>', /bad email "ada@@example"/],
    ['duplicate email (any case)', 'a@example.org\nA@Example.org', /duplicate email \(first on line 1\)/],
    [
      'duplicate derived user',
      'a.b@example.org\na-b@example.org',
      /duplicate user "a-b-example-org" \(first on line 1\)/,
    ],
    ['long name', `${'x'.repeat(151)} <long@example.org>`, /name longer than 150 characters/],
  ];
  for (const [name, text, reason] of bad) {
    test(`reports: ${name}`, () => {
      const r = parseLines(text);
      const e = r.errors.at(-1);
      assert.ok(e, JSON.stringify(r));
      assert.match(e.reason, reason);
      assert.ok(e.raw.length > 0 && e.raw.length <= 200);
    });
  }

  test('a formula-looking name is kept as text (escaped only on export)', () => {
    const r = parseLines('=HYPERLINK("http://evil") <evil@example.org>');
    assert.equal(r.rows[0]?.firstName, '=HYPERLINK("http://evil")');
  });

  test('never throws on garbage, in either format', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const format of ['lines', 'csv'] as const) {
          const r = parseAttendees(s, format);
          assert.ok(Array.isArray(r.rows) && Array.isArray(r.errors));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('CSV is the roster format (header, rejected-row report)', () => {
    const r = parseAttendees('email,first_name,last_name\nada@example.org,Ada,Lovelace\nnot-mail,X,Y\n', 'csv');
    assert.equal(r.rows.length, 1);
    assert.match(r.errors[0]?.reason ?? '', /bad email/);
  });
});
