/**
 * Filling the student's values into the open notebooks, and back: fill,
 * refill after a value changed, restore, undo the last change, and go to
 * the next unfilled placeholder. Each change to the cells says what it did
 * and what it left alone; the commands call these.
 */
import { Notification } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  planFill,
  planReset,
  tokenPattern
} from '../../core/placeholders/engine';
import { revealCell } from '../notebook/reveal';
import { refuseWhileGrading } from '../readonly';
import type { INotebookPlaceholders } from '../tokens';
import { applyPlans, IApplied, ICellChange, undoChanges } from './apply';
import { nextUnfilled, unfilledInNotebook } from './unfilled';

/** Quiet time after a value changes before open notebooks are refilled. */
const REFILL_DELAY = 500;

/** The name of the refill timing, read by the benchmark. */
const REFILL_MEASURE = 'jupyterlab-testbed:refill';

export namespace PlaceholderFiller {
  export interface IOptions {
    tracker: INotebookTracker;
    /** The placeholders of a notebook and the values for them. */
    forPanel: (panel: NotebookPanel) => INotebookPlaceholders;
    /** Whether a notebook is open for grading: nothing is filled in it. */
    isGraded: (panel: NotebookPanel) => boolean;
    trans: TranslationBundle;
    /** Show the form where values are entered. */
    openForm: () => void;
    /** Whether undo is possible changed. */
    undoChanged: () => void;
  }
}

export class PlaceholderFiller {
  constructor(options: PlaceholderFiller.IOptions) {
    this._options = options;
  }

  /** The notebook on screen, unless it is graded (then saying so). */
  writable(): NotebookPanel | null {
    const panel = this._options.tracker.currentWidget;
    if (panel && this._options.isGraded(panel)) {
      refuseWhileGrading(this._options.trans);
      return null;
    }
    return panel;
  }

  /** Whether a notebook has a change to undo. */
  canUndo(panel: NotebookPanel | null): boolean {
    return !!panel && this._lastChange.has(panel);
  }

  /** Fill a notebook with the student's values and say what happened. */
  fill(panel: NotebookPanel): void {
    const values = this._fillableFor(panel);
    if (values) {
      this.fillAndReport(panel, values, true);
    }
  }

  /** Fill a notebook just opened, when there is something to fill. */
  fillOnOpen(panel: NotebookPanel): void {
    const state = this._options.forPanel(panel);
    if (state.invalid.length || !state.values.size) {
      return;
    }
    this.fillAndReport(panel, state.values, false);
  }

  /** Fill a notebook and say what happened (when anything did, unless `always`). */
  fillAndReport(
    panel: NotebookPanel,
    values: Map<string, string>,
    always: boolean
  ): void {
    const applied = this._fill(panel, false, values);
    if (
      applied &&
      (always ||
        applied.written.length ||
        applied.edited.length ||
        applied.refused.length)
    ) {
      this._report(
        panel,
        applied,
        this._options.trans._n(
          'Filled %1 cell of %2.',
          'Filled %1 cells of %2.',
          applied.written.length,
          panel.context.path
        )
      );
    }
    this._options.undoChanged();
  }

  /** Put back the original text of every filled cell of a notebook. */
  reset(panel: NotebookPanel): void {
    const state = this._options.forPanel(panel);
    const applied = this._change(
      panel,
      (source, record) =>
        planReset(source, record, state.placeholders, {
          hints: state.values
        }),
      true
    );
    if (applied) {
      this._report(
        panel,
        applied,
        this._options.trans._n(
          'Restored %1 cell.',
          'Restored %1 cells.',
          applied.written.length
        )
      );
      this._options.undoChanged();
    }
  }

  /** Undo the last fill, refill or restore of a notebook. */
  undo(panel: NotebookPanel): void {
    const { trans } = this._options;
    const changes = this._lastChange.get(panel);
    const notebook = panel.content.model;
    if (!changes || !notebook || panel.isDisposed) {
      return;
    }
    this._lastChange.delete(panel);
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
    this._options.undoChanged();
  }

