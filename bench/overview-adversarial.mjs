/**
 * The class overview of 300 hand-ins, with and without crafted files: the
 * same sample class twice, the second with the adversarial corpus's
 * notebooks (adversarial/*.ipynb) in place of 17 of its hand-ins. Each
 * round grades both folders with the grading CLI (the pure reader and
 * evidence code the overview uses), alternating which goes first; the
 * ratio of the medians must stay under 2.
 *
 * Node only, no browser, no server: `jlpm build:cli`, then
 *   node bench/overview-adversarial.mjs [--rounds 5]
 * Everything is written to a temporary folder, removed at the end.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' } }
});
const rounds = Math.max(3, Number(values.rounds));
const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const GRADE = join(REPO, 'lib-cli', 'cli', 'grade.js');
const CORPUS = join(REPO, 'adversarial');

const work = mkdtempSync(join(tmpdir(), 'bench-overview-'));
try {
  const plain = join(work, 'plain');
  const crafted = join(work, 'crafted');
  for (const folder of [plain, crafted]) {
    // The same seed: the two classes differ only by the crafted files.
    execFileSync(process.execPath, [
      GRADE,
      '--sample',
      folder,
      '--students',
      '150',
      '--seed',
      '7'
    ]);
  }
  const students = readdirSync(crafted, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
  const hostile = readdirSync(CORPUS)
    .filter(name => name.endsWith('.ipynb'))
    .sort();
  hostile.forEach((name, i) => {
    // Every ninth student hands in a crafted notebook as their first lab.
    const student = students[(i * 9) % students.length];
    copyFileSync(
      join(CORPUS, name),
      join(crafted, student, '1_provision_cli.ipynb')
    );
  });
  const grade = folder => {
    const start = performance.now();
    execFileSync(
      process.execPath,
      [GRADE, folder, '--json', join(work, 'out.json')],
      {
        maxBuffer: 1 << 26
      }
    );
    return performance.now() - start;
  };
  const times = { plain: [], crafted: [] };
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 ? ['crafted', 'plain'] : ['plain', 'crafted'];
    const measured = {};
    for (const kind of order) {
      measured[kind] = grade(kind === 'plain' ? plain : crafted);
    }
    // Round 0 warms the file cache for both folders.
    if (round > 0) {
      times.plain.push(measured.plain);
      times.crafted.push(measured.crafted);
    }
    console.log(
      `round ${round}${round ? '' : ' (warm-up)'}: plain ${measured.plain.toFixed(0)} ms, ` +
        `with ${hostile.length} crafted ${measured.crafted.toFixed(0)} ms`
    );
  }
  const ratio = median(times.crafted) / median(times.plain);
  console.log(
    `class overview of 300 hand-ins: plain ${median(times.plain).toFixed(0)} ms, ` +
      `with ${hostile.length} crafted ${median(times.crafted).toFixed(0)} ms (median of ${rounds}); ` +
      `ratio ${ratio.toFixed(2)} (bound 2)`
  );
  process.exitCode = ratio < 2 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
