/**
 * The notebook's event log, written in batches: rewriting the whole capped
 * log on every execution made a run-all measurably slower. Events wait at
 * most `delay` ms, and are written before any save, so a saved file never
 * misses one.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { DeferredTask } from '../deferred';
import {
  METADATA_KEY,
  readNotebookRecord,
  withLogEntries
} from '../../core/metadata/format';

/** An event for the notebook's log. */
export interface ILogEvent {
  at: Date;
  result: string;
  ref: string;
}

export namespace EventLog {
  export interface IOptions {
    /** How many events a notebook keeps. */
    limit: () => number;
    /** Longest wait before pending events are written, in ms. */
    delay?: number;
  }
}

export class EventLog implements IDisposable {
  constructor(options: EventLog.IOptions) {
    this._limit = options.limit;
    this._write = new DeferredTask(() => this.flush(), options.delay ?? 1000);
  }

  get isDisposed(): boolean {
    return this._write.isDisposed;
  }

  /**
   * Queue an event for the notebook's log.
   */
  add(notebook: INotebookModel, event: ILogEvent): void {
    const pending = this._pending.get(notebook) ?? [];
    pending.push(event);
    this._pending.set(notebook, pending);
    this._write.schedule();
  }

  /**
   * Write the pending events of one notebook, or of all.
   *
   * An unreadable notebook record keeps its content: its events are dropped.
   */
  flush(notebook?: INotebookModel): void {
    const targets = notebook ? [notebook] : [...this._pending.keys()];
    for (const target of targets) {
      const events = this._pending.get(target);
      this._pending.delete(target);
      const limit = this._limit();
      if (!events || target.isDisposed || limit <= 0) {
        continue;
      }
      const read = readNotebookRecord(target.getMetadata(METADATA_KEY));
      if (read.status !== 'ok' && read.status !== 'absent') {
        continue;
      }
      target.sharedModel.transact(() => {
        target.setMetadata(
          METADATA_KEY,
          withLogEntries(read.record, events, limit) as any
        );
      }, false);
    }
  }

  dispose(): void {
    this._write.dispose();
    this._pending.clear();
  }

  private _limit: () => number;
  private _write: DeferredTask;
  private _pending = new Map<INotebookModel, ILogEvent[]>();
}
