/**
 * What a student does with placeholders: fill, restore, undo a fill, go to
 * the next unfilled one, and decide about a run that would use one.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refuseWhileGrading } from '../readonly';
import { revealCell } from '../notebook/reveal';
import { CommandIDs, IPlaceholders } from '../tokens';
import type { PlaceholdersModel } from './model';
import { applyPlans, IApplied, ICellChange, undoChanges } from './apply';
import {
  countTokens,
  planFill,
  planReset,
  tokenPattern
} from '../../core/placeholders/engine';
import type { RunApproval } from './runcheck';
import { nextUnfilled, unfilledInNotebook } from './unfilled';

/** Quiet time after a value changes before open notebooks are refilled. */
const REFILL_DELAY = 500;

/** The name of the refill timing, read by the benchmark. */
const REFILL_MEASURE = 'jupyterlab-testbed:refill';

export interface IPlaceholderCommands {
  /** Asks before code cells holding placeholders run. */
  approveRun: RunApproval;
  /** Fill a notebook just opened, when there is something to fill. */
  fillOnOpen(panel: NotebookPanel): void;
  /** Refill every open notebook once values have stopped changing. */
  refillSoon(): void;
}

export function addCommands(options: {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  placeholders: IPlaceholders & { readonly model: PlaceholdersModel };
  trans: TranslationBundle;
  openForm: () => void;
  /** Whether a notebook is open for grading: nothing is filled in it. */
  isGraded: (panel: NotebookPanel) => boolean;
}): IPlaceholderCommands {
  const { app, tracker, placeholders, trans, openForm, isGraded } = options;
  /** The last change made to each notebook, for one-step undo. */
  const lastChange = new WeakMap<NotebookPanel, ICellChange[]>();
  const current = () => tracker.currentWidget;
  /** The notebook on screen, unless it is graded (then saying so). */
  const writable = () => {
    const panel = current();
    if (panel && isGraded(panel)) {
      refuseWhileGrading(trans);
      return null;
    }
    return panel;
  };

  const report = (panel: NotebookPanel, applied: IApplied, done: string) => {
    const parts = [done];
    if (applied.edited.length) {
      parts.push(
        trans.__(
          'Cells edited by hand since they were filled were left as they are: %1.',
          applied.edited.join(', ')
        )
      );
    }
    if (applied.refused.length) {
      parts.push(
        trans.__(
          'Cells whose fill record is not their text with your values turned back into placeholders were left as they are (the record may have been crafted): %1.',
          applied.refused.join(', ')
        )
      );
    }
    if (applied.unreadable.length) {
      parts.push(
        trans.__(
          'Cells whose record cannot be read were left as they are: %1.',
          applied.unreadable.join(', ')
        )
      );
    }
    const actions = applied.undo.length
      ? [
          {
            label: trans.__('Undo'),
            callback: () => undo(panel)
          }
        ]
      : [];
    const message = parts.join(' ');
    if (
      applied.edited.length ||
      applied.refused.length ||
      applied.unreadable.length
    ) {
      Notification.warning(message, { autoClose: false, actions });
    } else {
      Notification.success(message, { actions });
    }
  };

  /** The values to fill into a notebook, or null after saying why not. */
  const fillableFor = (panel: NotebookPanel) => {
    const state = placeholders.forPanel(panel);
    if (state.invalid.length) {
      Notification.error(
        trans.__('Nothing was filled. %1', state.invalid.join(' ')),
        { autoClose: false }
      );
      return null;
    }
    if (!state.values.size) {
      Notification.info(
        trans.__(
          'Enter your values first (net ID, project, floating IP…) in the Placeholders section of the Testbed sidebar.'
        ),
        { actions: [{ label: trans.__('Enter values'), callback: openForm }] }
      );
      return null;
    }
    return state.values;
  };

  /** Apply a plan to a notebook's code cells, kept for undo; null without a model. */
  const change = (
    panel: NotebookPanel,
    plan: Parameters<typeof applyPlans>[1],
    onlyFilled: boolean
  ) => {
    const notebook = panel.content.model;
    if (!notebook) {
      return null;
    }
    const applied = applyPlans(notebook, plan, onlyFilled);
    if (applied.undo.length) {
      lastChange.set(panel, applied.undo);
    }
    return applied;
  };

  /** Fill (or, with `onlyFilled`, refill) a notebook; null when it cannot. */
  const fill = (
    panel: NotebookPanel,
    onlyFilled: boolean,
    values: Map<string, string>
  ) =>
    change(
      panel,
      (source, record) => planFill(source, record, values, definedFor(panel)),
      onlyFilled
    );

  /** Every placeholder of a notebook, filled or not. */
  const definedFor = (panel: NotebookPanel) =>
    placeholders.forPanel(panel).placeholders;

  const undo = (panel: NotebookPanel) => {
    const changes = lastChange.get(panel);
    const notebook = panel.content.model;
    if (!changes || !notebook || panel.isDisposed) {
      return;
    }
    lastChange.delete(panel);
    const { restored, kept } = undoChanges(notebook, changes);
    const message = [
      trans._n(
        'Undid the change to %1 cell.',
        'Undid the change to %1 cells.',
        restored
      )
    ];
    if (kept) {
      message.push(
        trans._n(
          '%1 cell changed since was left as it is.',
          '%1 cells changed since were left as they are.',
          kept
        )
      );
    }
    Notification.info(message.join(' '));
    app.commands.notifyCommandChanged(CommandIDs.undoFill);
  };

  /** Fill a notebook and say what happened (when anything did, unless `always`). */
  const fillAndReport = (
    panel: NotebookPanel,
    values: Map<string, string>,
    always: boolean
  ) => {
    const applied = fill(panel, false, values);
    if (
      applied &&
      (always ||
        applied.written.length ||
        applied.edited.length ||
        applied.refused.length)
    ) {
      report(
        panel,
        applied,
        trans._n(
          'Filled %1 cell of %2.',
          'Filled %1 cells of %2.',
          applied.written.length,
          panel.context.path
        )
      );
    }
    app.commands.notifyCommandChanged(CommandIDs.undoFill);
  };

  app.commands.addCommand(CommandIDs.showPlaceholders, {
    label: trans.__('Enter Your Placeholder Values'),
    caption: trans.__('Open the Placeholders section of the Testbed sidebar'),
    execute: openForm
  });
  app.commands.addCommand(CommandIDs.fillPlaceholders, {
    label: trans.__('Fill Placeholders in This Notebook'),
    caption: trans.__(
      'Put your net ID, project and IP addresses into the code cells, keeping each cell’s original to restore'
    ),
    isEnabled: () => !!current(),
    execute: () => {
      const panel = writable();
      const values = panel ? fillableFor(panel) : null;
      if (panel && values) {
        fillAndReport(panel, values, true);
      }
    }
  });
  app.commands.addCommand(CommandIDs.resetPlaceholders, {
    label: trans.__('Restore Placeholders in This Notebook'),
    caption: trans.__('Put back the original text of every filled cell'),
    isEnabled: () => !!current(),
    execute: () => {
      const panel = writable();
      const state = panel ? placeholders.forPanel(panel) : null;
      const applied =
        panel && state
          ? change(
              panel,
              (source, record) =>
                planReset(source, record, state.placeholders, {
                  hints: state.values
                }),
              true
            )
          : null;
      if (panel && applied) {
        report(
          panel,
          applied,
          trans._n(
            'Restored %1 cell.',
            'Restored %1 cells.',
            applied.written.length
          )
        );
        app.commands.notifyCommandChanged(CommandIDs.undoFill);
      }
    }
  });
  app.commands.addCommand(CommandIDs.undoFill, {
    label: trans.__('Undo the Last Fill or Restore'),
    caption: trans.__(
      'Put back the cells the last fill, refill or restore changed, except those edited since'
    ),
    isEnabled: () => {
      const panel = current();
      return !!panel && lastChange.has(panel);
    },
    execute: () => {
      const panel = writable();
      if (panel) {
        undo(panel);
      }
    }
  });
  app.commands.addCommand(CommandIDs.nextPlaceholder, {
    label: trans.__('Go to the Next Unfilled Placeholder'),
    caption: trans.__('Show the next code cell that still holds a placeholder'),
    isEnabled: () => !!current(),
    execute: async args => {
      const panel = current();
      const notebook = panel?.content.model;
      if (!panel || !notebook) {
        return;
      }
      const tokens = placeholders
        .forPanel(panel)
        .placeholders.map(p => p.token);
      const wanted = typeof args.token === 'string' ? args.token : undefined;
      const index = nextUnfilled(
        unfilledInNotebook(notebook, tokens),
        panel.content.activeCellIndex,
        wanted
      );
      if (index === null) {
        Notification.info(trans.__('No code cell holds a placeholder.'));
        return;
      }
      const cell = await revealCell(panel, index);
      selectToken(cell, wanted ?? tokens);
    }
  });

  let refillTimer: ReturnType<typeof setTimeout> | null = null;
  let refillProblem: string | null = null;
  /**
   * While values are invalid, one notice says why (replaced, not repeated,
   * as the student types); filled cells keep their last values meanwhile.
   */
  const refill = () => {
    if (refillProblem !== null) {
      Notification.dismiss(refillProblem);
      refillProblem = null;
    }
    performance.mark(`${REFILL_MEASURE}:start`);
    let problems: string[] = [];
    tracker.forEach(panel => {
      if (isGraded(panel)) {
        return;
      }
      const state = placeholders.forPanel(panel);
      if (state.invalid.length) {
        problems = state.invalid;
        return;
      }
      const applied = fill(panel, true, state.values);
      if (
        applied?.written.length ||
        applied?.edited.length ||
        applied?.refused.length
      ) {
        report(
          panel,
          applied,
          trans._n(
            'Refilled %1 cell of %2.',
            'Refilled %1 cells of %2.',
            applied.written.length,
            panel.context.path
          )
        );
      }
    });
    performance.measure(REFILL_MEASURE, `${REFILL_MEASURE}:start`);
    if (problems.length) {
      refillProblem = Notification.error(
        trans.__('Filled cells were not refilled. %1', problems.join(' ')),
        { autoClose: false }
      );
    }
    app.commands.notifyCommandChanged(CommandIDs.undoFill);
  };

  const approveRun: RunApproval = async (notebook, cells) => {
    const check = placeholders.model.options.checkBeforeRun;
    const panel = tracker.find(p => p.content.model === notebook);
    // A grader runs the student's cells as handed in.
    if (check === 'off' || !panel || isGraded(panel)) {
      return true;
    }
    const state = placeholders.forPanel(panel);
    const tokens = state.placeholders.map(p => p.token);
    const holding = Private.cellsHolding(panel, cells, tokens);
    if (!holding.length) {
      return true;
    }
    const canFill =
      !state.invalid.length &&
      holding.every(h => h.tokens.every(token => state.values.has(token)));
    const body = [
      Private.describeHolding(holding, trans),
      trans.__(
        'Run as it is, the command would use the placeholder text itself, not your value.'
      )
    ].join(' ');
    const fillButton = Dialog.okButton({ label: trans.__('Fill, Then Run') });
    const buttons =
      check === 'block'
        ? [Dialog.cancelButton({ label: trans.__('Do Not Run') })]
        : [
            Dialog.cancelButton({ label: trans.__('Do Not Run') }),
            Dialog.warnButton({ label: trans.__('Run Anyway') })
          ];
    if (canFill) {
      buttons.push(fillButton);
    }
    const result = await showDialog({
      title: trans.__('This cell still holds a placeholder'),
      body,
      buttons,
      defaultButton: buttons.length - 1
    });
    if (!result.button.accept) {
      return false;
    }
    if (result.button.label !== fillButton.label) {
      return true;
    }
    fillAndReport(panel, state.values, true);
    const left = Private.cellsHolding(panel, cells, tokens);
    if (left.length) {
      Notification.warning(
        `${trans.__('Not run.')} ${Private.describeHolding(left, trans)}`,
        { autoClose: false }
      );
      return false;
    }
    return true;
  };

  return {
    approveRun,
    fillOnOpen: panel => {
      const state = placeholders.forPanel(panel);
      if (state.invalid.length || !state.values.size) {
        return;
      }
      fillAndReport(panel, state.values, false);
    },
    refillSoon: () => {
      if (refillTimer !== null) {
        clearTimeout(refillTimer);
      }
      refillTimer = setTimeout(() => {
        refillTimer = null;
        refill();
      }, REFILL_DELAY);
    }
  };
}

