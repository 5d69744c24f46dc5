import * as fs from 'fs';
import * as path from 'path';
import { fingerprint } from '../../../src/core/notebook/hash';
import {
  analyzeCell,
  buildOutline,
  DEFAULT_OUTLINE_OPTIONS,
  firstPending,
  updateCellSteps
} from '../../../src/core/progress/outline';
import { summarizeNotebook } from '../../../src/core/progress/lab';
import {
  code,
  hasReal,
  md,
  OPTIONS,
  readNotebook,
  REAL_DIR,
  SAMPLE_DIR
} from '../../helpers';

const ran = (source: string, ok = true) => ({
  v: 1,
  run: {
    n: 1,
    last: 't',
    ms: 1,
    src: fingerprint(source),
    ...(ok ? {} : { error: 'exit 1' })
  }
});

describe('buildOutline', () => {
  it('nests sections and counts steps under them and their parents', () => {
    const outline = buildOutline(
      [
        md('# Lab'),
        md('## Network'),
        code('openstack network list', ran('openstack network list')),
        md('### Ports'),
        code('openstack port create x'),
        md('## Servers'),
        code('openstack server list', ran('openstack server list', false))
      ],
      OPTIONS
    );
    expect(
      outline.sections.map(s => [s.title, s.depth, s.done, s.total])
    ).toEqual([
      ['Lab', 0, 1, 3],
      ['Network', 1, 1, 2],
      ['Ports', 2, 0, 1],
      ['Servers', 1, 0, 1]
    ]);
    expect(outline.steps.map(s => s.status)).toEqual(['ok', 'todo', 'error']);
    expect([outline.done, outline.total]).toEqual([1, 3]);
  });

  it('shows a code cell edited since its run as changed, not done', () => {
    const outline = buildOutline(
      [code('echo netID-edited', ran('echo netID'))],
      OPTIONS
    );
    expect(outline.steps[0].status).toBe('changed');
    expect(outline.done).toBe(0);
  });

  it('puts steps before the first heading in a section of their own', () => {
    const outline = buildOutline(
      [code('ls'), md('# Later'), code('pwd')],
      OPTIONS
    );
    expect(
      outline.sections.map(s => [s.level, s.title, s.steps.length])
    ).toEqual([
      [0, '', 1],
      [1, 'Later', 1]
    ]);
  });

  it('ignores empty code cells, raw cells and headings deeper than the setting', () => {
    const outline = buildOutline(
      [
        md('## A'),
        code('  \n'),
        { id: 'r', type: 'raw', source: 'x', record: undefined },
        md('#### Deep'),
        code('ls')
      ],
      OPTIONS
    );
    expect(outline.sections.map(s => s.title)).toEqual(['A']);
    expect(outline.total).toBe(1);
  });

  it('makes each command block of a markdown cell a step, and only command blocks', () => {
    const cell = md(
      [
        '## Docker',
        '```bash',
        '# run on node1 host',
        'docker run hello-world',
        '```',
        '```html',
        '<p>not a command</p>',
        '```',
        '```',
        '# runs inside alpine container',
        'ls /',
        '```',
        '```yaml',
        'kind: Deployment',
        '```'
      ].join('\n')
    );
    const outline = buildOutline([cell], OPTIONS);
    expect(outline.steps.map(s => [s.kind, s.label, s.where])).toEqual([
      ['block', 'docker run hello-world', 'node1 host'],
      ['block', 'ls /', 'alpine container']
    ]);
  });

  it('keeps a tick on its block when the prose around it is edited', () => {
    const block = '```bash\n# run on node1\nkubectl get nodes\n```';
    const before = analyzeCell('markdown', `Intro\n\n${block}`, OPTIONS);
    const record = {
      v: 1,
      ticks: { [before.blocks[0].key]: { at: 't', via: 'tick' } }
    };
    const after = buildOutline(
      [
        md(
          `## New heading\n\nRewritten intro.\n\n${block}\n\nMore text.`,
          record
        )
      ],
      OPTIONS
    );
    expect(after.steps[0].status).toBe('ticked');
  });

  it('tells identical blocks apart, so ticking one does not tick the other', () => {
    const block = '```bash\n# run on node1 host\ndocker ps\n```';
    const analysis = analyzeCell(
      'markdown',
      `${block}\ntext\n${block}`,
      OPTIONS
    );
    expect(analysis.blocks.map(b => b.key)).toEqual([
      fingerprint('# run on node1 host\ndocker ps'),
      `${fingerprint('# run on node1 host\ndocker ps')}.2`
    ]);
    const outline = buildOutline(
      [
        md(`${block}\ntext\n${block}`, {
          v: 1,
          ticks: { [analysis.blocks[1].key]: { at: 't', via: 'tick' } }
        })
      ],
      OPTIONS
    );
    expect(outline.steps.map(s => s.status)).toEqual(['todo', 'ticked']);
  });

  it('places a manual step under the heading it opens with', () => {
    const outline = buildOutline(
      [
        md('# Lab'),
        md('## Horizon\nAssociate a floating IP in the GUI.', {
          v: 1,
          step: 'manual'
        })
      ],
      OPTIONS
    );
    expect(outline.steps).toHaveLength(1);
    expect(outline.steps[0]).toMatchObject({
      kind: 'manual',
      label: 'Horizon',
      section: 1
    });
  });

  it('shows unreadable records as issues, counts their steps as not done, never throws', () => {
    const outline = buildOutline(
      [
        code('ls', 'done!'),
        code('pwd', { v: 99 }),
        md('text', { v: 1, step: 5 }),
        code('id', [1, 2])
      ],
      OPTIONS
    );
    expect(outline.issues.map(i => [i.cellIndex, i.problem])).toEqual([
      [0, 'the record is a string, not an object'],
      [1, 'written by a newer version of jupyterlab-testbed (format 99)'],
      [2, '"step" must be "manual"'],
      [3, 'the record is a list, not an object']
    ]);
    expect(outline.steps.map(s => s.status)).toEqual(['todo', 'todo', 'todo']);
  });

  it('has no sections or steps for a notebook without headings or code', () => {
    const outline = buildOutline(
      [md('Just prose.'), md('More prose.')],
      OPTIONS
    );
    expect([
      outline.sections.length,
      outline.steps.length,
      firstPending(outline)
    ]).toEqual([0, 0, null]);
  });

  it('finds the first step not done', () => {
    const outline = buildOutline(
      [code('a', ran('a')), code('b', ran('b', false)), code('c')],
      OPTIONS
    );
    expect(firstPending(outline)?.label).toBe('b');
  });
});

