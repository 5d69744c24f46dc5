import * as path from 'path';
import {
  checkDeclarations,
  fieldText,
  IDeclarations,
  isValid,
  readDeclarations,
  sharedDeclarations,
  withDeclarations,
  withField
} from '../../../src/core/authoring/declarations';
import { previewLab } from '../../../src/core/authoring/preview';
import { definitionsOf } from '../../../src/core/placeholders/authored';
import type { ICellInput } from '../../../src/core/progress/outline';
import { declaredMarkers } from '../../../src/core/terminals/markers';
import { declaredNodes } from '../../../src/core/terminals/topology';
import { OPTIONS, readNotebook, SAMPLE_DIR } from '../../helpers';

const declarations = (parts: Partial<IDeclarations> = {}): IDeclarations => ({
  placeholders: [],
  nodes: [],
  markers: [],
  notLists: [],
  ...parts
});

describe('reading declarations for editing', () => {
  it('gives the entries as stored, and nothing for a notebook without a record', () => {
    const entry = { token: '<ip>', field: 'ip', extra: { a: 1 } };
    const read = readDeclarations({ v: 1, placeholders: [entry], log: [] });
    expect(read).toEqual({
      ok: true,
      declarations: declarations({ placeholders: [entry] })
    });
    expect(readDeclarations(undefined)).toEqual({
      ok: true,
      declarations: declarations()
    });
  });

  it('refuses a record it could not write back, saying why', () => {
    expect(readDeclarations({ v: 7, nodes: [] })).toEqual({
      ok: false,
      problem:
        'The notebook’s record cannot be read (written by a newer version of jupyterlab-testbed (format 7)), so it is left as it is.'
    });
    expect(readDeclarations('text')).toEqual({
      ok: false,
      problem:
        'The notebook’s record cannot be read (the record is a string, not an object), so it is left as it is.'
    });
  });

  it('keeps a list that is not a list as one entry to remove', () => {
    const read = readDeclarations({ v: 1, nodes: { name: 'node1' } });
    expect(read.ok && read.declarations.nodes).toEqual([{ name: 'node1' }]);
    expect(read.ok && checkDeclarations(read.declarations).nodes).toEqual([
      'The notebook’s nodes are not a list; remove this entry to start one.'
    ]);
  });
});

describe('editing an entry', () => {
  it('sets typed text, leaves out an emptied optional field and keeps the rest', () => {
    const entry = { token: 'X', label: 'Old', field: 'f', unknown: [1] };
    expect(withField(entry, 'label', 'New')).toEqual({
      ...entry,
      label: 'New'
    });
    expect(withField(entry, 'label', '')).toEqual({
      token: 'X',
      field: 'f',
      unknown: [1]
    });
    expect(withField(entry, 'token', '')).toEqual({ ...entry, token: '' });
    expect(entry.label).toBe('Old');
  });

  it('shows a field that is not text as its JSON', () => {
    expect(fieldText({ label: 5 }, 'label')).toBe('5');
    expect(fieldText({ label: 'a' }, 'label')).toBe('a');
    expect(fieldText('x', 'label')).toBe('');
  });
});

describe('checking placeholder rows', () => {
  const check = (...placeholders: unknown[]) =>
    checkDeclarations(declarations({ placeholders })).placeholders;

  it('accepts a row the students’ side will use', () => {
    const row = {
      token: '<ip>',
      label: 'IP',
      pattern: '[0-9.]+',
      example: '10.0.0.1'
    };
    expect(check(row)).toEqual([null]);
    expect(definitionsOf({ v: 1, placeholders: [row] }).problems).toEqual([]);
  });

  it('says what is wrong with each bad row', () => {
    expect(
      check(
        {},
        { token: 'A', pattern: '[0-9' },
        { token: 'B', pattern: '\\d+', example: 'abc' },
        { token: 'C', example: 'a;b' },
        { token: 'D', label: 5 },
        { token: 'E' },
        { token: 'E' },
        7
      )
    ).toEqual([
      'Type the token exactly as the cells write it.',
      'This placeholder (“A”) has a pattern that is not a valid regular expression.',
      'The example “abc” does not match the pattern.',
      'A student could not enter the example: C cannot contain “;”: it would end the command or start another.',
      'This placeholder (“D”) has a “label” that is not a short text.',
      null,
      'Another placeholder above has the token “E”.',
      'This placeholder is not an object.'
    ]);
  });

  it('marks rows past the 50 the lab reads', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ token: `T${i}` }));
    const problems = check(...many);
    expect(problems.slice(0, 50).every(p => p === null)).toBe(true);
    expect(problems[50]).toBe(
      'Only the first 50 placeholders are used; remove this one.'
    );
  });
});

