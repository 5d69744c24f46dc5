import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as nbformat from '@jupyterlab/nbformat';
import { sourceLines } from '../../../src/core/authoring/clean';
import { STUDENT, useAsStudent } from '../../helpers/student';
import { buildCli } from '../../helpers/buildcli';
import { hasReal, REAL_DIR } from '../../helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-check-'));
// The CLI package, built apart from lib-cli/ (see cli-package.spec.ts).
const BUILD = path.join(tmp, 'build');
const CLI = path.join(BUILD, 'node', 'cli', 'check.js');
/** No JupyterLab settings of the developer running the tests are read. */
const CONFIG = path.join(tmp, 'jupyter-config');

/** The student's values left in the lab. */
const { netID: NET_ID, project: PROJECT } = STUDENT;

function check(
  args: string[],
  env: { [name: string]: string } = {}
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: tmp,
    encoding: 'utf-8',
    env: { ...process.env, JUPYTER_CONFIG_DIR: CONFIG, ...env },
    input: ''
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr
  };
}

/** A lab as its author wrote it: two cells to fill. */
function authoredNotebook(): nbformat.INotebookContent {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' }
    },
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: sourceLines('# Check node1\n\nRun the cell below.')
      },
      {
        cell_type: 'code',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: sourceLines('export OS_PROJECT_NAME="CHI-XXXXXX"')
      },
      {
        cell_type: 'code',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: sourceLines('openstack server show node1-cloud-netID')
      }
    ]
  };
}

/**
 * The lab after a student used it: both cells filled and run, with
 * outputs and counts, their fill and run records, the notebook's log.
 */
function usedNotebook(): nbformat.INotebookContent {
  return useAsStudent(authoredNotebook()).used;
}

function writeLab(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'lab.ipynb'),
    `${JSON.stringify(usedNotebook(), null, 1)}\n`
  );
  fs.writeFileSync(path.join(dir, 'README.md'), '# The lab\n');
  return dir;
}

