import { NotebookModel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';
import { SETTLE_MS } from '../../../src/lab/liveregion';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { ProgressView } from '../../../src/lab/progress/view';
import { bigNotebook, markRan, progressOf } from '../../helpers';
import { codeCell, markdownCell, notebookOf } from '../../helpers/lint';

const HOSTILE = '<img src=x onerror="window.hacked=1">';

function setUp(content: any, options: Partial<ProgressView.IOptions> = {}) {
  const model = new NotebookModel();
  model.fromJSON(content);
  const progress = progressOf(model);
  const calls: string[] = [];
  const view = new ProgressView({
    openStep: step => calls.push(`step ${step.cellIndex}`),
    openSection: section => calls.push(`section ${section.title}`),
    tick: (step, ticked) => calls.push(`tick ${step.key} ${ticked}`),
    continue: () => calls.push('continue'),
    ...options
  });
  Widget.attach(view, document.body);
  view.model = progress;
  return { model, progress, view, calls };
}

/** A manual step under a heading, then a code cell. */
const MANUAL_THEN_CODE = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    {
      id: 'm',
      cell_type: 'markdown',
      metadata: { [METADATA_KEY]: { v: 1, step: 'manual' } },
      source: '## Horizon\nAssociate the IP.'
    },
    {
      id: 'k',
      cell_type: 'code',
      metadata: {},
      source: 'ls',
      outputs: [],
      execution_count: null
    }
  ]
};

