import { NotebookModel } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { ProgressStatus } from '../../../src/lab/progress/statusbar';
import { bigNotebook, markRan, progressOf } from '../../helpers';

describe('ProgressStatus', () => {
  afterEach(() => jest.useRealTimers());

  it('shows the counts of a run-all’s runs once a frame, and the last counts', () => {
    jest.useFakeTimers();
    const model = new NotebookModel();
    model.fromJSON(bigNotebook(40));
    const progress = progressOf(model);
    const status = new ProgressStatus(
      nullTranslator.load('jupyterlab_testbed'),
      () => undefined
    );
    Widget.attach(status, document.body);
    status.model = progress;
    expect(status.node.textContent).toBe('Lab: 0/36 steps');
    let writes = 0;
    const seen = new MutationObserver(records => (writes += records.length));
    seen.observe(status.node, { childList: true, characterData: true });
    for (const index of [1, 2, 3]) {
      markRan(model, model.cells.get(index));
    }
    expect(status.node.textContent).toBe('Lab: 0/36 steps');
    jest.advanceTimersByTime(20);
    expect(status.node.textContent).toBe('Lab: 3/36 steps');
    // Runs between two frames: one write.
    jest.useRealTimers();
    return Promise.resolve().then(() => {
      expect(writes).toBe(1);
      seen.disconnect();
      status.dispose();
      progress.dispose();
    });
  });
});