describe('checking node rows', () => {
  const check = (nodes: unknown[], placeholders: unknown[] = []) =>
    checkDeclarations(declarations({ nodes, placeholders })).nodes;

  it('accepts addresses, placeholder fields and jumps through declared nodes', () => {
    expect(
      check(
        [
          { name: 'data', host: '{floatingIp}' },
          { name: 'ml', host: '192.168.1.20', jump: 'data', user: 'ubuntu' },
          { name: 'gpu', host: '{gpuIp}', jump: 'ml' }
        ],
        [{ token: '<gpu-ip>', field: 'gpuIp' }]
      )
    ).toEqual([null, null, null]);
  });

  it('says what is wrong with each bad row', () => {
    expect(
      check([
        { name: 'a', host: '10.0.0.1' },
        { name: 'A', host: '10.0.0.2' },
        { name: 'b', host: '{nowhere}' },
        { name: 'c', host: 'x y' },
        { name: 'd', host: '10.0.0.3', jump: 'd' },
        { name: 'e', host: '10.0.0.4', jump: 'zz' },
        { name: '', host: '10.0.0.5' },
        { name: 'f g', host: '10.0.0.6' },
        { name: 'h', host: '10.0.0.7', user: 'bad user' }
      ])
    ).toEqual([
      null,
      'Another node above is named “A”.',
      'The host names {nowhere}, which is no placeholder’s field (netID, project, floatingIp, sharednetIp).',
      'c: the host cannot contain a space: it would split the value in two.',
      'A node cannot jump through itself.',
      'It jumps through “zz”, which is not a node declared here.',
      'This node has no name.',
      expect.stringContaining('The node name “f g”'),
      'h: the user cannot contain a space: it would split the value in two.'
    ]);
  });

  it('finds jumps that go round in a circle', () => {
    expect(
      check([
        { name: 'a', host: '10.0.0.1', jump: 'b' },
        { name: 'b', host: '10.0.0.2', jump: 'a' },
        { name: 'c', host: '10.0.0.3', jump: 'a' }
      ])
    ).toEqual([
      'The jumps go round in a circle: a → b → a.',
      'The jumps go round in a circle: b → a → b.',
      null
    ]);
  });
});

describe('checking marker wordings', () => {
  it('needs one line of text, once', () => {
    const problems = checkDeclarations(
      declarations({
        markers: ['# exec on', '#  EXEC on', '', 5, 'a\nb', 'x'.repeat(101)]
      })
    ).markers;
    expect(problems).toEqual([
      null,
      'This wording is already listed above.',
      'Type the words before the node names, for example “# exec on”.',
      'This wording is not a text.',
      'This wording is longer than 100 characters or spans lines.',
      'This wording is longer than 100 characters or spans lines.'
    ]);
  });
});

describe('the record to store', () => {
  it('keeps the version, log, writer and unknown fields', () => {
    const previous = {
      v: 1,
      by: '0.1.0',
      log: ['2026-01-01T00:00:00Z ok 1234abcd'],
      future: { kept: true },
      nodes: [{ name: 'old', host: '10.0.0.1' }]
    };
    const next = withDeclarations(
      previous,
      declarations({
        placeholders: [{ token: '<ip>' }],
        markers: ['# exec on']
      })
    );
    expect(next).toEqual({
      v: 1,
      by: '0.1.0',
      log: ['2026-01-01T00:00:00Z ok 1234abcd'],
      future: { kept: true },
      placeholders: [{ token: '<ip>' }],
      markers: ['# exec on']
    });
    expect(previous.nodes).toHaveLength(1);
  });

  it('is what the terminals and the placeholders then read', () => {
    const record = withDeclarations(
      null,
      declarations({
        placeholders: [{ token: '<gpu-ip>', field: 'gpuIp' }],
        nodes: [{ name: 'gpu', host: '{gpuIp}' }],
        markers: ['# exec on']
      })
    );
    expect(record?.v).toBe(1);
    expect(declaredNodes(record).nodes?.map(n => n.name)).toEqual(['gpu']);
    expect(declaredMarkers(record).wordings).toEqual(['# exec on']);
    expect(definitionsOf(record).placeholders.map(p => p.token)).toContain(
      '<gpu-ip>'
    );
  });

  it("replaces another notebook's declarations and keeps its student's log", () => {
    const shared = sharedDeclarations(
      {
        v: 1,
        log: ['2026-01-01T00:00:00Z ok 1234abcd'],
        placeholders: [{ token: '<old>' }],
        markers: ['# old on']
      },
      declarations({ nodes: [{ name: 'gpu', host: '10.0.0.2' }] })
    );
    expect(shared).toEqual({
      ok: true,
      record: {
        v: 1,
        log: ['2026-01-01T00:00:00Z ok 1234abcd'],
        nodes: [{ name: 'gpu', host: '10.0.0.2' }]
      }
    });
    expect(
      sharedDeclarations(undefined, declarations({ markers: ['# exec on'] }))
    ).toEqual({ ok: true, record: { v: 1, markers: ['# exec on'] } });
  });

  it('never writes over another notebook whose record cannot be read', () => {
    expect(sharedDeclarations({ v: 99 }, declarations())).toEqual({
      ok: false,
      problem:
        'its record cannot be read (written by a newer version of jupyterlab-testbed (format 99))'
    });
    expect(sharedDeclarations('broken', declarations()).ok).toBe(false);
  });

  it('is nothing when only the version would be left', () => {
    expect(withDeclarations({ v: 1, nodes: [] }, declarations())).toBeNull();
    expect(withDeclarations(null, declarations())).toBeNull();
    expect(isValid(checkDeclarations(declarations()))).toBe(true);
  });
});

