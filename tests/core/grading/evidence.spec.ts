import * as fs from 'fs';
import * as path from 'path';
import {
  FLAG_MEANINGS,
  MAX_FLAGS,
  summarizeFile,
  summarizeText
} from '../../../src/core/grading/evidence';
import { FLAG_KINDS } from '../../../src/core/grading/types';
import { checkVersion } from '../../../src/core/checks/status';
import {
  CheckOutcome,
  METADATA_KEY,
  withCheck,
  withCheckResult,
  withLogEntries,
  withRun,
  withTick
} from '../../../src/core/metadata/format';
import { readNotebookFile } from '../../../src/core/notebook/file';
import { fingerprint } from '../../../src/core/notebook/hash';
import { EXTENSION_VERSION } from '../../../src/core/version';

const OPTIONS = {
  commandLanguages: ['bash'],
  maxSectionLevel: 3,
  version: EXTENSION_VERSION,
  savedAt: '2026-11-20T12:00:00Z'
};

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60000);

type Cell = { [key: string]: any };

/**
 * A handed-in notebook written the way the extension writes one: two
 * sections, three code cells run in order (the third fails), a manual step
 * ticked, each event in the log.
 */
function honest(): { cells: Cell[]; metadata: Cell } {
  const log: { at: Date; result: string; ref: string }[] = [];
  const code = (source: string, minute: number, count: number, ok = true) => {
    const record = withRun(null, {
      start: at(minute),
      ms: 1500,
      ok,
      error: ok ? undefined : 'exit 1',
      src: fingerprint(source),
      count
    });
    log.push({
      at: new Date(at(minute).getTime() + 1500),
      result: ok ? 'ok' : 'error:exit_1',
      ref: fingerprint(source)
    });
    return {
      cell_type: 'code',
      id: `c${count}`,
      source,
      execution_count: count,
      metadata: { [METADATA_KEY]: record },
      outputs: ok
        ? [{ output_type: 'stream', name: 'stdout', text: 'done\n' }]
        : [{ output_type: 'error', ename: '', evalue: '1', traceback: [] }]
    };
  };
  const manual = withTick({ v: 1, step: 'manual' }, 'cell', {
    at: '2026-11-20T10:30:00Z',
    via: 'tick'
  });
  log.push({ at: at(30), result: 'tick:tick', ref: 'cell' });
  const cells = [
    {
      cell_type: 'markdown',
      id: 'm1',
      source: '# Lab\n## Provision',
      metadata: {}
    },
    code('openstack server list', 1, 1),
    code('openstack server create node1', 5, 2),
    {
      cell_type: 'markdown',
      id: 'm2',
      source: 'Check Horizon shows node1.',
      metadata: { [METADATA_KEY]: manual }
    },
    { cell_type: 'markdown', id: 'm3', source: '## Configure', metadata: {} },
    code('ssh node1 true', 40, 3, false)
  ];
  return {
    cells,
    metadata: {
      [METADATA_KEY]: withLogEntries(
        null,
        log.sort((a, b) => a.at.getTime() - b.at.getTime()),
        100
      )
    }
  };
}

function summary(nb: { cells: Cell[]; metadata: Cell }, options = OPTIONS) {
  return summarizeFile(
    readNotebookFile({ nbformat: 4, nbformat_minor: 5, ...nb }),
    options
  );
}

const kinds = (nb: { cells: Cell[]; metadata: Cell }) =>
  [...new Set(summary(nb).flags.map(f => f.kind))].sort();

