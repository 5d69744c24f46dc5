/**
 * Authoring on a real JupyterLab: an author declares a placeholder and a
 * node in author mode and sees the lab as a student will, then turns the
 * sample lab, used as a student (filled, run with the real bash kernel,
 * ticked), into a clean folder to publish, with trovi.json; the check of
 * the used lab lists the leaks.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import {
  answerConnecting,
  execute,
  notebookText,
  openNotebook,
  prepare
} from './lab';

const METADATA_KEY = 'jupyterlab-testbed';
const AUTHOR = '#jp-testbed-author';
const REPORT = '.jp-testbed-Report';
const VALUES = {
  netID: 'ff524',
  project: 'CHI-231095',
  floatingIp: '129.114.25.134',
  sharednetIp: '10.56.2.117'
};

test.use({ autoGoto: false });

/** A file of the server as text, through the page's contents manager. */
const readText = (page: IJupyterLabPageFixture, path: string) =>
  page.evaluate(
    async (file: string) =>
      (
        await (window as any).jupyterapp.serviceManager.contents.get(file, {
          type: 'file',
          format: 'text',
          content: true
        })
      ).content as string,
    path
  );

/** The names in a folder of the server. */
const listing = (page: IJupyterLabPageFixture, path: string) =>
  page.evaluate(
    async (folder: string) =>
      (
        await (window as any).jupyterapp.serviceManager.contents.get(folder)
      ).content
        .map((item: { name: string }) => item.name)
        .sort(),
    path
  );

const notebookRecord = (page: IJupyterLabPageFixture) =>
  page.evaluate(
    key =>
      (window as any).jupyterapp.shell.currentWidget.content.model.getMetadata(
        key
      ),
    METADATA_KEY
  );

test.describe('a lab author', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:authoring': { authorMode: true }
    }
  });

  test('declares a placeholder and a node and sees the lab as a student will', async ({
    page,
    tmpPath
  }) => {
    await prepare(page, tmpPath);
    await openNotebook(page, tmpPath, '2_docker_kubernetes.ipynb');
    await execute(page, 'testbed:show-sidebar');
    const section = page.locator(AUTHOR);
    await expect(section).toBeVisible();
    const preview = section.locator('.jp-testbed-author-preview');
    await expect(preview).toContainText('Run buttons: node1');
    await expect(preview).toContainText('A.B.C.D: 7 cells');

    await section.getByRole('button', { name: 'Add Placeholder' }).click();
    const token = section.getByLabel('Token').last();
    await token.fill('http://A.B.C.D:32000');
    await section.getByLabel('Label').last().fill('Service URL');
    await section.getByLabel('Pattern').last().fill('http://[0-9.:]+');
    await section.getByLabel('Example').last().fill('not a url');
    await expect(
      section.locator('.jp-mod-invalid .jp-testbed-author-problem')
    ).toContainText('does not match the pattern');
    await section.getByLabel('Example').last().fill('http://10.0.0.1:32000');
    await expect(
      section.locator('.jp-testbed-author-row.jp-mod-invalid')
    ).toHaveCount(0);
    await expect
      .poll(async () => (await notebookRecord(page))?.placeholders?.[0]?.token)
      .toBe('http://A.B.C.D:32000');
    // The longer token wins where both match, as when filling.
    await expect(preview).toContainText('http://A.B.C.D:32000: 2 cells');
    await expect(preview).toContainText('A.B.C.D: 5 cells');

    await section.getByRole('button', { name: 'Add Node' }).click();
    await section.getByLabel('Name').last().fill('node4');
    await section.getByLabel('Host').last().fill('192.168.1.14');
    await section.getByLabel('Jump').last().fill('nowhere');
    await expect(
      section.locator('.jp-mod-invalid .jp-testbed-author-problem')
    ).toContainText('nowhere');
    await section.getByLabel('Jump').last().fill('');
    await expect
      .poll(async () =>
        ((await notebookRecord(page))?.nodes ?? []).map(
          (node: { name: string }) => node.name
        )
      )
      .toContain('node4');
    // The lab's blocks say node1, which the declared list no longer has.
    await expect(preview).toContainText('names no node of this lab');

    // The same declarations for the lab's other notebooks, in their files.
    await section
      .getByRole('button', { name: 'Use in Every Notebook of the Folder' })
      .click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Replace' })
      .click();
    for (const name of ['0_intro.ipynb', '1_provision_cli.ipynb']) {
      await expect
        .poll(async () => {
          const record = JSON.parse(await readText(page, `${tmpPath}/${name}`))
            .metadata[METADATA_KEY];
          return [record?.placeholders?.[0]?.token, record?.nodes?.[0]?.name];
        })
        .toEqual(['http://A.B.C.D:32000', 'node4']);
    }
  });
});

