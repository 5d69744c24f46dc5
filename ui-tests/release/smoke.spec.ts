/**
 * The released wheel on a real JupyterLab (one project per version, started
 * by playwright.release.config.js from scripts/release-smoke.sh): every
 * capability once, as a student, a grader and an author meet it, with the
 * real bash kernel and the SSH testbed. The page's console must hold no
 * "Unsatisfied version" / "No satisfying version" warning of JupyterLab's
 * shared packages: the extension is built for the whole 4.4 to 4.x range.
 *
 * Plain Playwright and `window.jupyterapp`: Galata's in-page helpers differ
 * between the JupyterLab versions under test.
 */
import { expect, Page, test } from '@playwright/test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cellSource } from '../tests/lab';

const TESTBED = path.resolve(__dirname, '../../testbed/testbed.sh');
const SIDEBAR = '#jp-testbed-sidebar';
const LAB = 'lab/1_provision_cli.ipynb';
const NODES = 'nodes.ipynb';
const PROJECT = 'CHI-231095';
const CONNECT_MS = 45_000;
const VERSION_WARNING = /Unsatisfied version|No satisfying version/;

/** Runs a command of the page's app and waits for it to finish. */
const execute = (page: Page, id: string, args: object = {}) =>
  page.evaluate(
    ({ id, args }) => (window as any).jupyterapp.commands.execute(id, args),
    { id, args }
  );

/** Opens a file of the server's root and waits for its kernel to be idle. */
async function openNotebook(page: Page, file: string): Promise<void> {
  await execute(page, 'docmanager:open', { path: file });
  await page.waitForFunction(
    (file: string) => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      return (
        widget?.context?.path === file &&
        widget.sessionContext?.session?.kernel?.status === 'idle'
      );
    },
    file,
    { timeout: 60_000 }
  );
}

/** Runs one cell of the current notebook and waits for its end. */
async function runCell(page: Page, index: number): Promise<void> {
  await page.evaluate(async (index: number) => {
    const app = (window as any).jupyterapp;
    app.shell.currentWidget.content.activeCellIndex = index;
    await app.commands.execute('notebook:run-cell');
  }, index);
}

const cellOutput = (page: Page, index: number) =>
  page.evaluate(
    (i: number) =>
      JSON.stringify(
        (window as any).jupyterapp.shell.currentWidget.content.model.cells
          .get(i)
          .toJSON().outputs
      ),
    index
  );

/** The text of the terminal of session `name`, from xterm's buffer. */
const terminalText = (page: Page, name: string) =>
  page.evaluate((wanted: string) => {
    const app = (window as any).jupyterapp;
    const widget = Array.from(app.shell.widgets('main') as Iterable<any>).find(
      w => w.content?.session?.name === wanted
    );
    const buffer = widget?.content?._term?.buffer?.active;
    if (!buffer) {
      return '';
    }
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    }
    return lines.join('\n').replace(/\s+$/, '');
  }, name);

function checkRoutes(): void {
  const result = spawnSync('bash', [TESTBED, 'check-routes'], {
    encoding: 'utf8',
    timeout: 30_000
  });
  if (result.status !== 0) {
    throw new Error(`testbed.sh check-routes failed:\n${result.stderr}`);
  }
}

/** The page's console messages, from its first load. */
let messages: { type: string; text: string }[] = [];

test.beforeEach(({ page }) => {
  messages = [];
  page.on('console', message =>
    messages.push({ type: message.type(), text: message.text() })
  );
});

// Also after a step failed: the count is reported for every server.
test.afterEach(({}, testInfo) => {
  const warnings = messages.filter(m => m.type === 'warning');
  const versionWarnings = messages.filter(m => VERSION_WARNING.test(m.text));
  fs.writeFileSync(
    testInfo.outputPath('console.json'),
    JSON.stringify(messages, null, 1)
  );
  // One line per server for the script's summary.
  console.log(
    `release-smoke console: ${testInfo.project.name}: ${messages.length} messages, ${warnings.length} warnings, ${versionWarnings.length} version warnings`
  );
  expect(versionWarnings.map(m => m.text)).toEqual([]);
});