describe('ProgressView', () => {
  afterEach(() => jest.useRealTimers());

  it('renders everything read from the notebook as text, never as HTML', () => {
    const { view, progress } = setUp({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          id: 'a',
          cell_type: 'markdown',
          metadata: {},
          source: `## Part ${HOSTILE}`
        },
        {
          id: 'b',
          cell_type: 'code',
          metadata: {},
          source: `echo '${HOSTILE}'`,
          outputs: [],
          execution_count: null
        },
        {
          id: 'c',
          cell_type: 'markdown',
          metadata: { [METADATA_KEY]: { v: 1, step: 'manual' } },
          source: HOSTILE
        },
        {
          id: 'd',
          cell_type: 'code',
          metadata: {
            [METADATA_KEY]: {
              v: 1,
              run: { n: 1, last: 't', ms: 1, src: 'x', error: HOSTILE }
            }
          },
          source: 'ls',
          outputs: [],
          execution_count: null
        }
      ]
    });
    expect(view.node.querySelector('img')).toBeNull();
    expect((window as any).hacked).toBeUndefined();
    expect(view.node.textContent).toContain(`echo '${HOSTILE}'`);
    expect(
      view.node
        .querySelector(
          '.jp-testbed-Step[data-status="changed"] .jp-testbed-Step-label'
        )!
        .getAttribute('title')
    ).toContain(HOSTILE);
    view.dispose();
    progress.dispose();
  });

  it('updates only the row of the cell that ran, and the counts above it, at the next frame', () => {
    jest.useFakeTimers();
    const { model, view, progress } = setUp(bigNotebook(40));
    const rows = Array.from(view.node.querySelectorAll('.jp-testbed-Step'));
    const cell = model.cells.get(12);
    markRan(model, cell);
    // Nothing is written between frames: a run-all's runs are laid out once.
    expect(
      view.node.querySelector('.jp-testbed-Progress-count')!.textContent
    ).toBe('0 of 36 steps done');
    jest.advanceTimersByTime(20);
    const after = Array.from(view.node.querySelectorAll('.jp-testbed-Step'));
    // The same elements: nothing was rebuilt.
    expect(after).toEqual(rows);
    expect(
      after.filter(r => r.getAttribute('data-status') === 'ok')
    ).toHaveLength(1);
    expect(
      view.node.querySelector('.jp-testbed-Progress-count')!.textContent
    ).toBe('1 of 36 steps done');
    expect(
      view.node.querySelectorAll('.jp-testbed-Section-count')[1].textContent
    ).toBe('1/9');
    view.dispose();
    progress.dispose();
  });

  it('builds the rows of a long notebook only for the section to work on', () => {
    // 340 cells make 306 steps, just over the limit for expanding everything.
    const { view, progress } = setUp(bigNotebook(340));
    expect(view.node.querySelectorAll('.jp-testbed-Section')).toHaveLength(34);
    expect(view.node.querySelectorAll('.jp-testbed-Step')).toHaveLength(9);
    (
      view.node.querySelectorAll(
        '.jp-testbed-Section-toggle'
      )[3] as HTMLButtonElement
    ).click();
    expect(view.node.querySelectorAll('.jp-testbed-Step')).toHaveLength(18);
    view.dispose();
    progress.dispose();
  });

  it('puts back a tick that was not recorded in its row only, the checkbox keeping the focus', () => {
    const { view, progress } = setUp(MANUAL_THEN_CODE);
    const box = view.node.querySelector(
      '.jp-testbed-Step-tick'
    ) as HTMLInputElement;
    const other = view.node.querySelectorAll('.jp-testbed-Step')[1];
    box.focus();
    // The owner refused the tick (the view's tick reports, records nothing).
    box.click();
    expect(box.checked).toBe(true);
    view.refreshStep(progress.outline!.steps[0]);
    expect(box.checked).toBe(false);
    expect(view.node.querySelector('.jp-testbed-Step-tick')).toBe(box);
    expect(document.activeElement).toBe(box);
    expect(view.node.querySelectorAll('.jp-testbed-Step')[1]).toBe(other);
    view.dispose();
    progress.dispose();
  });

  it('reports clicks and ticks to its owner', () => {
    const { view, progress, calls } = setUp(MANUAL_THEN_CODE);
    (
      view.node.querySelector('.jp-testbed-Section-title') as HTMLButtonElement
    ).click();
    (
      view.node.querySelector('.jp-testbed-Step-tick') as HTMLInputElement
    ).click();
    (
      view.node.querySelectorAll(
        '.jp-testbed-Step-label'
      )[1] as HTMLButtonElement
    ).click();
    (
      view.node.querySelector(
        '.jp-testbed-Progress-continue'
      ) as HTMLButtonElement
    ).click();
    expect(calls).toEqual([
      'section Horizon',
      'tick m/cell true',
      'step 1',
      'continue'
    ]);
    view.dispose();
    progress.dispose();
  });
  it('tells a screen reader the totals once a run-all settles, in its one live region', () => {
    jest.useFakeTimers();
    try {
      const { model, view, progress } = setUp(bigNotebook(40));
      const live = view.node.querySelectorAll('[aria-live]');
      expect(live).toHaveLength(1);
      expect(live[0].getAttribute('aria-live')).toBe('polite');
      for (const index of [1, 2, 3, 4, 5]) {
        markRan(model, model.cells.get(index));
        jest.advanceTimersByTime(100);
        expect(live[0].textContent).toBe('');
      }
      jest.advanceTimersByTime(SETTLE_MS);
      expect(live[0].textContent).toBe('5 of 36 steps done');
      view.dispose();
      progress.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives the keyboard back to the same control when the tree is redrawn', () => {
    const { view, progress } = setUp(bigNotebook(40));
    const label = (step: number) =>
      view.node.querySelector<HTMLButtonElement>(
        `.jp-testbed-Step[data-step="${step}"] .jp-testbed-Step-label`
      )!;
    const before = label(7);
    before.focus();
    progress.refresh();
    expect(label(7)).not.toBe(before);
    expect(document.activeElement).toBe(label(7));
    view.dispose();
    progress.dispose();
  });

  it('offers Check This Section on the sections whose steps or subsections have checks', () => {
    const checked = {
      metadata: {
        [METADATA_KEY]: { v: 1, checks: { cell: { cmd: 'true', on: 'node1' } } }
      }
    };
    const asked: string[] = [];
    const { view, progress } = setUp(
      notebookOf([
        markdownCell('# Servers'),
        codeCell('ls'),
        markdownCell('## Web'),
        codeCell('systemctl start nginx', checked),
        markdownCell('# Cleanup'),
        codeCell('rm -rf x')
      ]),
      { check: target => asked.push(target.section?.title ?? '') }
    );
    const offered = Array.from(
      view.node.querySelectorAll<HTMLButtonElement>(
        '.jp-testbed-Section-header .jp-testbed-Check'
      )
    )
      .filter(button => !button.hidden)
      .map(button => {
        button.click();
        return button
          .closest('.jp-testbed-Section')!
          .querySelector('.jp-testbed-Section-title')!.textContent;
      });
    expect(offered).toEqual(['Servers', 'Web']);
    expect(asked).toEqual(['Servers', 'Web']);
    view.dispose();
    progress.dispose();
  });

  it("sends a step's Check and a section's toggle to their own row's step and section", () => {
    const checked = {
      metadata: {
        [METADATA_KEY]: { v: 1, checks: { cell: { cmd: 'true', on: 'node1' } } }
      }
    };
    const asked: string[] = [];
    const { model, view, progress } = setUp(
      notebookOf([
        markdownCell('# Servers'),
        codeCell('ls'),
        codeCell('systemctl start nginx', checked),
        markdownCell('# Cleanup'),
        codeCell('rm -rf x')
      ]),
      {
        check: target =>
          asked.push(
            target.step
              ? `step ${target.step.cellIndex} ${target.step.label}`
              : `section ${target.section?.title}`
          )
      }
    );
    const stepCheck = () =>
      view.node.querySelector<HTMLButtonElement>(
        '.jp-testbed-Step .jp-testbed-Check'
      )!;
    stepCheck().click();
    // A cell inserted above: the tree is drawn again, and the step's Check
    // names its cell's new place.
    model.sharedModel.insertCell(1, { cell_type: 'markdown', source: 'Hi' });
    progress.refresh();
    stepCheck().click();
    expect(asked).toEqual([
      'step 2 systemctl start nginx',
      'step 3 systemctl start nginx'
    ]);
    const cleanup = view.node.querySelector('[data-section="1"]')!;
    const toggle = cleanup.querySelector<HTMLButtonElement>(
      '.jp-testbed-Section-toggle'
    )!;
    // A click inside the row, not on a control, does nothing.
    cleanup.querySelector<HTMLElement>('.jp-testbed-Section-count')!.click();
    expect(cleanup.classList).not.toContain('jp-mod-collapsed');
    toggle.click();
    expect(cleanup.classList).toContain('jp-mod-collapsed');
    expect(
      cleanup.querySelector<HTMLElement>('.jp-testbed-Section-steps')!.hidden
    ).toBe(true);
    expect(
      view.node.querySelector('[data-section="0"]')!.classList
    ).not.toContain('jp-mod-collapsed');
    view.dispose();
    progress.dispose();
  });

  it('gives a section a toggle when it holds steps or subsections, an empty one none', () => {
    const { view, progress } = setUp(
      notebookOf([
        markdownCell('# Deploy'),
        markdownCell('## Containers'),
        codeCell('docker run web'),
        markdownCell('# Notes')
      ])
    );
    const toggles = Array.from(
      view.node.querySelectorAll<HTMLButtonElement>(
        '.jp-testbed-Section-toggle'
      )
    ).map(toggle => toggle.hidden);
    expect(toggles).toEqual([false, false, true]);
    view.dispose();
    progress.dispose();
  });
});
