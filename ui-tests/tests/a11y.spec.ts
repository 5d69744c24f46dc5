/**
 * What a screen reader and a keyboard meet, measured with axe-core on a real
 * JupyterLab: the sidebar with every section open (progress, placeholders,
 * terminals with a notebook's proposal, author mode, the lab's files), the
 * class overview with a hand-in's evidence, the leak report and the prepare
 * dialog. Only our own DOM is checked, and only serious or critical
 * violations fail: JupyterLab's own widgets are JupyterLab's to fix.
 *
 * The sidebar also shares its height: with every section open, at 250 px
 * wide and at 200 % zoom, the Placeholders form and the proposal's Accept
 * can still be reached.
 */
import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { execute, prepare, SAMPLE_LAB } from './lab';

const SIDEBAR = '#jp-testbed-sidebar';
const PROPOSING = 'proposing.ipynb';

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-testbed:authoring': { authorMode: true },
    'jupyterlab-testbed:placeholders': { checkBeforeRun: 'off' }
  }
});

/**
 * The serious and critical axe violations inside `selector`, one line each
 * with the elements, so a failure says what to fix.
 */
async function violations(
  page: IJupyterLabPageFixture,
  selector: string
): Promise<string[]> {
  await expect(page.locator(selector).first()).toBeVisible();
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help}: ${v.nodes
          .slice(0, 5)
          .map(node => node.target.join(' '))
          .join(', ')}`
    );
}

/**
 * The sample lab, and its provisioning notebook with nodes of its own: the
 * Terminals section then shows the proposal card.
 */
async function prepareLab(page: IJupyterLabPageFixture, tmpPath: string) {
  await prepare(page, tmpPath, async destination => {
    await page.contents.uploadDirectory(SAMPLE_LAB, destination);
    const notebook = JSON.parse(
      fs.readFileSync(path.join(SAMPLE_LAB, '1_provision_cli.ipynb'), 'utf8')
    );
    notebook.metadata['jupyterlab-testbed'] = {
      v: 1,
      nodes: [
        { name: 'node1', host: '203.0.113.10', user: 'cc' },
        { name: 'node2', host: '192.168.1.12', jump: 'node1' }
      ]
    };
    await page.contents.uploadContent(
      JSON.stringify(notebook),
      'text',
      `${destination}/${PROPOSING}`
    );
  });
  await page.notebook.openByPath(`${tmpPath}/${PROPOSING}`);
  await page.notebook.activate(PROPOSING);
  await execute(page, 'testbed:show-sidebar');
  await expect(page.locator(SIDEBAR)).toBeVisible();
}

/** Open every section of the sidebar's accordion. */
async function openAllSections(page: IJupyterLabPageFixture) {
  const titles = page.locator(`${SIDEBAR} .jp-AccordionPanel-title`);
  const count = await titles.count();
  for (let i = 0; i < count; i++) {
    const title = titles.nth(i);
    if ((await title.getAttribute('aria-expanded')) !== 'true') {
      await title.click();
    }
    await expect(title).toHaveAttribute('aria-expanded', 'true');
  }
  return count;
}

/**
 * Drag the left area's edge so the sidebar is `width` px wide (JupyterLab
 * keeps it at least --jp-sidebar-min-width, 250 px by default).
 */
async function setSidebarWidth(page: IJupyterLabPageFixture, width: number) {
  const stack = page.locator('#jp-left-stack');
  const edge = (await stack.boundingBox())!;
  const right = edge.x + edge.width;
  const handles = await page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle')
    .evaluateAll(nodes =>
      nodes.map(node => {
        const box = node.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      })
    );
  const handle = handles.sort(
    (a, b) => Math.abs(a.x - right) - Math.abs(b.x - right)
  )[0];
  await page.mouse.move(handle.x, handle.y);
  await page.mouse.down();
  await page.mouse.move(edge.x + width, handle.y, { steps: 5 });
  await page.mouse.up();
  await expect
    .poll(async () => Math.round((await stack.boundingBox())!.width))
    .toBeLessThanOrEqual(width + 2);
}

test('the sidebar with every section open has no serious violation', async ({
  page,
  tmpPath
}) => {
  await prepareLab(page, tmpPath);
  expect(await openAllSections(page)).toBeGreaterThanOrEqual(5);
  const sidebar = page.locator(SIDEBAR);
  await expect(sidebar.locator('.jp-testbed-Proposal')).toBeVisible();
  await expect(sidebar.locator('#jp-testbed-author')).toBeVisible();
  await expect(sidebar.locator('.jp-testbed-Step').first()).toBeVisible();
  await expect(
    sidebar.locator('.jp-testbed-Placeholder-input').first()
  ).toBeVisible();
  // A value that does not fit shows its message, as a student meets it.
  await sidebar.getByLabel('Net ID').fill('ff 524');
  await expect(
    sidebar.locator('.jp-testbed-Placeholder-message').first()
  ).not.toBeEmpty();
  expect(await violations(page, SIDEBAR)).toEqual([]);
  await page.theme.setDarkTheme();
  expect(await violations(page, SIDEBAR)).toEqual([]);
  await page.theme.setLightTheme();

  // A run moves the progress bar; its state is in the tree too.
  await page.notebook.runCell(2);
  await expect(
    sidebar.locator('.jp-testbed-Step:not([data-status="todo"])').first()
  ).toBeVisible();
  expect(await violations(page, SIDEBAR)).toEqual([]);
});

/** 200 % zoom halves the CSS pixels of a 1280 x 720 window. */
const WINDOWS = [
  { name: 'at 250 px wide', viewport: { width: 1280, height: 720 } },
  {
    name: 'at 250 px wide and 200 % zoom',
    viewport: { width: 640, height: 360 }
  }
];

for (const { name, viewport } of WINDOWS) {
  test(`every section open ${name}: each keeps room, the form and Accept can be reached`, async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.setViewportSize(viewport);
    await prepareLab(page, tmpPath);
    const sections = await openAllSections(page);
    await setSidebarWidth(page, 250);
    const sidebar = page.locator(SIDEBAR);
    const regions = sidebar.locator('.lm-AccordionPanel > [role="region"]');
    await expect(regions).toHaveCount(sections);
    // Room for a few lines of each: not a sliver (10 lines of the UI font).
    const least = await sidebar.evaluate(
      node => 10 * parseFloat(getComputedStyle(node).fontSize)
    );
    for (const height of await regions.evaluateAll(nodes =>
      nodes.map(node => node.getBoundingClientRect().height)
    )) {
      expect(height).toBeGreaterThanOrEqual(least);
    }
    // Reachable: scrolled to, on screen, and the topmost thing where it is.
    const inputs = sidebar.locator('.jp-testbed-Placeholder-input');
    expect(await inputs.count()).toBeGreaterThan(2);
    for (const input of [inputs.first(), inputs.last()]) {
      await input.click({ trial: true });
      await expect(input).toBeInViewport();
    }
    const accept = sidebar.locator('.jp-testbed-Proposal-accept');
    await accept.click({ trial: true });
    await expect(accept).toBeInViewport();
    // For a person to look at: light and dark, kept with the results.
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      const file = testInfo.outputPath(`sidebar-${theme}.png`);
      await page.screenshot({ path: file });
      await testInfo.attach(theme, { path: file, contentType: 'image/png' });
    }
  });
}

test('the class overview and a hand-in’s evidence have no serious violation', async ({
  page,
  tmpPath
}) => {
  const root = `${tmpPath}/class`;
  await prepare(page, tmpPath, async () => {
    for (const student of ['ada', 'grace']) {
      await page.contents.uploadDirectory(SAMPLE_LAB, `${root}/${student}`);
    }
  });
  await execute(page, 'testbed:grading-overview', { path: root });
  const overview = page.locator('.jp-testbed-Class');
  await expect(overview.locator('.jp-testbed-Class-status')).toHaveText(
    /^\d+ notebooks of \d+ students/,
    { timeout: 60000 }
  );
  expect(await violations(page, '.jp-testbed-Class')).toEqual([]);

  await overview.locator('.jp-testbed-Class-open').first().click();
  await execute(page, 'testbed:show-sidebar');
  await expect(page.locator('#jp-testbed-evidence')).toBeVisible({
    timeout: 30000
  });
  expect(await violations(page, SIDEBAR)).toEqual([]);
});

test.describe('an author who tried the lab as a student', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-testbed:authoring': { authorMode: true },
      'jupyterlab-testbed:placeholders': {
        checkBeforeRun: 'off',
        values: { netID: 'ff524', project: 'CHI-231095' }
      }
    }
  });

  test('the leak report and the prepare dialog have no serious violation', async ({
    page,
    tmpPath
  }) => {
    await prepareLab(page, tmpPath);
    await execute(page, 'testbed:placeholders-fill');
    await page.notebook.save();
    await execute(page, 'testbed:authoring-lint', { path: tmpPath });
    const report = page.locator('.jp-testbed-Report').last();
    await expect(report.locator('.jp-testbed-Report-status')).toContainText(
      'leaks',
      { timeout: 30000 }
    );
    await expect(
      report.locator('.jp-testbed-Report-finding').first()
    ).toBeVisible();
    expect(await violations(page, '.jp-testbed-Report')).toEqual([]);

    // The command waits for the dialog: start it without waiting.
    await page.evaluate(path => {
      void (window as any).jupyterapp.commands.execute(
        'testbed:authoring-prepare',
        { path }
      );
    }, tmpPath);
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.getByLabel('Title')).toBeVisible();
    expect(await violations(page, '.jp-Dialog-content')).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});
