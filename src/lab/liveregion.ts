/**
 * The one polite live region of a section. A screen reader hears a summary
 * once changes settle, not each change: during a run-all the progress
 * changes with every cell, and a sentence per cell would drown the student's
 * own reading. The summary is computed only when it is announced, so a
 * burst of changes costs nothing per change.
 */
import type { IDisposable } from '@lumino/disposable';
import { el } from './dom';

/** Quiet time after the last change before its summary is announced. */
export const SETTLE_MS = 1500;
/** Shortest time between two announcements while changes keep coming. */
export const MIN_GAP_MS = 10000;

export class LiveSummary implements IDisposable {
  constructor(options: { settleMs?: number; minGapMs?: number } = {}) {
    this._settleMs = options.settleMs ?? SETTLE_MS;
    this._minGapMs = options.minGapMs ?? MIN_GAP_MS;
    this.node = el('div', 'jp-testbed-srOnly');
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.node.setAttribute('aria-atomic', 'true');
  }

  /** The region: put it in the section once; it is not drawn. */
  readonly node: HTMLElement;

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Announce `summary()` once nothing else has changed for a moment, and
   * not sooner than the gap after the last announcement. The same text as
   * the last one is not repeated.
   */
  changed(summary: () => string): void {
    if (this._disposed) {
      return;
    }
    this._summary = summary;
    window.clearTimeout(this._timer);
    const sinceLast = Date.now() - this._lastAt;
    const delay = Math.max(this._settleMs, this._minGapMs - sinceLast);
    this._timer = window.setTimeout(() => this._announce(), delay);
  }

  dispose(): void {
    this._disposed = true;
    window.clearTimeout(this._timer);
    this._summary = null;
  }

  private _announce(): void {
    const text = this._summary?.() ?? '';
    this._summary = null;
    if (!text || text === this._lastText) {
      return;
    }
    this._lastText = text;
    this._lastAt = Date.now();
    this.node.textContent = text;
  }

  private _settleMs: number;
  private _minGapMs: number;
  private _summary: (() => string) | null = null;
  private _timer = 0;
  private _lastText = '';
  private _lastAt = -Infinity;
  private _disposed = false;
}
