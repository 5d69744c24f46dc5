/**
 * Following the source of many cells with one handler for all: a long
 * notebook has thousands of cells, all connected as it opens, and a closure
 * per cell was a measurable part of that. A run changes outputs and counts
 * in the same shared model several times; only source changes are passed on.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';

/** A cell's shared model, the sender of its source changes. */
type SharedCell = ICellModel['sharedModel'];

export class SourceWatch implements IDisposable {
  constructor(onSourceChanged: (cell: ICellModel) => void) {
    this._onSourceChanged = onSourceChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Watch a cell; false when it already is (a move announces it again). */
  add(cell: ICellModel): boolean {
    if (this._isDisposed || this._cells.has(cell.sharedModel)) {
      return false;
    }
    this._cells.set(cell.sharedModel, cell);
    cell.sharedModel.changed.connect(this._onChanged, this);
    return true;
  }

  dispose(): void {
    this._isDisposed = true;
    Signal.disconnectReceiver(this);
  }

  private _onChanged(
    shared: SharedCell,
    change: { sourceChange?: unknown }
  ): void {
    const cell = change.sourceChange ? this._cells.get(shared) : undefined;
    if (cell) {
      this._onSourceChanged(cell);
    }
  }

  private _onSourceChanged: (cell: ICellModel) => void;
  private _cells = new WeakMap<SharedCell, ICellModel>();
  private _isDisposed = false;
}
