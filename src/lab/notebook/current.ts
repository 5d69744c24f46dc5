/**
 * Following the notebook on screen. A notebook that comes on screen still
 * loading holds nothing yet, and the sections that show it (the form, the
 * nodes' cards) are updated again when it is ready: until then, they are
 * updated after the next frame rather than in the task that added it.
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import { afterNextPaint } from '../deferred';

/**
 * Call now for a loaded notebook (or none), else after the next frame
 * unless it is ready by then (its own ready handlers update it).
 */
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
    if (panel === tracker.currentWidget && !panel.context.isReady) {
      call();
    }
  });
}
