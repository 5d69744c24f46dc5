import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileSystemSource } from '../../../src/node/cli/fssource';
import { ClassOverview } from '../../../src/lab/grading/overview';
import {
  OverviewModel,
  topSections
} from '../../../src/lab/grading/overviewmodel';
import { IFileSource } from '../../../src/core/grading/reader';
import {
  SAMPLE_NOTEBOOKS,
  writeSampleClass
} from '../../../src/node/grading/samples';
import { EXTENSION_VERSION } from '../../../src/core/version';
import { checkVersion } from '../../../src/core/checks/status';
import { fingerprint } from '../../../src/core/notebook/hash';
import { Widget } from '@lumino/widgets';

const READ_OPTIONS = () => ({
  commandLanguages: ['bash', 'sh', 'shell', 'console', 'zsh'],
  maxSectionLevel: 3,
  version: EXTENSION_VERSION
});

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-overview-'));
  writeSampleClass(dir, { students: 6, layout: 'per-student', hostile: true });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Redraws wait for a frame, and while reading for half a second. */
async function frames(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 600));
  await new Promise(resolve => requestAnimationFrame(() => resolve(null)));
}

function overview(source: IFileSource = fileSystemSource(dir)) {
  const opened: { path: string; section: number | null }[] = [];
  const downloads: { name: string; text: string }[] = [];
  const model = new OverviewModel({
    root: 'course/submitted',
    source,
    readOptions: READ_OPTIONS
  });
  const widget = new ClassOverview({
    model,
    open: (file, section) => opened.push({ path: file, section }),
    download: (name, text) => downloads.push({ name, text })
  });
  Widget.attach(widget, document.body);
  return { model, widget, opened, downloads };
}

const students = (widget: ClassOverview) =>
  Array.from(widget.node.querySelectorAll('.jp-testbed-Class-student')).map(
    td => td.textContent
  );