describe('summarizeFile on an honest notebook', () => {
  it('reports progress per section and raises no flag', () => {
    const result = summary(honest());
    expect(result.flags).toEqual([]);
    expect(result).toMatchObject({ done: 3, total: 4, errors: 1 });
    expect(
      result.sections.map(s => [s.title, s.done, s.total, s.errors])
    ).toEqual([
      ['Lab', 3, 4, 1],
      ['Provision', 3, 3, 0],
      ['Configure', 0, 1, 1]
    ]);
    expect(result.first).toBe('2026-11-20T10:01:00Z');
    expect(result.last).toBe('2026-11-20T10:40:00Z');
    expect(result.writer).toBe(EXTENSION_VERSION);
  });

  it('describes each step: runs, times, the error name, how a tick was done', () => {
    const steps = summary(honest()).steps;
    expect(steps.map(s => [s.kind, s.status, s.runs])).toEqual([
      ['code', 'ok', 1],
      ['code', 'ok', 1],
      ['manual', 'ticked', 0],
      ['code', 'error', 1]
    ]);
    expect(steps[3].error).toBe('exit 1');
    expect(steps[2].via).toBe('tick');
  });

  it('tells graders how a block sent to a node ended', () => {
    const nb = honest();
    const block = '# run on node1\nfalse';
    nb.cells.push({
      cell_type: 'markdown',
      id: 'sent',
      source: `Now:\n\n\`\`\`bash\n${block}\n\`\`\``,
      metadata: {
        [METADATA_KEY]: withTick(null, fingerprint(block), {
          at: '2026-11-20T10:45:00Z',
          via: 'node1',
          end: 1,
          ms: 2300
        })
      }
    });
    const sent = summary(nb).steps.find(s => s.via === 'node1');
    expect(sent).toMatchObject({ status: 'ticked', via: 'node1', end: 1 });
    expect(summary(honest()).steps.some(s => 'end' in s)).toBe(false);
  });

  it('ties each log event to its cell in the timeline', () => {
    const timeline = summary(honest()).timeline;
    expect(timeline.map(e => [e.result, e.cellIndex, e.label])).toEqual([
      ['ok', 1, 'openstack server list'],
      ['ok', 2, 'openstack server create node1'],
      ['tick:tick', 3, 'Check Horizon shows node1.'],
      ['error:exit_1', 5, 'ssh node1 true']
    ]);
  });
});

describe('summarizeFile flags a tampered notebook', () => {
  it('flags a source edited after its run', () => {
    const nb = honest();
    nb.cells[1].source = 'openstack server list --long';
    expect(kinds(nb)).toEqual(['edited']);
    expect(summary(nb).steps[0].flags).toEqual(['edited']);
  });

  it('flags a recorded run whose outputs were cleared', () => {
    const nb = honest();
    nb.cells[2].outputs = [];
    nb.cells[2].execution_count = null;
    expect(kinds(nb)).toEqual(['cleared']);
  });

  it('flags a failure changed into a success', () => {
    const nb = honest();
    delete nb.cells[5].metadata[METADATA_KEY].run.error;
    expect(kinds(nb)).toEqual(['result']);
    expect(summary(nb).errors).toBe(0);
  });

  it('flags an execution count that is not the recorded one', () => {
    const nb = honest();
    nb.cells[2].execution_count = 7;
    const result = summary(nb);
    expect(kinds(nb)).toEqual(['count']);
    expect(result.flags[0].detail).toBe(
      'execution count 7; the record of its last run says 2'
    );
  });

  it('flags a run written by hand that the log does not hold', () => {
    const nb = honest();
    const source = 'kubectl get nodes';
    nb.cells.push({
      cell_type: 'code',
      id: 'forged',
      source,
      execution_count: 4,
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'Ready' }],
      metadata: {
        [METADATA_KEY]: withRun(null, {
          start: at(50),
          ms: 800,
          ok: true,
          src: fingerprint(source),
          count: 4
        })
      }
    });
    expect(kinds(nb)).toEqual(['unlogged']);
  });

  it('flags a tick written by hand that the log does not hold', () => {
    const nb = honest();
    nb.cells[3].metadata[METADATA_KEY].ticks.cell.at = '2026-11-20T11:00:00Z';
    expect(kinds(nb)).toEqual(['unlogged']);
  });

  it('flags times that cannot be', () => {
    const nb = honest();
    const run = nb.cells[1].metadata[METADATA_KEY].run;
    run.first = '2026-11-20T10:30:00Z';
    expect(kinds(nb)).toEqual(['time']);
    const late = honest();
    late.cells[3].metadata[METADATA_KEY].ticks.cell.at = '2026-11-21T09:00:00Z';
    expect(summary(late).flags.map(f => f.kind)).toContain('time');
    const notTime = honest();
    notTime.cells[1].metadata[METADATA_KEY].run.last = 'yesterday';
    expect(kinds(notTime)).toEqual(['time']);
  });

  it('flags a log out of order', () => {
    const nb = honest();
    nb.metadata[METADATA_KEY].log.reverse();
    expect(kinds(nb)).toEqual(['time']);
    expect(summary(nb).flags[0].cellIndex).toBe(-1);
  });

  it('flags a record of another version or a newer format', () => {
    const older = honest();
    older.metadata[METADATA_KEY].by = '0.0.9';
    expect(kinds(older)).toEqual(['format']);
    expect(summary(older).flags[0].detail).toBe(
      `recorded by jupyterlab-testbed 0.0.9; this is ${EXTENSION_VERSION}`
    );
    const newer = honest();
    newer.cells[1].metadata[METADATA_KEY].v = 2;
    expect(kinds(newer)).toEqual(['format']);
    expect(summary(newer).steps[0].status).toBe('todo');
  });

  it('counts flags in the section of their step and above', () => {
    const nb = honest();
    nb.cells[5].source = 'ssh node1 hostname';
    const sections = summary(nb).sections;
    expect(sections.map(s => s.flags)).toEqual([1, 0, 1]);
  });

  it('counts a flag on a cell without a step in the section of that cell', () => {
    const nb = honest();
    nb.cells[4].metadata[METADATA_KEY] = { v: 1, run: 'yes' };
    const result = summary(nb);
    expect(result.sections.map(s => s.flagKinds)).toEqual([
      { format: 1 },
      {},
      { format: 1 }
    ]);
    expect(result).toMatchObject({ flagCount: 1, flagKinds: { format: 1 } });
  });

  it('dates each section by its earliest and latest activity', () => {
    const sections = summary(honest()).sections;
    expect(sections.map(s => [s.first, s.last])).toEqual([
      ['2026-11-20T10:01:00Z', '2026-11-20T10:40:00Z'],
      ['2026-11-20T10:01:00Z', '2026-11-20T10:30:00Z'],
      ['2026-11-20T10:40:00Z', '2026-11-20T10:40:00Z']
    ]);
  });
});

