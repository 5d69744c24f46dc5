import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  NotebookActions,
  NotebookPanel,
  NotebookTracker
} from '@jupyterlab/notebook';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import {
  GradingMode,
  MAX_CHOICES,
  submissionFolders
} from '../../../src/lab/grading/mode';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { fingerprint } from '../../../src/core/notebook/hash';
import {
  compileMarkers,
  DEFAULT_MARKERS
} from '../../../src/core/terminals/markers';
import {
  COPY_BUTTON_CLASS,
  RUN_BUTTON_CLASS,
  RunButtons
} from '../../../src/lab/terminals/runbuttons';
import { CommandIDs } from '../../../src/lab/tokens';
import { openPanel } from '../../helpers';
import { activateCapabilities } from '../../helpers/plugins';

describe('GradingMode', () => {
  it('grades a notebook turned on, and only that one', () => {
    const mode = new GradingMode();
    const changed: string[] = [];
    mode.changed.connect((_, path) => changed.push(path));
    expect(mode.isGrading('alice/lab.ipynb')).toBe(false);
    mode.setGrading('/alice//lab.ipynb', true);
    expect(mode.isGrading('alice/lab.ipynb')).toBe(true);
    expect(mode.isGrading('alice/other.ipynb')).toBe(false);
    mode.setGrading('alice/lab.ipynb', true);
    mode.setGrading('alice/lab.ipynb', false);
    expect(mode.isGrading('alice/lab.ipynb')).toBe(false);
    expect(changed).toEqual(['alice/lab.ipynb', 'alice/lab.ipynb']);
  });

  it('grades notebooks in a submissions folder and below, not in look-alike folders', () => {
    const mode = new GradingMode();
    mode.setFolders(['/submissions/', 'course/./hand-ins']);
    expect(mode.folders).toEqual(['submissions', 'course/hand-ins']);
    expect(mode.isGrading('submissions/lab.ipynb')).toBe(true);
    expect(mode.isGrading('submissions/alice/week2/lab.ipynb')).toBe(true);
    expect(mode.isGrading('course/hand-ins/bob/lab.ipynb')).toBe(true);
    expect(mode.isGrading('submissions-old/lab.ipynb')).toBe(false);
    expect(mode.isGrading('sub/lab.ipynb')).toBe(false);
    expect(mode.isGrading('course/lab.ipynb')).toBe(false);
    expect(mode.isGrading('labs/submissions/lab.ipynb')).toBe(false);
  });

  it('lets the grader turn one submission off, and follows the folders again once agreeing', () => {
    const mode = new GradingMode();
    mode.setFolders(['submissions']);
    mode.setGrading('submissions/alice/lab.ipynb', false);
    expect(mode.isGrading('submissions/alice/lab.ipynb')).toBe(false);
    expect(mode.isGrading('submissions/bob/lab.ipynb')).toBe(true);
    mode.setGrading('submissions/alice/lab.ipynb', true);
    expect(mode.toJSON()).toEqual({ on: [], off: [] });
    mode.setFolders([]);
    expect(mode.isGrading('submissions/alice/lab.ipynb')).toBe(false);
  });

  it('refuses the server root and .. as submissions folders', () => {
    expect(
      submissionFolders(['', '/', '.', '../x', 'a/../b', 'ok', 7])
    ).toEqual(['ok']);
    expect(submissionFolders('submissions')).toEqual([]);
  });

  it('announces a change of the folders once', () => {
    const mode = new GradingMode();
    const changed: string[] = [];
    mode.changed.connect((_, path) => changed.push(path));
    mode.setFolders(['submissions']);
    mode.setFolders(['/submissions']);
    expect(changed).toEqual(['']);
  });

  it('keeps the mode of a renamed notebook, into or out of a submissions folder', () => {
    const mode = new GradingMode();
    mode.setFolders(['submissions']);
    mode.setGrading('mine.ipynb', true);
    mode.rename('mine.ipynb', 'elsewhere/renamed.ipynb');
    expect(mode.isGrading('mine.ipynb')).toBe(false);
    expect(mode.isGrading('elsewhere/renamed.ipynb')).toBe(true);

    mode.rename('submissions/alice/lab.ipynb', 'graded/alice.ipynb');
    expect(mode.isGrading('graded/alice.ipynb')).toBe(true);

    mode.rename('notes.ipynb', 'submissions/notes.ipynb');
    expect(mode.isGrading('submissions/notes.ipynb')).toBe(false);
    mode.rename('submissions/notes.ipynb', 'submissions/notes.ipynb');
    expect(mode.isGrading('submissions/notes.ipynb')).toBe(false);
  });

  it('stores its choices and takes back only lists of texts, the newest kept', () => {
    const mode = new GradingMode();
    mode.setGrading('a.ipynb', true);
    const copy = new GradingMode();
    copy.fromJSON(JSON.parse(JSON.stringify(mode.toJSON())));
    expect(copy.isGrading('a.ipynb')).toBe(true);
    copy.fromJSON({ on: 'a.ipynb', off: [1] });
    expect(copy.isGrading('a.ipynb')).toBe(false);
    copy.fromJSON(null);
    for (let i = 0; i <= MAX_CHOICES; i++) {
      copy.setGrading(`n${i}.ipynb`, true);
    }
    expect(copy.isGrading('n0.ipynb')).toBe(false);
    expect(copy.isGrading(`n${MAX_CHOICES}.ipynb`)).toBe(true);
  });
});

const PATH = 'submissions/alice/lab.ipynb';
const RAN = 'openstack server list';

