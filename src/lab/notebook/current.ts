/**
 * Following the notebook on screen. When another notebook comes on screen
 * while it is still loading, what it holds is not known yet: a section that
 * shows it (the form, the nodes' cards) is updated once the page has painted
 * the notebook's first cells, and again when it is ready.
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import { afterNextPaint } from '../deferred';

/** Call now for a loaded notebook (or none), else once it is painted. */
export function followCurrent(
  tracker: INotebookTracker,
  call: () => void
): void {
  const panel = tracker.currentWidget;
  if (!panel || panel.context.isReady) {
    call();
    return;
  }
  afterNextPaint(() => {
    if (panel === tracker.currentWidget && !panel.isDisposed) {
      call();
    }
  });
}