test('every capability once, with no shared-package version warning', async ({
  page
}, testInfo) => {
  await test.step('the sidebar starts with the page', async () => {
    await page.goto('lab');
    await expect(
      page.locator(`.jp-SideBar [data-id="jp-testbed-sidebar"]`)
    ).toBeVisible({ timeout: 60_000 });
    await page.waitForFunction(() => (window as any).jupyterapp?.started);
    const version = await page.evaluate(
      () => (window as any).jupyterapp.version
    );
    testInfo.annotations.push({ type: 'jupyterlab', description: version });
  });

  await test.step('a fill from the Placeholders form', async () => {
    await openNotebook(page, LAB);
    await execute(page, 'testbed:placeholders-show');
    const form = page.locator('#jp-testbed-placeholders');
    await expect(form).toBeVisible();
    await form.getByLabel('Chameleon project').fill(PROJECT);
    await form.getByRole('button', { name: 'Fill', exact: true }).click();
    await expect
      .poll(() => cellSource(page, 4))
      .toContain(`OS_PROJECT_NAME="${PROJECT}"`);
  });

  await test.step('recorded runs in the real bash kernel', async () => {
    for (const index of [2, 4, 6]) {
      await runCell(page, index);
    }
    expect(await cellOutput(page, 6)).toContain(`Project: ${PROJECT}`);
    await execute(page, 'testbed:show-sidebar');
    await expect(
      page.locator(`${SIDEBAR} .jp-testbed-Step[data-status="ok"]`)
    ).toHaveCount(3);
    await page
      .locator(SIDEBAR)
      .screenshot({ path: testInfo.outputPath('sidebar.png') });
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              window as any
            ).jupyterapp.shell.currentWidget.content.model.getMetadata(
              'jupyterlab-testbed'
            )?.log?.length ?? 0
        )
      )
      .toBe(3);
    await execute(page, 'docmanager:save');
  });

  await test.step('grader mode on the saved hand-in', async () => {
    await execute(page, 'testbed:grading-toggle');
    const panel = page.locator('.jp-NotebookPanel:visible');
    await expect(panel.locator('.jp-testbed-GradingBadge')).toHaveText(
      'Grading: read-only'
    );
    const evidence = page.locator('#jp-testbed-evidence');
    await expect(
      evidence.locator(
        '.jp-testbed-Evidence-timeline .jp-testbed-Evidence-item'
      )
    ).toHaveCount(3);
    await expect(
      evidence.locator('.jp-testbed-Evidence-fact', {
        hasText: /^3 of \d+ steps done; 0 failed at their last run\.$/
      })
    ).toHaveCount(1);
    await execute(page, 'testbed:grading-toggle');
    await expect(panel.locator('.jp-testbed-GradingBadge')).toHaveCount(0);
  });

  await test.step('the leak check names the value left in the lab', async () => {
    await execute(page, 'testbed:authoring-lint', { path: 'lab' });
    const report = page.locator('.jp-testbed-Report').last();
    await expect(report.locator('.jp-testbed-Report-status')).toContainText(
      'leaks'
    );
    await expect(report).toContainText(PROJECT);
  });

  await test.step('a node1 terminal from its card, and Run on node1', async () => {
    checkRoutes();
    await openNotebook(page, NODES);
    await execute(page, 'testbed:show-sidebar');
    const node1 = page.locator(
      '#jp-testbed-terminals li.jp-testbed-NodeCard[data-node="node1"]'
    );
    await node1.locator('.jp-testbed-NodeCard-open').click();
    await expect
      .poll(() => terminalText(page, 'node1'), { timeout: CONNECT_MS })
      .toMatch(/cc@node1:~\$$/);
    await openNotebook(page, NODES);
    await page
      .locator('.jp-Notebook .jp-testbed-RunButton', {
        hasText: 'Run on node1'
      })
      .click();
    await expect
      .poll(() => terminalText(page, 'node1'), { timeout: CONNECT_MS })
      .toMatch(/^ran-on-node1$/m);
  });
});
