/**
 * The sidebar reads the notebook model, not the page: with full windowing
 * most cells of a long notebook are not in the DOM, and it must not matter.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import { openNotebook, prepare } from './lab';

const SIDEBAR = 'jp-testbed-sidebar';
const CELLS = 2000;

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/notebook-extension:tracker': {
      ...galata.DEFAULT_SETTINGS['@jupyterlab/notebook-extension:tracker'],
      windowingMode: 'full'
    }
  }
});

test('counts and updates every step of a 2,000-cell windowed notebook', async ({
  page,
  tmpPath
}) => {
  const cells = Array.from({ length: CELLS }, (_, i) =>
    i % 10 === 0
      ? { cell_type: 'markdown', metadata: {}, source: `## Part ${i / 10}` }
      : {
          cell_type: 'code',
          metadata: {},
          source: `echo step ${i}`,
          outputs: [],
          execution_count: null
        }
  );
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' }
    },
    cells
  };
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(
      JSON.stringify(notebook),
      'text',
      `${destination}/long.ipynb`
    )
  );
  await openNotebook(page, tmpPath, 'long.ipynb');
  await page.sidebar.openTab(SIDEBAR);
  const panel = page.locator(`#${SIDEBAR}`);
  await expect(panel.locator('.jp-testbed-Progress-count')).toHaveText(
    '0 of 1800 steps done'
  );
  // Windowing keeps most cells out of the page.
  expect(await page.locator('.jp-Notebook .jp-Cell').count()).toBeLessThan(
    CELLS / 4
  );

  // Run the last cell, far off-screen when the notebook opened.
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const panel = app.shell.currentWidget;
    await panel.sessionContext.ready;
    panel.content.activeCellIndex = panel.content.widgets.length - 1;
    await app.commands.execute('notebook:run-cell');
  });
  await expect(panel.locator('.jp-testbed-Progress-count')).toHaveText(
    '1 of 1800 steps done',
    { timeout: 30000 }
  );
  await expect(panel.locator('.jp-testbed-Section-count').last()).toHaveText(
    '1/9'
  );

  // Continue goes back to the first step, at the top, which is not rendered now.
  await panel.locator('.jp-testbed-Progress-continue').click();
  await expect(
    page.locator('.jp-Notebook .jp-Cell.jp-mod-active')
  ).toContainText('echo step 1');
});
