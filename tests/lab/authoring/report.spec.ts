import type { ICleanChanges } from '../../../src/core/authoring/clean';
import type { ILintFinding } from '../../../src/core/authoring/lint';
import type { IPrepareReport } from '../../../src/core/authoring/publish';
import { LabReport } from '../../../src/lab/authoring/report';
import { codeCell, lintCells } from '../../helpers/lint';

const leak: ILintFinding = {
  rule: 'profile-value',
  severity: 'leak',
  path: '1_provision_cli.ipynb',
  cell: 11,
  line: 1,
  where: 'source',
  message:
    'Cell 12, line 1: your value <img src=x onerror=alert(1)> would be published.'
};

const warning: ILintFinding = {
  rule: 'output',
  severity: 'warning',
  path: '0_intro.ipynb',
  cell: 2,
  line: null,
  where: 'output',
  message: 'Cell 3 still has outputs.'
};

const changes: ICleanChanges = {
  restored: 12,
  editedAfterFill: [9],
  refusedTemplates: [],
  records: 14,
  outputsCleared: 4,
  countsCleared: 4,
  log: true,
  otherMetadata: 0
};

function report(overrides: Partial<IPrepareReport> = {}): IPrepareReport {
  return {
    folder: 'course/lab-publish',
    backup: null,
    notebooks: [{ path: '1_provision_cli.ipynb', changes }],
    copied: 2,
    skipped: [{ path: 'keys', why: 'a link; not followed' }],
    findings: [],
    clean: true,
    trovi: true,
    ...overrides
  };
}

describe('the report of a lab check', () => {
  it('puts leaks first, says where they are, and opens the cell on a click', () => {
    const opened: [string, number | null][] = [];
    const view = new LabReport({
      open: (path, cell) => opened.push([path, cell])
    });
    view.showLint({
      folder: 'course/lab',
      findings: [warning, leak],
      notes: []
    });
    expect(
      view.node.querySelector('.jp-testbed-Report-status')!.textContent
    ).toBe(
      '1 leaks and 1 warnings in course/lab/: publishing it now would share them.'
    );
    const rows = view.node.querySelectorAll('.jp-testbed-Report-finding');
    expect(Array.from(rows, row => row.className)).toEqual([
      'jp-testbed-Report-finding jp-mod-leak',
      'jp-testbed-Report-finding jp-mod-warning'
    ]);
    const where = rows[0].querySelector<HTMLButtonElement>(
      '.jp-testbed-Report-where'
    )!;
    expect(where.textContent).toBe('1_provision_cli.ipynb, cell 12, line 1');
    expect(rows[1].querySelector('.jp-testbed-Report-where')!.textContent).toBe(
      '0_intro.ipynb, cell 3, output'
    );
    where.click();
    expect(opened).toEqual([['course/lab/1_provision_cli.ipynb', 11]]);
    // The lab's own text is shown as text.
    expect(view.node.querySelector('img')).toBeNull();
    // Said once: the link already names the cell and line.
    expect(
      rows[0].querySelector('.jp-testbed-Report-message')!.textContent
    ).toBe('your value <img src=x onerror=alert(1)> would be published.');
  });

  it('says when nothing leaks', () => {
    const view = new LabReport({ open: () => undefined });
    view.showLint({ folder: '', findings: [warning], notes: ['keys: a link'] });
    expect(
      view.node.querySelector('.jp-testbed-Report-status')!.className
    ).toContain('jp-mod-clean');
    expect(view.node.textContent).toContain('No leak found in / (1 warnings).');
    expect(view.node.textContent).toContain('keys: a link');
  });

  it('shows a demo service’s password as a warning, not a leak', () => {
    // As the check finds it in a compose line shown to students.
    const findings = lintCells([
      codeCell('docker run -e POSTGRES_PASSWORD=lab_demo postgres')
    ]);
    expect(findings.map(f => f.rule)).toEqual(['demo-credential']);
    const view = new LabReport({ open: () => undefined });
    view.showLint({ folder: 'lab', findings, notes: [] });
    expect(
      view.node.querySelector('.jp-testbed-Report-status')!.className
    ).toContain('jp-mod-clean');
    expect(view.node.textContent).toContain(
      'No leak found in lab/ (1 warnings).'
    );
    const row = view.node.querySelector('.jp-testbed-Report-finding')!;
    expect(row.className).toContain('jp-mod-warning');
    expect(row.querySelector('.jp-testbed-Report-kind')!.textContent).toBe(
      'Warning'
    );
    expect(row.textContent).toContain('POSTGRES_PASSWORD=lab_demo');
    view.showPrepare(report({ findings }));
    expect(view.node.textContent).toContain(
      'Clean: course/lab-publish/ holds nothing of a student’s or of yours.'
    );
    expect(view.node.querySelector('.jp-mod-leak')).toBeNull();
  });
});

describe('the report of Prepare for Publishing', () => {
  it('says the copy is clean, what changed and what was left behind', () => {
    const view = new LabReport({ open: () => undefined });
    view.showPrepare(report());
    const text = view.node.textContent!;
    expect(text).toContain(
      'Clean: course/lab-publish/ holds nothing of a student’s or of yours.'
    );
    expect(text).toContain('12 cells restored to their template');
    expect(text).toContain(
      'cells 10 were edited after they were filled: their text was kept, check them'
    );
    expect(text).toContain('the progress log removed');
    expect(text).toContain('keys: a link; not followed');
    expect(text).toContain('trovi.json written for Trovi.');
  });

  it('says why a lab without a leak is still not clean, and shows what was left', () => {
    const view = new LabReport({ open: () => undefined });
    view.showPrepare(
      report({
        clean: false,
        backup: 'course/lab.originals-20261130-140000',
        skipped: [
          {
            path: '.ipynb_checkpoints',
            why: 'JupyterLab’s checkpoints: not cleaned; delete the folder before publishing'
          }
        ]
      })
    );
    expect(
      view.node.querySelector('.jp-testbed-Report-status')!.textContent
    ).toBe(
      'NOT clean: course/lab-publish/ still holds files that were not cleaned or not checked (below).'
    );
    const notes = view.node.querySelector('details')!;
    expect(notes.open).toBe(true);
    expect(notes.querySelector('summary')!.textContent).toBe(
      'Left as they were (1)'
    );
  });

  it('refuses to call a copy that still leaks clean, and names the originals', () => {
    const view = new LabReport({ open: () => undefined });
    view.showPrepare(
      report({
        clean: false,
        findings: [leak],
        backup: 'course/lab.originals-20261130-140000'
      })
    );
    const status = view.node.querySelector('.jp-testbed-Report-status')!;
    expect(status.className).toContain('jp-mod-leak');
    expect(status.textContent).toContain('NOT clean');
    expect(view.node.textContent).toContain(
      'The originals are kept in course/lab.originals-20261130-140000'
    );
    expect(view.node.querySelectorAll('.jp-mod-leak')).toHaveLength(2);
  });
});
