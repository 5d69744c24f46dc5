/**
 * The progress of one open notebook, derived from its model (never from the
 * DOM: windowed notebooks keep off-screen cells out of the page).
 *
 * Record changes update the affected steps in place and are announced one
 * cell at a time; text changes are coalesced into a rebuild. While inactive
 * (not the notebook on screen) it only notes that it is stale.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IObservableList } from '@jupyterlab/observables';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import {
  ICheckResult,
  METADATA_KEY,
  timestamp
} from '../../core/metadata/format';
import {
  analyzeCell,
  buildOutline,
  ICellAnalysis,
  ICellInput,
  IOutline,
  IOutlineOptions,
  IStep,
  sentTickKey,
  updateCellSteps
} from '../../core/progress/outline';
import { cellById } from '../notebook/cells';
import { SourceWatch } from '../notebook/sourcewatch';
import type { EventLog } from './log';
import { recordCheckResult, recordTick, recordTickEnd } from './records';
import type { IBlockEnd } from '../../core/terminals/shellmarks';

export namespace ProgressModel {
  export interface IOptions {
    model: INotebookModel;
    outlineOptions: () => IOutlineOptions;
    /** The notebooks' event log. */
    log: EventLog | null;
    /** Milliseconds of quiet before text edits rebuild the outline. */
    rebuildDelay?: number;
  }
}

export class ProgressModel implements IDisposable {
  constructor(options: ProgressModel.IOptions) {
    this._options = options;
    this.model = options.model;
    this.model.cells.changed.connect(this._onCellsChanged, this);
    for (let i = 0; i < this.model.cells.length; i++) {
      this._watch(this.model.cells.get(i));
    }
  }

  /** The notebook model followed. */
  readonly model: INotebookModel;

  /** The outline; null until the model is first active. */
  get outline(): IOutline | null {
    return this._outline;
  }

  /** The outline was rebuilt: sections or steps changed. */
  get outlineChanged(): ISignal<this, IOutline> {
    return this._outlineChanged;
  }

  /** Steps changed status in place (counts changed with them). */
  get stepsChanged(): ISignal<this, IStep[]> {
    return this._stepsChanged;
  }

