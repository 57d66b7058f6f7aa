#!/usr/bin/env node
'use strict';
// Entry point of `npx portal-console`: runs the compiled CLI (built by `npm install` through `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'electron', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('portal-console is not built yet: run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(1);
}
require(cli)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`portal-console: ${err && err.message ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