beforeAll(() => {
  buildCli(BUILD);
}, 120000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('jupyterlab-testbed-check', () => {
  it('is the package’s node script, with a pre-commit example in its help', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(BUILD, 'package.json'), 'utf-8')
    );
    expect(pkg.bin['jupyterlab-testbed-check']).toBe('node/cli/check.js');
    expect(fs.readFileSync(CLI, 'utf-8').split('\n')[0]).toBe(
      '#!/usr/bin/env node'
    );
    const { status, stdout } = check(['--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage:/);
    expect(stdout).toMatch(
      /pre-commit hook[^\n]*\n +printf .*jupyterlab-testbed-check \..*\.git\/hooks\/pre-commit/
    );
  });

  it('fails a used lab, naming each leak by notebook, cell and line', () => {
    const lab = writeLab(path.join(tmp, 'dirty'));
    const { status, stdout, stderr } = check([
      lab,
      '--values',
      `netID=${NET_ID}`
    ]);
    expect(status).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      /^lab\.ipynb +cell 2, line 1 +leak +project +.*CHI-777/m
    );
    expect(stdout).toMatch(
      /^lab\.ipynb +cell 3, line 1 +leak +profile-value +.*zq99/m
    );
    expect(stdout).toMatch(/^lab\.ipynb +cell 3, output +leak +address/m);
    expect(stdout).toMatch(/^lab\.ipynb +notebook +\w+ +progress/m);
    expect(stdout).toMatch(/^\d+ leaks, \d+ warnings? in 1 notebook$/m);
    expect(stdout).toMatch(/^profile-value: /m);
  });

  it('reads the author’s values from their JupyterLab settings, comments and all', () => {
    const lab = writeLab(path.join(tmp, 'profiled'));
    const settings = path.join(
      CONFIG,
      'lab',
      'user-settings',
      'jupyterlab-testbed'
    );
    fs.mkdirSync(settings, { recursive: true });
    const file = path.join(settings, 'placeholders.jupyterlab-settings');
    fs.writeFileSync(
      file,
      `{
  // My values, "as typed"
  "values": { "netID": "${NET_ID}", },
  /* one lab's own */
  "folders": { "labs/k8s": { "floatingIp": "10.0.0.1" } },
}`
    );
    try {
      const found = check([lab]);
      expect(found.stderr).toContain(`2 value(s) of yours read from ${file}`);
      expect(found.stdout).toMatch(/profile-value/);

      const other = path.join(tmp, 'other.jupyterlab-settings');
      fs.writeFileSync(other, '{"values": {"netID": "nobody1"}}');
      const explicit = check([lab, '--profile', other]);
      expect(explicit.stderr).toContain(`read from ${other}`);
      expect(explicit.stdout).not.toMatch(/profile-value/);
    } finally {
      fs.rmSync(CONFIG, { recursive: true, force: true });
    }
  });

  it('prepares a clean copy that then passes the check', () => {
    const lab = writeLab(path.join(tmp, 'to-copy'));
    const copy = path.join(tmp, 'to-copy-clean');
    const prepared = check([
      lab,
      '--values',
      `netID=${NET_ID}`,
      '--prepare',
      copy
    ]);
    expect(prepared.stderr).toBe('');
    expect(prepared.status).toBe(0);
    expect(prepared.stdout).toMatch(
      /^Wrote a clean copy of .*to-copy to .*to-copy-clean \(2 files\)\.$/m
    );
    expect(prepared.stdout).toMatch(
      /^ {2}lab\.ipynb: 2 filled cells restored, /m
    );
    expect(prepared.stdout).toMatch(/^Clean: /m);
    const text = fs.readFileSync(path.join(copy, 'lab.ipynb'), 'utf-8');
    expect(text).not.toContain(NET_ID);
    expect(text).toContain('node1-cloud-netID');
    expect(fs.readFileSync(path.join(copy, 'README.md'), 'utf-8')).toBe(
      '# The lab\n'
    );
    const again = check([copy, '--values', `netID=${NET_ID}`]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^0 leaks, /m);
  });

  it('follows a link the user names, and none inside', () => {
    const lab = writeLab(path.join(tmp, 'linked', 'real-lab'));
    fs.symlinkSync(lab, path.join(tmp, 'linked', 'lab'));
    fs.symlinkSync(path.join(lab, 'lab.ipynb'), path.join(lab, 'linked.ipynb'));
    const { status, stdout } = check([
      path.join(tmp, 'linked', 'lab'),
      '--prepare',
      path.join(tmp, 'linked', 'copy')
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^ {2}skipped linked\.ipynb: a link; not followed$/m
    );
    expect(fs.readdirSync(path.join(tmp, 'linked', 'copy')).sort()).toEqual([
      'README.md',
      'lab.ipynb'
    ]);
  });

  it('says NOT clean when the copy still leaks', () => {
    const lab = writeLab(path.join(tmp, 'authored-leak'));
    // The author's own text, not a fill: cleaning cannot take it out.
    const notebook = usedNotebook() as { cells: { source: string[] }[] };
    notebook.cells[0].source.push(`\nThe project is ${PROJECT}.`);
    fs.writeFileSync(path.join(lab, 'lab.ipynb'), JSON.stringify(notebook));
    const { status, stdout } = check([
      lab,
      '--prepare',
      path.join(tmp, 'authored-leak-copy')
    ]);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^lab\.ipynb +cell 1, line \d+ +leak +project/m);
    expect(stdout).toMatch(/^NOT clean: 1 leak left in .*authored-leak-copy/m);
  });

  it('writes the findings as JSON', () => {
    const lab = writeLab(path.join(tmp, 'json'));
    const out = check([lab, '--json', '-']);
    expect(out.status).toBe(1);
    const data = JSON.parse(out.stdout);
    expect(data).toMatchObject({
      format: 'jupyterlab-testbed-check',
      v: 1,
      notebooks: 1,
      clean: false
    });
    expect(data.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'project',
          severity: 'leak',
          path: 'lab.ipynb',
          cell: 1,
          line: 1
        })
      ])
    );
    const file = path.join(tmp, 'prepared.json');
    const prepared = check([
      lab,
      '--prepare',
      path.join(tmp, 'json-copy'),
      '--json',
      file
    ]);
    expect(prepared.status).toBe(0);
    expect(prepared.stdout).toMatch(/^Clean: /m);
    const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
    expect(report.clean).toBe(true);
    expect(report.prepared.notebooks[0].changes.restored).toBe(2);
  });

  it('cleans in place only with --yes, keeping the originals beside the lab', () => {
    const lab = writeLab(path.join(tmp, 'inplace', 'lab'));
    const original = fs.readFileSync(path.join(lab, 'lab.ipynb'));
    const refused = check([lab, '--in-place']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /--in-place rewrites .* add --yes to confirm/
    );
    expect(fs.readdirSync(path.join(tmp, 'inplace'))).toEqual(['lab']);
    expect(fs.readFileSync(path.join(lab, 'lab.ipynb'))).toEqual(original);

    const done = check([lab, '--in-place', '--yes']);
    expect(done.stdout).toMatch(/^Clean: /m);
    expect(done.status).toBe(0);
    const beside = fs.readdirSync(path.join(tmp, 'inplace')).sort();
    expect(beside).toEqual([
      'lab',
      expect.stringMatching(/^lab\.originals-\d{8}-\d{6}$/)
    ]);
    expect(done.stdout).toContain(
      `the originals are in ${path.join('inplace', beside[1])}`
    );
    expect(
      fs.readFileSync(path.join(tmp, 'inplace', beside[1], 'lab.ipynb'))
    ).toEqual(original);
    expect(fs.readFileSync(path.join(lab, 'lab.ipynb'), 'utf-8')).not.toContain(
      NET_ID
    );
  });

  it('writes trovi.json from a form', () => {
    const lab = writeLab(path.join(tmp, 'trovi'));
    const form = path.join(tmp, 'form.json');
    fs.writeFileSync(
      form,
      JSON.stringify({
        name: 'Check node1',
        shortDescription: 'A short lab',
        description: 'Long',
        keywords: ['chameleon'],
        authors: [{ name: 'Ada', affiliation: 'NYU', email: 'ada@example.org' }]
      })
    );
    const copy = path.join(tmp, 'trovi-copy');
    const { status, stdout } = check([lab, '--prepare', copy, '--trovi', form]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}wrote trovi\.json$/m);
    const crate = fs.readFileSync(path.join(copy, 'trovi.json'), 'utf-8');
    expect(crate).toContain('"Check node1"');

    fs.writeFileSync(form, JSON.stringify({ name: 'No description' }));
    const invalid = check([
      lab,
      '--prepare',
      path.join(tmp, 'trovi-bad'),
      '--trovi',
      form
    ]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/The Trovi form is not complete/);
    expect(fs.existsSync(path.join(tmp, 'trovi-bad'))).toBe(false);
  });

  it('checks one notebook, and never prints a control character from it', () => {
    const dir = path.join(tmp, 'hostile');
    fs.mkdirSync(dir);
    const name = '\u001b[2J\u001b]0;owned\u0007.ipynb';
    const notebook = usedNotebook() as { cells: { source: string[] }[] };
    notebook.cells[1].source = [`export OS_PROJECT_NAME="CHI-1234\u001b[8m"`];
    fs.writeFileSync(path.join(dir, name), JSON.stringify(notebook));
    const one = check([path.join(dir, name)]);
    expect(one.status).toBe(1);
    expect(one.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(one.stdout).toMatch(/^\?\[2J\?\]0;owned\?\.ipynb +cell 2/m);
    const folder = check([dir]);
    expect(folder.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('refuses to write over a folder', () => {
    const lab = writeLab(path.join(tmp, 'exists'));
    const target = path.join(tmp, 'exists-copy');
    fs.mkdirSync(target);
    const { status, stderr } = check([lab, '--prepare', target]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/exists-copy already exists/);
    expect(fs.readdirSync(target)).toEqual([]);
    const inside = check([lab, '--prepare', path.join(lab, 'copy')]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/inside the lab folder/);
    expect(fs.existsSync(path.join(lab, 'copy'))).toBe(false);
  });

  it('explains a wrong command line and exits with 2', () => {
    const lab = writeLab(path.join(tmp, 'usage'));
    const notebook = path.join(lab, 'lab.ipynb');
    for (const args of [
      [],
      ['--bogus', lab],
      [lab, 'other'],
      [lab, '--values'],
      [lab, '--values', 'ff524'],
      [lab, '--prepare', path.join(tmp, 'x'), '--in-place', '--yes'],
      [lab, '--yes'],
      [lab, '--trovi', notebook],
      [notebook, '--prepare', path.join(tmp, 'x')],
      [path.join(lab, 'README.md')],
      [lab, '--profile', path.join(tmp, 'missing.jupyterlab-settings')]
    ]) {
      const { status, stderr, stdout } = check(args);
      expect({ args, status }).toEqual({ args, status: 2 });
      expect(stderr).toMatch(/^jupyterlab-testbed-check: .+\n\nUsage:/);
      expect(stdout).toBe('');
    }
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
  });

  it('exits with 1 when the folder cannot be read', () => {
    const { status, stderr } = check([path.join(tmp, 'missing')]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/cannot read .*missing: ENOENT/);
  });
});

describe('jupyterlab-testbed-check on published labs', () => {
  /** A small published lab: placeholders for secrets, demo passwords, Jupyter and local blocks. */
  const CLEAN = path.resolve(
    __dirname,
    '../../fixtures/published/clean-secrets.ipynb'
  );

  /**
   * Each placeholder or demo value of the clean lab, a real value planted
   * in its place, and the rule that must name it.
   */
  const PLANTED: [string, string, string][] = [
    ['"REDACTED_…"', '"REDACTED_Xy9kLm2QpRs8TuVw3Ab"', 'secret'],
    ['OS_PASSWORD=<password>', 'OS_PASSWORD=<Tr0ub4dor&3x>', 'secret'],
    ['YOUR_TOKEN_HERE', `ghp_${'a1B2'.repeat(9)}`, 'secret'],
    ['api_key: xxxx', 'api_key: xxxx1234', 'secret'],
    [
      'POSTGRES_PASSWORD: lab_demo',
      'POSTGRES_PASSWORD: Xy9_kLm2-QpRs8Tu',
      'secret'
    ],
    [
      'MYSQL_ROOT_PASSWORD=example',
      'MYSQL_ROOT_PASSWORD=zz9999',
      'profile-value'
    ],
    ['cc@A.B.C.D', 'cc@129.114.25.134', 'address'],
    ['# CHI-XXXXXX', '# CHI-231095', 'project'],
    ['node1-cloud-netID', 'node1-cloud-zz9999', 'profile-value']
  ];

  /** Where a text is in the notebook: `cell <n>, line <m>`, counted from 1. */
  function whereIs(notebook: nbformat.INotebookContent, text: string): string {
    for (const [index, cell] of notebook.cells.entries()) {
      const lines = sourceText(cell.source).split('\n');
      const line = lines.findIndex(l => l.includes(text));
      if (line >= 0) {
        return `cell ${index + 1}, line ${line + 1}`;
      }
    }
    throw new Error(`${text} is not in the lab`);
  }

  const sourceText = (source: nbformat.MultilineString) =>
    Array.isArray(source) ? source.join('') : source;

  it('passes the clean lab, listing its demo passwords as warnings', () => {
    const { status, stdout } = check([CLEAN]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^0 leaks, 6 warnings in 1 notebook$/m);
    const notebook = JSON.parse(fs.readFileSync(CLEAN, 'utf-8'));
    for (const demo of [
      'POSTGRES_PASSWORD: lab_demo',
      'MYSQL_ROOT_PASSWORD=example',
      'GF_SECURITY_ADMIN_PASSWORD=admin'
    ]) {
      expect(stdout).toMatch(
        new RegExp(`${whereIs(notebook, demo)} +warning +demo-credential `)
      );
    }
    expect(stdout).not.toMatch(/ (?:undeclared-node|secret) /);
    expect(stdout).toMatch(/^demo-credential: /m);
  });

  it('fails a copy with real values planted, naming each of them', () => {
    const notebook = JSON.parse(fs.readFileSync(CLEAN, 'utf-8'));
    const planted = JSON.parse(JSON.stringify(notebook));
    for (const [placeholder, real] of PLANTED) {
      const cell = planted.cells.find((c: nbformat.ICell) =>
        sourceText(c.source).includes(placeholder)
      );
      expect({ placeholder, cell: !!cell }).toEqual({
        placeholder,
        cell: true
      });
      cell.source = sourceText(cell.source).split(placeholder).join(real);
    }
    const lab = path.join(tmp, 'planted');
    fs.mkdirSync(lab);
    fs.writeFileSync(
      path.join(lab, 'clean-secrets.ipynb'),
      JSON.stringify(planted)
    );
    const { status, stdout } = check([lab, '--values', 'netID=zz9999']);
    expect(status).toBe(1);
    for (const [placeholder, , rule] of PLANTED) {
      const where = whereIs(notebook, placeholder);
      const line = new RegExp(`${where} +leak +${rule} `);
      expect({ placeholder, found: line.test(stdout) }).toEqual({
        placeholder,
        found: true
      });
    }
    expect(stdout).toMatch(/GitHub token/);
    expect(stdout).toContain('GF_SECURITY_ADMIN_PASSWORD=admin');
  });

  it('exits with 0 on warnings alone, and says so in its help', () => {
    const lab = path.join(tmp, 'warnings');
    fs.mkdirSync(lab);
    const notebook = authoredNotebook();
    notebook.cells.push({
      cell_type: 'code',
      metadata: {},
      execution_count: 3,
      outputs: [],
      source: sourceLines(
        '# run on node1 and node7\ndocker run -e POSTGRES_PASSWORD=lab_demo postgres'
      )
    });
    fs.writeFileSync(path.join(lab, 'lab.ipynb'), JSON.stringify(notebook));
    const { status, stdout } = check([lab]);
    expect(stdout).toMatch(/^0 leaks, 3 warnings in 1 notebook$/m);
    expect(status).toBe(0);
    expect(check(['--help']).stdout).toMatch(
      /Exit status follows leaks only: 1 when something would leak[^]*else 0, with or without\nwarnings/
    );
  });

  it('passes every sample lab of the published fixtures', () => {
    const folder = path.dirname(CLEAN);
    const { status, stdout } = check([folder, '--json', '-']);
    const report = JSON.parse(stdout);
    expect(report.notebooks).toBe(
      fs.readdirSync(folder).filter(name => name.endsWith('.ipynb')).length
    );
    expect(
      report.findings.filter((f: { severity: string }) => f.severity === 'leak')
    ).toEqual([]);
    expect(status).toBe(0);
    // Every warning, by notebook and rule: the labs with no declaration
    // (a VM named node-data, Jupyter-side and local blocks) get none.
    const counts: { [key: string]: number } = {};
    for (const f of report.findings as { path: string; rule: string }[]) {
      const key = `${f.path} ${f.rule}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'clean-secrets.ipynb demo-credential': 3,
      'clean-secrets.ipynb undeclared-token': 3
    });
  });

  (hasReal ? it : it.skip)(
    'passes the real labs, with no warning for Jupyter or local lines',
    () => {
      const { status, stdout } = check([REAL_DIR, '--json', '-']);
      expect(status).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.notebooks).toBeGreaterThan(0);
      const leaks = report.findings.filter(
        (f: { severity: string }) => f.severity === 'leak'
      );
      expect(leaks).toEqual([]);
      const places = report.findings.filter(
        (f: { rule: string; message: string }) =>
          f.rule === 'undeclared-node' &&
          /jupyter|notebook|local|laptop|your computer/i.test(f.message)
      );
      expect(places).toEqual([]);
      // Nor for the labs' `# run inside alpine container` lines.
      expect(
        report.findings.filter(
          (f: { rule: string }) => f.rule === 'undeclared-node'
        )
      ).toEqual([]);
    }
  );
});