describe('summarizeFile on check results', () => {
  const check = { cmd: 'test -f ~/done', on: 'node1' };
  const ver = checkVersion(check);

  /**
   * The honest notebook with `check` declared on one of its cells (the
   * first code cell, or the manual step) and a result recorded at `when`.
   */
  function checked(
    when: string,
    r: CheckOutcome = 'pass',
    cellIndex = 1
  ): { cells: Cell[]; metadata: Cell } {
    const nb = honest();
    const cell = nb.cells[cellIndex];
    cell.metadata[METADATA_KEY] = withCheckResult(
      withCheck(cell.metadata[METADATA_KEY] ?? null, 'cell', check),
      'cell',
      { at: when, r, ver }
    );
    return nb;
  }

  /** Add an event to the notebook's log, in time order. */
  function logged(
    nb: { metadata: Cell },
    when: string,
    result: string,
    ref = ver
  ): void {
    const record = nb.metadata[METADATA_KEY];
    const [line] = withLogEntries(
      null,
      [{ at: new Date(when), result, ref }],
      1
    ).log!;
    // Lines start with their time: text order is time order.
    record.log = [...record.log, line].sort();
  }

  it('flags a pass of the declared check written by hand in the log’s period', () => {
    const nb = checked('2026-11-20T10:20:00Z');
    const result = summary(nb);
    expect(kinds(nb)).toEqual(['unlogged']);
    expect(result.flags[0]).toMatchObject({
      cellIndex: 1,
      step: 'c1',
      detail: 'check pass at 2026-11-20T10:20:00Z is not in the notebook’s log'
    });
    expect(result.steps[0].flags).toEqual(['unlogged']);
  });

  it('flags it on the step of a markdown cell', () => {
    const nb = checked('2026-11-20T10:20:00Z', 'pass', 3);
    const result = summary(nb);
    expect(result.flags.map(f => [f.kind, f.step])).toEqual([
      ['unlogged', 'm2/cell']
    ]);
    expect(result.steps[2].flags).toEqual(['unlogged']);
  });

  it('raises no flag for a result the log holds with its outcome', () => {
    const nb = checked('2026-11-20T10:20:00Z');
    expect(kinds(nb)).toEqual(['unlogged']);
    logged(nb, '2026-11-20T10:20:00Z', 'check:pass');
    const result = summary(nb);
    expect(result.flags).toEqual([]);
    expect(result.steps[0].check).toEqual({
      result: 'pass',
      at: '2026-11-20T10:20:00Z'
    });
    const failed = checked('2026-11-20T10:20:00Z', 'fail');
    expect(kinds(failed)).toEqual(['unlogged']);
    logged(failed, '2026-11-20T10:20:01Z', 'check:fail');
    expect(summary(failed).flags).toEqual([]);
  });

  it('flags a pass when the log says that check failed then', () => {
    const nb = checked('2026-11-20T10:20:00Z');
    logged(nb, '2026-11-20T10:20:00Z', 'check:fail');
    expect(kinds(nb)).toEqual(['unlogged']);
    // Nor does a pass of another check vouch for it.
    const other = checked('2026-11-20T10:20:00Z');
    logged(other, '2026-11-20T10:20:00Z', 'check:pass', fingerprint('x'));
    expect(kinds(other)).toEqual(['unlogged']);
  });

  it('flags a result dated after the save, though logged', () => {
    const nb = checked('2026-11-21T09:00:00Z');
    logged(nb, '2026-11-21T09:00:00Z', 'check:pass');
    expect(kinds(nb)).toEqual(['time']);
    expect(summary(nb).flags[0].detail).toBe(
      'check pass at 2026-11-21T09:00:00Z, after the file was saved (2026-11-20T12:00:00Z)'
    );
    expect(kinds(checked('not a time'))).toEqual(['time']);
  });

  it('raises no flag without a log, or for a result from before the log', () => {
    const nb = checked('2026-11-20T10:20:00Z');
    expect(kinds(nb)).toEqual(['unlogged']);
    nb.metadata = {};
    expect(summary(nb).flags).toEqual([]);
    expect(summary(checked('2026-11-20T09:00:00Z')).flags).toEqual([]);
  });

  it('shows a logged result once in the timeline, and an older one from its record', () => {
    const checks = (nb: { cells: Cell[]; metadata: Cell }) =>
      summary(nb)
        .timeline.filter(e => e.result.startsWith('check:'))
        .map(e => [e.at, e.result, e.ref, e.cellIndex, e.label]);
    const nb = checked('2026-11-20T10:20:00Z');
    logged(nb, '2026-11-20T10:20:00Z', 'check:pass');
    expect(checks(nb)).toEqual([
      ['2026-11-20T10:20:00Z', 'check:pass', ver, 1, 'openstack server list']
    ]);
    // An earlier result of the same check, logged: the record keeps the last.
    logged(nb, '2026-11-20T10:10:00Z', 'check:fail');
    expect(checks(nb).map(e => e[1])).toEqual(['check:fail', 'check:pass']);
    // Recorded before results were logged: the record's result is shown.
    expect(checks(checked('2026-11-20T09:00:00Z'))).toEqual([
      ['2026-11-20T09:00:00Z', 'check:pass', ver, 1, 'openstack server list']
    ]);
  });
});

