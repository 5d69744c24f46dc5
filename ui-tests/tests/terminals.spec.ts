/**
 * The node terminals on a real JupyterLab against the three-node SSH
 * testbed (testbed/testbed.sh): cards that open and reuse terminals, run
 * buttons that send a block to its node, and a reconnect after ssh ended.
 * Traffic goes only into the testbed's namespaces: the routes are checked
 * before every test.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import {
  notebookText,
  openNotebook,
  openTerminalsSection,
  prepare,
  serverUrl,
  terminalText
} from './lab';
import { KEY, resetServer, testbed, useSshTestbed } from './testbed';

const SIDEBAR = 'jp-testbed-sidebar';
const NOTEBOOK = 'nodes.ipynb';
/** A connection through node1, or the prompt after a block: generous on 2 slow cores. */
const CONNECT_MS = 45_000;

useSshTestbed('SSH terminal tests');

test.beforeEach(async ({ page, request, baseURL, tmpPath }) => {
  // Three connections, a reload: room for a machine busy with other work.
  test.setTimeout(120_000);
  // Before anything may connect: once the testbed is down, its addresses
  // would lead off the machine.
  testbed(['check-routes']);
  await resetServer(request, baseURL!);
  await page.addInitScript(recordTerminalInput);
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(
      notebookText([
        {
          cell_type: 'markdown',
          source:
            '## On node1\n\n```bash\n# run on node1\necho "ran-on-$(hostname)"\n' +
            "printf '%s\\n' line-one \\\n  line-two\n```"
        },
        {
          cell_type: 'markdown',
          source:
            '## Everywhere\n\n```bash\n# run on node1, node2, and node3\necho "all-$(hostname)"\n```'
        },
        {
          cell_type: 'markdown',
          source: '## Anywhere\n\n```bash\nls\n```'
        }
      ]),
      'text',
      `${destination}/${NOTEBOOK}`
    )
  );
});

test.afterEach(async ({ page, request, baseURL }) => {
  // Close the page's terminals first: a resize sent to a terminal while it
  // is being removed fails on the server. Then remove them from outside.
  await Promise.race([
    page
      .evaluate(async () => {
        const app = (window as any).jupyterapp;
        for (const widget of Array.from(
          app.shell.widgets('main') as Iterable<any>
        )) {
          if (widget.content?.session?.name !== undefined) {
            widget.dispose();
          }
        }
      })
      .catch(() => undefined),
    new Promise(resolve => setTimeout(resolve, 15_000))
  ]);
  await resetServer(request, baseURL!);
});

/**
 * Runs in the page before JupyterLab: keeps what is sent to each terminal
 * (terminado's ["stdin", text] messages), to count what was typed apart
 * from what the screen shows (a line typed before the shell is ready is
 * echoed twice, once by the terminal and once by readline).
 */
function recordTerminalInput() {
  const sent: [string, string][] = [];
  (window as any).__tbTerminalInput = sent;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: any) {
    if (/\/terminals\/websocket\//.test(this.url)) {
      sent.push([decodeURIComponent(this.url.split('/').pop()!), String(data)]);
    }
    return send.call(this, data);
  };
}

/** How many stdin messages to terminal `name` held `part`, since the page loaded. */
function timesTyped(
  page: IJupyterLabPageFixture,
  name: string,
  part: string
): Promise<number> {
  return page.evaluate(
    ({ name, part }) =>
      ((window as any).__tbTerminalInput as [string, string][]).filter(
        ([terminal, data]) => {
          if (terminal !== name) {
            return false;
          }
          try {
            const [type, text] = JSON.parse(data);
            return type === 'stdin' && String(text).includes(part);
          } catch {
            return false;
          }
        }
      ).length,
    { name, part }
  );
}

const count = (text: string | null, part: string) =>
  (text ?? '').split(part).length - 1;

/** Waits until the terminal's text matches `pattern` and returns that text. */
async function waitForText(
  page: IJupyterLabPageFixture,
  name: string,
  pattern: RegExp,
  timeout = CONNECT_MS
): Promise<string> {
  await expect
    .poll(() => terminalText(page, name), {
      message: `terminal ${name} shows ${pattern}`,
      timeout
    })
    .toMatch(pattern);
  return (await terminalText(page, name))!;
}

