/**
 * Work done once for many changes: at the next frame, just before the page
 * paints, or after a delay.
 *
 * A run-all changes a step every few milliseconds. A view that wrote the DOM
 * on each change left layout dirty for the notebook's own reads to recompute
 * (a code cell measures its height after each output): the profile of a
 * run-all showed that as JupyterLab's time, not ours. Written once a frame,
 * the change is laid out with the frame's own layout. Writes to the notebook
 * wait a delay instead, since frames stop while the page is in a hidden tab.
 */
import type { IDisposable } from '@lumino/disposable';

export class DeferredTask implements IDisposable {
  /**
   * @param delay - milliseconds to wait; none: until the next frame.
   */
  constructor(run: () => void, delay?: number) {
    this._run = run;
    this._delay = delay;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Do the work at the next frame or after the delay; calls before then do it once. */
  schedule(): void {
    if (this._pending !== null || this._isDisposed) {
      return;
    }
    const run = () => {
      this._pending = null;
      this._run();
    };
    // Without frames (a test's DOM), a timer of a frame's length.
    this._pending =
      this._delay === undefined && typeof requestAnimationFrame === 'function'
        ? { frame: requestAnimationFrame(run) }
        : { timer: setTimeout(run, this._delay ?? 16) };
  }

  /** Forget the scheduled work. */
  cancel(): void {
    if (this._pending && 'frame' in this._pending) {
      cancelAnimationFrame(this._pending.frame);
    } else if (this._pending) {
      clearTimeout(this._pending.timer);
    }
    this._pending = null;
  }

  dispose(): void {
    this.cancel();
    this._isDisposed = true;
  }

  private _run: () => void;
  private _delay: number | undefined;
  private _pending:
    { frame: number } | { timer: ReturnType<typeof setTimeout> } | null = null;
  private _isDisposed = false;
}
