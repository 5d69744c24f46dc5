/**
 * The progress sidebar on a real JupyterLab with the real bash kernel,
 * driven as a student would: run cells, see the sidebar and status bar,
 * reload, tick a manual step, switch notebooks.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { openNotebook, prepare } from './lab';

const SIDEBAR = 'jp-testbed-sidebar';

test.use({
  autoGoto: false,
  // These cells run unfilled on purpose (the project check must fail);
  // asking before such runs is tested in placeholders.spec.ts.
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-testbed:placeholders': { checkBeforeRun: 'off' }
  }
});

test.beforeEach(async ({ page, tmpPath }) => prepare(page, tmpPath));

async function openSidebar(page: IJupyterLabPageFixture) {
  const panel = page.locator(`#${SIDEBAR}`);
  // After a reload the layout restorer may already have it open, and a
  // click on an open tab would close it.
  if (!(await panel.isVisible())) {
    await page.sidebar.openTab(SIDEBAR);
  }
  await expect(panel).toBeVisible();
  return panel;
}

const steps = (page: Page, status: string) =>
  page.locator(`#${SIDEBAR} .jp-testbed-Step[data-status="${status}"]`);

test('records runs and a failure, and keeps them after a reload', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  const panel = await openSidebar(page);
  const total = await page.locator(`#${SIDEBAR} .jp-testbed-Step`).count();
  expect(total).toBeGreaterThan(15);
  await expect(panel.locator('.jp-testbed-Progress-count')).toHaveText(
    `0 of ${total} steps done`
  );

  // The openstack stand-in, the exports, then the project check that fails
  // while CHI-XXXXXX is not replaced.
  await page.notebook.runCell(2);
  await page.notebook.runCell(4);
  await page.notebook.runCell(6);

  await expect(steps(page, 'ok')).toHaveCount(2);
  await expect(steps(page, 'error')).toHaveCount(1);
  await expect(
    steps(page, 'error').locator('.jp-testbed-Step-meta')
  ).toHaveText('exit 1');
  await expect(panel.locator('.jp-testbed-Progress-count')).toHaveText(
    `2 of ${total} steps done`
  );
  await expect(page.locator('.jp-testbed-ProgressStatus')).toHaveText(
    `Lab: 2/${total} steps`
  );

  // Editing a cell that ran marks it as changed since its run.
  await page.notebook.setCell(4, 'code', 'export OS_PROJECT_NAME="CHI-123456"');
  await expect(steps(page, 'changed')).toHaveCount(1);
  await page.notebook.runCell(4);
  await expect(steps(page, 'ok')).toHaveCount(2);

  await page.notebook.save();
  // A plain browser reload: JupyterLab restores the notebook and the
  // sidebar by itself (galata's reload would wait for a Launcher instead).
  await Promise.all([
    page.waitForEvent('load'),
    page.evaluate(() => location.reload())
  ]);
  await expect(
    page.getByRole('main').getByRole('tab', { name: '1_provision_cli.ipynb' })
  ).toBeVisible({
    timeout: 30000
  });
  await openSidebar(page);
  await expect(steps(page, 'ok')).toHaveCount(2);
  await expect(steps(page, 'error')).toHaveCount(1);

  // The record is in the file, under one key.
  const nb = (await page.evaluate(async (file: string) => {
    const app = (window as any).jupyterapp;
    const model = await app.serviceManager.contents.get(file, {
      content: true
    });
    return model.content;
  }, `${tmpPath}/1_provision_cli.ipynb`)) as any;
  expect(nb.cells[2].metadata['jupyterlab-testbed'].run.n).toBe(1);
  expect(nb.cells[6].metadata['jupyterlab-testbed'].run.error).toBe('exit 1');
  expect(nb.metadata['jupyterlab-testbed'].log.length).toBe(4);
});

test('a run is recorded when JupyterLab sets its count, in the same change', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  // What the cell holds at the moment its count is set: the record, and
  // the idle state written with it (JupyterLab's own write of it comes next
  // and changes nothing, so the record costs the notebook no change).
  const watch = (index: number) =>
    page.evaluate((i: number) => {
      const notebook = (window as any).jupyterapp.shell.currentWidget.content;
      const cell = notebook.model.cells.get(i);
      const seen: any = { record: null };
      (window as any).__seen = seen;
      cell.stateChanged.connect((_: unknown, args: any) => {
        if (args.name === 'executionCount' && args.newValue !== null) {
          seen.record = cell.getMetadata('jupyterlab-testbed')?.run ?? 'none';
          seen.state = cell.executionState;
        }
      });
    }, index);
  const seen = () => page.evaluate(() => (window as any).__seen);

  await watch(2);
  await page.notebook.runCell(2);
  expect(await seen()).toMatchObject({
    record: { n: 1 },
    state: 'idle'
  });
  // The project check fails while CHI-XXXXXX is not replaced.
  await watch(6);
  await page.notebook.runCell(6);
  expect(await seen()).toMatchObject({
    record: { n: 1, error: 'exit 1' },
    state: 'idle'
  });
});

test('ticks a manual step from the sidebar and shows it in the notebook', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, '0_intro.ipynb');
  const panel = await openSidebar(page);
  const manual = panel.locator('.jp-testbed-Step[data-kind="manual"]').first();
  await expect(manual).toHaveAttribute('data-status', 'todo');
  await manual.locator('.jp-testbed-Step-tick').check();
  await expect(manual).toHaveAttribute('data-status', 'ticked');
  const inCell = page
    .locator('.jp-Notebook .jp-testbed-CellTick input')
    .first();
  await expect(inCell).toBeChecked();

  // And back, from the notebook this time.
  await inCell.uncheck();
  await expect(manual).toHaveAttribute('data-status', 'todo');
});

test('follows the active notebook and lists the lab', async ({
  page,
  tmpPath
}) => {
  await page.notebook.openByPath(`${tmpPath}/0_intro.ipynb`);
  await openNotebook(page, tmpPath, '2_docker_kubernetes.ipynb');
  const panel = await openSidebar(page);
  // The big markdown cell's command blocks are steps of their own.
  await expect(
    panel.locator('.jp-testbed-Step[data-kind="block"]')
  ).not.toHaveCount(0);
  const dockerCount = await panel
    .locator('.jp-testbed-Progress-count')
    .textContent();

  await page.notebook.activate('0_intro.ipynb');
  await expect(panel.locator('.jp-testbed-Progress-count')).not.toHaveText(
    dockerCount!
  );
  await expect(
    panel.locator('.jp-testbed-Step[data-kind="manual"]')
  ).toHaveCount(2);

  const lab = panel.locator('.jp-testbed-Lab-notebook');
  await expect(lab).toHaveCount(3);
  await expect(lab.first().locator('.jp-testbed-Lab-name')).toHaveText(
    '0_intro.ipynb'
  );
  await expect(lab.first()).toHaveAttribute('data-state', 'next');

  // A block's tick from the sidebar is counted.
  await page.notebook.activate('2_docker_kubernetes.ipynb');
  await panel
    .locator('.jp-testbed-Step[data-kind="block"] .jp-testbed-Step-tick')
    .first()
    .check();
  await expect(steps(page, 'ticked')).toHaveCount(1);
  await expect(lab.nth(2).locator('.jp-testbed-Lab-count')).toHaveText(/^1\//);
});

test('a click on a section scrolls to its heading inside a big markdown cell', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, '2_docker_kubernetes.ipynb');
  const panel = await openSidebar(page);
  const title = panel.locator('.jp-testbed-Section-title', {
    hasText: 'Publish a port'
  });
  await title.click();
  const heading = page.locator('.jp-Notebook .jp-RenderedMarkdown h3', {
    hasText: 'Publish a port'
  });
  await expect(heading).toBeInViewport();
});

test('continue jumps to the first step not done', async ({ page, tmpPath }) => {
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  await page.notebook.runCell(2);
  const panel = await openSidebar(page);
  await panel.locator('.jp-testbed-Progress-continue').click();
  await expect(
    page.locator('.jp-Notebook .jp-Cell.jp-mod-active')
  ).toContainText('export OS_AUTH_URL');
});

test('shows a corrupt record as a note and leaves it alone', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  await page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    panel.content.model.cells
      .get(2)
      .setMetadata('jupyterlab-testbed', '<img src=x onerror=alert(1)>');
  });
  const panel = await openSidebar(page);
  await expect(panel.locator('.jp-testbed-Progress-note')).toContainText(
    'cannot be read'
  );
  await page.notebook.runCell(2);
  // A run's record waits for its batch; the save writes what waits.
  await page.notebook.save();
  const value = await page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel.content.model.cells.get(2).getMetadata('jupyterlab-testbed');
  });
  expect(value).toBe('<img src=x onerror=alert(1)>');
  await expect(panel.locator('img')).toHaveCount(0);
});

test('screenshots of the sidebar, light and dark', async ({
  page,
  tmpPath
}, testInfo) => {
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  await page.notebook.runCell(2);
  await page.notebook.runCell(4);
  await page.notebook.runCell(6);
  const panel = await openSidebar(page);
  await expect(steps(page, 'error')).toHaveCount(1);
  await page.locator('.jp-Notebook').click();
  await page.screenshot({ path: testInfo.outputPath('sidebar-light.png') });
  await page.theme.setDarkTheme();
  await expect(panel).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('sidebar-dark.png') });
  await page.theme.setLightTheme();
});