/**
 * Watch for the next run of `command` (a click runs it without waiting);
 * the function returned waits until that run has finished.
 */
async function watchCommand(
  page: IJupyterLabPageFixture,
  command: string,
  timeout = CONNECT_MS
): Promise<() => Promise<void>> {
  const key = `__tb_${command.replace(/\W/g, '_')}`;
  await page.evaluate(
    ({ command, key }) => {
      const app = (window as any).jupyterapp;
      (window as any)[key] = new Promise(resolve => {
        const onExecuted = (_: unknown, args: any) => {
          if (args.id === command) {
            app.commands.commandExecuted.disconnect(onExecuted);
            Promise.resolve(args.result).then(resolve, resolve);
          }
        };
        app.commands.commandExecuted.connect(onExecuted);
      });
    },
    { command, key }
  );
  return async () => {
    await page.waitForFunction(
      (key: string) => {
        const w = window as any;
        if (!(`${key}_done` in w)) {
          w[`${key}_done`] = false;
          w[key].then(() => (w[`${key}_done`] = true));
        }
        return w[`${key}_done`];
      },
      key,
      { timeout }
    );
  };
}

/** Type into a terminal, as a student's keystrokes would. */
async function sendKeys(
  page: IJupyterLabPageFixture,
  name: string,
  keys: string
): Promise<void> {
  await page.evaluate(
    ({ name, keys }) => {
      const app = (window as any).jupyterapp;
      const widget = Array.from(
        app.shell.widgets('main') as Iterable<any>
      ).find(w => w.content?.session?.name === name);
      widget.content.session.send({ type: 'stdin', content: [keys] });
    },
    { name, keys }
  );
}

/** The node's prompt on the last line: ssh is up and waiting for input. */
const promptOf = (node: string) => new RegExp(`cc@${node}:~\\$$`);

const card = (page: IJupyterLabPageFixture, node: string) =>
  page.locator(
    `#jp-testbed-terminals li.jp-testbed-NodeCard[data-node="${node}"]`
  );

/**
 * galata's reload, without waiting for a Launcher: the restored layout
 * has none (the option is in galata's code, not in its typings).
 */
async function reloadWithLayout(page: IJupyterLabPageFixture): Promise<void> {
  await (page as any).reload({ waitForIsReady: false });
  await page.locator('#jupyterlab-splash').waitFor({
    state: 'detached',
    timeout: 30_000
  });
}

/** The names of the server's terminals, from its REST API. */
async function serverTerminals(
  request: APIRequestContext,
  baseURL: string
): Promise<string[]> {
  const response = await request.get(serverUrl(baseURL, 'api/terminals'));
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { name: string }[])
    .map(t => t.name)
    .sort();
}

test('a card opens its node’s terminal, connected once', async ({
  page,
  request,
  baseURL
}) => {
  await openTerminalsSection(page);
  const node2 = card(page, 'node2');
  await expect(node2).toHaveClass(/\bjp-mod-closed\b/);
  await expect(node2.locator('.jp-testbed-NodeCard-state')).toHaveText(
    'not open'
  );
  await node2.locator('.jp-testbed-NodeCard-open').click();

  const text = await waitForText(page, 'node2', promptOf('node2'));
  expect(await timesTyped(page, 'node2', 'ssh -F ')).toBe(1);
  expect(count(text, 'ssh -F '), text).toBe(1);
  expect(text).toMatch(/ssh -F \S+\/terminals node2$/m);
  expect(await serverTerminals(request, baseURL!)).toEqual(['node2']);
  await expect(node2).toHaveClass(/\bjp-mod-connected\b/, {
    timeout: 15_000
  });
  await expect(node2.locator('.jp-testbed-NodeCard-state')).toHaveText(
    'connected'
  );
  await expect(node2.locator('.jp-testbed-NodeCard-open')).toHaveText('Show');
  // The others stay closed.
  await expect(card(page, 'node1')).toHaveClass(/\bjp-mod-closed\b/);
  await expect(card(page, 'node3')).toHaveClass(/\bjp-mod-closed\b/);
});