test.describe('a lab author declaring checks', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:authoring': { authorMode: true }
    }
  });

  test('gives a step a check from its context menu, sees it as a student will, then removes it', async ({
    page,
    tmpPath
  }) => {
    const NOTEBOOK = 'web.ipynb';
    await prepare(page, tmpPath, destination =>
      page.contents.uploadContent(
        notebookText([
          {
            cell_type: 'markdown',
            source:
              '## Start the web server\n\nOn node1:\n\n```bash\ndocker run -d -p 80:80 nginx\n```'
          },
          { cell_type: 'code', source: 'echo done' }
        ]),
        'text',
        `${destination}/${NOTEBOOK}`
      )
    );
    await openNotebook(page, tmpPath, NOTEBOOK);
    await execute(page, 'testbed:show-sidebar');
    const cellChecks = () =>
      page.evaluate(
        key =>
          (window as any).jupyterapp.shell.currentWidget.content.model.cells
            .get(0)
            .getMetadata(key)?.checks,
        METADATA_KEY
      );

    await page.notebook.selectCells(0);
    await page
      .locator('.jp-Notebook .jp-Cell')
      .first()
      .click({ button: 'right' });
    await page
      .locator('.lm-Menu-itemLabel', { hasText: 'Check of This Step…' })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Check of a Step');
    await dialog.getByLabel('Command').fill('curl -sf http://localhost/');
    await dialog.getByLabel('Timeout (seconds)').fill('900');
    await expect(
      dialog.locator('.jp-testbed-CheckEditor-problem:not(:empty)')
    ).toHaveText(
      'The timeout is a whole number of seconds from 1 to 300 (blank: 30).'
    );
    await dialog.getByLabel('Timeout (seconds)').fill('20');
    await dialog
      .getByLabel('Hint when it fails')
      .fill('Is the container running? Try docker ps');
    const preview = dialog.locator('.jp-testbed-CheckEditor-preview');
    await expect(preview.locator('li').nth(0)).toContainText(
      '○ not checked yet'
    );
    await expect(preview.locator('li').nth(1)).toContainText(
      '✗ check failed (exit 1) — Is the container running? Try docker ps'
    );
    await expect(preview.locator('pre')).toHaveText(
      'node1: curl -sf http://localhost/'
    );
    await dialog.getByRole('button', { name: 'Save Check' }).click();
    await expect(dialog).toHaveCount(0);

    await expect
      .poll(async () => Object.values((await cellChecks()) ?? {}))
      .toEqual([
        {
          cmd: 'curl -sf http://localhost/',
          on: 'node1',
          t: 20,
          hint: 'Is the container running? Try docker ps'
        }
      ]);
    // The student's side: the step has its Check, not yet run.
    const step = page.locator('#jp-testbed-progress .jp-testbed-Step').first();
    await expect(step.getByRole('button', { name: 'Check' })).toBeVisible();
    await expect(step).toContainText('○ not checked yet');
    const listed = page.locator(`${AUTHOR} ul[aria-label="Checks"] li`);
    await expect(listed).toHaveText([
      /Cell 1: node1: curl -sf http:\/\/localhost\/\s*Edit/
    ]);

    // Edit from the Author section's list, and remove it.
    await listed
      .getByRole('button', { name: 'Edit the check of cell 1' })
      .click();
    await expect(dialog.getByLabel('Command')).toHaveValue(
      'curl -sf http://localhost/'
    );
    await dialog.getByRole('button', { name: 'Remove Check' }).click();
    await expect.poll(cellChecks).toBeUndefined();
    await expect(step.getByRole('button', { name: 'Check' })).toHaveCount(0);
    await expect(listed).toHaveText(['No step has a check.']);
  });
});

