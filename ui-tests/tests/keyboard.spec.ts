/**
 * A student's path by keyboard alone, on a real JupyterLab against the SSH
 * testbed (testbed/testbed.sh): show the sidebar with JupyterLab's Alt+<n>,
 * type a value and fill it in, run a cell, tick a manual step, open node1's
 * terminal and send a block to it. No mouse call: every control is reached
 * with Tab and used with Enter or Space, and shows where the focus is.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { cellSource, notebookText, prepare, terminalText } from './lab';
import { resetServer, testbed, useSshTestbed } from './testbed';

const SIDEBAR = '#jp-testbed-sidebar';
const NOTEBOOK = 'keyboard.ipynb';
const METADATA_KEY = 'jupyterlab-testbed';
/** A connection to node1 on 2 slow cores. */
const CONNECT_MS = 45_000;
/** More Tab presses than the sidebar has controls. */
const MAX_TABS = 120;

useSshTestbed('keyboard test');

// The terminal and its ssh connection end with the test.
test.afterEach(async ({ request, baseURL }) => {
  await resetServer(request, baseURL!);
});

/** A bash notebook: a cell with a placeholder, a manual step, a node's cell. */
const LAB = notebookText([
  { cell_type: 'markdown', source: '## Your network' },
  { cell_type: 'code', source: 'echo "network private_net_netID"' },
  {
    cell_type: 'markdown',
    source: 'Check in the GUI that the network is there.',
    metadata: { [METADATA_KEY]: { v: 1, step: 'manual' } }
  },
  { cell_type: 'code', source: '# run on node1\necho "kb-$(hostname)"' }
]);

/** The index of the active cell of the notebook on screen. */
const activeCell = (page: IJupyterLabPageFixture) =>
  page.evaluate(
    () =>
      (window as any).jupyterapp.shell.currentWidget?.content?.activeCellIndex
  );

const focusInTerminal = (page: IJupyterLabPageFixture) =>
  page.evaluate(() => !!document.activeElement?.closest('.jp-Terminal'));

/**
 * Show the sidebar with JupyterLab's Alt+<n> for the n-th tab of the left
 * area (Alt+<n> closes it when open: then twice). Showing it brings the
 * keyboard into it. (The palette's Show Testbed Lab Sidebar would not:
 * JupyterLab gives the focus back to the main area once a command ran.)
 */
async function showSidebar(page: IJupyterLabPageFixture): Promise<void> {
  const sidebar = page.locator(SIDEBAR);
  const index = await page
    .locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab')
    .evaluateAll(tabs =>
      tabs.findIndex(
        tab => tab.getAttribute('data-id') === 'jp-testbed-sidebar'
      )
    );
  expect(index, 'the sidebar among the first nine tabs').toBeGreaterThanOrEqual(
    0
  );
  expect(index).toBeLessThan(9);
  const shortcut = `Alt+${index + 1}`;
  // A terminal takes Alt+<n> for its shell: JupyterLab's Ctrl+Shift+[
  // (the previous tab) leaves it first.
  for (let tab = 0; tab < 5 && (await focusInTerminal(page)); tab++) {
    await page.keyboard.press('Control+Shift+BracketLeft');
  }
  expect(await focusInTerminal(page)).toBe(false);
  if (await sidebar.isVisible()) {
    await page.keyboard.press(shortcut);
    await expect(sidebar).toBeHidden();
  }
  await page.keyboard.press(shortcut);
  await expect(sidebar).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(
        selector =>
          document.querySelector(selector)!.contains(document.activeElement),
        SIDEBAR
      )
    )
    .toBe(true);
}

/**
 * Press Tab (or Shift+Tab) until `target` has the focus, never leaving the
 * sidebar; then
 * check that the focus is drawn (an outline of at least 1 px).
 */
