import * as path from 'path';
import type * as nbformat from '@jupyterlab/nbformat';
import { Widget } from '@lumino/widgets';
import { AuthorSection } from '../../../src/lab/authoring/section';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { openPanel, readNotebook, SAMPLE_DIR } from '../../helpers';

const HOSTILE = '<img src=x onerror=alert(1)>';

function lab(
  record: unknown,
  cells: nbformat.ICell[] = [
    { cell_type: 'markdown', metadata: {}, source: '# Setup' },
    {
      cell_type: 'code',
      metadata: {},
      source: '# exec on node2\nping <your-ip>',
      outputs: [],
      execution_count: null
    },
    {
      cell_type: 'markdown',
      metadata: {},
      source: 'Then:\n\n```bash\n# run on node-data\nls\n```'
    }
  ]
): nbformat.INotebookContent {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: record === undefined ? {} : { [METADATA_KEY]: record as any },
    cells
  };
}

async function setUp(content: nbformat.INotebookContent) {
  const { panel } = await openPanel('lab.ipynb', content);
  Widget.attach(panel, document.body);
  const edited: [string, string][] = [];
  const section = new AuthorSection({
    presetNodes: () => ['node1', 'node2', 'node3'],
    markers: () => [],
    editCheck: (cellId, key) => edited.push([cellId, key])
  });
  Widget.attach(section, document.body);
  section.panel = panel;
  await panel.context.ready;
  jest.useFakeTimers();
  const model = panel.content.model!;
  model.dirty = false;
  const writes: unknown[] = [];
  model.metadataChanged.connect((_, change) => {
    if (change.key === METADATA_KEY) {
      writes.push(change.newValue);
    }
  });
  const input = (label: string, row = 0) =>
    section.node.querySelectorAll<HTMLInputElement>(
      `input[aria-label="${label}"]`
    )[row];
  const type = (target: HTMLInputElement, value: string) => {
    target.focus();
    target.value = value;
    target.dispatchEvent(new Event('input'));
  };
  const button = (text: string) =>
    Array.from(section.node.querySelectorAll('button')).find(
      b => b.textContent === text || b.getAttribute('aria-label') === text
    )!;
  const problems = () =>
    Array.from(
      section.node.querySelectorAll('.jp-testbed-author-problem'),
      p => p.textContent
    ).filter(text => text);
  const preview = () =>
    Array.from(
      section.node.querySelectorAll('.jp-testbed-author-preview li'),
      li => li.textContent ?? ''
    );
  const record = () => model.getMetadata(METADATA_KEY);
  return {
    panel,
    section,
    model,
    writes,
    input,
    type,
    button,
    problems,
    preview,
    record,
    edited
  };
}