describe('updateCellSteps', () => {
  it('updates one cell in place and moves the counts of its sections', () => {
    const cells = [md('# A'), md('## B'), code('ls', undefined, 'c1')];
    const outline = buildOutline(cells, OPTIONS);
    const updated = { ...cells[2], record: ran('ls') };
    const changed = updateCellSteps(
      outline,
      updated,
      analyzeCell('code', 'ls', OPTIONS),
      OPTIONS
    );
    expect(changed?.map(s => s.status)).toEqual(['ok']);
    expect(outline.sections.map(s => s.done)).toEqual([1, 1]);
    expect(outline.done).toBe(1);
  });

  it('asks for a rebuild when the cell gained or lost steps', () => {
    const cell = md('text', undefined, 'm1');
    const outline = buildOutline([cell], OPTIONS);
    const manual = { ...cell, record: { v: 1, step: 'manual' } };
    expect(
      updateCellSteps(
        outline,
        manual,
        analyzeCell('markdown', 'text', OPTIONS),
        OPTIONS
      )
    ).toBeNull();
  });

  it('asks for a rebuild when a step gained a check (its Check buttons are drawn then)', () => {
    const cell = code('ls', undefined, 'c1');
    const outline = buildOutline([md('# A'), cell], OPTIONS);
    const checked = {
      ...cell,
      record: { v: 1, checks: { cell: { cmd: 'true', on: 'jupyter' } } }
    };
    expect(
      updateCellSteps(
        outline,
        checked,
        analyzeCell('code', 'ls', OPTIONS),
        OPTIONS
      )
    ).toBeNull();
  });
});

