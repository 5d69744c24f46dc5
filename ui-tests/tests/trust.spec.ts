/**
 * A notebook cannot act for the student by being opened: its nodes are a
 * proposal (no probe, no agent question, no config written), raw HTML
 * blocks get no run bar, a block with hidden text is refused, and grader
 * mode asks nothing of ssh. Uses the hostile notebooks of `adversarial/`;
 * needs no SSH testbed, since nothing may connect.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { CONNECTING, openNotebook, openTerminalsSection, prepare } from './lab';

const ADVERSARIAL = path.resolve(__dirname, '../../adversarial');
const NODES = 'nodes-agent-grab.ipynb';
const RUNTEXT = 'runtext-hidden-pre.ipynb';

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    // No floating IP: the student's own preset cannot be checked either,
    // so every request seen would be the notebook's doing.
    'jupyterlab-testbed:placeholders': { checkBeforeRun: 'off', values: {} }
  }
});

/** Every request of the page to a connecting ssh endpoint, from now on. */
function recordSshRequests(page: IJupyterLabPageFixture): string[] {
  const seen: string[] = [];
  page.on('request', request => {
    if (CONNECTING.test(request.url())) {
      seen.push(`${request.method()} ${request.url()}`);
    }
  });
  return seen;
}

async function upload(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  names: string[],
  folder = ''
) {
  await prepare(page, tmpPath, async destination => {
    const target = folder ? `${destination}/${folder}` : destination;
    if (folder) {
      await page.contents.createDirectory(target);
    }
    for (const name of names) {
      await page.contents.uploadContent(
        fs.readFileSync(path.join(ADVERSARIAL, name), 'utf8'),
        'text',
        `${target}/${name}`
      );
    }
  });
}

/** Time for anything opening a notebook would start to have been asked. */
const settleRequests = (page: IJupyterLabPageFixture) =>
  page.waitForTimeout(3000);

test('a notebook proposing nodes is shown as a proposal and connects nothing', async ({
  page,
  tmpPath
}) => {
  const requests = recordSshRequests(page);
  await upload(page, tmpPath, [NODES]);
  await openNotebook(page, tmpPath, NODES);
  const section = await openTerminalsSection(page);
  const proposal = section.locator('.jp-testbed-Proposal');
  await expect(proposal).toContainText('Proposed by this notebook');
  await expect(proposal.locator('li')).toHaveText([
    'node1 cc@10.199.0.2',
    'node2 cc@192.168.1.12 via node1'
  ]);
  await expect(proposal).toContainText(
    'Ignored (only your settings choose these): identityFile, forwardAgent, options.'
  );
  await expect(proposal).not.toContainText('id_ed25519_work');
  await expect(section.locator('.jp-testbed-NodeCard')).toHaveCount(0);
  // The block can be copied, not run, while the nodes are only proposed.
  const bar = page.locator('.jp-NotebookPanel .jp-testbed-RunBar');
  await expect(bar.locator('.jp-testbed-CopyButton')).toHaveCount(1);
  await expect(bar.locator('.jp-testbed-RunButton')).toHaveCount(0);
  await settleRequests(page);
  expect(requests).toEqual([]);

  // Keeping one's own nodes folds the proposal: the preset applies, and
  // asks for its floating IP.
  await proposal.locator('.jp-testbed-Proposal-keep').click();
  await expect(section.locator('.jp-testbed-Proposal')).toContainText(
    'You kept your own nodes'
  );
  await expect(section).toContainText('Set the floating IP of node1 first');
  expect(requests).toEqual([]);
});

test('raw HTML blocks get no bar, and a block with hidden text is refused', async ({
  page,
  tmpPath
}) => {
  await upload(page, tmpPath, [RUNTEXT]);
  await openNotebook(page, tmpPath, RUNTEXT);
  const rendered = page.locator('.jp-NotebookPanel .jp-RenderedMarkdown');
  await expect(rendered.locator('pre')).toHaveCount(8);
  const bars = rendered.locator('.jp-testbed-RunBar');
  // What each bar says, in order: raw blocks have none. The last raw
  // block shows part of the fenced block after it, whose text it holds:
  // it is refused, and that fenced block, whose text it took, has no bar.
  await expect(bars).toHaveText([
    'Copy',
    'Not run or copied: line 2 holds the invisible or control character U+200B.',
    'Not run or copied: part of the block is hidden on the page.',
    // A fenced block in a closed <details>.
    'Not run or copied: the block is hidden on the page.'
  ]);
  // The honest fenced block is the one with a bar that offers Copy.
  const honest = rendered.locator('.jp-testbed-RunBar + pre', {
    hasText: 'echo honest'
  });
  await expect(honest).toHaveCount(1);
  for (const raw of ['shown-raw', 'hidden-span', 'in-details']) {
    await expect(
      rendered.locator('.jp-testbed-RunBar + pre', { hasText: raw })
    ).toHaveCount(0);
  }
});

test('a notebook open for grading asks nothing of ssh', async ({
  page,
  tmpPath
}) => {
  const requests = recordSshRequests(page);
  await upload(page, tmpPath, [NODES], 'submissions');
  // The submissions folder of this test, as a grader sets it.
  await page.evaluate(async folder => {
    const registry = await (window as any).galata.getPlugin(
      '@jupyterlab/apputils-extension:settings'
    );
    await registry.set('jupyterlab-testbed:grading', 'submissionsFolders', [
      folder
    ]);
  }, `${tmpPath}/submissions`);
  await openNotebook(page, tmpPath, `submissions/${NODES}`);
  await expect(page.locator('.jp-NotebookPanel')).toHaveClass(
    /\bjp-testbed-mod-grading\b/
  );
  const section = await openTerminalsSection(page);
  await expect(section).toContainText(
    'This notebook is open for grading: its terminals do not connect.'
  );
  await expect(section.locator('.jp-testbed-NodeCard')).toHaveCount(0);
  await expect(section.locator('.jp-testbed-Proposal')).toHaveCount(0);
  await expect(
    page.locator('.jp-NotebookPanel .jp-testbed-RunButton')
  ).toHaveCount(0);
  await settleRequests(page);
  expect(requests).toEqual([]);
});
