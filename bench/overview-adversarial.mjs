/**
 * The class overview of 300 hand-ins, with and without crafted files: the
 * same sample class twice, the second with the adversarial corpus's
 * notebooks (adversarial/*.ipynb) in place of as many of its hand-ins.
 * Each round reads both folders with the overview's own reader
 * (`readClass`: listing, layout, evidence of every notebook) in this
 * process, alternating which goes first; the ratio of the medians must stay
 * under 2. Processor time is reported beside the wall time, since the
 * machine may be shared.
 *
 * Node only, no browser, no server: `jlpm build:cli`, then
 *   node bench/overview-adversarial.mjs [--rounds 7]
 * Everything is written to a temporary folder, removed at the end.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '7' } }
});
const rounds = Math.max(3, Number(values.rounds));
const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(REPO, 'lib-cli');
const CORPUS = join(REPO, 'adversarial');
const require = createRequire(import.meta.url);
const { readClass } = require(join(CLI, 'core', 'grading', 'reader.js'));
const { fileSystemSource } = require(join(CLI, 'node', 'cli', 'fssource.js'));
const { DEFAULT_STEP_RULES } = require(join(CLI, 'core', 'notebook', 'steps.js'));
const { EXTENSION_VERSION } = require(join(CLI, 'core', 'version.js'));

const work = mkdtempSync(join(tmpdir(), 'bench-overview-'));
try {
  const plain = join(work, 'plain');
  const crafted = join(work, 'crafted');
  for (const folder of [plain, crafted]) {
    // The same seed: the two classes differ only by the crafted files.
    execFileSync(process.execPath, [
      join(CLI, 'node', 'cli', 'grade.js'),
      '--sample',
      folder,
      '--students',
      '170',
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
    // Every ninth student hands in a crafted notebook as their first lab
    // (170 students of the sample hand in 300 notebooks).
    const student = students[(i * 9) % students.length];
    copyFileSync(
      join(CORPUS, name),
      join(crafted, student, '1_provision_cli.ipynb')
    );
  });
  /** One reading of a class, as the overview reads it: wall and processor ms. */
  const grade = async folder => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = await readClass(fileSystemSource(folder), {
      ...DEFAULT_STEP_RULES,
      maxSectionLevel: 3,
      version: EXTENSION_VERSION
    });
    const used = process.cpuUsage(cpu);
    return {
      wall: performance.now() - start,
      cpu: (used.user + used.system) / 1000,
      files: result.entries.length
    };
  };
  const times = { plain: [], crafted: [] };
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 ? ['crafted', 'plain'] : ['plain', 'crafted'];
    const measured = {};
    for (const kind of order) {
      measured[kind] = await grade(kind === 'plain' ? plain : crafted);
    }
    if (measured.plain.files !== measured.crafted.files) {
      throw new Error(
        `read ${measured.plain.files} and ${measured.crafted.files} hand-ins`
      );
    }
    // Round 0 warms the file cache and the compiler for both folders.
    if (round > 0) {
      times.plain.push(measured.plain);
      times.crafted.push(measured.crafted);
    }
    const shown = ({ wall, cpu }) =>
      `${wall.toFixed(0)} ms (processor ${cpu.toFixed(0)} ms)`;
    console.log(
      `round ${round}${round ? '' : ' (warm-up)'}: plain ${shown(measured.plain)}, ` +
        `with ${hostile.length} crafted ${shown(measured.crafted)}`
    );
  }
  const ratio = kind =>
    median(times.crafted.map(t => t[kind])) /
    median(times.plain.map(t => t[kind]));
  console.log(
    `class overview of ${times.plain[0].files} hand-ins, ${hostile.length} of them crafted, median of ${rounds}: ` +
      `ratio ${ratio('wall').toFixed(2)} wall, ${ratio('cpu').toFixed(2)} processor (bound 2)`
  );
  process.exitCode = ratio('wall') < 2 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
