/**
 * What the Author section follows of the notebook on screen: its
 * jupyterlab-testbed record (where the declarations are), every cell's
 * source and record (what the preview and the marked cells show), and the
 * panel closing. Cells added later are followed too, each once.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { IObservableList } from '@jupyterlab/observables';
import { METADATA_KEY } from '../../core/metadata/format';

export namespace NotebookWatch {
  export interface IHandlers {
    /** The notebook's jupyterlab-testbed record changed. */
    recordChanged: () => void;
    /** A cell was added, removed, edited or its record changed. */
    cellsChanged: () => void;
    /** The panel was disposed. */
    closed: () => void;
  }
}

export class NotebookWatch {
  constructor(handlers: NotebookWatch.IHandlers) {
    this._handlers = handlers;
  }

  watch(panel: NotebookPanel): void {
    const model = panel.content.model;
    panel.disposed.connect(this._onPanelDisposed, this);
    if (!model) {
      return;
    }
    model.metadataChanged.connect(this._onMetadataChanged, this);
    model.cells.changed.connect(this._onCellsChanged, this);
    for (let i = 0; i < model.cells.length; i++) {
      this._watchCell(model.cells.get(i));
    }
  }

  unwatch(panel: NotebookPanel): void {
    panel.disposed.disconnect(this._onPanelDisposed, this);
    const model = panel.content.model;
    if (model && !model.isDisposed) {
      model.metadataChanged.disconnect(this._onMetadataChanged, this);
      model.cells.changed.disconnect(this._onCellsChanged, this);
      for (let i = 0; i < model.cells.length; i++) {
        const cell = model.cells.get(i);
        cell.contentChanged.disconnect(this._onCellChanged, this);
        cell.metadataChanged.disconnect(this._onCellChanged, this);
      }
    }
    this._watched = new WeakSet();
  }

  private _watchCell(cell: ICellModel): void {
    if (this._watched.has(cell)) {
      return;
    }
    this._watched.add(cell);
    cell.contentChanged.connect(this._onCellChanged, this);
    cell.metadataChanged.connect(this._onCellChanged, this);
  }

  private _onPanelDisposed(): void {
    this._handlers.closed();
  }

  private _onCellsChanged(
    _: unknown,
    change: IObservableList.IChangedArgs<ICellModel>
  ): void {
    change.newValues.forEach(cell => this._watchCell(cell));
    this._handlers.cellsChanged();
  }

  private _onCellChanged(): void {
    this._handlers.cellsChanged();
  }

  private _onMetadataChanged(_: unknown, change: { key: string }): void {
    if (change.key === METADATA_KEY) {
      this._handlers.recordChanged();
    }
  }

  private _handlers: NotebookWatch.IHandlers;
  private _watched = new WeakSet<ICellModel>();
}