test('a node the lab names with a dash (node-data) gets a terminal that connects', async ({
  page,
  request,
  baseURL,
  tmpPath
}) => {
  // Jupyter's terminal routes take word characters only: a terminal named
  // node-data was made but its page could never connect.
  await page.contents.uploadContent(
    notebookText([
      {
        cell_type: 'markdown',
        source: 'Log in to node-data:\n\n```bash\nssh cc@A.B.C.D\n```'
      },
      {
        cell_type: 'markdown',
        source: '```bash\n# run on node-data\necho "on-$(hostname)"\n```'
      }
    ]),
    'text',
    `${tmpPath}/single.ipynb`
  );
  await openNotebook(page, tmpPath, 'single.ipynb');
  const section = await openTerminalsSection(page);
  await section.locator('.jp-testbed-Proposal-accept').click();
  const nodeData = card(page, 'node-data');
  await expect(nodeData.locator('.jp-testbed-NodeCard-where')).toHaveText(
    'cc@10.199.0.2'
  );
  await nodeData.locator('.jp-testbed-NodeCard-open').click();

  const text = await waitForText(page, 'node_data', promptOf('node1'));
  expect(text).toMatch(/ssh -F \S+\/terminals node-data$/m);
  expect(await serverTerminals(request, baseURL!)).toEqual(['node_data']);
  await expect(nodeData).toHaveClass(/\bjp-mod-connected\b/, {
    timeout: 15_000
  });
});

test('after a reload the card shows the same terminal and types nothing', async ({
  page,
  request,
  baseURL
}) => {
  await openTerminalsSection(page);
  await card(page, 'node1').locator('.jp-testbed-NodeCard-open').click();
  await waitForText(page, 'node1', promptOf('node1'));
  // The layout is saved a moment after it changes; reload once it holds
  // the terminal, which is then restored.
  await expect
    .poll(
      () =>
        page.evaluate(async () =>
          JSON.stringify(
            await (window as any).jupyterapp.serviceManager.workspaces.fetch(
              'default'
            )
          )
        ),
      { timeout: 15_000 }
    )
    .toContain('terminal:node1');

  await reloadWithLayout(page);
  const before = await waitForText(page, 'node1', promptOf('node1'));

  await openTerminalsSection(page);
  const node1 = card(page, 'node1');
  await expect(node1).toHaveClass(/\bjp-mod-connected\b/, { timeout: 15_000 });
  const show = node1.locator('.jp-testbed-NodeCard-open');
  await expect(show).toHaveText('Show');
  const opened = await watchCommand(page, 'testbed:terminals-open');
  await show.click();
  await opened();
  expect(
    await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget?.content?.session?.name
    )
  ).toBe('node1');

  // A line typed after the command ended: a connect line typed by the
  // command would show before its output.
  await sendKeys(page, 'node1', 'echo "mark-$NODE_NAME"\r');
  const after = await waitForText(page, 'node1', /^mark-node1$/m);
  // Nothing was typed since the reload but the line above.
  expect(await timesTyped(page, 'node1', 'ssh -F ')).toBe(0);
  expect(await timesTyped(page, 'node1', '')).toBe(
    await timesTyped(page, 'node1', 'mark-')
  );
  expect(after.startsWith(before), after).toBe(true);
  expect(count(after, 'ssh -F '), after).toBe(1);
  expect(await serverTerminals(request, baseURL!)).toEqual(['node1']);
  await expect(node1.locator('.jp-testbed-NodeCard-state')).toHaveText(
    'connected'
  );
});

