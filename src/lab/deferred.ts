/**
 * Work done once for many changes: at the next frame, just before the page
 * paints, or after a delay (`DeferredTask`); once changes pause
 * (`QuietTask`); or once the page has painted (`afterNextPaint`).
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

/**
 * Work done once changes have paused for a delay.
 *
 * A change starts no new timer: it notes its time, and the one timer, when
 * it fires before the pause is over, waits for the rest. Opening a long
 * notebook or running it sends thousands of changes; a timer cleared and
 * set again for each was a measurable part of the page's work.
 */
export class QuietTask implements IDisposable {
  /**
   * @param delay - milliseconds without a change before the work is done.
   */
  constructor(run: () => void, delay: number) {
    this._run = run;
    this._delay = delay;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** A change: do the work once changes have paused for the delay. */
  schedule(): void {
    if (this._isDisposed) {
      return;
    }
    this._last = performance.now();
    if (this._timer === null) {
      this._timer = setTimeout(this._fire, this._delay);
    }
  }

  /** Forget the scheduled work. */
  cancel(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  dispose(): void {
    this.cancel();
    this._isDisposed = true;
  }

  private _fire = (): void => {
    // Timers and performance.now() keep different clocks: less than a
    // millisecond left is over.
    const rest = this._last + this._delay - performance.now();
    if (rest >= 1) {
      this._timer = setTimeout(this._fire, rest);
      return;
    }
    this._timer = null;
    this._run();
  };

  private _run: () => void;
  private _delay: number;
  private _last = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
}

/**
 * Call once the page has painted its next frame: on opening a notebook,
 * what the student sees first (its cells, its steps) is painted before
 * what can follow a frame later (the form's counts). A page whose frames
 * have stopped (a tab hidden meanwhile, a paused frame) is called after a
 * second at most.
 */
export function afterNextPaint(call: () => void): void {
  let fallback: ReturnType<typeof setTimeout> | null = null;
  const once = () => {
    if (fallback !== null) {
      clearTimeout(fallback);
      fallback = null;
      call();
    }
  };
  const framed =
    typeof requestAnimationFrame === 'function' && !document.hidden;
  fallback = setTimeout(once, framed ? FRAMELESS_WAIT : 0);
  if (framed) {
    requestAnimationFrame(() => setTimeout(once, 0));
  }
}

/** How long `afterNextPaint` waits for a frame that may never come. */
const FRAMELESS_WAIT = 1000;
