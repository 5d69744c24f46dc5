/**
 * Records every code-cell execution started from this JupyterLab: by
 * shift-enter, toolbar, menu or run-all, they all go through
 * `NotebookActions`, whose signals are global across notebooks.
 *
 * The records of the runs that end within `delay` are written in one
 * transaction of the notebook's shared model: a transaction per run was a
 * measurable share of a run-all. The times recorded are those of the runs,
 * and `flush` writes what waits before a save.
 */
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import { KernelError, NotebookActions } from '@jupyterlab/notebook';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { fingerprint } from '../../core/notebook/hash';
import { DeferredTask } from '../deferred';
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
    /** Longest wait before a run's record is written, in ms. */
    delay?: number;
  }
}

/** A run that ended, waiting to be written. */
interface IEndedRun {
  cell: ICellModel;
  run: Parameters<typeof recordRun>[2];
}

export class ExecutionRecorder implements IDisposable {
  constructor(options: ExecutionRecorder.IOptions) {
    this._options = options;
    this._now = options.now ?? (() => new Date());
    this._write = new DeferredTask(() => this.flush(), options.delay ?? 100);
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
    this._write.dispose();
    this.flush();
  }

  /**
   * Write the records of the runs that ended, of one notebook or of all,
   * each notebook's in one transaction.
   */
  flush(notebook?: INotebookModel): void {
    const targets = notebook ? [notebook] : [...this._ended.keys()];
    for (const target of targets) {
      const ended = this._ended.get(target);
      this._ended.delete(target);
      if (!ended || target.isDisposed) {
        continue;
      }
      target.sharedModel.transact(() => {
        for (const { cell, run } of ended) {
          if (!cell.isDisposed) {
            recordRun(target, cell, run, this._options.log);
          }
        }
      }, false);
    }
    if (!this._ended.size) {
      this._write.cancel();
    }
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
    const ended = this._ended.get(notebook) ?? [];
    ended.push({
      cell,
      run: {
        start: new Date(start),
        end: new Date(end),
        ok: args.success,
        error: args.success
          ? undefined
          : errorLabel(args.error?.errorName, args.error?.errorValue),
        src: pending.src,
        count: (cell as ICodeCellModel).executionCount
      }
    });
    this._ended.set(notebook, ended);
    this._write.schedule();
  }

  private _options: ExecutionRecorder.IOptions;
  private _now: () => Date;
  private _write: DeferredTask;
  private _isDisposed = false;
  private _ended = new Map<INotebookModel, IEndedRun[]>();
  private _pending = new WeakMap<ICellModel, { src: string; at: number }>();
  private _busyUntil = new WeakMap<INotebookModel, number>();
}
