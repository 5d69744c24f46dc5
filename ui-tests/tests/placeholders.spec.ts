/**
 * Filling the student's values into the sample lab and running the filled
 * cells with the real bash kernel; restoring the originals.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import { openNotebook, prepare } from './lab';

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-testbed:placeholders': {
      values: {
        netID: 'ff524',
        project: 'CHI-231095',
        sharednetIp: '10.56.2.117'
      }
    }
  }
});

test.beforeEach(async ({ page, tmpPath }) => {
  await prepare(page, tmpPath);
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
});

const source = (page: any, index: number) =>
  page.evaluate(
    (i: number) =>
      (window as any).jupyterapp.shell.currentWidget.content.model.cells
        .get(i)
        .sharedModel.getSource(),
    index
  );

test('fills the code cells and the filled cells run with the student’s values', async ({
  page
}) => {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('testbed:placeholders-fill')
  );
  expect(await source(page, 4)).toContain(
    'export OS_PROJECT_NAME="CHI-231095"'
  );
  expect(await source(page, 10)).toContain('grep ff524');

  // The project check fails until the project is filled: now it passes.
  await page.notebook.runCell(2);
  await page.notebook.runCell(4);
  await page.notebook.runCell(6);
  expect((await page.notebook.getCellTextOutput(6))?.join('')).toContain(
    'Project: CHI-231095'
  );
  await page.notebook.runCell(11);
  expect((await page.notebook.getCellTextOutput(11))?.join('')).toContain(
    'private_cloud_net_ff524'
  );
});

test('restores the original text and keeps a cell edited by hand', async ({
  page
}) => {
  const original = await source(page, 11);
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('testbed:placeholders-fill')
  );
  expect(await source(page, 11)).not.toContain('netID');
  await page.notebook.setCell(
    10,
    'code',
    'openstack network list | grep ff524 # mine'
  );

  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('testbed:placeholders-reset')
  );
  await expect(page.locator('.Toastify__toast').last()).toContainText(
    'edited by hand'
  );
  expect(await source(page, 11)).toBe(original);
  expect(await source(page, 10)).toBe(
    'openstack network list | grep ff524 # mine'
  );
});