test('“Run on node1” opens node1 and runs the whole block there, then ticks its step', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  const run = page.locator('.jp-Notebook .jp-testbed-RunButton', {
    hasText: 'Run on node1'
  });
  await expect(run).toHaveCount(1);
  await expect(run).toHaveAttribute('data-testbed-run', 'node1');
  await run.click();

  const text = await waitForText(page, 'node1', /^line-two$/m);
  expect(text).toMatch(/^ran-on-node1$/m);
  // Both lines of the continued command, in order: one command, sent as
  // one paste (line by line, bash would have shown its "> " prompt).
  expect(text).toMatch(/^line-one\nline-two$/m);
  expect(text).toMatch(/^cc@node1:~\$ # run on node1\necho /m);
  expect(text).not.toMatch(/^> /m);
  await waitForText(page, 'node1', promptOf('node1'));
  expect(await timesTyped(page, 'node1', 'ssh -F ')).toBe(1);
  expect(await timesTyped(page, 'node1', 'line-one')).toBe(1);

  await page.notebook.activate(NOTEBOOK);
  await openTerminalsSection(page);
  const step = page
    .locator(`#${SIDEBAR} .jp-testbed-Step[data-kind="block"]`)
    .filter({ hasText: 'ran-on-' });
  await expect(step).toHaveCount(1);
  await expect(step).toHaveAttribute('data-status', 'ticked');
  await expect(step.locator('.jp-testbed-Step-tick')).toBeChecked();
  await expect(step.locator('.jp-testbed-Step-label')).toHaveAttribute(
    'title',
    /sent to node1/
  );
  // The other blocks are not done.
  await expect(
    page.locator(`#${SIDEBAR} .jp-testbed-Step[data-status="ticked"]`)
  ).toHaveCount(1);
});

test('a block is not typed into node1’s terminal while it is connected to node1’s old address', async ({
  page,
  tmpPath
}) => {
  // Lab 1 and lab 2 both call their server node1, or the student entered
  // a new reservation's floating IP: the terminal still runs the old ssh.
  await openNotebook(page, tmpPath, NOTEBOOK);
  const run = page.locator('.jp-Notebook .jp-testbed-RunButton', {
    hasText: 'Run on node1'
  });
  await run.click();
  await waitForText(page, 'node1', /^ran-on-node1$/m);
  await waitForText(page, 'node1', promptOf('node1'));

  // The terminal outlives the page: what it was connected to is kept.
  await reloadWithLayout(page);
  await page.evaluate(async () => {
    const registry = await (window as any).galata.getPlugin(
      '@jupyterlab/apputils-extension:settings'
    );
    // Loopback: nothing off this machine is probed.
    await registry.set('jupyterlab-testbed:placeholders', 'values', {
      floatingIp: '127.0.0.1'
    });
  });
  // The notebook is open again from the restored layout.
  await page.notebook.activate(NOTEBOOK);
  await openTerminalsSection(page);
  await expect(
    card(page, 'node1').locator('.jp-testbed-NodeCard-where')
  ).toHaveText('cc@127.0.0.1');
  await page
    .locator('.jp-Notebook .jp-testbed-RunButton', { hasText: 'Run on node1' })
    .click();
  await expect(
    page.locator('.jp-Notification-Toast-error', {
      hasText: 'still connected to another lab’s node1 (cc@10.199.0.2:22)'
    })
  ).toBeVisible();
  expect(await timesTyped(page, 'node1', 'ran-on-')).toBe(0);
});