describe('summarizeText on hostile input', () => {
  it('says why a file is not a notebook', () => {
    expect(summarizeText('<html>', OPTIONS).problem).toMatch(
      /^not a notebook \(not valid JSON/
    );
    expect(summarizeText('', OPTIONS).problem).toMatch(/not valid JSON/);
    expect(summarizeText('{"cells": {}}', OPTIONS).problem).toBe(
      'not a notebook (no list of cells)'
    );
  });

  it('keeps markup from the file as plain text in labels and details', () => {
    const nb = honest();
    nb.cells[1].source = '<img src=x onerror=alert(1)>';
    const result = summary(nb);
    expect(result.steps[0].label).toBe('<img src=x onerror=alert(1)>');
    expect(result.flags.map(f => f.kind)).toEqual(['edited']);
  });

  it('caps the flags listed, not the counts', () => {
    const nb = honest();
    const ticks: Cell = {};
    for (let i = 0; i < 1000; i++) {
      ticks[`k${i}`] = { at: 'not a time', via: 'tick' };
    }
    nb.cells[3].metadata[METADATA_KEY].ticks = ticks;
    const result = summary(nb);
    expect(result.flags).toHaveLength(MAX_FLAGS);
    expect(result.flagCount).toBe(1000);
    expect(result.notes).toContain(
      `1000 flags; the first ${MAX_FLAGS} are listed`
    );
  });

  it('notes a notebook without cell ids', () => {
    const nb = honest();
    nb.cells.forEach(cell => delete cell.id);
    const result = summarizeFile(
      readNotebookFile({ nbformat: 4, nbformat_minor: 4, ...nb }),
      OPTIONS
    );
    expect(result.flags).toEqual([]);
    expect(result.notes).toEqual([
      'no cell ids (nbformat 4.4): cells are known by position'
    ]);
  });

  it('reads a record of the wrong types as a format flag', () => {
    const nb = honest();
    nb.cells[1].metadata[METADATA_KEY] = { v: 1, run: 'yes' };
    nb.metadata[METADATA_KEY] = { v: 1, log: [1, 2] };
    expect(kinds(nb)).toEqual(['format']);
  });
});

describe('the flags', () => {
  it('each have a meaning', () => {
    for (const kind of FLAG_KINDS) {
      expect(FLAG_MEANINGS[kind]).toMatch(/\.$/);
    }
  });

  it('are compared with the version of package.json', () => {
    const pkg = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '..', '..', '..', 'package.json'),
        'utf8'
      )
    );
    expect(EXTENSION_VERSION).toBe(pkg.version);
  });
});
