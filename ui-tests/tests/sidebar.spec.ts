/**
 * The sidebar's "show" commands as a student meets them with the sidebar
 * closed and its sections collapsed (how JupyterLab 4.4 restores it after a
 * reload): each opens its own section, expanded, with the keyboard in it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { execute, openNotebook, prepare } from './lab';

const SIDEBAR = '#jp-testbed-sidebar';

test.use({ autoGoto: false });

/** Collapse every section by its title, as a student can, then show the file browser instead. */
async function collapseAndClose(page: IJupyterLabPageFixture) {
  await execute(page, 'testbed:show-sidebar');
  const expanded = page.locator(
    `${SIDEBAR} .lm-AccordionPanel-title[aria-expanded="true"]`
  );
  for (let i = 0; i < 10 && (await expanded.count()) > 0; i++) {
    await expanded.first().click();
  }
  await expect(expanded).toHaveCount(0);
  await execute(page, 'filebrowser:activate');
  await expect(page.locator(SIDEBAR)).toBeHidden();
}

/** Whether the keyboard is in the section `id`, or on its title. */
const focusIn = (page: IJupyterLabPageFixture, id: string) =>
  page.evaluate((id: string) => {
    const section = document.getElementById(id);
    const active = document.activeElement;
    return (
      !!section &&
      !!active &&
      (section.contains(active) ||
        active.getAttribute('aria-controls') === section.id ||
        active.nextElementSibling === section)
    );
  }, id);

test('each show command opens its section expanded and focused, the others left collapsed', async ({
  page,
  tmpPath
}) => {
  await prepare(page, tmpPath);
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  const shows: [string, string][] = [
    ['testbed:placeholders-show', 'jp-testbed-placeholders'],
    ['testbed:progress-show', 'jp-testbed-progress'],
    ['testbed:terminals-show', 'jp-testbed-terminals']
  ];
  for (const [command, id] of shows) {
    await collapseAndClose(page);
    await execute(page, command);
    await expect(page.locator(`#${id}`), command).toBeVisible();
    expect(await focusIn(page, id), command).toBe(true);
    const others = shows.filter(([, other]) => other !== id);
    for (const [, other] of others) {
      await expect(page.locator(`#${other}`), command).toBeHidden();
    }
  }
  // The form's first value is where the student types.
  await collapseAndClose(page);
  await execute(page, 'testbed:placeholders-show');
  await expect(
    page.locator('#jp-testbed-placeholders input').first()
  ).toBeFocused();
});

test('Accept of a notebook’s proposed nodes is reached by the keyboard however short the section', async ({
  page,
  tmpPath
}) => {
  // Nothing here may reach the proposed hosts: the server's ssh routes answer nothing.
  await page.route(/\/jupyterlab-testbed\/ssh\//, route => route.abort());
  const proposing = 'nodes-agent-grab.ipynb';
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(
      fs.readFileSync(
        path.resolve(__dirname, '../../adversarial', proposing),
        'utf8'
      ),
      'text',
      `${destination}/${proposing}`
    )
  );
  await openNotebook(page, tmpPath, proposing);
  await collapseAndClose(page);

  await execute(page, 'testbed:terminals-show');
  // The proposal and its warning first, so a reflexive Enter accepts nothing.
  await expect(
    page.locator('#jp-testbed-terminals .jp-testbed-Proposal')
  ).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(
    page.locator('#jp-testbed-terminals .jp-testbed-Proposal')
  ).toHaveCount(1);
  await page.keyboard.press('Tab');
  const accept = page.locator(
    '#jp-testbed-terminals .jp-testbed-Proposal-accept'
  );
  await expect(accept).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(
    page.locator('#jp-testbed-terminals .jp-testbed-Proposal')
  ).toHaveCount(0);
});
