/**
 * Labs as published, with no declarations (tests/fixtures/published): the
 * nodes come from the lab's own words. The single-server lab proposes one
 * node, node-data, at the floating IP its ssh line logs into, and gets one
 * card once accepted; blocks for the Jupyter side and the student's
 * computer get no node button. A node the text names without an address
 * gets a field in its card. Nothing connects to a real node: the floating
 * IP is a documentation address (RFC 5737) and no terminal is opened.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import {
  answerConnecting,
  CONNECTING,
  notebookText,
  openNotebook,
  openTerminalsSection,
  prepare
} from './lab';

const PUBLISHED = path.resolve(__dirname, '../../tests/fixtures/published');
const SAMPLES = ['single-server', 'terraform-ansible', 'dashboards'];

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-testbed:placeholders': {
      checkBeforeRun: 'off',
      values: { floatingIp: '203.0.113.10' }
    }
  }
});

test.beforeEach(async ({ page, tmpPath }) => {
  // These labs' addresses are no machine of ours.
  await answerConnecting(page);
  await prepare(page, tmpPath, async destination => {
    for (const name of SAMPLES) {
      await page.contents.uploadContent(
        fs.readFileSync(path.join(PUBLISHED, `${name}.ipynb`), 'utf8'),
        'text',
        `${destination}/${name}.ipynb`
      );
    }
    await page.contents.uploadContent(
      notebookText([
        { cell_type: 'markdown', source: 'Work on the GPU server.' },
        {
          cell_type: 'markdown',
          source: '```bash\n# run on gpu-node\nnvidia-smi\n```'
        }
      ]),
      'text',
      `${destination}/unnamed.ipynb`
    );
  });
});

/** The node buttons of the notebook on screen (not Copy, not other places). */
const nodeButtons = (page: import('@playwright/test').Page) =>
  page.locator('.jp-NotebookPanel:visible .jp-testbed-RunButton', {
    hasText: /^Run on /
  });

test('single-server: one card, node-data, from its ssh line, after accepting', async ({
  page,
  tmpPath
}) => {
  const requests: string[] = [];
  page.on('request', request => {
    if (CONNECTING.test(request.url())) {
      requests.push(request.url());
    }
  });
  await openNotebook(page, tmpPath, 'single-server.ipynb');
  const section = await openTerminalsSection(page);
  const proposal = section.locator('.jp-testbed-Proposal');
  await expect(proposal).toContainText('Nodes named in this notebook’s text');
  await expect(proposal.locator('li')).toHaveText([
    'node-data cc@{floatingIp} — from the ssh line in cell 9 (A.B.C.D)'
  ]);
  // Nothing to run before the student accepts.
  await expect(section.locator('.jp-testbed-NodeCard')).toHaveCount(0);
  await expect(nodeButtons(page)).toHaveCount(0);
  // Time for a probe or an agent question to have been sent, were one sent.
  await page.waitForTimeout(3000);
  expect(requests).toEqual([]);

  await proposal.locator('.jp-testbed-Proposal-accept').click();
  const cards = section.locator('.jp-testbed-NodeCard');
  await expect(cards).toHaveCount(1);
  await expect(cards).toHaveAttribute('data-node', 'node-data');
  await expect(cards.locator('.jp-testbed-NodeCard-where')).toHaveText(
    'cc@203.0.113.10'
  );
  await expect(cards.locator('.jp-testbed-NodeCard-source')).toHaveText(
    'Address: from the ssh line in cell 9 (A.B.C.D)'
  );
  // The five node blocks, and nothing for the Jupyter side or the laptop.
  await expect(nodeButtons(page)).toHaveCount(5);
  for (const button of await nodeButtons(page).all()) {
    await expect(button).toHaveText('Run on node-data');
    await expect(button).toHaveAttribute('data-testbed-run', 'node-data');
  }
  const jupyterBlock = page.locator(
    '.jp-NotebookPanel:visible .jp-MarkdownCell',
    {
      hasText: 'ls -l ~/.ssh/id_rsa_chameleon'
    }
  );
  await expect(jupyterBlock.locator('.jp-testbed-CopyButton')).toHaveCount(2);
  await expect(
    jupyterBlock.locator('.jp-testbed-RunButton', { hasText: /^Run on / })
  ).toHaveCount(0);
});

test('terraform-ansible and dashboards: the preset’s cards, node buttons only for node1', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'terraform-ansible.ipynb');
  const section = await openTerminalsSection(page);
  await expect(section.locator('.jp-testbed-Proposal')).toHaveCount(0);
  const cards = section.locator('.jp-testbed-NodeCard');
  await expect(cards).toHaveCount(3);
  await expect(cards.first()).toHaveAttribute('data-node', 'node1');
  await expect(
    page.locator('.jp-NotebookPanel:visible .jp-testbed-CopyButton')
  ).toHaveCount(3);
  await expect(nodeButtons(page)).toHaveCount(0);

  // The file browser is behind the sidebar now: open by command.
  await page.evaluate(async path => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path
    });
  }, `${tmpPath}/dashboards.ipynb`);
  await page.notebook.activate('dashboards.ipynb');
  await expect(section.locator('.jp-testbed-Proposal')).toHaveCount(0);
  await expect(cards).toHaveCount(3);
  await expect(nodeButtons(page)).toHaveCount(7);
  const local = page.locator('.jp-NotebookPanel:visible .jp-MarkdownCell', {
    hasText: 'ssh -L 8443:127.0.0.1:8443'
  });
  await expect(local.locator('.jp-testbed-CopyButton')).toHaveCount(1);
  await expect(
    local.locator('.jp-testbed-RunButton', { hasText: /^Run on / })
  ).toHaveCount(0);
});

test('a node the lab names without an address gets a field, kept for the folder', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'unnamed.ipynb');
  const section = await openTerminalsSection(page);
  const proposal = section.locator('.jp-testbed-Proposal');
  await expect(proposal.locator('li')).toHaveText([
    'gpu-node address to enter once accepted'
  ]);
  await proposal.locator('.jp-testbed-Proposal-accept').click();
  const missing = section.locator('.jp-testbed-NodeCard.jp-mod-missing');
  await expect(missing).toHaveAttribute('data-node', 'gpu-node');
  const input = missing.locator('input');
  await input.fill('bad host; rm');
  await missing.locator('button').click();
  await expect(missing.locator('.jp-testbed-NodeCard-problem')).not.toBeEmpty();
  await expect(nodeButtons(page)).toHaveCount(0);

  await input.fill('203.0.113.20');
  await missing.locator('button').click();
  const card = section.locator('.jp-testbed-NodeCard[data-node="gpu-node"]');
  await expect(card.locator('.jp-testbed-NodeCard-source')).toHaveText(
    'Address: entered by you'
  );
  await expect(
    section.locator('.jp-testbed-NodeCard.jp-mod-missing')
  ).toHaveCount(0);
  await expect(nodeButtons(page)).toHaveCount(1);
});
