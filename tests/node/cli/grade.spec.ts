import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildCli } from '../../helpers/buildcli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-grade-'));
// The CLI package, built apart from lib-cli/ (see cli-package.spec.ts).
const CLI = path.join(tmp, 'build', 'node', 'cli', 'grade.js');
const sample = path.join(tmp, 'class');

function grade(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: tmp,
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr
  };
}

/** The table line of a student. */
function line(stdout: string, student: string): string {
  return stdout.split('\n').find(l => l.startsWith(`${student} `)) ?? '';
}

beforeAll(() => {
  buildCli(path.join(tmp, 'build'));
  const written = grade(
    '--sample',
    sample,
    '--students',
    '13',
    '--hostile',
    '--seed',
    '5'
  );
  expect(written.stderr).toBe('');
  expect(written.status).toBe(0);
}, 120000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('jupyterlab-testbed-grade', () => {
  it('is a node script', () => {
    expect(fs.readFileSync(CLI, 'utf-8').split('\n')[0]).toBe(
      '#!/usr/bin/env node'
    );
    const help = spawnSync(CLI, ['--help'], { encoding: 'utf-8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage:/);
  });

  it('prints a row per student with progress, errors, flags and notes', () => {
    const { status, stdout, stderr } = grade(sample);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^student +1_provision_cli +2_configure_network +errors +flags +last activity +notes$/
    );
    // Columns line up: each notebook column starts where its header does.
    const column = lines[0].indexOf('2_configure_network');
    const oldformat = line(stdout, 'oldformat');
    expect(oldformat.slice(column, column + 1)).toBe('-');
    expect(oldformat).toMatch(/^oldformat +\d+\/\d+ +- +1 +0 +2026-03-02T/);
    expect(line(stdout, 'garbage')).toMatch(
      /^garbage +unreadable +- +0 +0 +- +1_provision_cli: not a notebook \(not valid JSON/
    );
    expect(line(stdout, 'wrongtypes')).toMatch(
      /1_provision_cli: format:1; 2_configure_network: not a notebook \(no list of cells\)$/
    );
    // One student per way of tampering (the first 10 of them).
    for (const kinds of [
      'edited:1',
      'result:1',
      'count:1',
      'unlogged:1',
      'time:1',
      'check:1',
      'format:1'
    ]) {
      expect(stdout).toMatch(new RegExp(`1_provision_cli: ${kinds}$`, 'm'));
    }
    // A run and a check pass, each written by hand.
    expect(stdout.match(/1_provision_cli: unlogged:1$/gm)).toHaveLength(2);
    expect(stdout).toMatch(/1_provision_cli: cleared:\d+$/m);
    expect(stdout).toMatch(/^per-student layout: 23 student\(s\), /m);
    expect(stdout).toMatch(/^edited: The cell’s source was changed/m);
  });

  it('never prints a control character from a name', () => {
    const { stdout } = grade(sample);
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(stdout).toMatch(/^\?\[2J\?\]0;owned\?mallory +\d+\/\d+/m);
    expect(stdout).toContain('<b>evil ');
  });

  it('keeps only flagged students with --flagged', () => {
    const { status, stdout } = grade(sample, '--flagged');
    expect(status).toBe(0);
    const rows = stdout.split('\n\n')[0].split('\n').slice(1);
    expect(rows).toHaveLength(11);
    expect(
      rows.every(row =>
        /^\S+ .* [1-9]\d* +2026-\S+ +1_provision_cli: /.test(row)
      )
    ).toBe(true);
    expect(line(stdout, 'oldformat')).toBe('');
  });

  it('writes the class as CSV to a file or standard output', () => {
    const out = path.join(tmp, 'class.csv');
    const written = grade(sample, '--csv', out);
    expect(written.status).toBe(0);
    expect(written.stdout).toBe('');
    const csv = fs.readFileSync(out, 'utf-8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'student,notebook,section,section_level,done,total,percent,errors,flags,flag_kinds,checks_passed,checks_total,first_activity,last_activity,file,note'
    );
    expect(lines.filter(l => /^garbage,1_provision_cli,,,/.test(l))).toEqual([
      expect.stringMatching(/,"not a notebook \(not valid JSON: .*"$/)
    ]);
    expect(csv).toContain("\r\n'=cmd|' -C calc'!A0,1_provision_cli,,,");
    expect(csv).not.toMatch(/(^|\r\n)=/);
    expect(grade(sample, '--csv', '-').stdout).toBe(csv);
  });

  it('writes the class as JSON', () => {
    const { status, stdout } = grade(sample, '--json', '-', '--flagged');
    expect(status).toBe(0);
    const data = JSON.parse(stdout);
    expect(data).toMatchObject({ format: 'jupyterlab-testbed-class', v: 1 });
    // The flagged students' notebooks, both of each.
    expect(data.notebooks.length).toBeGreaterThanOrEqual(10);
    expect(
      data.notebooks.some(
        (n: { summary: { flags: unknown[] } }) => n.summary.flags.length
      )
    ).toBe(true);
  });

  it('explains a wrong command line and exits with 2', () => {
    for (const args of [
      [],
      ['--bogus', sample],
      [sample, 'other'],
      [sample, '--csv'],
      [sample, '--csv', '-', '--json', '-'],
      ['--sample', path.join(tmp, 'x'), '--layout', 'zip'],
      ['--sample', path.join(tmp, 'x'), '--students', '0'],
      [sample, '--students', '3']
    ]) {
      const { status, stderr, stdout } = grade(...args);
      expect({ args, status }).toEqual({ args, status: 2 });
      expect(stderr).toMatch(/^jupyterlab-testbed-grade: .+\n\nUsage:/);
      expect(stdout).toBe('');
    }
    const notEmpty = grade('--sample', sample);
    expect(notEmpty.status).toBe(2);
    expect(notEmpty.stderr).toMatch(/is not empty/);
  });

  it('exits with 1 when the folder cannot be read', () => {
    const missing = grade(path.join(tmp, 'missing'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*missing: ENOENT/);
    const notFolder = path.join(tmp, 'lab.ipynb');
    fs.writeFileSync(notFolder, '{}');
    const file = grade(notFolder);
    expect(file.status).toBe(1);
    expect(file.stderr).toMatch(/is not a folder/);
  });

  it('reports an empty folder without failing', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const { status, stdout } = grade(empty);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^No notebooks in .*empty\.$/m);
    expect(stdout).toMatch(/^empty layout: 0 student\(s\), 0 notebook\(s\)/m);
  });
});