  /** Whether someone is looking: inactive models do no work. */
  get isActive(): boolean {
    return this._isActive;
  }
  set isActive(value: boolean) {
    this._isActive = value;
    if (value && this._stale) {
      this.refresh();
    }
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Rebuild the outline now.
   */
  refresh(): void {
    this._clearTimer();
    this._stale = false;
    const cache = new Map<string, ICellAnalysis>();
    const options = this._options.outlineOptions();
    this._outline = buildOutline(this._inputs(), options, cell => {
      const analysis = this._analysis(cell, options);
      cache.set(cell.id, analysis);
      return analysis;
    });
    this._cache = cache;
    this._outlineChanged.emit(this._outline);
  }

  /**
   * The options changed: rebuild now if active, else when next active.
   */
  invalidate(): void {
    if (this._isActive) {
      this.refresh();
    } else {
      this._stale = true;
    }
  }

  /**
   * Tick or untick a manual step or command block.
   *
   * @returns false when the cell's record cannot be written (unreadable).
   */
  setTicked(step: IStep, ticked: boolean, via = 'tick'): boolean {
    const cell = cellById(this.model, step.cellId);
    if (!cell || step.tickKey === undefined) {
      return false;
    }
    return recordTick(
      this.model,
      cell,
      step.tickKey,
      ticked ? { at: timestamp(new Date()), via } : null,
      this._options.log
    );
  }

  /**
   * Record that a code cell, or a command block of a markdown cell, was
   * sent to a node's terminal.
   *
   * @returns false when there is no such step or its record is unreadable.
   */
  recordSent(cellId: string, text: string, node: string): boolean {
    const cell = cellById(this.model, cellId);
    if (!cell) {
      return false;
    }
    const key = this._sentKey(cell, text);
    return (
      key !== null &&
      recordTick(
        this.model,
        cell,
        key,
        { at: timestamp(new Date()), via: node },
        this._options.log
      )
    );
  }

  /** Record how the block sent last ended (see `recordSent`). */
  recordSentEnd(
    cellId: string,
    text: string,
    node: string,
    end: IBlockEnd
  ): boolean {
    const cell = cellById(this.model, cellId);
    const key = cell ? this._sentKey(cell, text) : null;
    return (
      !!cell &&
      key !== null &&
      recordTickEnd(this.model, cell, key, node, end, this._options.log)
    );
  }

  /**
   * Record the result of the check of a cell's step `key`, in the cell and
   * the log.
   *
   * @returns false when the cell is gone or its record is unreadable.
   */
  recordCheck(cellId: string, key: string, result: ICheckResult): boolean {
    const cell = cellById(this.model, cellId);
    return (
      !!cell &&
      recordCheckResult(this.model, cell, key, result, this._options.log)
    );
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._clearTimer();
    // Closing a notebook may dispose its model (and its cells) first.
    if (!this.model.isDisposed) {
      this.model.cells.changed.disconnect(this._onCellsChanged, this);
    }
    this._sources.dispose();
    Signal.clearData(this);
  }

  /** The tick key of a block of the cell, as sent. */
  private _sentKey(cell: ICellModel, text: string): string | null {
    const options = this._options.outlineOptions();
    const source = cell.sharedModel.getSource();
    return sentTickKey(
      cell.type,
      analyzeCell(cell.type, source, options),
      text
    );
  }

  private _onCellsChanged(
    _: unknown,
    change: IObservableList.IChangedArgs<ICellModel>
  ): void {
    change.newValues.forEach(cell => this._watch(cell));
    this._scheduleRebuild(0);
  }

  private _watch(cell: ICellModel): void {
    // Moves announce the same models again. One handler for every cell's
    // record, as for its source: no closure per cell.
    if (this._sources.add(cell)) {
      cell.metadataChanged.connect(this._onCellMetadata, this);
    }
  }

  private _onCellMetadata(cell: ICellModel, change: { key: string }): void {
    if (change.key === METADATA_KEY) {
      this._onRecordChanged(cell);
    }
  }

  private _onRecordChanged(cell: ICellModel): void {
    if (!this._isActive || !this._outline) {
      this._stale = true;
      return;
    }
    this._updateCell(cell);
  }

  private _onSourceChanged(cell: ICellModel): void {
    if (!this._isActive || !this._outline) {
      this._stale = true;
      return;
    }
    if (cell.type === 'code') {
      this._pendingCode.add(cell);
    }
    this._scheduleRebuild(
      this._options.rebuildDelay ?? 250,
      cell.type !== 'code'
    );
  }

  /**
   * Code edits only change statuses; markdown and structure changes rebuild.
   */
  private _scheduleRebuild(delay: number, structural = true): void {
    this._structural = this._structural || structural;
    if (!this._isActive) {
      this._stale = true;
      return;
    }
    this._clearTimer();
    this._timer = setTimeout(() => {
      this._timer = null;
      const cells = [...this._pendingCode];
      this._pendingCode.clear();
      if (this._structural || !this._outline) {
        this._structural = false;
        this.refresh();
      } else {
        cells.forEach(cell => this._updateCell(cell));
      }
    }, delay);
  }

  private _updateCell(cell: ICellModel): void {
    if (cell.isDisposed || !this._outline) {
      return;
    }
    const options = this._options.outlineOptions();
    const input = Private.input(cell);
    const analysis = this._analysis(input, options);
    const changed = updateCellSteps(this._outline, input, analysis, options);
    if (changed === null) {
      this.refresh();
    } else if (changed.length) {
      this._stepsChanged.emit(changed);
    }
  }

  private _analysis(cell: ICellInput, options: IOutlineOptions): ICellAnalysis {
    const cached = this._cache.get(cell.id);
    if (cached && cached.source === cell.source) {
      return cached;
    }
    const analysis = analyzeCell(cell.type, cell.source, options);
    this._cache.set(cell.id, analysis);
    return analysis;
  }

  private _inputs(): ICellInput[] {
    const inputs: ICellInput[] = [];
    for (let i = 0; i < this.model.cells.length; i++) {
      inputs.push(Private.input(this.model.cells.get(i)));
    }
    return inputs;
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _options: ProgressModel.IOptions;
  private _outline: IOutline | null = null;
  private _cache = new Map<string, ICellAnalysis>();
  private _isActive = false;
  private _isDisposed = false;
  private _stale = true;
  private _structural = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _pendingCode = new Set<ICellModel>();
  private _sources = new SourceWatch(cell => this._onSourceChanged(cell));
  private _outlineChanged = new Signal<this, IOutline>(this);
  private _stepsChanged = new Signal<this, IStep[]>(this);
}

namespace Private {
  export function input(cell: ICellModel): ICellInput {
    return {
      id: cell.id,
      type: cell.type,
      source: cell.sharedModel.getSource(),
      record: cell.getMetadata(METADATA_KEY)
    };
  }
}
