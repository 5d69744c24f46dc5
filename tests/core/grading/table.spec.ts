import type { IClassEntry } from '../../../src/core/grading/reader';
import { parseCSV } from '../../helpers/csv';
import {
  classTable,
  CSV_COLUMNS,
  filterRows,
  sortRows,
  toCSV,
  toJSON
} from '../../../src/core/grading/table';
import type {
  FlagCounts,
  FlagKind,
  ISectionSummary,
  IStepSummary,
  ISubmissionSummary
} from '../../../src/core/grading/types';

function section(
  index: number,
  title: string,
  level: number,
  parent: number,
  counts: Partial<ISectionSummary> = {}
): ISectionSummary {
  return {
    index,
    title,
    level,
    depth: parent < 0 ? 0 : 1,
    parent,
    cellIndex: index * 5,
    done: 0,
    total: 0,
    errors: 0,
    flags: 0,
    flagKinds: {},
    ...counts
  };
}

function step(
  key: string,
  section: number,
  flags: FlagKind[] = [],
  first?: string
): IStepSummary {
  return {
    key,
    kind: 'code',
    label: 'ls',
    cellIndex: 1,
    section,
    status: 'ok',
    runs: 1,
    first,
    last: first,
    flags
  };
}

/** A notebook's summary; its flag counts, unless given, are its flags'. */
function entry(
  student: string,
  notebook: string,
  summary: Partial<ISubmissionSummary> = {}
): IClassEntry {
  const flagKinds: FlagCounts = {};
  (summary.flags ?? []).forEach(
    flag => (flagKinds[flag.kind] = (flagKinds[flag.kind] ?? 0) + 1)
  );
  return {
    file: {
      path: `${student}/${notebook}.ipynb`,
      size: 10,
      modified: null,
      student,
      notebook
    },
    summary: {
      notes: [],
      done: 0,
      total: 10,
      errors: 0,
      sections: [],
      steps: [],
      flags: [],
      flagCount: summary.flags?.length ?? 0,
      flagKinds,
      timeline: [],
      ...summary
    }
  };
}

function flags(...kinds: FlagKind[]): ISubmissionSummary['flags'] {
  return kinds.map(kind => ({ kind, cellIndex: 1, detail: '' }));
}

function column(rows: string[][], name: string): string[] {
  const index = CSV_COLUMNS.indexOf(name);
  return rows.slice(1).map(row => row[index]);
}

const CLASS: IClassEntry[] = [
  entry('bob', '10_clean_up', {
    done: 5,
    total: 5,
    last: '2026-03-02T12:00:00Z'
  }),
  entry('bob', '2_setup', {
    done: 8,
    errors: 1,
    flags: flags('edited'),
    last: '2026-03-02T11:00:00Z'
  }),
  entry('alice', '2_setup', { done: 10, last: '2026-03-02T10:00:00Z' }),
  entry('carol', '2_setup', {
    problem: 'not a notebook (not valid JSON)',
    total: 0
  }),
  entry('dave', '2_setup', { done: 3, flags: flags('time', 'time') })
];

describe('classTable', () => {
  it('has a row per student and the notebooks in lab order', () => {
    const table = classTable(CLASS);
    expect(table.notebooks).toEqual(['2_setup', '10_clean_up']);
    expect(table.rows.map(r => r.student)).toEqual([
      'alice',
      'bob',
      'carol',
      'dave'
    ]);
    const bob = table.rows[1];
    expect([...bob.entries.keys()].sort()).toEqual(['10_clean_up', '2_setup']);
    expect(bob).toMatchObject({
      done: 13,
      total: 15,
      errors: 1,
      flags: 1,
      problems: 0,
      last: '2026-03-02T12:00:00Z'
    });
    expect(table.rows[2]).toMatchObject({ problems: 1, last: null });
  });
});