test.describe('a lab author who tried the lab as a student', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:placeholders': {
        values: VALUES,
        checkBeforeRun: 'off'
      }
    }
  });

  // The values look like a real student's (the leak check must find them):
  // that floating IP is no machine of ours.
  test.beforeEach(async ({ page }) => answerConnecting(page));

  test('prepares the used lab for publishing: the copy has nothing of the student, the original is kept', async ({
    page,
    tmpPath
  }) => {
    await prepare(page, `${tmpPath}/lab`);
    await openNotebook(page, `${tmpPath}/lab`, '1_provision_cli.ipynb');
    await execute(page, 'testbed:placeholders-fill');
    for (const index of [2, 4, 8, 11]) {
      await page.notebook.runCell(index);
    }
    await page.notebook.selectCells(33);
    await execute(page, 'testbed:progress-tick-cell');
    await page.notebook.save();
    const used = await readText(page, `${tmpPath}/lab/1_provision_cli.ipynb`);
    expect(used).toContain(VALUES.netID);
    expect(used).toContain('"ticks"');

    // The check of the used lab names the leaks, a click from their cells.
    await execute(page, 'testbed:authoring-lint', { path: `${tmpPath}/lab` });
    const check = page.locator(REPORT).last();
    await expect(check.locator('.jp-testbed-Report-status')).toContainText(
      'leaks'
    );
    await expect(
      check.locator('.jp-testbed-Report-finding.jp-mod-leak').first()
    ).toBeVisible();
    await expect(check).toContainText(VALUES.project);

    // The command waits for the dialog: start it without waiting.
    await page.evaluate(path => {
      void (window as any).jupyterapp.commands.execute(
        'testbed:authoring-prepare',
        { path }
      );
    }, `${tmpPath}/lab`);
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.getByLabel('Name of the copy')).toHaveValue(
      'lab-publish'
    );
    await dialog.getByLabel('Title').fill('Provision a cloud lab');
    await dialog
      .getByLabel('Short description (at most 70 characters)')
      .fill('Networks, ports and servers with the openstack CLI');
    await dialog
      .getByLabel('Keywords (Trovi’s tags), separated by commas')
      .fill('education, networking');
    await dialog
      .getByLabel('Authors, one a line: name; affiliation; e-mail')
      .fill('Fraida Fund; NYU');
    await dialog.getByRole('button', { name: 'Prepare' }).click();

    const report = page.locator(REPORT).last();
    await expect(report.locator('.jp-testbed-Report-status')).toContainText(
      'Clean:',
      { timeout: 30000 }
    );
    await expect(report).toContainText('trovi.json written');

    const copy = `${tmpPath}/lab-publish`;
    expect(await listing(page, copy)).toEqual([
      '0_intro.ipynb',
      '1_provision_cli.ipynb',
      '2_docker_kubernetes.ipynb',
      'trovi.json'
    ]);
    for (const name of [
      '0_intro.ipynb',
      '1_provision_cli.ipynb',
      '2_docker_kubernetes.ipynb'
    ]) {
      const text = await readText(page, `${copy}/${name}`);
      for (const value of Object.values(VALUES)) {
        expect(text, `${value} in ${name}`).not.toContain(value);
      }
      const notebook = JSON.parse(text);
      expect(notebook.metadata[METADATA_KEY]?.log).toBeUndefined();
      for (const cell of notebook.cells) {
        const record = cell.metadata[METADATA_KEY] ?? {};
        expect(record.run).toBeUndefined();
        expect(record.ticks).toBeUndefined();
        expect(record.fill).toBeUndefined();
        if (cell.cell_type === 'code') {
          expect(cell.outputs).toEqual([]);
          expect(cell.execution_count).toBeNull();
        }
      }
    }
    const cleaned = JSON.parse(
      await readText(page, `${copy}/1_provision_cli.ipynb`)
    );
    expect(cleaned.cells[11].source.join('')).toBe(
      'openstack network show private_cloud_net_netID'
    );
    // The author's manual step stays a step.
    expect(cleaned.cells[33].metadata[METADATA_KEY]).toEqual({
      v: 1,
      step: 'manual'
    });
    const trovi = JSON.parse(await readText(page, `${copy}/trovi.json`));
    const root = trovi['@graph'].find(
      (entity: { '@id': string }) => entity['@id'] === './'
    );
    expect(root.name).toBe('Provision a cloud lab');
    // The student's lab itself is as it was.
    expect(await readText(page, `${tmpPath}/lab/1_provision_cli.ipynb`)).toBe(
      used
    );
  });

  test('cleans the lab in place: originals kept beside it, the open notebook shows the clean text', async ({
    page,
    tmpPath
  }) => {
    await prepare(page, `${tmpPath}/lab`);
    await openNotebook(page, `${tmpPath}/lab`, '1_provision_cli.ipynb');
    await execute(page, 'testbed:placeholders-fill');
    await page.notebook.save();
    const used = await readText(page, `${tmpPath}/lab/1_provision_cli.ipynb`);
    expect(used).toContain(VALUES.netID);

    await page.evaluate(path => {
      void (window as any).jupyterapp.commands.execute(
        'testbed:authoring-prepare',
        { path }
      );
    }, `${tmpPath}/lab`);
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByText('This folder itself').click();
    await dialog.getByLabel('Write trovi.json').uncheck();
    await dialog.getByRole('button', { name: 'Prepare' }).click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Clean in Place' })
      .click();

    const report = page.locator(REPORT).last();
    await expect(report.locator('.jp-testbed-Report-status')).toContainText(
      'Clean:',
      { timeout: 30000 }
    );
    const cleaned = await readText(
      page,
      `${tmpPath}/lab/1_provision_cli.ipynb`
    );
    for (const value of Object.values(VALUES)) {
      expect(cleaned).not.toContain(value);
    }
    // The open notebook was reloaded: saving it cannot bring the values back.
    expect(
      await page.evaluate(() => {
        const app = (window as any).jupyterapp;
        const panel = [...app.shell.widgets('main')].find((widget: any) =>
          widget.context?.path.endsWith('1_provision_cli.ipynb')
        );
        return panel.content.model.cells.get(11).sharedModel.getSource();
      })
    ).toBe('openstack network show private_cloud_net_netID');
    const backup = (await listing(page, tmpPath)).find((name: string) =>
      name.startsWith('lab.originals-')
    );
    expect(backup).toBeDefined();
    expect(
      await readText(page, `${tmpPath}/${backup}/1_provision_cli.ipynb`)
    ).toBe(used);
  });
});

