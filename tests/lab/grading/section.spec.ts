import type * as nbformat from '@jupyterlab/nbformat';
import { sleep } from '@jupyterlab/testing';
import { Widget } from '@lumino/widgets';
import { FLAG_MEANINGS } from '../../../src/core/grading/evidence';
import { EvidenceSection } from '../../../src/lab/grading/section';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { fingerprint } from '../../../src/core/notebook/hash';
import { OPTIONS, openPanel } from '../../helpers';

const HOSTILE = '<img src=x onerror="window.hacked=1">';
const DELAY = 20;

function codeCell(source: string, record?: unknown): nbformat.ICodeCell {
  return {
    cell_type: 'code',
    metadata: record ? { [METADATA_KEY]: record } : {},
    source,
    outputs: [],
    execution_count: null
  } as nbformat.ICodeCell;
}

/** Cell 1 ran as something else and lost its outputs; `cleared` more cells lost theirs too. */
function handIn(cleared = 0): nbformat.INotebookContent {
  const ran = (source: string) => ({
    v: 1,
    run: {
      n: 2,
      first: '2026-11-23T16:00:00Z',
      last: '2026-11-23T16:20:05Z',
      ms: 5,
      src: fingerprint(source)
    }
  });
  const cells: nbformat.ICell[] = [
    // Markdown would need a parser jest cannot load.
    codeCell('echo first'),
    codeCell(`echo '${HOSTILE}'`, ran('echo before')),
    ...Array.from({ length: cleared }, (_, i) =>
      codeCell(`echo ${i}`, ran(`echo ${i}`))
    )
  ];
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      [METADATA_KEY]: {
        v: 1,
        by: '0.1.0',
        log: [
          `2026-11-23T16:20:05Z error:${HOSTILE.replace(/ /g, '_')} ${fingerprint('echo before')}`
        ]
      }
    },
    cells
  };
}

async function setUp(content: nbformat.INotebookContent) {
  const { panel, context } = await openPanel('submissions/lab.ipynb', content);
  Widget.attach(panel, document.body);
  const section = new EvidenceSection({
    options: () => ({ ...OPTIONS, version: '0.1.0' }),
    delay: DELAY
  });
  Widget.attach(section, document.body);
  section.panel = panel;
  await sleep(DELAY);
  return { panel, context, section };
}

describe('EvidenceSection', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('says plainly that the record is evidence, not proof', async () => {
    const { section } = await setUp(handIn());
    expect(
      section.node.querySelector('.jp-testbed-Evidence-statement')!.textContent
    ).toMatch(/evidence, not proof/);
    expect(section.node.textContent).toContain(
      'Recorded by jupyterlab-testbed 0.1.0 (record format 1); this is 0.1.0.'
    );
    expect(section.node.textContent).toContain(
      '0 of 2 steps done; 0 failed at their last run.'
    );
  });

  it('summarizes a notebook given before the section was added to a visible sidebar', async () => {
    const { panel } = await openPanel('submissions/lab.ipynb', handIn());
    Widget.attach(panel, document.body);
    const section = new EvidenceSection({
      options: () => ({ ...OPTIONS, version: '0.1.0' }),
      delay: DELAY
    });
    section.panel = panel;
    Widget.attach(section, document.body);
    await sleep(DELAY);
    expect(section.node.textContent).toContain(
      '0 of 2 steps done; 0 failed at their last run.'
    );
  });

  it('renders flags and the timeline as text, never as HTML', async () => {
    const { section } = await setUp(handIn());
    expect(section.node.querySelector('img')).toBeNull();
    expect((window as any).hacked).toBeUndefined();

    const edited = section.node.querySelector('[data-kind="edited"]')!;
    expect(
      edited.querySelector('.jp-testbed-Evidence-meaning')!.textContent
    ).toBe(FLAG_MEANINGS.edited);
    const flag = edited.querySelector('.jp-testbed-Evidence-link')!;
    expect(flag.textContent).toContain('Cell 2');
    expect(flag.textContent).toContain(`echo '${HOSTILE}'`);
    expect(section.node.querySelector('[data-kind="cleared"]')).not.toBeNull();

    const event = section.node.querySelector(
      '.jp-testbed-Evidence-timeline .jp-testbed-Evidence-link'
    )!;
    expect(event.textContent).toContain('2026-11-23T16:20:05Z');
    expect(event.textContent).toContain(
      `failed: ${HOSTILE.replace(/ /g, '_')}`
    );
    expect(event.textContent).toContain(`echo '${HOSTILE}'`);
  });

  it('brings a flag’s cell into view when it is clicked', async () => {
    const { section, panel } = await setUp(handIn());
    panel.content.activeCellIndex = 0;
    section.node
      .querySelector<HTMLButtonElement>(
        '[data-kind="edited"] .jp-testbed-Evidence-link'
      )!
      .click();
    expect(panel.content.activeCellIndex).toBe(1);
  });

  it('caps a long list with how many more there are', async () => {
    const { section } = await setUp(handIn(25));
    const cleared = section.node.querySelector('[data-kind="cleared"]')!;
    expect(cleared.querySelectorAll('.jp-testbed-Evidence-link')).toHaveLength(
      20
    );
    expect(
      cleared.querySelector('.jp-testbed-Evidence-more')!.textContent
    ).toBe('and 6 more');
  });

  it('summarizes once after a burst of changes, and not while hidden', async () => {
    const { section, panel } = await setUp(handIn());
    const model = panel.model!;
    const toJSON = jest.spyOn(model, 'toJSON');
    const cell = model.cells.get(1);
    for (let i = 0; i < 5; i++) {
      cell.sharedModel.setSource(`echo before ${i}`);
    }
    await sleep(DELAY * 3);
    expect(toJSON).toHaveBeenCalledTimes(1);

    section.hide();
    cell.sharedModel.setSource('echo before');
    await sleep(DELAY * 3);
    expect(toJSON).toHaveBeenCalledTimes(1);
    section.show();
    await sleep(DELAY);
    expect(toJSON).toHaveBeenCalledTimes(2);
    expect(section.node.querySelector('[data-kind="edited"]')).toBeNull();
  });
});
