/**
 * Writes one `## <Section>` of BENCHMARKS.md, leaving every other section as it is (several benchmarks share the
 * file). Creates the file with its intro when it does not exist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCHMARKS_FILE = path.resolve(__dirname, '..', '..', 'BENCHMARKS.md');

const INTRO = `# Benchmarks

Measured figures for portal-console. Each benchmark compares against a baseline measured in the same run on the
same machine, so the ratios matter more than the absolute numbers. Sections are rewritten by their benchmark.

## How to run

\`\`\`sh
npm run bench:engine    # built-in portal engine (## Engine)
npm run bench:console   # console core against the engine (## Console)
npm run bench:ui        # renderer in Chromium (## UI)
npm run bench:events    # a 2,000-attendee event through the console (## Events)
npm run bench:checkin   # 300 people at an event's check-in page within a minute (## Check-in)
\`\`\`

Each benchmark rewrites only its own section below. Run on an otherwise idle machine: the figures here come from a
shared 2-core machine with other work running, so treat them as lower bounds.
`;

/** "2026-11-25 19:30 UTC · 2 CPUs (model) · Node v20.x" */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  return (
    `${when} UTC · nproc ${os.availableParallelism()} (${model}) · Node ${process.version} ` +
    `· ${os.platform()} ${os.release()}`
  );
}

export function writeSection(title: string, body: string): void {
  const text = fs.existsSync(BENCHMARKS_FILE) ? fs.readFileSync(BENCHMARKS_FILE, 'utf8') : INTRO;
  const heading = `## ${title}`;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  let out: string;
  if (start === -1) {
    out = `${text.trimEnd()}\n\n${section}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end === -1) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    out = `${before}\n\n${section}${after ? `\n${after}\n` : ''}`;
  }
  fs.writeFileSync(BENCHMARKS_FILE, out.endsWith('\n') ? out : `${out}\n`);
}