describe('the preview of the sample lab', () => {
  const notebook = readNotebook(
    path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb')
  );
  const cells: ICellInput[] = notebook.cells.map((cell, index) => ({
    id: String(index),
    type: cell.cell_type,
    source: Array.isArray(cell.source) ? cell.source.join('') : cell.source,
    record: cell.metadata['jupyterlab-testbed']
  }));
  const options = {
    outline: OPTIONS,
    presetNodes: ['node1', 'node2', 'node3'],
    markers: []
  };

  it('counts steps, sections and the run buttons of each node', () => {
    const preview = previewLab(cells, undefined, options);
    expect(preview.steps).toBeGreaterThan(30);
    expect(preview.sections).toBeGreaterThan(3);
    expect(preview.nodesDeclared).toBe(false);
    const node1 = preview.runButtons.find(b => b.node === 'node1')!;
    const node2 = preview.runButtons.find(b => b.node === 'node2')!;
    expect(node1.blocks).toBeGreaterThan(30);
    expect(node2.blocks).toBeGreaterThan(0);
    expect(node2.blocks).toBeLessThan(node1.blocks);
    expect(preview.unknownTargets).toEqual([]);
    expect(preview.problems).toEqual([]);
  });

  it('follows declared nodes, wordings and placeholders', () => {
    const before = previewLab(cells, undefined, options);
    const preview = previewLab(
      [
        ...cells,
        {
          id: 'exec',
          type: 'code',
          source: '# exec on data\nls',
          record: undefined
        }
      ],
      {
        v: 1,
        nodes: [{ name: 'data', host: '10.0.0.1' }],
        markers: ['# exec on'],
        placeholders: [{ token: '<never-used>' }]
      },
      options
    );
    expect(preview.nodes).toEqual(['data']);
    expect(preview.nodesDeclared).toBe(true);
    expect(preview.runButtons).toEqual([{ node: 'data', blocks: 1 }]);
    // Every `# run on node1` block now names no node of the lab.
    expect(preview.unknownTargets.length).toBe(
      before.runButtons.find(b => b.node === 'node1')!.blocks
    );
    expect(preview.unknownTargets[0].line).toMatch(/^# run on node1/);
    expect(preview.placeholders.find(p => p.token === '<never-used>')).toEqual({
      token: '<never-used>',
      label: '<never-used>',
      authored: true,
      cells: []
    });
    expect(preview.steps).toBe(before.steps + 1);
  });

  it('lists no block for the Jupyter side or the student’s computer as naming no node', () => {
    const block = (id: string, source: string) => ({
      id,
      type: 'code',
      source,
      record: undefined
    });
    const preview = previewLab(
      [
        block('jupyter', '# runs in Chameleon Jupyter environment\nls'),
        block('local', '# runs in *your local terminal*\nssh cc@A.B.C.D'),
        block('other', '# run on node9\nls')
      ],
      undefined,
      options
    );
    expect(preview.unknownTargets).toEqual([
      { cell: 2, line: '# run on node9' }
    ]);
  });
});
