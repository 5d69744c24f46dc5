/**
 * Records every code-cell execution started from this JupyterLab: by
 * shift-enter, toolbar, menu or run-all, they all go through
 * `NotebookActions`, whose signals are global across notebooks.
 *
 * A record is written in the same transaction as the cell's return to idle.
 * JupyterLab answers every transaction that changes a cell with a
 * `contentChanged` of the notebook, and its status bar's trust indicator
 * walks every cell at each; a record of its own cost a run-all of 500 cells
 * 500 walks of 500 cells. So when the count JupyterLab sets at a run's end
 * arrives, the recorder, which observes the cell before JupyterLab's own
 * listeners do, writes the record and the idle state the cell's widget
 * would write next, in one transaction; the widget's write then changes
 * nothing. The run's result comes from the kernel's reply (replies.ts).
 *
 * Only a count set by this page, equal to the reply's, counts: a
 * collaborator's count on the same cell is not this run's end.
 *
 * A run that ends otherwise (no reply seen, no widget, a shared model that
 * cannot be observed) is recorded when `NotebookActions.executed` says so.
 * Those records, of the runs that end within `delay`, are written in one
 * transaction, and `flush` writes what waits before a save.
 */
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import { KernelError, NotebookActions } from '@jupyterlab/notebook';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { fingerprint } from '../../core/notebook/hash';
import { DeferredTask } from '../deferred';
import { errorLabel } from '../../core/metadata/format';
import type { EventLog } from './log';
import { recordRun } from './records';
import { ExecuteReplies } from './replies';

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
    /** The kernel a notebook runs its cells on, whose replies give the results. */
    kernelOf?: (notebook: INotebookModel) => Kernel.IKernelConnection | null;
  }
}

/**
 * The cell widget that `NotebookActions` names: its output area holds the
 * request sent, and it is disposed with its cell or its notebook's view.
 */
interface IExecutingCell {
  model: ICellModel;
  disposed: ISignal<IExecutingCell, void>;
  /** A code cell's, where the request sent is. */
  outputArea?: {
    future?: { msg?: { header?: { msg_id?: unknown } } } | null;
  };
}

/** What a Yjs map event tells: its keys, and whether this page made it. */
interface ICellMapEvent {
  keysChanged: Set<string>;
  transaction: { local: boolean };
}

/**
 * The part of a cell's shared model that can be observed before JupyterLab's
 * own listeners: a Yjs map calls the observers of its own keys before the
 * deep observers that JupyterLab's cell models listen with.
 */
interface IObservableCellMap {
  get(key: string): unknown;
  observe(f: (event: ICellMapEvent) => void): void;
  unobserve(f: (event: ICellMapEvent) => void): void;
}

/** A run from when it is scheduled until it is recorded. */
interface IPendingRun {
  notebook: INotebookModel;
  src: string;
  at: number;
  /** The cell's widget, while the run is observed at the count. */
  executing: IExecutingCell | null;
  /**
   * Settled at the count's moment: recorded, or given up when that write
   * failed (a record written twice is worse than one missing).
   */
  settled: boolean;
  /** Stops observing the cell's shared model. */
  unobserve: (() => void) | null;
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
    for (const run of [...this._observing.values()]) {
      this._forget(run);
    }
    this._replies.dispose();
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
   * An earlier run of the cell that never ended (a kernel restart cancels
   * it) is dropped first, tracked or not.
   */
  private _onScheduled(
    _: unknown,
    args: { notebook: { model: INotebookModel | null }; cell: IExecutingCell }
  ): void {
    const notebook = args.notebook.model;
    const cell = args.cell.model;
    this._forget(this._pending.get(cell));
    this._pending.delete(cell);
    if (
      !notebook ||
      cell.type !== 'code' ||
      !this._options.isTracked(notebook)
    ) {
      return;
    }
    const run: IPendingRun = {
      notebook,
      src: fingerprint(cell.sharedModel.getSource()),
      at: this._now().getTime(),
      executing: null,
      settled: false,
      unobserve: null
    };
    this._pending.set(cell, run);
    const kernel = this._options.kernelOf?.(notebook) ?? null;
    const map = (cell.sharedModel as { ymodel?: IObservableCellMap }).ymodel;
    if (kernel && args.cell.outputArea && typeof map?.observe === 'function') {
      this._replies.watch(kernel);
      const observer = (event: ICellMapEvent) => {
        if (event.keysChanged.has('execution_count')) {
          this._onCount(cell, run, map, event.transaction.local);
        }
      };
      map.observe(observer);
      run.executing = args.cell;
      run.unobserve = () => map.unobserve(observer);
      this._observing.set(args.cell, run);
      args.cell.disposed.connect(this._onCellDisposed, this);
    }
  }

