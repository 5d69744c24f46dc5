/**
 * Records every code-cell execution started from this JupyterLab: by
 * shift-enter, toolbar, menu or run-all, they all go through
 * `NotebookActions`, whose signals are global across notebooks.
 */
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import { KernelError, NotebookActions } from '@jupyterlab/notebook';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { fingerprint } from '../../core/notebook/hash';
import { errorLabel } from '../../core/metadata/format';
import type { EventLog } from './log';
import { recordRun } from './records';

export namespace ExecutionRecorder {
  export interface IOptions {
    /** The notebooks' event log. */
    log: EventLog | null;
    /** Whether runs in this notebook are recorded now. */
    isTracked: (notebook: INotebookModel) => boolean;
    /** The clock; tests replace it. */
    now?: () => Date;
  }
}

export class ExecutionRecorder implements IDisposable {
  constructor(options: ExecutionRecorder.IOptions) {
    this._options = options;
    this._now = options.now ?? (() => new Date());
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
    NotebookActions.executed.connect(this._onExecuted, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    NotebookActions.executionScheduled.disconnect(this._onScheduled, this);
    NotebookActions.executed.disconnect(this._onExecuted, this);
  }

  /**
   * A run starts when it is scheduled; the source is read now, because that
   * is what the kernel receives, whatever the student types while it queues.
   */
  private _onScheduled(
    _: unknown,
    args: {
      notebook: { model: INotebookModel | null };
      cell: { model: ICellModel };
    }
  ): void {
    const notebook = args.notebook.model;
    if (
      !notebook ||
      args.cell.model.type !== 'code' ||
      !this._options.isTracked(notebook)
    ) {
      return;
    }
    this._pending.set(args.cell.model, {
      src: fingerprint(args.cell.model.sharedModel.getSource()),
      at: this._now().getTime()
    });
  }

  private _onExecuted(
    _: unknown,
    args: {
      notebook: { model: INotebookModel | null };
      cell: { model: ICellModel };
      success: boolean;
      error?: KernelError | null;
    }
  ): void {
    const notebook = args.notebook.model;
    const cell = args.cell.model;
    const pending = this._pending.get(cell);
    this._pending.delete(cell);
    if (!notebook || !pending || cell.isDisposed) {
      return;
    }
    // A failure without an error name is a run aborted by an earlier error
    // or an interrupt: the cell did not run.
    if (!args.success && args.error?.errorName === undefined) {
      return;
    }
    const end = this._now().getTime();
    // Queued cells run one after another: one starts when the one before ends.
    const start = Math.min(
      end,
      Math.max(pending.at, this._busyUntil.get(notebook) ?? 0)
    );
    this._busyUntil.set(notebook, end);
    recordRun(
      notebook,
      cell,
      {
        start: new Date(start),
        end: new Date(end),
        ok: args.success,
        error: args.success
          ? undefined
          : errorLabel(args.error?.errorName, args.error?.errorValue),
        src: pending.src,
        count: (cell as ICodeCellModel).executionCount
      },
      this._options.log
    );
  }

  private _options: ExecutionRecorder.IOptions;
  private _now: () => Date;
  private _isDisposed = false;
  private _pending = new WeakMap<ICellModel, { src: string; at: number }>();
  private _busyUntil = new WeakMap<INotebookModel, number>();
}
