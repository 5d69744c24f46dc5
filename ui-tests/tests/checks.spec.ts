/**
 * Checks on the SSH testbed: Check All runs the notebook's checks on the
 * nodes after showing their commands; a failing check shows ✗ with the
 * author's hint; once the student has sent the step's block to its node,
 * its Check shows ✓ and Progress counts it.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import {
  execute,
  notebookText,
  openNotebook,
  openTerminalsSection,
  prepare
} from './lab';
import { resetServer, testbed, useSshTestbed } from './testbed';

const NOTEBOOK = 'checks.ipynb';
/** The file the second step creates on node2 (the nodes share this machine's /tmp). */
const MADE = `/tmp/tb-checks-${process.pid}`;
const CONNECT_MS = 45_000;

useSshTestbed('Check tests');

test.beforeEach(async ({ page, request, baseURL, tmpPath }) => {
  test.setTimeout(120_000);
  testbed(['check-routes']);
  fs.rmSync(MADE, { force: true });
  await resetServer(request, baseURL!);
  const manual = (source: string, check: object) => ({
    cell_type: 'markdown' as const,
    source,
    metadata: {
      'jupyterlab-testbed': { v: 1, step: 'manual', checks: { cell: check } }
    }
  });
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(
      notebookText([
        manual('## Everywhere\n\nLog in to the three nodes.', {
          cmd: 'hostname',
          on: 'all'
        }),
        manual(
          `## On node2\n\nCreate the file on node2:\n\n\`\`\`bash\n# run on node2\ntouch ${MADE}\n\`\`\``,
          {
            cmd: `test -f ${MADE}`,
            on: 'node2',
            hint: `Create it: touch ${MADE}`
          }
        )
      ]),
      'text',
      `${destination}/${NOTEBOOK}`
    )
  );
});

test.afterEach(async ({ request, baseURL }) => {
  fs.rmSync(MADE, { force: true });
  await resetServer(request, baseURL!);
});

test('Check All, a failing check with its hint, then a pass', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  // Opening node1 writes the lab's ssh config, which the checks use.
  const terminals = await openTerminalsSection(page);
  const node1 = terminals.locator('li.jp-testbed-NodeCard[data-node="node1"]');
  await node1.locator('.jp-testbed-NodeCard-open').click();
  await expect(node1).toHaveClass(/\bjp-mod-connected\b/, {
    timeout: CONNECT_MS
  });
  await page.notebook.activate(NOTEBOOK);
  await execute(page, 'testbed:progress-show');

  const progress = page.locator('#jp-testbed-progress');
  await expect(progress).toBeVisible();
  await progress.locator('button', { hasText: 'Check All' }).click();
  // The first Check shows the commands it will run.
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(`node2: test -f ${MADE}`);
  await expect(dialog).toContainText('all: hostname');
  await dialog.locator('button', { hasText: 'Run Checks' }).click();

  const steps = progress.locator('.jp-testbed-Step');
  await expect(steps.nth(0)).toHaveAttribute('data-check', 'pass', {
    timeout: CONNECT_MS
  });
  await expect(steps.nth(0)).toContainText('✓ check passed');
  await expect(steps.nth(1)).toHaveAttribute('data-check', 'fail', {
    timeout: CONNECT_MS
  });
  await expect(steps.nth(1)).toContainText('✗ check failed (exit 1)');
  await expect(steps.nth(1)).toContainText(`Create it: touch ${MADE}`);
  await expect(progress.locator('.jp-testbed-Progress-count')).toHaveText(
    '1 of 3 steps done'
  );
  // For the eye (docs/screenshots/checks-progress.png is one of these).
  await steps.nth(1).scrollIntoViewIfNeeded();
  await page
    .locator('#jp-testbed-sidebar')
    .screenshot({ path: test.info().outputPath('checks-progress.png') });

  // The student sends the step's block to node2; the block ends with exit 0,
  // and the step's own Check now passes, asking nothing.
  await page.notebook.activate(NOTEBOOK);
  await page
    .locator('.jp-Notebook .jp-testbed-RunButton', { hasText: 'Run on node2' })
    .click();
  // The node2 terminal takes the main area; Progress still follows the lab.
  await execute(page, 'testbed:progress-show');
  await expect(steps.nth(2).locator('.jp-testbed-Step-meta')).toHaveText(
    '✓ exit 0',
    { timeout: CONNECT_MS }
  );
  expect(fs.existsSync(MADE)).toBe(true);
  await steps.nth(1).locator('button', { hasText: 'Check' }).click();
  await expect(steps.nth(1)).toHaveAttribute('data-check', 'pass', {
    timeout: CONNECT_MS
  });
  await expect(dialog).toHaveCount(0);
  await expect(progress.locator('.jp-testbed-Progress-count')).toHaveText(
    '3 of 3 steps done'
  );
});