  /** Show the next code cell holding a placeholder (`wanted`, or any). */
  async next(panel: NotebookPanel, wanted?: string): Promise<void> {
    const notebook = panel.content.model;
    if (!notebook) {
      return;
    }
    const tokens = this._options.forPanel(panel).placeholders.map(p => p.token);
    const index = nextUnfilled(
      unfilledInNotebook(notebook, tokens),
      panel.content.activeCellIndex,
      wanted
    );
    if (index === null) {
      Notification.info(
        this._options.trans.__('No code cell holds a placeholder.')
      );
      return;
    }
    const cell = await revealCell(panel, index);
    Private.selectToken(cell, wanted ?? tokens);
  }

  /** Refill every open notebook once values have stopped changing. */
  refillSoon(): void {
    if (this._refillTimer !== null) {
      clearTimeout(this._refillTimer);
    }
    this._refillTimer = setTimeout(() => {
      this._refillTimer = null;
      this._refill();
    }, REFILL_DELAY);
  }

  /**
   * While values are invalid, one notice says why (replaced, not repeated,
   * as the student types); filled cells keep their last values meanwhile.
   */
  private _refill(): void {
    const { tracker, trans, isGraded, forPanel } = this._options;
    if (this._refillProblem !== null) {
      Notification.dismiss(this._refillProblem);
      this._refillProblem = null;
    }
    performance.mark(`${REFILL_MEASURE}:start`);
    // Values may be kept per lab folder: each notebook's problems count.
    const problems = new Map<string, string[]>();
    tracker.forEach(panel => {
      if (isGraded(panel)) {
        return;
      }
      const state = forPanel(panel);
      if (state.invalid.length) {
        problems.set(panel.context.path, state.invalid);
        return;
      }
      const applied = this._fill(panel, true, state.values);
      if (
        applied?.written.length ||
        applied?.edited.length ||
        applied?.refused.length
      ) {
        this._report(
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
    if (problems.size) {
      this._refillProblem = Notification.error(
        trans.__(
          'Filled cells were not refilled. %1',
          Private.describeProblems(problems)
        ),
        { autoClose: false }
      );
    }
    this._options.undoChanged();
  }

  /** The values to fill into a notebook, or null after saying why not. */
  private _fillableFor(panel: NotebookPanel): Map<string, string> | null {
    const { trans, openForm } = this._options;
    const state = this._options.forPanel(panel);
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
  }

  /** Fill (or, with `onlyFilled`, refill) a notebook; null when it cannot. */
  private _fill(
    panel: NotebookPanel,
    onlyFilled: boolean,
    values: Map<string, string>
  ): IApplied | null {
    const defined = this._options.forPanel(panel).placeholders;
    return this._change(
      panel,
      (source, record) => planFill(source, record, values, defined),
      onlyFilled
    );
  }

  /** Apply a plan to a notebook's code cells, kept for undo; null without a model. */
  private _change(
    panel: NotebookPanel,
    plan: Parameters<typeof applyPlans>[1],
    onlyFilled: boolean
  ): IApplied | null {
    const notebook = panel.content.model;
    if (!notebook) {
      return null;
    }
    const applied = applyPlans(notebook, plan, onlyFilled);
    if (applied.undo.length) {
      this._lastChange.set(panel, applied.undo);
    }
    return applied;
  }

  private _report(panel: NotebookPanel, applied: IApplied, done: string): void {
    const { trans } = this._options;
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
      ? [{ label: trans.__('Undo'), callback: () => this.undo(panel) }]
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
  }

  private _options: PlaceholderFiller.IOptions;
  /** The last change made to each notebook, for one-step undo. */
  private _lastChange = new WeakMap<NotebookPanel, ICellChange[]>();
  private _refillTimer: ReturnType<typeof setTimeout> | null = null;
  private _refillProblem: string | null = null;
}

namespace Private {
  /**
   * The problems of the notebooks not refilled: as they are when every
   * notebook has the same ones, else each after its notebook's path.
   */
  export function describeProblems(problems: Map<string, string[]>): string {
    const texts = new Set([...problems.values()].map(p => p.join(' ')));
    if (texts.size === 1) {
      return [...texts][0];
    }
    return [...problems]
      .map(([path, invalid]) => `${path}: ${invalid.join(' ')}`)
      .join(' ');
  }

  /** Select the first of the tokens in a cell's editor. */
  export function selectToken(
    cell: Cell | null,
    tokens: string | string[]
  ): void {
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
}
