/**
 * The placeholders' controller follows the notebook's declarations, and not
 * its event log, which is rewritten about once a second while cells run.
 */
import { NotebookTracker } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { PlaceholdersController } from '../../../src/lab/placeholders/controller';
import { TokenHighlighter } from '../../../src/lab/placeholders/highlight';
import { RenderedValues } from '../../../src/lab/placeholders/rendered';
import { logEvent, openPanel } from '../../helpers';
import { markdownCell, notebookOf } from '../../helpers/lint';

describe('the placeholders of the notebook on screen', () => {
  it('shows a newly declared placeholder’s value, and reads nothing again when only the log changes', async () => {
    const tracker = new NotebookTracker({ namespace: 'placeholders-log' });
    const controller = new PlaceholdersController({
      tracker,
      grading: null,
      trans: nullTranslator.load('jupyterlab_testbed'),
      highlighter: new TokenHighlighter(),
      serverSettings: ServerConnection.makeSettings()
    });
    controller.model.setSettings(
      { values: { netID: 'ff524', webPort: '8443' }, folders: {} },
      controller.model.options
    );
    const { panel, context } = await openPanel(
      'labs/web/lab.ipynb',
      notebookOf([markdownCell('Open port WEB_PORT as netID.')]) as any
    );
    await tracker.add(panel);
    await panel.context.ready;
    const shown = jest.spyOn(RenderedValues.prototype, 'setValues');
    const notebook = panel.content.model!;
    const values = () => shown.mock.calls[shown.mock.calls.length - 1][0];

    // The author declares a placeholder: its value is shown at once.
    notebook.setMetadata(METADATA_KEY, {
      v: 1,
      placeholders: [{ token: 'WEB_PORT', field: 'webPort', label: 'Port' }]
    });
    expect(shown).toHaveBeenCalledTimes(1);
    expect(values().get('WEB_PORT')).toBe('8443');
    expect(values().get('netID')).toBe('ff524');

    // Cells run: the log is written five times, and nothing is read again.
    for (let second = 1; second <= 5; second++) {
      logEvent(notebook, second);
    }
    expect(shown).toHaveBeenCalledTimes(1);

    shown.mockRestore();
    panel.dispose();
    context.dispose();
  });
});