/** This extension's chunk of author tools or grading views, by its URL (`?v=` follows). */
const LAZY_CHUNK =
  /\/lab\/extensions\/jupyterlab-testbed\/static\/testbed-(authoring|grading)\.[^/?]*\.js(\?|$)/;

test.describe('the author tools, downloaded on first use', () => {
  test('are not downloaded at page load nor for a student’s notebook; turning author mode on downloads them and shows the section', async ({
    page,
    tmpPath
  }) => {
    const chunks: string[] = [];
    page.on('request', request => {
      const match = request.url().match(LAZY_CHUNK);
      if (match) {
        chunks.push(match[1]);
      }
    });
    await prepare(page, tmpPath);
    await openNotebook(page, tmpPath, '2_docker_kubernetes.ipynb');
    await execute(page, 'testbed:show-sidebar');
    await expect(page.locator('#jp-testbed-progress')).toBeVisible();
    expect(chunks).toEqual([]);
    // A student's cell menu has no check editor.
    const editorShown = () =>
      page.evaluate(() =>
        (window as any).jupyterapp.commands.isVisible(
          'testbed:authoring-edit-check'
        )
      );
    expect(await editorShown()).toBe(false);

    await execute(page, 'testbed:authoring-toggle');
    const section = page.locator(AUTHOR);
    await expect(section).toBeVisible();
    await expect(section.locator('.jp-testbed-author-preview')).toContainText(
      'Run buttons: node1'
    );
    // Grading's views are still not needed.
    expect(chunks).toEqual(['authoring']);
    expect(await editorShown()).toBe(true);
  });

  test('that cannot be downloaded are reported, leave author mode off, and load on the next try', async ({
    page,
    tmpPath
  }) => {
    await prepare(page, tmpPath);
    await openNotebook(page, tmpPath, '2_docker_kubernetes.ipynb');
    // As after an update of the extension removed the page's chunk files.
    await page.route(LAZY_CHUNK, route =>
      route.fulfill({ status: 404, body: 'gone' })
    );
    void execute(page, 'testbed:authoring-toggle');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('The author tools could not be loaded');
    await expect(dialog).toContainText('Reload the page');
    await dialog.locator('.jp-Dialog-footer button').click();
    await expect(dialog).toHaveCount(0);
    await expect(page.locator(AUTHOR)).toHaveCount(0);
    expect(
      await page.evaluate(() =>
        (window as any).jupyterapp.commands.isToggled(
          'testbed:authoring-toggle'
        )
      )
    ).toBe(false);

    await page.unroute(LAZY_CHUNK);
    await execute(page, 'testbed:authoring-toggle');
    await expect(page.locator(AUTHOR)).toBeVisible();
  });
});