describe('the class overview', () => {
  it('shows rows while the folder is still being read', async () => {
    const real = fileSystemSource(dir);
    let release: () => void = () => undefined;
    const gate = new Promise<void>(resolve => (release = resolve));
    let reads = 0;
    const slow: IFileSource = {
      list: () => real.list(),
      read: async file => {
        if (++reads > 2) {
          await gate;
        }
        return real.read(file);
      }
    };
    const { model, widget } = overview(slow);
    const loading = model.load();
    for (let i = 0; i < 50 && model.entries.length < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await frames();
    expect(model.state).toBe('reading');
    expect(
      widget.node.querySelectorAll('.jp-testbed-Class-row').length
    ).toBeGreaterThan(0);
    expect(
      widget.node.querySelector('.jp-testbed-Class-status')!.textContent
    ).toMatch(/^Reading \d+ of \d+ notebooks…$/);
    release();
    await loading;
    await frames();
    expect(model.state).toBe('done');
    widget.dispose();
  });

  it('lists every student once, names as text, and notes unreadable files', async () => {
    const { model, widget } = overview();
    await model.load();
    await frames();
    const names = students(widget);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(model.table.rows.length);
    // A hostile student's name with markup stays text.
    expect(widget.node.querySelector('.jp-testbed-Class-student b')).toBeNull();
    expect(widget.node.querySelector('img')).toBeNull();
    expect(
      widget.node.querySelectorAll('.jp-mod-problem').length
    ).toBeGreaterThan(0);
    expect(
      widget.node.querySelector('.jp-testbed-Class-status')!.textContent
    ).toMatch(
      /notebooks of \d+ students \(a folder per student\) · \d+ could not be read$/
    );
    widget.dispose();
  });

  it('sorts by flags and filters to flagged students', async () => {
    const { model, widget } = overview();
    await model.load();
    await frames();
    const flagsHeader = Array.from(
      widget.node.querySelectorAll<HTMLButtonElement>('.jp-testbed-Class-sort')
    ).find(button => button.textContent === 'Flags')!;
    flagsHeader.click();
    flagsHeader.click();
    await frames();
    const flags = model.rows.map(row => row.flags);
    expect(flags).toEqual([...flags].sort((a, b) => b - a));
    expect(flags[0]).toBeGreaterThan(0);
    expect(
      widget.node
        .querySelector('th[aria-sort="descending"]')!
        .textContent!.startsWith('Flags')
    ).toBe(true);

    const flagged = widget.node.querySelectorAll<HTMLInputElement>(
      '.jp-testbed-Class-toggle input'
    )[0];
    flagged.checked = true;
    flagged.dispatchEvent(new Event('change'));
    await frames();
    expect(model.rows.length).toBeGreaterThan(0);
    expect(model.rows.every(row => row.flags > 0)).toBe(true);
    expect(students(widget)).toEqual(model.rows.map(row => row.student));
    widget.dispose();
  });

  it('opens a student’s notebook at the section clicked', async () => {
    const { model, widget, opened } = overview();
    await model.load();
    model.notebook = SAMPLE_NOTEBOOKS[0];
    await frames();
    const columns = model.sectionColumns(SAMPLE_NOTEBOOKS[0]);
    expect(columns.length).toBeGreaterThan(1);
    const header = Array.from(
      widget.node.querySelectorAll('.jp-testbed-Class-sort')
    ).map(b => b.textContent);
    expect(header.slice(1, 1 + columns.length)).toEqual(
      columns.map(c => c.title)
    );
    const row = widget.node.querySelectorAll('.jp-testbed-Class-row')[0];
    const second = row.querySelectorAll<HTMLButtonElement>(
      '.jp-testbed-Class-open'
    )[1];
    second.click();
    const entry = model.rows[0].entries.get(SAMPLE_NOTEBOOKS[0])!;
    const section = entry.summary.sections.find(
      s => s.title === columns[1].title
    )!;
    expect(opened).toEqual([{ path: entry.file.path, section: section.index }]);
    widget.dispose();
  });

  it('has a column per section with checks: how many last passed', async () => {
    const check = { cmd: 'test -f ~/done', on: 'node1' };
    const cellWith = (result?: 'pass' | 'fail', ver = checkVersion(check)) => ({
      cell_type: 'code',
      id: 'c',
      execution_count: null,
      outputs: [],
      source: 'touch ~/done',
      metadata: {
        'jupyterlab-testbed': {
          v: 1,
          checks: { cell: check },
          ...(result
            ? { chk: { cell: { at: '2026-12-01T10:00:00Z', r: result, ver } } }
            : {})
        }
      }
    });
    // A second step of the section, without a check: bob ran it.
    const ran = (student: string) => ({
      cell_type: 'code',
      id: 'r',
      execution_count: student === 'bob' ? 1 : null,
      outputs: [],
      source: 'ls -l',
      metadata:
        student === 'bob'
          ? {
              'jupyterlab-testbed': {
                v: 1,
                run: {
                  n: 1,
                  last: '2026-12-01T10:00:00Z',
                  ms: 100,
                  src: fingerprint('ls -l'),
                  c: 1
                }
              }
            }
          : {}
    });
    const lab = (student: string, cell: object) =>
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          { cell_type: 'markdown', id: 'a', metadata: {}, source: '# Lab' },
          { cell_type: 'markdown', id: 'b', metadata: {}, source: '## Deploy' },
          cell,
          ran(student),
          {
            cell_type: 'markdown',
            id: 'd',
            metadata: {},
            source: '## Clean up'
          },
          {
            cell_type: 'code',
            id: 'e',
            execution_count: null,
            outputs: [],
            metadata: {},
            source: 'ls'
          }
        ]
      });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-checks-'));
    const copies: [string, object][] = [
      ['alice', cellWith('pass')],
      ['bob', cellWith('fail')],
      ['carol', cellWith()],
      // A pass of another check than the one declared counts for nothing.
      ['dave', cellWith('pass', checkVersion({ ...check, cmd: 'true' }))]
    ];
    for (const [student, cell] of copies) {
      fs.mkdirSync(path.join(folder, student));
      fs.writeFileSync(
        path.join(folder, student, 'lab.ipynb'),
        lab(student, cell)
      );
    }
    const { model, widget } = overview(fileSystemSource(folder));
    await model.load();
    model.notebook = 'lab';
    await frames();
    const header = Array.from(
      widget.node.querySelectorAll('.jp-testbed-Class-sort')
    ).map(b => b.textContent);
    // Only the section with a check gets a column.
    expect(header).toEqual([
      'Student',
      'Deploy',
      'Clean up',
      'Checks: Deploy',
      'Done',
      'Errors',
      'Flags',
      'Last activity'
    ]);
    const cells = () =>
      Array.from(widget.node.querySelectorAll('.jp-testbed-Class-row')).map(
        row => [
          row.querySelector('.jp-testbed-Class-student')!.textContent,
          row.querySelectorAll('td')[3].textContent
        ]
      );
    expect(cells()).toEqual([
      ['alice', '✓ 1/1'],
      ['bob', '✓ 0/1'],
      ['carol', '✓ 0/1'],
      ['dave', '✓ 0/1']
    ]);
    expect(
      widget.node
        .querySelector('.jp-testbed-Class-checks')!
        .getAttribute('aria-label')
    ).toBe('1 of 1 checks passed');
    // Sorted by checks passed, fewest first (ties by name); not by steps
    // done (bob ran the section's other step).
    model.sort = {
      key: { notebook: 'lab', section: 0, checks: true },
      descending: false
    };
    await frames();
    expect(cells().map(([student]) => student)).toEqual([
      'bob',
      'carol',
      'dave',
      'alice'
    ]);
    widget.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('exports the whole class as CSV, whatever the filter', async () => {
    const { model, widget, downloads } = overview();
    await model.load();
    model.filter = { text: 'no such student' };
    widget.export('csv');
    expect(downloads[0].name).toBe('progress-submitted.csv');
    const lines = downloads[0].text.trim().split('\r\n');
    expect(lines[0].startsWith('student,notebook,section')).toBe(true);
    const wholeNotebookRows = lines.filter(line => /^[^,]*,[^,]*,,/.test(line));
    expect(wholeNotebookRows.length).toBeGreaterThanOrEqual(
      model.entries.length
    );
    widget.dispose();
  });

  it('says so when the folder cannot be read', async () => {
    const { model, widget } = overview(
      fileSystemSource(path.join(dir, 'nope'))
    );
    await model.load();
    await frames();
    expect(model.state).toBe('failed');
    expect(
      widget.node.querySelector('.jp-testbed-Class-status')!.textContent
    ).toMatch(/^Could not read course\/submitted: /);
    widget.dispose();
  });
});

describe('topSections', () => {
  const section = (
    index: number,
    depth: number,
    parent: number,
    total = 1
  ) => ({
    index,
    title: `s${index}`,
    level: depth + 1,
    depth,
    parent,
    cellIndex: index,
    done: 0,
    total,
    errors: 0,
    flags: 0,
    flagKinds: {}
  });

  it('uses the sections under a lone title heading', () => {
    const sections = [section(0, 0, -1, 2), section(1, 1, 0), section(2, 1, 0)];
    expect(topSections(sections).map(s => s.index)).toEqual([1, 2]);
  });

  it('uses the top level when there are several', () => {
    const sections = [section(0, 0, -1), section(1, 1, 0), section(2, 0, -1)];
    expect(topSections(sections).map(s => s.index)).toEqual([0, 2]);
  });
});