/** Select the first of the tokens in a cell's editor. */
function selectToken(cell: Cell | null, tokens: string | string[]): void {
  const editor = cell?.editor;
  if (!cell || !editor || cell.model.type !== 'code') {
    return;
  }
  const found = tokenPattern([tokens].flat())?.exec(
    cell.model.sharedModel.getSource()
  );
  if (found) {
    editor.setSelection({
      start: editor.getPositionAt(found.index)!,
      end: editor.getPositionAt(found.index + found[0].length)!
    });
  }
}

namespace Private {
  export interface IHolding {
    /** 1-based, as the student counts cells. */
    number: number;
    tokens: string[];
  }

  export function cellsHolding(
    panel: NotebookPanel,
    cells: Cell[],
    tokens: string[]
  ): IHolding[] {
    const holding: IHolding[] = [];
    for (const cell of cells) {
      const found = [
        ...countTokens(cell.model.sharedModel.getSource(), tokens).keys()
      ];
      if (found.length) {
        holding.push({
          number: panel.content.widgets.indexOf(cell) + 1,
          tokens: found
        });
      }
    }
    return holding;
  }

  export function describeHolding(
    holding: IHolding[],
    trans: TranslationBundle
  ): string {
    if (holding.length === 1) {
      return trans.__(
        'Cell %1 still holds %2.',
        holding[0].number,
        holding[0].tokens.map(t => `“${t}”`).join(', ')
      );
    }
    const tokens = [...new Set(holding.flatMap(h => h.tokens))];
    return trans.__(
      'Cells %1 still hold %2.',
      holding.map(h => h.number).join(', '),
      tokens.map(t => `“${t}”`).join(', ')
    );
  }
}