describe('sortRows', () => {
  const rows = classTable(CLASS).rows;
  const names = (key: Parameters<typeof sortRows>[1], descending = false) =>
    sortRows(rows, key, descending).map(r => r.student);

  it('sorts by a count, ties by student', () => {
    expect(names('done', true)).toEqual(['bob', 'alice', 'dave', 'carol']);
    expect(names('flags', true)).toEqual(['dave', 'bob', 'alice', 'carol']);
    expect(names('errors')).toEqual(['alice', 'carol', 'dave', 'bob']);
  });

  it('sorts students without a value (unread, not handed in) below the rest', () => {
    expect(names('last', true)).toEqual(['bob', 'alice', 'carol', 'dave']);
    expect(names({ notebook: '10_clean_up' }, true)[0]).toBe('bob');
    expect(names({ notebook: '2_setup' }, true)).toEqual([
      'alice',
      'bob',
      'dave',
      'carol'
    ]);
  });

  it('sorts by a section of a notebook', () => {
    const withSections = classTable([
      entry('a', 'lab', { sections: [section(0, 'One', 2, -1, { done: 1 })] }),
      entry('b', 'lab', { sections: [section(0, 'One', 2, -1, { done: 4 })] })
    ]).rows;
    expect(
      sortRows(withSections, { notebook: 'lab', section: 0 }, true).map(
        r => r.student
      )
    ).toEqual(['b', 'a']);
  });

  it('sorts by student both ways and leaves its input alone', () => {
    expect(names('student', true)).toEqual(['dave', 'carol', 'bob', 'alice']);
    expect(rows.map(r => r.student)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });
});

describe('filterRows', () => {
  const rows = classTable(CLASS).rows;
  const names = (filter: Parameters<typeof filterRows>[1]) =>
    filterRows(rows, filter).map(r => r.student);

  it('finds students by part of their name, in any case', () => {
    expect(names({ text: ' AR ' })).toEqual(['carol']);
    expect(names({ text: '' })).toHaveLength(4);
  });

  it('keeps flagged, incomplete or unreadable students', () => {
    expect(names({ flaggedOnly: true })).toEqual(['bob', 'dave']);
    expect(names({ problemsOnly: true })).toEqual(['carol']);
    // alice did all of 2_setup but never handed in 10_clean_up.
    expect(names({ incompleteOnly: true })).toEqual([
      'alice',
      'bob',
      'carol',
      'dave'
    ]);
    expect(
      names({ incompleteOnly: true, flaggedOnly: true, text: 'b' })
    ).toEqual(['bob']);
  });
});

describe('toCSV', () => {
  it('starts with the documented header and ends lines with CRLF', () => {
    const csv = toCSV(CLASS);
    expect(csv.split('\r\n')[0]).toBe(
      'student,notebook,section,section_level,done,total,percent,errors,flags,flag_kinds,checks_passed,checks_total,first_activity,last_activity,file,note'
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has a row per student and notebook, in student then lab order', () => {
    const rows = parseCSV(toCSV(CLASS));
    expect(rows.slice(1).map(r => `${r[0]} ${r[1]}`)).toEqual([
      'alice 2_setup',
      'bob 2_setup',
      'bob 10_clean_up',
      'carol 2_setup',
      'dave 2_setup'
    ]);
    const bob = rows[2];
    expect(bob.slice(2, 14)).toEqual([
      '',
      '',
      '8',
      '10',
      '80',
      '1',
      '1',
      'edited:1',
      '',
      '',
      '',
      '2026-03-02T11:00:00Z'
    ]);
    expect(column(rows, 'flag_kinds')[4]).toBe('time:2');
  });

  it('leaves the counts of an unreadable notebook empty and says why', () => {
    const rows = parseCSV(toCSV(CLASS));
    const carol = rows.find(r => r[0] === 'carol')!;
    expect(carol[CSV_COLUMNS.indexOf('done')]).toBe('');
    expect(carol[CSV_COLUMNS.indexOf('percent')]).toBe('');
    expect(carol[CSV_COLUMNS.indexOf('note')]).toBe(
      'not a notebook (not valid JSON)'
    );
  });

  it('follows each notebook with its sections, counting subsections in', () => {
    const summary: Partial<ISubmissionSummary> = {
      done: 3,
      total: 4,
      sections: [
        section(0, '', 0, -1, { done: 0, total: 0 }),
        // As evidence.ts counts them: subsections in, an unreadable
        // record in the section of its cell.
        section(1, 'Set up', 2, -1, {
          done: 3,
          total: 4,
          flags: 4,
          flagKinds: { edited: 2, cleared: 1, format: 1 },
          first: '2026-03-02T10:01:00Z'
        }),
        section(2, 'Check', 3, 1, {
          done: 1,
          total: 2,
          flags: 2,
          errors: 1,
          flagKinds: { edited: 1, format: 1 },
          first: '2026-03-02T10:01:00Z'
        })
      ],
      steps: [
        step('a', 1, ['edited', 'cleared'], '2026-03-02T10:05:00Z'),
        step('b', 2, ['edited'], '2026-03-02T10:01:00Z')
      ],
      flags: [
        { kind: 'edited', cellIndex: 6, step: 'a', detail: '' },
        { kind: 'cleared', cellIndex: 6, step: 'a', detail: '' },
        { kind: 'edited', cellIndex: 11, step: 'b', detail: '' },
        // An unreadable record counts in the section of its cell.
        { kind: 'format', cellIndex: 12, detail: '' },
        { kind: 'format', cellIndex: -1, detail: 'notebook record' }
      ],
      notes: ['no cell ids', 'old']
    };
    const rows = parseCSV(toCSV([entry('alice', 'lab', summary)]));
    expect(rows.map(r => r[2])).toEqual([
      'section',
      '',
      '(before the first heading)',
      'Set up',
      'Check'
    ]);
    expect(column(rows, 'section_level')).toEqual(['', '0', '2', '3']);
    expect(column(rows, 'flag_kinds')).toEqual([
      'edited:2;cleared:1;format:2',
      '',
      'edited:2;cleared:1;format:1',
      'edited:1;format:1'
    ]);
    expect(column(rows, 'first_activity')[2]).toBe('2026-03-02T10:01:00Z');
    expect(column(rows, 'percent')).toEqual(['75', '', '75', '50']);
    expect(column(rows, 'errors')[3]).toBe('1');
    expect(column(rows, 'note')[0]).toBe('no cell ids; old');
  });

  it('quotes fields and keeps spreadsheets from running a name as a formula', () => {
    const hostile = [
      "=cmd|' /C calc'!A0",
      '+1',
      '-2',
      '@SUM(A1)',
      '\tx',
      'comma, "quoted"\nnewline'
    ];
    const csv = toCSV(hostile.map(name => entry(name, 'lab')));
    const students = column(parseCSV(csv), 'student');
    expect(students).toEqual(
      expect.arrayContaining([
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        'comma, "quoted"\nnewline'
      ])
    );
    expect(csv).toContain('"comma, ""quoted""\nnewline"');
    expect(csv).not.toMatch(/(^|,)=/m);
  });

  it('writes no terminal escape sequence from a name', () => {
    const csv = toCSV([entry('\u001b[2J\u001b]0;owned\u0007mallory', 'lab')]);
    expect(csv).not.toMatch(/[\u0000-\u0008\u001b\u007f]/);
    expect(column(parseCSV(csv), 'student')[0]).toBe(
      '\ufffd[2J\ufffd]0;owned\ufffdmallory'
    );
  });
});

describe('toJSON', () => {
  it('is versioned and holds each notebook with its summary, in order', () => {
    const data = JSON.parse(toJSON(CLASS));
    expect(data).toMatchObject({ format: 'jupyterlab-testbed-class', v: 1 });
    expect(typeof data.by).toBe('string');
    expect(
      data.notebooks.map(
        (n: { student: string; notebook: string }) =>
          `${n.student} ${n.notebook}`
      )
    ).toEqual([
      'alice 2_setup',
      'bob 2_setup',
      'bob 10_clean_up',
      'carol 2_setup',
      'dave 2_setup'
    ]);
    expect(data.notebooks[1]).toMatchObject({
      file: 'bob/2_setup.ipynb',
      size: 10,
      summary: { done: 8, flags: [{ kind: 'edited' }] }
    });
    expect(data.notebooks[3].summary.problem).toMatch(/not valid JSON/);
  });
});