  /**
   * The count is set. When this page set it to the count of the reply to
   * the cell's request, write the record with the idle state the cell's
   * widget would write next, in one transaction. Called while the shared
   * model calls its observers, so nothing may throw out of here.
   */
  private _onCount(
    cell: ICellModel,
    run: IPendingRun,
    map: IObservableCellMap,
    local: boolean
  ): void {
    const count = map.get('execution_count');
    const requestId = run.executing?.outputArea?.future?.msg?.header?.msg_id;
    if (
      !local ||
      run.settled ||
      typeof count !== 'number' ||
      typeof requestId !== 'string' ||
      this._pending.get(cell) !== run ||
      cell.isDisposed ||
      run.notebook.isDisposed
    ) {
      return;
    }
    const reply = this._replies.take(requestId);
    if (
      !reply ||
      reply.count !== count ||
      !isCountedRun(reply.status === 'ok', reply.ename)
    ) {
      return;
    }
    run.settled = true;
    try {
      // Runs of this notebook waiting for their batch are older: first.
      this.flush(run.notebook);
      const ended = this._endRun(run, {
        ok: reply.status === 'ok',
        errorName: reply.ename,
        errorValue: reply.evalue,
        count
      });
      cell.sharedModel.transact(() => {
        recordRun(run.notebook, cell, ended, this._options.log);
        (cell as ICodeCellModel).executionState = 'idle';
      }, false);
    } catch (reason) {
      console.error(reason);
    }
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
    const run = this._pending.get(cell);
    this._pending.delete(cell);
    this._forget(run);
    if (
      !notebook ||
      !run ||
      run.settled ||
      cell.isDisposed ||
      !isCountedRun(args.success, args.error?.errorName)
    ) {
      return;
    }
    const ended = this._ended.get(notebook) ?? [];
    ended.push({
      cell,
      run: this._endRun(run, {
        ok: args.success,
        errorName: args.error?.errorName,
        errorValue: args.error?.errorValue,
        count: (cell as ICodeCellModel).executionCount
      })
    });
    this._ended.set(notebook, ended);
    this._write.schedule();
  }

  /** The record of a run that ends now. */
  private _endRun(
    run: IPendingRun,
    result: {
      ok: boolean;
      errorName: unknown;
      errorValue: unknown;
      count: number | null;
    }
  ): IEndedRun['run'] {
    const end = this._now().getTime();
    // Queued cells run one after another: one starts when the one before ends.
    const start = Math.min(
      end,
      Math.max(run.at, this._busyUntil.get(run.notebook) ?? 0)
    );
    this._busyUntil.set(run.notebook, end);
    return {
      start: new Date(start),
      end: new Date(end),
      ok: result.ok,
      error: result.ok
        ? undefined
        : errorLabel(
            textOrNothing(result.errorName),
            textOrNothing(result.errorValue)
          ),
      src: run.src,
      count: result.count
    };
  }

  /** A cell deleted, or its view closed: its run can no longer end here. */
  private _onCellDisposed(executing: IExecutingCell): void {
    this._forget(this._observing.get(executing));
  }

  /** Stop observing a run's cell. */
  private _forget(run: IPendingRun | undefined): void {
    if (!run?.executing) {
      return;
    }
    run.unobserve?.();
    run.unobserve = null;
    run.executing.disposed.disconnect(this._onCellDisposed, this);
    this._observing.delete(run.executing);
    run.executing = null;
  }

  private _options: ExecutionRecorder.IOptions;
  private _now: () => Date;
  private _write: DeferredTask;
  private _isDisposed = false;
  private _ended = new Map<INotebookModel, IEndedRun[]>();
  private _pending = new WeakMap<ICellModel, IPendingRun>();
  /** The runs observed at the count, by their cell's widget. */
  private _observing = new Map<IExecutingCell, IPendingRun>();
  private _replies = new ExecuteReplies();
  private _busyUntil = new WeakMap<INotebookModel, number>();
}

/**
 * Whether a run counts: a failure without an error name is a run aborted
 * by an earlier error or an interrupt, and the cell did not run.
 */
function isCountedRun(ok: boolean, errorName: unknown): boolean {
  return ok || errorName !== undefined;
}

/** A kernel's reply is not ours to trust: only text makes a label. */
function textOrNothing(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
