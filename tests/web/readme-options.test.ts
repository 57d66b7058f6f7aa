import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The README lists every option `web --help` and `engine --help` print, so a new user finds them all there. */
const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'electron', 'cli-entry.ts');

function optionsOf(command: string): string[] {
  const help = spawnSync(process.execPath, ['--import', 'tsx', entry, command, '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(help.status, 0, help.stderr);
  return [...help.stdout.matchAll(/^\s+(?:-[a-z], )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] ?? '');
}

test('README.md lists every option of `web` and `engine`', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const command of ['web', 'engine']) {
    const options = optionsOf(command);
    assert.ok(options.length >= 5, `${command} --help lists its options`);
    const table = readme.slice(readme.indexOf(`| \`${command}\` option |`));
    assert.ok(table.length < readme.length, `README has a table of ${command} options`);
    const rows = table.split('\n\n', 1)[0] ?? '';
    for (const option of options) assert.match(rows, new RegExp(`\`${option}\\b`), `${command} ${option}`);
  }
});
