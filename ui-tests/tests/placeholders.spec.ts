/**
 * Placeholders as a student meets them: values typed once in the sidebar,
 * the sample lab filled and run with the real bash kernel, refilled when a
 * value changes (hand edits kept), restored, undone, shown in the
 * instructions, and a question before a cell runs with a placeholder.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import { cellSource, execute, openNotebook, prepare } from './lab';

const FORM = '#jp-testbed-placeholders';

test.use({ autoGoto: false });

test.beforeEach(async ({ page, tmpPath }) => {
  await prepare(page, tmpPath);
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
});

const executionCount = (page: IJupyterLabPageFixture, index: number) =>
  page.evaluate(
    (i: number) =>
      (window as any).jupyterapp.shell.currentWidget.content.model.cells.get(i)
        .executionCount,
    index
  );

/** Start a cell the way shift-enter does, without waiting for it to end. */
async function startCell(page: IJupyterLabPageFixture, index: number) {
  await page.notebook.selectCells(index);
  await page.evaluate(() => {
    void (window as any).jupyterapp.commands.execute('notebook:run-cell');
  });
}

async function openForm(page: IJupyterLabPageFixture) {
  await execute(page, 'testbed:placeholders-show');
  const form = page.locator(FORM);
  await expect(form).toBeVisible();
  return form;
}

test.describe('a new student', () => {
  test('enters values in the form, fills the lab and runs it; a changed value refills, a hand edit stays', async ({
    page
  }) => {
    const form = await openForm(page);
    const netID = form.getByLabel('Net ID');
    await netID.fill('ff 524');
    await expect(
      form.locator('.jp-testbed-Placeholder-message').first()
    ).toContainText('Net ID cannot contain a space or line break');
    await netID.fill('ff524');
    await expect(
      form.locator('.jp-testbed-Placeholder-message').first()
    ).toBeEmpty();
    await form.getByLabel('Chameleon project').fill('CHI-231095');
    await form.getByLabel('Sharednet address of node1').fill('10.56.2.117');
    await expect(
      form.getByText('Still in 13 code cells: show the next')
    ).toBeVisible();
    await form.getByRole('button', { name: 'Fill', exact: true }).click();

    await expect
      .poll(() => cellSource(page, 4))
      .toContain('OS_PROJECT_NAME="CHI-231095"');
    expect(await cellSource(page, 11)).toBe(
      'openstack network show private_cloud_net_ff524'
    );
    await expect(
      form.locator('.jp-testbed-Placeholder-unfilled:visible')
    ).toHaveCount(0);

    // The filled cells run with the student's values in the real bash kernel.
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

    // The student adapts one filled cell by hand, then changes two values.
    await page.notebook.setCell(
      10,
      'code',
      'openstack network list | grep ff524 # mine'
    );
    await form.getByLabel('Sharednet address of node1').fill('10.56.2.200');
    await netID.fill('gg777');
    await expect
      .poll(() => cellSource(page, 30), { timeout: 10_000 })
      .toBe('openstack floating ip list --fixed-ip-address 10.56.2.200');
    await expect
      .poll(() => cellSource(page, 11))
      .toBe('openstack network show private_cloud_net_gg777');
    expect(await cellSource(page, 10)).toBe(
      'openstack network list | grep ff524 # mine'
    );
  });

  test('is asked before a cell with a placeholder runs, and can fill first', async ({
    page
  }) => {
    await startCell(page, 4);
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Cell 5 still holds “CHI-XXXXXX”.');
    // No value yet: filling is not offered.
    await expect(
      dialog.getByRole('button', { name: 'Fill, Then Run' })
    ).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Do Not Run' }).click();
    await expect(dialog).toHaveCount(0);
    expect(await executionCount(page, 4)).toBeNull();

    const form = await openForm(page);
    await form.getByLabel('Chameleon project').fill('CHI-231095');
    await form.getByLabel('Chameleon project').press('Enter');
    await expect(
      form.locator('.jp-testbed-Placeholder-source').first()
    ).toBeHidden();

    await startCell(page, 4);
    await dialog.getByRole('button', { name: 'Fill, Then Run' }).click();
    await expect.poll(() => executionCount(page, 4)).not.toBeNull();
    expect(await cellSource(page, 4)).toContain('OS_PROJECT_NAME="CHI-231095"');
  });
});

test.describe('a course that blocks unfilled runs', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:placeholders': { checkBeforeRun: 'block' }
    }
  });

  test('never runs a cell as it is while it holds a placeholder', async ({
    page
  }) => {
    await startCell(page, 4);
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Cell 5 still holds “CHI-XXXXXX”.');
    await expect(dialog.getByRole('button')).toHaveText(['Do Not Run']);
    await dialog.getByRole('button', { name: 'Do Not Run' }).click();
    expect(await executionCount(page, 4)).toBeNull();
    // A cell without placeholders runs without a question.
    await page.notebook.runCell(2);
    expect(await executionCount(page, 2)).not.toBeNull();
  });
});

test.describe('a student with values', () => {
  test.use({
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

  test('sees their values in the instructions while the markdown stays as written', async ({
    page
  }) => {
    const cell = page.locator('.jp-MarkdownCell').nth(5);
    await cell.scrollIntoViewIfNeeded();
    await expect(
      cell.locator('mark.jp-testbed-FilledValue').first()
    ).toHaveText('ff524');
    await expect(cell.locator('code').first()).toHaveText(
      'private_cloud_net_ff524'
    );
    expect(await cellSource(page, 9)).toContain(
      '<code>private_cloud_net_<b>netID</b></code>'
    );
    // The code cell's token is highlighted until it is filled.
    await expect(
      page.locator('.jp-CodeCell .jp-testbed-UnfilledToken').first()
    ).toBeVisible();
  });

  test('restores the original text and keeps a cell edited by hand; one undo reverts a fill', async ({
    page
  }) => {
    const original = await cellSource(page, 11);
    await execute(page, 'testbed:placeholders-fill');
    expect(await cellSource(page, 11)).toBe(
      'openstack network show private_cloud_net_ff524'
    );
    await execute(page, 'testbed:placeholders-undo');
    expect(await cellSource(page, 11)).toBe(original);

    await execute(page, 'testbed:placeholders-fill');
    await page.notebook.setCell(
      10,
      'code',
      'openstack network list | grep ff524 # mine'
    );
    await execute(page, 'testbed:placeholders-reset');
    await expect(page.locator('.Toastify__toast').last()).toContainText(
      'edited by hand'
    );
    expect(await cellSource(page, 11)).toBe(original);
    expect(await cellSource(page, 10)).toBe(
      'openstack network list | grep ff524 # mine'
    );
  });
});