test('a block sent to node1 ends as its commands did: exit 0, exit 2, interrupted, unknown after exit', async ({
  page,
  tmpPath
}) => {
  const blocks = [
    'echo ok-$(hostname)',
    'echo about-to-fail\nls /no/such/dir',
    'sleep 120',
    'echo leaving\nexit'
  ];
  await page.contents.uploadContent(
    notebookText(
      blocks.map(block => ({
        cell_type: 'markdown',
        // Text first: the active cell's toolbar covers its top right corner.
        source: `A step.\n\n\`\`\`bash\n# run on node1\n${block}\n\`\`\``
      }))
    ),
    'text',
    `${tmpPath}/ends.ipynb`
  );
  await openNotebook(page, tmpPath, 'ends.ipynb');
  const runs = page.locator('.jp-Notebook .jp-testbed-RunButton');
  await expect(runs).toHaveCount(4);
  const meta = (text: string) =>
    page
      .locator(`#${SIDEBAR} .jp-testbed-Step`)
      .filter({ hasText: text })
      .locator('.jp-testbed-Step-meta');
  const runAndShow = async (index: number) => {
    await page.notebook.activate('ends.ipynb');
    await runs.nth(index).click();
  };

  await runAndShow(0);
  await waitForText(page, 'node1', /^ok-node1$/m);
  await page.notebook.activate('ends.ipynb');
  await openTerminalsSection(page);
  await expect(meta('ok-')).toHaveText('✓ exit 0');
  // The marks are not shown: the terminal has the commands and their output.
  expect(await terminalText(page, 'node1')).not.toMatch(/133;/);

  await runAndShow(1);
  await expect(meta('about-to-fail')).toHaveText('✗ exit 2', {
    timeout: CONNECT_MS
  });

  await runAndShow(2);
  await expect(meta('sleep 120')).toContainText('running', {
    timeout: CONNECT_MS
  });
  // The student presses Ctrl-C in the terminal.
  await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    const terminal = Array.from(
      app.shell.widgets('main') as Iterable<any>
    ).find((w: any) => w.content?.session?.name === 'node1') as any;
    terminal.content.session.send({ type: 'stdin', content: ['\x03'] });
  });
  await expect(meta('sleep 120')).toHaveText('✗ interrupted', {
    timeout: CONNECT_MS
  });

  await runAndShow(3);
  await expect(meta('leaving')).toHaveText('? unknown', {
    timeout: CONNECT_MS
  });
  await expect(card(page, 'node1')).toHaveClass(/\bjp-mod-ended\b/, {
    timeout: 15_000
  });
  // For the eye (docs/screenshots/progress-ends.png is one of these).
  await page.notebook.activate('ends.ipynb');
  await page
    .locator(`#${SIDEBAR}`)
    .screenshot({ path: test.info().outputPath('progress-ends.png') });
});

test('“Run on all 3” runs the block on each node in its own terminal', async ({
  page,
  tmpPath,
  request,
  baseURL
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  const run = page.locator('.jp-Notebook .jp-testbed-RunButton', {
    hasText: 'Run on all 3'
  });
  await expect(run).toHaveCount(1);
  await expect(run).toHaveAttribute('data-testbed-run', 'node1,node2,node3');
  await run.click();

  for (const node of ['node1', 'node2', 'node3']) {
    const text = await waitForText(
      page,
      node,
      new RegExp(`^all-${node}$`, 'm')
    );
    for (const other of ['node1', 'node2', 'node3'].filter(n => n !== node)) {
      expect(text).not.toContain(`all-${other}`);
    }
    // Connected once, the block sent once. (The screen may show the
    // connect line twice when it came before the new shell's prompt.)
    expect(await timesTyped(page, node, 'ssh -F '), `${node}: ${text}`).toBe(1);
    expect(await timesTyped(page, node, 'all-$(hostname)')).toBe(1);
  }
  expect(await serverTerminals(request, baseURL!)).toEqual([
    'node1',
    'node2',
    'node3'
  ]);
  // Side by side: all three on screen at once.
  expect(
    await page.evaluate(
      () =>
        Array.from(
          (window as any).jupyterapp.shell.widgets('main') as Iterable<any>
        ).filter(w => /^node\d$/.test(w.content?.session?.name) && w.isVisible)
          .length
    )
  ).toBe(3);
});

test('a block without a marker gets a Copy button and no run button', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  const cells = page.locator('.jp-Notebook .jp-MarkdownCell');
  await expect(cells).toHaveCount(3);
  const marked = cells.nth(0).locator('.jp-testbed-RunBar');
  const plain = cells.nth(2).locator('.jp-testbed-RunBar');
  // The bars are drawn once the lab's nodes are known.
  await expect(marked.locator('.jp-testbed-RunButton')).toHaveCount(1);
  await expect(plain).toHaveCount(1);
  await expect(plain.locator('.jp-testbed-CopyButton')).toHaveCount(1);
  await expect(plain.locator('.jp-testbed-RunButton')).toHaveCount(0);
  await expect(plain.locator('button')).toHaveCount(1);
  // The bar stands just before its block.
  await expect(cells.nth(2).locator('.jp-testbed-RunBar + pre')).toContainText(
    'ls'
  );
  await plain.locator('.jp-testbed-CopyButton').click();
  await expect(
    page
      .locator('.jp-toastContainer')
      .getByText('Copied with your values filled in.')
  ).toBeVisible();
});