describe('AuthorSection', () => {
  afterEach(() => {
    jest.useRealTimers();
    document.body.innerHTML = '';
  });

  it('asks for a notebook when there is none', () => {
    const section = new AuthorSection({
      presetNodes: () => [],
      markers: () => [],
      editCheck: () => undefined
    });
    Widget.attach(section, document.body);
    expect(section.title.label).toBe('Author');
    expect(section.node.textContent).toContain('Open a lab notebook');
    expect(section.node.querySelector('input')).toBeNull();
    section.dispose();
  });

  it('stores a valid placeholder once typing stops, keeping the rest of the record', async () => {
    const { model, writes, input, type, button, record } = await setUp(
      lab({
        v: 1,
        by: '0.1.0',
        log: ['2026-01-01T00:00:00Z ok 1234abcd'],
        future: 'kept'
      })
    );
    expect(input('Token')).toBeUndefined();
    button('Add Placeholder').click();
    type(input('Token'), '<your-ip>');
    type(input('Label'), 'Your IP');
    type(input('Help'), 'The address of your laptop.');
    type(input('Pattern'), '[0-9.]+');
    type(input('Example'), '10.0.0.5');
    jest.advanceTimersByTime(399);
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(writes).toHaveLength(1);
    expect(record()).toEqual({
      v: 1,
      by: '0.1.0',
      log: ['2026-01-01T00:00:00Z ok 1234abcd'],
      future: 'kept',
      placeholders: [
        {
          token: '<your-ip>',
          label: 'Your IP',
          description: 'The address of your laptop.',
          pattern: '[0-9.]+',
          example: '10.0.0.5'
        }
      ]
    });
    expect(model.dirty).toBe(true);
    // The input keeps what is being typed.
    expect(document.activeElement).toBe(input('Example'));
  });

  it('stores nothing while a row is invalid, and says why under it', async () => {
    const { writes, input, type, button, problems, record, section } =
      await setUp(lab({ v: 1, placeholders: [{ token: '<your-ip>' }] }));
    expect(input('Token').value).toBe('<your-ip>');
    type(input('Pattern'), '[0-9');
    input('Pattern').dispatchEvent(new Event('change'));
    jest.advanceTimersByTime(2000);
    expect(problems()).toEqual([
      'This placeholder (“<your-ip>”) has a pattern that is not a valid regular expression.'
    ]);
    expect(input('Pattern').getAttribute('aria-invalid')).toBe('true');
    expect(section.node.textContent).toContain('Not saved');
    expect(writes).toEqual([]);

    type(input('Pattern'), '[0-9]+');
    type(input('Example'), 'ten');
    jest.advanceTimersByTime(2000);
    expect(problems()).toEqual([
      'The example “ten” does not match the pattern.'
    ]);
    expect(writes).toEqual([]);

    type(input('Example'), '10');
    input('Example').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter' })
    );
    expect(problems()).toEqual([]);
    expect(writes).toHaveLength(1);
    expect(record()).toEqual({
      v: 1,
      placeholders: [{ token: '<your-ip>', pattern: '[0-9]+', example: '10' }]
    });

    button('Remove placeholder').click();
    expect(writes).toHaveLength(2);
    expect(record()).toBeUndefined();
  });

  it('never writes over a record it cannot read', async () => {
    const newer = { v: 9, placeholders: [{ token: 'X' }], log: 3 };
    const { section, writes, input, type, button, record } = await setUp(
      lab(newer)
    );
    expect(section.node.textContent).toContain(
      'The notebook’s record cannot be read (written by a newer version of jupyterlab-testbed (format 9)), so it is left as it is.'
    );
    expect(input('Marker wording')).toBeUndefined();
    expect(button('Add Placeholder').disabled).toBe(true);
    expect(button('Add Node').disabled).toBe(true);
    expect(button('Add Wording').disabled).toBe(true);
    // Even an input typed into by other means stores nothing.
    section.node.querySelectorAll('input').forEach(i => type(i, 'x'));
    jest.advanceTimersByTime(2000);
    expect(writes).toEqual([]);
    expect(record()).toEqual(newer);
  });

  it('checks nodes against each other and the placeholders', async () => {
    const { writes, input, type, button, problems, record, preview } =
      await setUp(
        lab({ v: 1, placeholders: [{ token: '<data-ip>', field: 'dataIp' }] })
      );
    expect(preview()).toContain('Nodes (the preset’s): node1, node2, node3');
    button('Add Node').click();
    type(input('Name'), 'node-data');
    type(input('Host'), '{dataIP}');
    expect(problems()).toEqual([
      'The host names {dataIP}, which is no placeholder’s field (netID, project, floatingIp, sharednetIp, dataIp).'
    ]);
    type(input('Host'), '{dataIp}');
    type(input('Jump'), 'node-ml');
    expect(problems()).toEqual([
      'It jumps through “node-ml”, which is not a node declared here.'
    ]);
    type(input('Jump'), '');
    button('Add Node').click();
    type(input('Name', 1), 'NODE-DATA');
    type(input('Host', 1), '192.168.1.20');
    expect(problems()).toEqual(['Another node above is named “NODE-DATA”.']);
    type(input('Name', 1), 'node-ml');
    type(input('Jump', 1), 'node-data');
    type(input('User', 1), 'ubuntu');
    expect(problems()).toEqual([]);
    jest.advanceTimersByTime(400);
    expect(writes).toHaveLength(1);
    expect(record()).toEqual({
      v: 1,
      placeholders: [{ token: '<data-ip>', field: 'dataIp' }],
      nodes: [
        { name: 'node-data', host: '{dataIp}' },
        {
          name: 'node-ml',
          host: '192.168.1.20',
          jump: 'node-data',
          user: 'ubuntu'
        }
      ]
    });
    jest.advanceTimersByTime(300);
    expect(preview()).toContain('Nodes (declared here): node-data, node-ml');
    // The block for node-data now gets its button.
    expect(preview()).toContain('Run buttons: node-data ×1');
  });

  it('counts the blocks a wording matches and previews its run buttons', async () => {
    const { input, type, button, preview, section, record } = await setUp(
      lab(undefined)
    );
    expect(preview()).toContain('No block gets a run button.');
    expect(preview()).toContain(
      'Cell 3: # run on node-data names no node of this lab'
    );
    expect(section.node.textContent).toContain(
      'Built in: # run on … (also runs, in, inside) (matches 1 block).'
    );
    button('Add Wording').click();
    type(input('Marker wording'), '# exec on');
    const note = input('Marker wording')
      .closest('.jp-testbed-author-row')!
      .querySelector('.jp-testbed-author-note')!;
    expect(note.textContent).toBe('matches 1 block');
    jest.advanceTimersByTime(400);
    expect(record()).toEqual({ v: 1, markers: ['# exec on'] });
    jest.advanceTimersByTime(300);
    expect(preview()).toContain('Run buttons: node2 ×1');
  });

  it('previews the sample lab as a student sees it', async () => {
    const { preview } = await setUp(
      readNotebook(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb'))
    );
    const lines = preview();
    expect(lines[0]).toMatch(/^\d+ steps in \d+ sections$/);
    const runs = lines.find(line => line.startsWith('Run buttons: '))!;
    expect(runs).toMatch(/^Run buttons: node1 ×\d+, node2 ×\d+, node3 ×\d+$/);
    const [node1, node2] = [...runs.matchAll(/×(\d+)/g)].map(m => +m[1]);
    expect(node1).toBeGreaterThan(30);
    expect(node2).toBeLessThan(node1);
    expect(lines.some(line => / names? no node /.test(line))).toBe(false);
  });

  it('lists the first blocks that name no node of the lab, and counts the rest', async () => {
    const { preview, model } = await setUp(
      readNotebook(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb'))
    );
    model.setMetadata(METADATA_KEY, {
      v: 1,
      nodes: [{ name: 'node-data', host: '10.0.0.1' }]
    });
    jest.advanceTimersByTime(300);
    const lines = preview();
    const named = lines.filter(line =>
      /^Cell \d+: # run on node\d.* names no node of this lab$/.test(line)
    );
    expect(named).toHaveLength(10);
    expect(lines).toContain('No block gets a run button.');
    expect(lines.find(line => line.startsWith('…and '))).toMatch(
      /^…and \d+ more blocks name no node of this lab\.$/
    );
  });

  it('lists manual steps and kept outputs, and unmarks them', async () => {
    const ticks = { cell: { at: '2026-01-01T00:00:00Z', via: 'tick' } };
    const { section, model, preview } = await setUp(
      lab(undefined, [
        {
          cell_type: 'markdown',
          metadata: { [METADATA_KEY]: { v: 1, step: 'manual', ticks } },
          source: '## Reserve a node\nIn the Chameleon portal…'
        },
        {
          cell_type: 'code',
          metadata: { [METADATA_KEY]: { v: 1, keep: true } },
          source: 'uname -a',
          outputs: [],
          execution_count: null
        }
      ])
    );
    const items = () =>
      Array.from(
        section.node.querySelectorAll('.jp-testbed-author-cell'),
        li => li.firstChild!.textContent
      );
    expect(items()).toEqual(['Cell 1: Reserve a node', 'Cell 2: uname -a']);
    expect(preview()[0]).toBe('2 steps in 1 section');

    const unmark = section.node.querySelectorAll<HTMLButtonElement>(
      '.jp-testbed-author-unmark'
    );
    unmark[0].click();
    // The student's ticks are not the author's to remove.
    expect(model.cells.get(0).getMetadata(METADATA_KEY)).toEqual({
      v: 1,
      ticks
    });
    unmark[1].click();
    expect(model.cells.get(1).getMetadata(METADATA_KEY)).toBeUndefined();
    expect(items()).toEqual([]);
    expect(section.node.textContent).toContain('No manual steps.');
    expect(preview()[0]).toBe('1 step in 1 section');
  });

  it('lists the steps’ checks, as text, each with its Edit', async () => {
    const { section, edited } = await setUp(
      lab(undefined, [
        {
          cell_type: 'markdown',
          metadata: {
            [METADATA_KEY]: {
              v: 1,
              step: 'manual',
              checks: {
                cell: { cmd: 'test -f ~/done <b>x</b>\nls', on: 'node2' }
              }
            }
          },
          source: '## Make the file'
        },
        {
          cell_type: 'code',
          metadata: {
            [METADATA_KEY]: {
              v: 1,
              checks: { cell: { cmd: 'docker ps', on: 'node1' } }
            }
          },
          source: 'docker run -d web',
          outputs: [],
          execution_count: null
        }
      ])
    );
    const checks = section.node.querySelector('ul[aria-label="Checks"]')!;
    expect(
      Array.from(
        checks.querySelectorAll('li'),
        li => li.firstChild!.textContent
      )
    ).toEqual([
      'Cell 1: node2: test -f ~/done <b>x</b>',
      'Cell 2: node1: docker ps'
    ]);
    expect(checks.querySelector('b')).toBeNull();
    checks
      .querySelectorAll<HTMLButtonElement>('.jp-testbed-author-edit')[1]
      .click();
    expect(edited).toEqual([[expect.any(String), 'cell']]);
  });

  it('follows changes made elsewhere, but not while the author types', async () => {
    const { model, input, type, record } = await setUp(
      lab({ v: 1, markers: ['# exec on'] })
    );
    model.setMetadata(METADATA_KEY, { v: 1, markers: ['# runs in your'] });
    expect(input('Marker wording').value).toBe('# runs in your');

    type(input('Marker wording'), '# exec');
    // A log written on a run while the wording is typed.
    model.setMetadata(METADATA_KEY, {
      v: 1,
      markers: ['# runs in your'],
      log: ['2026-01-01T00:00:00Z ok 1234abcd']
    });
    expect(input('Marker wording').value).toBe('# exec');
    jest.advanceTimersByTime(400);
    expect(record()).toEqual({
      v: 1,
      markers: ['# exec'],
      log: ['2026-01-01T00:00:00Z ok 1234abcd']
    });
  });

  it('goes to the cell a preview line names', async () => {
    const { panel, button } = await setUp(lab(undefined));
    jest.useRealTimers();
    panel.content.activeCellIndex = 0;
    button('Cell 3: # run on node-data names no node of this lab').click();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(panel.content.activeCellIndex).toBe(2);
  });

  it('shows what the notebook holds as text', async () => {
    const { section, input, preview } = await setUp(
      lab({
        v: 1,
        placeholders: [{ token: HOSTILE, label: HOSTILE }],
        nodes: [{ name: HOSTILE, host: HOSTILE }],
        markers: [HOSTILE]
      })
    );
    expect(section.node.querySelector('img')).toBeNull();
    expect(input('Token').value).toBe(HOSTILE);
    expect(input('Marker wording').value).toBe(HOSTILE);
    // Refused as a token (a shell would read it once restored), and said
    // as text.
    expect(preview()).toContain(
      `Placeholder definition 1 (“${HOSTILE}”) has a token a shell would read once restored: a space or line break would split the command; it is left out.`
    );
    expect(section.node.textContent).toContain(`The node name “${HOSTILE}”`);
  });

  it('leaves a notebook that was closed', async () => {
    const { section, panel } = await setUp(lab(undefined));
    panel.dispose();
    expect(section.panel).toBeNull();
    expect(section.node.textContent).toContain('Open a lab notebook');
  });
});
