import {
  buildOutline,
  DEFAULT_OUTLINE_OPTIONS,
  stepDone
} from '../../../src/core/progress/outline';
import {
  allChecks,
  batches,
  describeChecks,
  isCheckReply,
  resultOf,
  sectionChecks,
  sectionsWithChecks
} from '../../../src/core/checks/plan';
import { checkVersion } from '../../../src/core/checks/status';

const nginx = { cmd: 'systemctl is-active nginx', on: 'node1' };

function lab() {
  const cell = (
    id: string,
    type: string,
    source: string,
    record: unknown = undefined
  ) => ({ id, type, source, record });
  return [
    cell('h1', 'markdown', '# Servers'),
    cell('c1', 'code', 'sudo systemctl start nginx', {
      v: 1,
      checks: { cell: nginx },
      run: { n: 1, last: '2026-12-02T05:00:00Z', ms: 5, src: '00000000' }
    }),
    cell('h2', 'markdown', '## Files'),
    cell('c2', 'code', 'touch /tmp/a', {
      v: 1,
      checks: { cell: { cmd: 'test -f /tmp/a', on: 'node2', par: true } }
    }),
    cell('c3', 'code', 'touch /tmp/b', {
      v: 1,
      checks: { cell: { cmd: 'test -f /tmp/b', on: 'node3', par: true } }
    }),
    cell('c4', 'code', 'echo no check'),
    cell('h3', 'markdown', '# Other'),
    cell('c5', 'code', 'hostname', {
      v: 1,
      checks: { cell: { cmd: 'true', on: 'all', par: true } },
      chk: {
        cell: { at: '2026-12-02T05:00:00Z', r: 'pass', ver: 'ffffffff' }
      }
    })
  ];
}

describe('planning checks', () => {
  it('finds the checks of a section with its subsections, and all', () => {
    const outline = buildOutline(lab(), DEFAULT_OUTLINE_OPTIONS);
    expect(sectionChecks(outline, 0).map(s => s.cellId)).toEqual([
      'c1',
      'c2',
      'c3'
    ]);
    expect(sectionChecks(outline, 1).map(s => s.cellId)).toEqual(['c2', 'c3']);
    expect(allChecks(outline)).toHaveLength(4);
  });

  it('tells in one pass which sections have checks, as sectionChecks does', () => {
    const cells = [
      ...lab(),
      { id: 'h4', type: 'markdown', source: '## Unchecked', record: undefined },
      { id: 'c6', type: 'code', source: 'ls', record: undefined },
      // A section whose only check is in its subsection.
      { id: 'h5', type: 'markdown', source: '# Deploy', record: undefined },
      { id: 'c7', type: 'code', source: 'ls', record: undefined },
      {
        id: 'h6',
        type: 'markdown',
        source: '## Containers',
        record: undefined
      },
      {
        id: 'c8',
        type: 'code',
        source: 'docker run web',
        record: { v: 1, checks: { cell: nginx } }
      }
    ];
    const outline = buildOutline(cells, DEFAULT_OUTLINE_OPTIONS);
    const expected = outline.sections
      .filter(section => sectionChecks(outline, section.index).length)
      .map(section => section.title);
    expect(expected).toEqual([
      'Servers',
      'Files',
      'Other',
      'Deploy',
      'Containers'
    ]);
    expect(
      [...sectionsWithChecks(outline)]
        .sort((a, b) => a - b)
        .map(index => outline.sections[index].title)
    ).toEqual(expected);
  });

  it('runs consecutive parallel checks of one section together', () => {
    const outline = buildOutline(lab(), DEFAULT_OUTLINE_OPTIONS);
    expect(
      batches(allChecks(outline)).map(batch => batch.map(s => s.cellId))
    ).toEqual([['c1'], ['c2', 'c3'], ['c5']]);
  });

  it('counts a step with a check as done only when its check passed', () => {
    const outline = buildOutline(lab(), DEFAULT_OUTLINE_OPTIONS);
    // c1 ran without error (though edited), c5's pass is of another version.
    const done = outline.steps.filter(stepDone).map(s => s.cellId);
    expect(done).toEqual([]);
    const cells = lab();
    (cells[1].record as { chk?: unknown }).chk = {
      cell: { at: '2026-12-02T05:01:00Z', r: 'pass', ver: checkVersion(nginx) }
    };
    const passed = buildOutline(cells, DEFAULT_OUTLINE_OPTIONS);
    expect(passed.steps.filter(stepDone).map(s => s.cellId)).toEqual(['c1']);
    expect(passed.done).toBe(1);
  });
});

describe('a reply from the server', () => {
  it('is recorded with the version of the check that ran', () => {
    const reply = {
      result: { result: 'fail' as const, exit: 3 },
      places: [
        { place: 'node1', result: 'fail' as const, exit: 3, ms: 5, output: '' }
      ]
    };
    expect(isCheckReply(reply)).toBe(true);
    expect(
      resultOf(reply, nginx, new Date('2026-12-02T05:00:00.400Z'))
    ).toEqual({
      at: '2026-12-02T05:00:00Z',
      r: 'fail',
      x: 3,
      ver: checkVersion(nginx)
    });
  });

  it.each([
    null,
    { result: { result: 'ok' }, places: [] },
    { result: { result: 'pass' }, places: [{ place: 1 }] },
    { result: { result: 'pass', exit: '0' }, places: [] }
  ])('%j is not taken for one', value => {
    expect(isCheckReply(value)).toBe(false);
  });
});

describe('the commands a first Check shows', () => {
  it('indents a command’s own lines and shows marks that reorder text', () => {
    const step = (on: string, cmd: string) => ({ check: { on, cmd } }) as any;
    expect(
      describeChecks([
        step('jupyter', 'ls\nnode1: systemctl is-active nginx'),
        step('node2', 'echo \u202eok')
      ])
    ).toEqual([
      'jupyter: ls\n         node1: systemctl is-active nginx',
      'node2: echo \ufffdok'
    ]);
  });
});