test('when ssh ends the card offers Reconnect, which connects again', async ({
  page
}) => {
  await openTerminalsSection(page);
  const node1 = card(page, 'node1');
  await node1.locator('.jp-testbed-NodeCard-open').click();
  await waitForText(page, 'node1', promptOf('node1'));
  await expect(node1).toHaveClass(/\bjp-mod-connected\b/, { timeout: 15_000 });
  await expect(node1.locator('.jp-testbed-NodeCard-reconnect')).toHaveCount(0);

  await sendKeys(page, 'node1', 'exit\r');
  // Back in the local shell (galata's prompt is "$ ").
  await waitForText(page, 'node1', /closed\.\n\$$/);
  await expect(node1).toHaveClass(/\bjp-mod-ended\b/, { timeout: 15_000 });
  await expect(node1.locator('.jp-testbed-NodeCard-state')).toHaveText(
    'ssh ended'
  );
  const reconnect = node1.locator('.jp-testbed-NodeCard-reconnect');
  await expect(reconnect).toHaveText('Reconnect');
  await reconnect.click();

  const text = await waitForText(page, 'node1', promptOf('node1'));
  expect(await timesTyped(page, 'node1', 'ssh -F ')).toBe(2);
  expect(count(text, 'ssh -F '), text).toBe(2);
  await expect(node1).toHaveClass(/\bjp-mod-connected\b/, { timeout: 15_000 });
  await expect(node1.locator('.jp-testbed-NodeCard-reconnect')).toHaveCount(0);
});

test('a notebook’s own nodes connect only once accepted, with the student’s key', async ({
  page,
  tmpPath,
  request,
  baseURL
}) => {
  const hostile = 'nodes-agent-grab.ipynb';
  await page.contents.uploadContent(
    fs.readFileSync(
      path.resolve(__dirname, '../../adversarial', hostile),
      'utf8'
    ),
    'text',
    `${tmpPath}/${hostile}`
  );
  const asked: string[] = [];
  page.on('request', sent => {
    if (/\/jupyterlab-testbed\/ssh\/(probe|agent|config)\b/.test(sent.url())) {
      asked.push(`${sent.method()} ${decodeURIComponent(sent.url())}`);
    }
  });
  await openNotebook(page, tmpPath, hostile);
  const section = await openTerminalsSection(page);
  const proposal = section.locator('.jp-testbed-Proposal');
  await expect(proposal).toContainText('Proposed by this notebook');
  await page.waitForTimeout(2000);
  expect(asked).toEqual([]);

  await proposal.locator('.jp-testbed-Proposal-accept').click();
  await expect(section.locator('.jp-testbed-Proposal')).toHaveCount(0);
  const node1 = card(page, 'node1');
  await expect(node1.locator('.jp-testbed-NodeCard-where')).toHaveText(
    'cc@10.199.0.2'
  );
  await node1.locator('.jp-testbed-NodeCard-open').click();
  await waitForText(page, 'node1', promptOf('node1'));

  // The agent was asked only about the student's key, never the notebook's.
  expect(asked.some(line => line.includes(KEY))).toBe(true);
  expect(asked.filter(line => /id_ed25519_work|ssh_host_/.test(line))).toEqual(
    []
  );
  const described = await request.get(
    serverUrl(baseURL!, 'jupyterlab-testbed/ssh')
  );
  const { configFile } = (await described.json()) as { configFile: string };
  const config = fs.readFileSync(configFile, 'utf8');
  expect(config).toContain(`IdentityFile ${KEY}`);
  expect(config).not.toMatch(/id_ed25519_work|ssh_host_|LocalForward|curl/);
});