describe('the sample lab', () => {
  const files = fs
    .readdirSync(SAMPLE_DIR)
    .filter(f => f.endsWith('.ipynb'))
    .sort();

  it('is three notebooks', () => {
    expect(files).toEqual([
      '0_intro.ipynb',
      '1_provision_cli.ipynb',
      '2_docker_kubernetes.ipynb'
    ]);
  });

  it.each(files)('%s has sections, steps and nothing done yet', file => {
    const summary = summarizeNotebook(
      readNotebook(path.join(SAMPLE_DIR, file)),
      OPTIONS
    );
    expect(summary.problem).toBeUndefined();
    expect(summary.total).toBeGreaterThan(0);
    expect(summary.done).toBe(0);
  });

  it('counts the run-on blocks of the Docker and Kubernetes notebook as steps', () => {
    const nb = readNotebook(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb'));
    const summary = summarizeNotebook(nb, OPTIONS);
    const text = nb.cells
      .map(c => (Array.isArray(c.source) ? c.source.join('') : c.source))
      .join('\n');
    const markers = (text.match(/^# run on/gm) ?? []).length;
    expect(summary.total).toBeGreaterThanOrEqual(markers);
  });
});

(hasReal ? describe : describe.skip)(
  'the real Chameleon lab notebooks (../shared/fixtures/real)',
  () => {
    const real = (name: string) => readNotebook(path.join(REAL_DIR, name));

    it('finds the 68 command blocks of the Docker part, and not its html block', () => {
      const nb = real('cloud-chi__3_docker.ipynb');
      expect(nb.cells).toHaveLength(1);
      expect(summarizeNotebook(nb, OPTIONS).total).toBe(68);
    });

    it('finds the 35 run-on blocks of the Kubernetes part and its sections', () => {
      const nb = real('cloud-chi__4_kubernetes.ipynb');
      const source = nb.cells
        .map(c => (Array.isArray(c.source) ? c.source.join('') : c.source))
        .join('');
      const outline = buildOutline([md(source)], OPTIONS);
      expect(outline.total).toBe(35);
      expect(outline.sections.length).toBeGreaterThan(3);
      expect(
        outline.steps.filter(s => s.where === 'node1, node2, and node3')
      ).toHaveLength(2);
      // Every section is a heading line of the source, never a `# run on` comment of a block.
      const headingLines = source
        .replace(/`/g, '')
        .split('\n')
        .filter(l => /^#{1,3} /.test(l));
      for (const section of outline.sections) {
        expect(section.title).not.toMatch(/^runs? (on|inside)/i);
        expect(headingLines.some(l => l.includes(section.title))).toBe(true);
      }
    });

    it('counts every non-empty code cell of the CLI notebook, and not the block its author commented out', () => {
      const nb = real('cloud-chi__2_provision_cli.ipynb');
      const codeCells = nb.cells.filter(
        c =>
          c.cell_type === 'code' &&
          String(Array.isArray(c.source) ? c.source.join('') : c.source).trim()
      );
      // Its one bash block in markdown sits inside an HTML comment: the
      // author took it out of the lab, so it is not a step.
      expect(summarizeNotebook(nb, OPTIONS).total).toBe(codeCells.length);
    });

    it('reads every real notebook without issues', () => {
      for (const file of fs.readdirSync(REAL_DIR)) {
        expect(summarizeNotebook(real(file), OPTIONS).problem).toBeUndefined();
      }
    });
  }
);

describe('summarizeNotebook on foreign files', () => {
  it.each([
    ['null', null],
    ['a list', []],
    ['cells not a list', { cells: 'x' }]
  ])('reports %s as not a notebook', (_, content) => {
    const summary = summarizeNotebook(content, OPTIONS);
    expect(summary).toMatchObject({ done: 0, total: 0 });
    expect(summary.problem).toMatch(
      /^not a notebook \((not a JSON object|no list of cells)\)$/
    );
  });

  it('survives cells of the wrong shape', () => {
    expect(
      summarizeNotebook(
        {
          cells: [
            null,
            5,
            { cell_type: 'code', source: ['ls'], metadata: null }
          ]
        },
        OPTIONS
      )
    ).toEqual({ done: 0, total: 1 });
  });
});

describe('the default outline options', () => {
  it('are the defaults of the Progress settings', () => {
    const schema = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '..', '..', '..', 'schema', 'progress.json'),
        'utf-8'
      )
    );
    expect(DEFAULT_OUTLINE_OPTIONS).toEqual({
      maxSectionLevel: schema.properties.maxSectionLevel.default,
      commandLanguages: schema.properties.commandLanguages.default
    });
  });
});
