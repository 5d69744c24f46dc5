/**
 * Run in a Jupyter terminal: a fenced block for the Jupyter side runs in a
 * terminal of this server named for the lab, with the student's values,
 * is ticked in Progress, and a second click reuses the terminal. No ssh:
 * the SSH testbed is not needed.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import {
  notebookText,
  openNotebook,
  openTerminalsSection,
  prepare,
  removeTerminals,
  terminalNames,
  terminalText
} from './lab';

const SIDEBAR = 'jp-testbed-sidebar';
const NOTEBOOK = 'jupyter-side.ipynb';
const RUN = '.jp-Notebook .jp-testbed-JupyterRunButton';

// The lab opens once its folder exists (prepare): under a hub's base URL
// the fixture cannot make it first, and a page opened on a missing folder
// waits behind an error dialog.
test.use({
  autoGoto: false,
  // The server starts a lab's Jupyter terminal (with the bash that reports
  // how blocks end) and the page connects to it by name: galata's tracking
  // of terminals would list only those made through its own routes, and
  // the page would then start a second one under the same name.
  terminals: async ({}, use) => use(null as any),
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-testbed:placeholders': { values: { project: 'CHI-231095' } }
  }
});

/** The session names of the terminal tabs titled “… (Jupyter)”. */
function jupyterTabs(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() => {
    const app = (window as any).jupyterapp;
    const names: string[] = [];
    for (const widget of Array.from(
      app.shell.widgets('main') as Iterable<any>
    )) {
      const name = widget.content?.session?.name;
      if (
        typeof name === 'string' &&
        widget.title.label.endsWith(' (Jupyter)')
      ) {
        names.push(name);
      }
    }
    return names;
  });
}

test.beforeEach(async ({ page, request, baseURL, tmpPath }) => {
  test.setTimeout(120_000);
  await removeTerminals(request, baseURL!);
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(
      notebookText([
        {
          cell_type: 'markdown',
          source:
            '## Set up\n\n```bash\n# runs in Chameleon Jupyter environment\n' +
            'echo "project-CHI-XXXXXX sum-$((6 * 7))"\necho "in-$PWD"\n```'
        },
        {
          cell_type: 'markdown',
          source:
            '## On your computer\n\n```bash\n# runs in your local terminal\nls\n```'
        }
      ]),
      'text',
      `${destination}/${NOTEBOOK}`
    )
  );
});

test.afterEach(async ({ page, request, baseURL }) => {
  await page
    .evaluate(() => {
      const app = (window as any).jupyterapp;
      for (const widget of Array.from(
        app.shell.widgets('main') as Iterable<any>
      )) {
        if (widget.content?.session?.name !== undefined) {
          widget.dispose();
        }
      }
    })
    .catch(() => undefined);
  await removeTerminals(request, baseURL!);
});

test('a Jupyter-side block runs in the lab’s Jupyter terminal, filled, and Progress counts it', async ({
  page,
  request,
  baseURL,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  const run = page.locator(RUN);
  // Only the block for the Jupyter side; the local one gets Copy only.
  await expect(run).toHaveCount(1);
  await expect(run).toHaveText('Run in a Jupyter terminal');
  await expect(page.locator('.jp-Notebook .jp-testbed-RunButton')).toHaveCount(
    0
  );
  await run.click();

  await expect
    .poll(() => jupyterTabs(page), { timeout: 30_000 })
    .toHaveLength(1);
  const [name] = await jupyterTabs(page);
  expect(name).toMatch(/^\w+_jupyter$/);
  const lab = tmpPath.split('/').pop()!;
  await expect(
    page.locator('.lm-TabBar-tab', { hasText: `${lab} (Jupyter)` })
  ).toHaveCount(1);
  await expect
    .poll(() => terminalText(page, name), { timeout: 30_000 })
    .toMatch(/^project-CHI-231095 sum-42$/m);
  // It starts in the notebook's folder, as the notebook's kernel does.
  expect(await terminalText(page, name)).toMatch(
    new RegExp(`^in-/.*/${tmpPath}$`, 'm')
  );

  await page.notebook.activate(NOTEBOOK);
  await openTerminalsSection(page);
  const step = page
    .locator(`#${SIDEBAR} .jp-testbed-Step[data-kind="block"]`)
    .filter({ hasText: 'project-' });
  await expect(step).toHaveAttribute('data-status', 'ticked');
  await expect(step.locator('.jp-testbed-Step-label')).toHaveAttribute(
    'title',
    /sent to jupyter/
  );
  // The terminal's bash reported how the block ended.
  await expect(step.locator('.jp-testbed-Step-meta')).toHaveText('✓ exit 0');
  await expect(step.locator('.jp-testbed-Step-label')).toHaveAttribute(
    'title',
    /✓ exit 0 in [\d.]+ s/
  );
  await expect(
    page.locator(`#${SIDEBAR} .jp-testbed-Step[data-status="ticked"]`)
  ).toHaveCount(1);

  // A second click reuses the terminal: one tab, one server terminal.
  await page.notebook.activate(NOTEBOOK);
  await page.locator(RUN).click();
  await expect
    .poll(
      async () =>
        ((await terminalText(page, name)) ?? '').split(
          'project-CHI-231095 sum-42'
        ).length - 1,
      { timeout: 30_000 }
    )
    .toBe(2);
  expect(await jupyterTabs(page)).toEqual([name]);
  expect(await terminalNames(request, baseURL!)).toEqual([name]);
});

test.describe('a student without values', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:placeholders': { values: {} }
    }
  });

  test('is asked first about an unfilled token, and nothing runs on Do Not Send', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    await openNotebook(page, tmpPath, NOTEBOOK);
    await page.locator(RUN).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Unfilled placeholders');
    await expect(dialog).toContainText('The Jupyter terminal would receive it');
    await dialog.getByRole('button', { name: 'Do Not Send' }).click();
    await expect(dialog).toHaveCount(0);
    expect(await jupyterTabs(page)).toEqual([]);
    expect(await terminalNames(request, baseURL!)).toEqual([]);
  });
});
