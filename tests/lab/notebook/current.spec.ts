import type { INotebookTracker } from '@jupyterlab/notebook';
import { followCurrent } from '../../../src/lab/notebook/current';

/** A tracker whose notebook on screen is loaded or still loading. */
function trackerWith(isReady: boolean) {
  const panel = { context: { isReady }, isDisposed: false };
  const fake = { currentWidget: panel as object | null };
  return { panel, fake, tracker: fake as unknown as INotebookTracker };
}

describe('followCurrent', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('follows a loaded notebook, or none, at once', () => {
    const call = jest.fn();
    followCurrent(trackerWith(true).tracker, call);
    const none = trackerWith(true);
    none.fake.currentWidget = null;
    followCurrent(none.tracker, call);
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('follows a notebook still loading once the page has painted it', () => {
    const call = jest.fn();
    followCurrent(trackerWith(false).tracker, call);
    expect(call).not.toHaveBeenCalled();
    jest.advanceTimersByTime(20);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('does not follow one closed, replaced on screen or ready by the next frame', () => {
    const call = jest.fn();
    const closed = trackerWith(false);
    followCurrent(closed.tracker, call);
    closed.fake.currentWidget = null;
    // Its own ready handlers update what shows it.
    const ready = trackerWith(false);
    followCurrent(ready.tracker, call);
    ready.panel.context.isReady = true;
    const replaced = trackerWith(false);
    followCurrent(replaced.tracker, call);
    replaced.fake.currentWidget = trackerWith(true).panel;
    jest.advanceTimersByTime(2000);
    expect(call).not.toHaveBeenCalled();
  });
});