/** A student's notebook: a code cell that ran, one that did not, a manual step. */
const STUDENT = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' },
    [METADATA_KEY]: {
      v: 1,
      log: [`2026-11-23T16:20:05Z ok ${fingerprint(RAN)}`]
    }
  },
  cells: [
    {
      id: 'ran',
      cell_type: 'code',
      metadata: {
        [METADATA_KEY]: {
          v: 1,
          run: {
            n: 1,
            last: '2026-11-23T16:20:05Z',
            ms: 5,
            src: fingerprint(RAN)
          }
        }
      },
      source: RAN,
      outputs: [],
      execution_count: 1
    },
    {
      id: 'fresh',
      cell_type: 'code',
      metadata: {},
      source: 'echo netID',
      outputs: [],
      execution_count: null
    },
    {
      id: 'manual',
      cell_type: 'markdown',
      metadata: { [METADATA_KEY]: { v: 1, step: 'manual' } },
      source: 'Create a key pair in Horizon.'
    }
  ]
};

/** The progress and placeholders plugins, as JupyterLab starts them. */
async function startLab() {
  const { panel, context, manager } = await openPanel(PATH, STUDENT);
  const commands = new CommandRegistry();
  const app = {
    commands,
    serviceManager: {
      contents: manager.contents,
      serverSettings: { baseUrl: 'http://localhost/grading-test/' }
    },
    shell: { activateById: () => undefined },
    contextMenu: { addItem: () => undefined },
    restored: Promise.resolve(),
    resolveOptionalService: async () => null
  } as unknown as JupyterFrontEnd;
  const sections = new Map<string, Widget>();
  const sidebar = {
    id: 'sidebar',
    addSection: (widget: Widget) => sections.set(widget.id, widget),
    showSection: () => undefined
  };
  const tracker = new NotebookTracker({ namespace: 'grading-test' });
  const { grading, progress, placeholders } = activateCapabilities(
    app,
    sidebar,
    tracker
  );
  placeholders.model.setSettings(
    { values: { netID: 'grader1' }, folders: {} },
    { refillOnChange: true, fillOnOpen: true, checkBeforeRun: 'warn' }
  );
  return { app, grading, progress, tracker, panel, context, sections };
}

/** What JupyterLab's executor announces around one successful run. */
function run(panel: NotebookPanel, index: number) {
  const args = {
    notebook: panel.content,
    cell: panel.content.widgets[index]
  };
  (NotebookActions.executionScheduled as Signal<any, any>).emit(args);
  (NotebookActions.executed as Signal<any, any>).emit({
    ...args,
    success: true
  });
}

describe('a notebook open for grading', () => {
  it('keeps the student’s record as it was through runs, ticks, marks, fills and a save', async () => {
    const { app, grading, progress, tracker, panel, context, sections } =
      await startLab();
    grading.setGrading(PATH, true);
    await tracker.add(panel);
    await context.ready;
    const before = JSON.stringify(context.model.toJSON());

    run(panel, 0);
    run(panel, 1);
    const model = progress.modelFor(panel);
    model.refresh();
    panel.content.activeCellIndex = 2;
    await app.commands.execute(CommandIDs.tickCell);
    await app.commands.execute(CommandIDs.markManualStep);
    await app.commands.execute(CommandIDs.fillPlaceholders);
    await context.save();

    expect(JSON.stringify(context.model.toJSON())).toBe(before);
    expect(context.model.cells.get(1).sharedModel.getSource()).toBe(
      'echo netID'
    );
    expect(model.outline!.steps.map(s => s.status)).toEqual([
      'ok',
      'todo',
      'todo'
    ]);
    expect(panel.hasClass('jp-testbed-mod-grading')).toBe(true);
    expect(sections.get('jp-testbed-progress')!.node.textContent).toContain(
      'Grading: read-only.'
    );
    expect(sections.has('jp-testbed-evidence')).toBe(true);

    // The same actions with grading off do reach the record.
    grading.setGrading(PATH, false);
    expect(panel.hasClass('jp-testbed-mod-grading')).toBe(false);
    run(panel, 1);
    await app.commands.execute(CommandIDs.tickCell);
    await app.commands.execute(CommandIDs.fillPlaceholders);
    // A run's record waits for its batch; a save writes it.
    await context.save();
    expect(context.model.cells.get(1).getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1 }
    });
    expect(context.model.cells.get(2).getMetadata(METADATA_KEY)).toMatchObject({
      ticks: { cell: { via: 'tick' } }
    });
    expect(context.model.cells.get(1).sharedModel.getSource()).toBe(
      'echo grader1'
    );
    panel.dispose();
    context.dispose();
  });
});

describe('run buttons in a notebook open for grading', () => {
  it('offer Copy but not Run', async () => {
    const { panel, context } = await openPanel(PATH, {
      ...STUDENT,
      cells: [
        {
          cell_type: 'code',
          metadata: {},
          source: '# run on node1\nls',
          outputs: [],
          execution_count: null
        }
      ]
    });
    Widget.attach(panel, document.body);
    let graded = true;
    const buttons = new RunButtons({
      notebook: panel.content,
      markers: () => compileMarkers(DEFAULT_MARKERS).patterns,
      nodeNames: () => ['node1'],
      onRun: () => undefined,
      onCopy: () => undefined,
      canRun: () => !graded
    });
    const cell = panel.content.widgets[0].node;
    expect(cell.querySelector(`.${COPY_BUTTON_CLASS}`)).not.toBeNull();
    expect(cell.querySelector(`.${RUN_BUTTON_CLASS}`)).toBeNull();
    graded = false;
    buttons.refresh();
    expect(cell.querySelector(`.${RUN_BUTTON_CLASS}`)).not.toBeNull();
    buttons.dispose();
    panel.dispose();
    context.dispose();
  });
});