async function tabTo(page: IJupyterLabPageFixture, target: Locator) {
  const handle = await target.elementHandle();
  expect(handle, 'the control to reach').not.toBeNull();
  // Backwards with Shift+Tab when the control is above the focus.
  const before = await handle!.evaluate(
    element =>
      !!document.activeElement &&
      !!(
        element.compareDocumentPosition(document.activeElement) &
        Node.DOCUMENT_POSITION_FOLLOWING
      )
  );
  for (let presses = 0; presses < MAX_TABS; presses++) {
    const where = await page.evaluate(
      ({ element, selector }) => {
        const active = document.activeElement;
        if (active === element) {
          return 'there';
        }
        return document.querySelector(selector)!.contains(active)
          ? 'sidebar'
          : `left the sidebar for ${active?.tagName}.${active?.className}`;
      },
      { element: handle, selector: SIDEBAR }
    );
    if (where === 'there') {
      const outline = await target.evaluate(node => {
        const style = getComputedStyle(node);
        return style.outlineStyle === 'none'
          ? 0
          : parseFloat(style.outlineWidth);
      });
      expect(outline, 'a visible focus outline').toBeGreaterThanOrEqual(1);
      return;
    }
    expect(where).toBe('sidebar');
    await page.keyboard.press(before ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`not reached with ${MAX_TABS} Tab presses`);
}

test('a student fills, runs, ticks, opens node1 and sends a block, by keyboard only', async ({
  page,
  request,
  baseURL,
  tmpPath
}) => {
  test.setTimeout(180_000);
  testbed(['check-routes']);
  await resetServer(request, baseURL!);
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(LAB, 'text', `${destination}/${NOTEBOOK}`)
  );
  // Setting up, not the student's path: the notebook is open.
  await page.evaluate(
    path =>
      (window as any).jupyterapp.commands.execute('docmanager:open', { path }),
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.activate(NOTEBOOK);
  const sidebar = page.locator(SIDEBAR);

  // Fill in a value and fill it into the notebook.
  await showSidebar(page);
  const netID = sidebar.getByLabel('Net ID');
  await tabTo(page, netID);
  await page.keyboard.type('ff524');
  await tabTo(page, sidebar.getByRole('button', { name: 'Fill', exact: true }));
  await page.keyboard.press('Enter');
  await expect
    .poll(() => cellSource(page, 1))
    .toBe('echo "network private_net_ff524"');

  // Run that cell: its step leads to it, Shift+Enter runs it.
  const steps = sidebar.locator('.jp-testbed-Step');
  const runStep = steps.filter({ hasText: 'echo "network' });
  await tabTo(page, runStep.locator('.jp-testbed-Step-label'));
  await page.keyboard.press('Enter');
  await expect.poll(() => activeCell(page)).toBe(1);
  await page.keyboard.press('Shift+Enter');
  await expect(runStep).toHaveAttribute('data-status', 'ok', {
    timeout: 30_000
  });

  // Tick the manual step with Space.
  await showSidebar(page);
  const manual = steps.filter({ hasText: 'Check in the GUI' });
  await tabTo(page, manual.locator('.jp-testbed-Step-tick'));
  await page.keyboard.press('Space');
  await expect(manual).toHaveAttribute('data-status', 'ticked');

  // Open node1's terminal from its card.
  const card = sidebar.locator('.jp-testbed-NodeCard[data-node="node1"]');
  await tabTo(page, card.locator('.jp-testbed-NodeCard-open'));
  await page.keyboard.press('Enter');
  await expect
    .poll(() => terminalText(page, 'node1'), { timeout: CONNECT_MS })
    .toMatch(/cc@node1:~\$$/);

  // Send the node's cell: its step leads to it, Alt+Shift+R sends it.
  await showSidebar(page);
  const nodeStep = steps.filter({ hasText: 'echo "kb-' });
  await tabTo(page, nodeStep.locator('.jp-testbed-Step-label'));
  await page.keyboard.press('Enter');
  await expect.poll(() => activeCell(page)).toBe(3);
  await page.keyboard.press('Alt+Shift+R');
  await expect
    .poll(() => terminalText(page, 'node1'), { timeout: CONNECT_MS })
    .toMatch(/^kb-node1$/m);
});
