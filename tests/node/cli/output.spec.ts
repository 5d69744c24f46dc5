/**
 * Machine output is clean: whatever a handed-in or published notebook holds
 * (ESC sequences, C1 controls, bidi overrides, in a student's name, a
 * heading or a cell), the reports, CSV and JSON both CLIs write carry none
 * of it raw. The hostile notebook is adversarial/output-controls.ipynb.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fieldText, printable, safeJSON } from '../../../src/core/invisible';
import { buildCli } from '../../helpers/buildcli';

const ROOT = path.resolve(__dirname, '../../..');
const HOSTILE = path.join(ROOT, 'adversarial', 'output-controls.ipynb');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-output-'));
// Built apart from lib-cli/, which other CLI tests build at the same time.
const BUILD = path.join(tmp, 'build');
const STUDENT = '\u202eevil\u202c\u009b31m\u001b[2Jmallory\u2066';

/** Any character a terminal or a reader could act on, but the line feed. */
const RAW =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The same in CSV, whose records end in CR LF. */
const RAW_CSV =
  /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

function run(
  cli: string,
  args: string[]
): { status: number | null; stdout: string } {
  const result = spawnSync(
    process.execPath,
    [path.join(BUILD, 'node', 'cli', `${cli}.js`), ...args],
    {
      cwd: tmp,
      encoding: 'utf-8',
      env: { ...process.env, JUPYTER_CONFIG_DIR: path.join(tmp, 'config') },
      input: ''
    }
  );
  expect(result.stderr).not.toMatch(RAW);
  return { status: result.status, stdout: result.stdout };
}

const classDir = path.join(tmp, 'class');
const lab = path.join(tmp, 'lab');

beforeAll(() => {
  buildCli(BUILD);
  for (const student of [STUDENT, 'alice']) {
    fs.mkdirSync(path.join(classDir, student), { recursive: true });
    fs.copyFileSync(HOSTILE, path.join(classDir, student, '1_lab.ipynb'));
  }
  fs.mkdirSync(lab);
  fs.copyFileSync(HOSTILE, path.join(lab, `${STUDENT}.ipynb`));
}, 120000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the grade CLI', () => {
  it('prints a table with no control or direction character', () => {
    const { status, stdout } = run('grade', [classDir]);
    expect(status).toBe(0);
    expect(stdout).not.toMatch(RAW);
    expect(stdout).toContain('?evil??31m?[2Jmallory?');
  });

  it('writes CSV with none, to standard output and to a file', () => {
    const { stdout } = run('grade', [classDir, '--csv', '-']);
    expect(stdout).toContain('Setup');
    expect(stdout).not.toMatch(RAW_CSV);
    run('grade', [classDir, '--csv', 'class.csv']);
    expect(fs.readFileSync(path.join(tmp, 'class.csv'), 'utf-8')).toBe(stdout);
  });

  it('writes JSON with each of them escaped, and reads back the same', () => {
    const { stdout } = run('grade', [classDir, '--json', '-']);
    expect(stdout).not.toMatch(RAW);
    expect(stdout).toContain('\\u202eevil\\u202c\\u009b31m\\u001b[2Jmallory');
    const students = JSON.parse(stdout).notebooks.map(
      (notebook: { student: string }) => notebook.student
    );
    expect(students).toContain(STUDENT);
    run('grade', [classDir, '--json', 'class.json']);
    expect(fs.readFileSync(path.join(tmp, 'class.json'), 'utf-8')).toBe(stdout);
  });
});

describe('the check CLI', () => {
  it('prints findings and writes JSON with none of them raw', () => {
    const notebook = path.join(lab, `${STUDENT}.ipynb`);
    const table = run('check', [notebook]);
    expect(table.stdout).toMatch(/cell 2/);
    expect(table.stdout).not.toMatch(RAW);
    const json = run('check', [lab, '--json', '-']);
    expect(json.stdout).not.toMatch(RAW);
    const findings = JSON.parse(json.stdout);
    expect(JSON.stringify(findings)).toContain('\u202e');
  });
});

describe('the shared helpers', () => {
  it('escape in JSON, replace on a terminal and in a CSV field', () => {
    const text = 'a\u001b[31mb\u0085c\u202ed\u2069e\u2028\tf\ng';
    expect(safeJSON({ text })).toBe(
      '{"text":"a\\u001b[31mb\\u0085c\\u202ed\\u2069e\\u2028\\tf\\ng"}'
    );
    expect(JSON.parse(safeJSON({ text })).text).toBe(text);
    expect(printable(text)).toBe('a?[31mb?c?d?e??f?g');
    expect(fieldText(text)).toBe(
      'a\ufffd[31mb\ufffdc\ufffdd\ufffde\ufffd\tf\ng'
    );
  });
});
