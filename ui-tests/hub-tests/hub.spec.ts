/**
 * Two students on a real JupyterHub (scripts/hub-test.sh sets it all up):
 * student A fills values, runs cells and a block on node1 through the hub's
 * proxy; A's server is stopped from the hub and started again with a new,
 * empty home, as on Chameleon, and what A did is still there; student B sees
 * nothing of A and, as B, can read none of A's ssh files or sockets.
 */
import { expect, Page, test } from '@playwright/test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { terminalText } from '../tests/lab';

const HUB_RUN = process.env.JLT_HUB_RUN ?? '';
const PROJECT = process.env.JLT_HUB_PROJECT ?? '';
const REPO = path.resolve(__dirname, '../..');
const TESTBED = path.join(REPO, 'testbed/testbed.sh');
const A = 'jltstudenta';
const B = 'jltstudentb';
const FLOATING_IP = '10.199.0.2';
const VALUES = {
  'Net ID': 'jlta524',
  'Chameleon project': 'CHI-231095',
  'Floating IP of node1': FLOATING_IP
};
/** Written by the first test into A's work folder, through A's server. */
const CHECK = 'hub-check.ipynb';
const LAB = '1_provision_cli.ipynb';
const CONNECT_MS = 45_000;

test.skip(!HUB_RUN, 'run by scripts/hub-test.sh, which starts the hub');

const workDir = (user: string) => path.join(HUB_RUN, 'work', user);
const token = () =>
  fs.readFileSync(path.join(HUB_RUN, 'secrets', 'api-token'), 'utf8').trim();

/** The hub's REST API (or a user's server through the proxy) with the test's token. */
async function hubFetch(
  baseURL: string,
  method: string,
  route: string
): Promise<Response> {
  return fetch(`${baseURL}${route}`, {
    method,
    headers: { Authorization: `token ${token()}` }
  });
}

async function serverReady(baseURL: string, user: string): Promise<boolean> {
  const reply = await hubFetch(baseURL, 'GET', `/hub/api/users/${user}`);
  const model = await reply.json();
  return !!model.servers?.['']?.ready;
}

/** A command as root, or as a user with `runuser`. */
function sh(args: string[], user?: string) {
  const command = user ? ['runuser', '-u', user, '--', ...args] : args;
  return spawnSync(command[0], command.slice(1), {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 30_000
  });
}

/** Whether `user` passes `test FLAG path` (-r read, -w write, -x enter). */
const can = (user: string, flag: string, file: string) =>
  sh(['test', flag, file], user).status === 0;

/** Log in through the hub's form and wait for the user's JupyterLab. */
async function login(page: Page, user: string): Promise<void> {
  const password = fs
    .readFileSync(path.join(HUB_RUN, 'secrets', user), 'utf8')
    .trim();
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill(password);
  await page.locator('#login_submit').click();
  await page.waitForURL(new RegExp(`/user/${user}/lab`), { timeout: 90_000 });
  await page.waitForFunction(() => !!(window as any).jupyterapp, undefined, {
    timeout: 90_000
  });
  await page.evaluate(() => (window as any).jupyterapp.restored);
}

const execute = (page: Page, command: string, args: any = {}) =>
  page.evaluate(
    ({ command, args }) =>
      (window as any).jupyterapp.commands.execute(command, args),
    { command, args }
  );

/** Open a notebook of the server's root (the work folder) and wait for its kernel. */
async function openNotebook(page: Page, name: string): Promise<void> {
  await page.evaluate(async name => {
    const app = (window as any).jupyterapp;
    const panel = await app.commands.execute('docmanager:open', {
      path: name,
      factory: 'Notebook'
    });
    await panel.context.ready;
    await panel.sessionContext.ready;
    await panel.revealed;
    app.shell.activateById(panel.id);
  }, name);
  await page.waitForFunction(
    () =>
      (window as any).jupyterapp.shell.currentWidget?.sessionContext?.session
        ?.kernel?.status === 'idle',
    undefined,
    { timeout: 60_000 }
  );
}

/** Run one cell of the current notebook with the real kernel; its text output. */
async function runCell(page: Page, index: number): Promise<string> {
  return page.evaluate(async index => {
    const app = (window as any).jupyterapp;
    const notebook = app.shell.currentWidget.content;
    notebook.activeCellIndex = index;
    await app.commands.execute('notebook:run-cell');
    const outputs = notebook.model.cells.get(index).outputs;
    let text = '';
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs.get(i).toJSON();
      text += output.text ?? JSON.stringify(output.data ?? output);
    }
    return text;
  }, index);
}

async function waitForText(page: Page, name: string, pattern: RegExp) {
  await expect
    .poll(() => terminalText(page, name), {
      message: `terminal ${name} shows ${pattern}`,
      timeout: CONNECT_MS
    })
    .toMatch(pattern);
}

async function openSidebar(page: Page) {
  await execute(page, 'testbed:show-sidebar');
  await expect(page.locator('#jp-testbed-terminals')).toBeVisible();
}

const card = (page: Page, node: string) =>
  page.locator(
    `#jp-testbed-terminals li.jp-testbed-NodeCard[data-node="${node}"]`
  );

async function placeholderForm(page: Page) {
  await execute(page, 'testbed:placeholders-show');
  const form = page.locator('#jp-testbed-placeholders');
  await expect(form).toBeVisible();
  return form;
}

/** What the server extension says about the lab's ssh files (GET, so no XSRF). */
async function sshPaths(page: Page): Promise<Record<string, string | null>> {
  return page.evaluate(async () => {
    const base = (window as any).jupyterapp.serviceManager.serverSettings
      .baseUrl;
    // Behind a hub, a cookie-authenticated request must carry the XSRF
    // token, as JupyterLab's own requests do.
    const xsrf = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/)?.[1] ?? '';
    const reply = await fetch(`${base}jupyterlab-testbed/ssh`, {
      headers: { 'X-XSRFToken': decodeURIComponent(xsrf) }
    });
    return reply.json();
  });
}

/** Cells A writes into the work folder: the environment, the shells' agent, a block for node1. */
function checkNotebook(): string {
  const code = (source: string) => ({
    cell_type: 'code',
    metadata: {},
    source,
    outputs: [],
    execution_count: null
  });
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' }
    },
    cells: [
      code(
        'echo "user=$(id -un) project=$OS_PROJECT_NAME key=$OS_KEYPAIR_PRIVATE_KEY cwd=$PWD"; head -n 1 "$OS_KEYPAIR_PRIVATE_KEY"'
      ),
      // A login-like interactive bash, as a terminal starts: its agent holds the hub key.
      code("bash -ic 'ssh-add -l' 2>/dev/null"),
      {
        cell_type: 'markdown',
        metadata: {},
        source:
          '## On node1\n\n```bash\n# run on node1\necho "ran-on-$(hostname)"\n```'
      }
    ].map((cell, i) => ({ id: `cell-${i}`, ...cell }))
  });
}

/** A's ssh files and sockets, as A's own server reports them (the test's token may ask it). */
async function sshPathsOfA(
  baseURL: string
): Promise<Record<string, string | null>> {
  const described = await hubFetch(
    baseURL,
    'GET',
    `/user/${A}/jupyterlab-testbed/ssh`
  );
  expect(described.ok).toBe(true);
  return described.json();
}

async function terminalsOfA(baseURL: string): Promise<string[]> {
  const reply = await hubFetch(baseURL, 'GET', `/user/${A}/api/terminals`);
  expect(reply.ok).toBe(true);
  return ((await reply.json()) as { name: string }[]).map(t => t.name);
}

test.beforeEach(() => {
  // The routes stay inside this machine while anything may connect.
  expect(sh(['bash', TESTBED, 'check-routes']).status).toBe(0);
});

test('A’s server starts as Chameleon’s image starts it: key in the work folder, project, shells with an agent', async ({
  page
}) => {
  await login(page, A);
  // A PEM RSA key in the work folder, named by the environment, A's only.
  const key = path.join(workDir(A), '.ssh', 'id_rsa');
  expect(fs.readFileSync(key, 'utf8')).toMatch(
    /^-----BEGIN RSA PRIVATE KEY-----/
  );
  expect(fs.statSync(key).mode & 0o777).toBe(0o400);
  expect(sh(['stat', '-c', '%U', key]).stdout.trim()).toBe(A);

  await page.evaluate(
    async ({ name, content }) => {
      const app = (window as any).jupyterapp;
      await app.serviceManager.contents.save(name, {
        type: 'file',
        format: 'text',
        content
      });
    },
    { name: CHECK, content: checkNotebook() }
  );
  // The server runs as A, from the work folder, with the hub's variables.
  await openNotebook(page, CHECK);
  const environment = await runCell(page, 0);
  expect(environment).toContain(`user=${A} project=${PROJECT} key=${key}`);
  expect(environment).toContain(`cwd=${workDir(A)}`);
  expect(environment).toContain('-----BEGIN RSA PRIVATE KEY-----');
  expect(await runCell(page, 1)).toMatch(/ \(RSA\)/);
  await execute(page, 'docmanager:save');
});

test('A fills values in the sidebar and runs the sample lab’s cells with the bash kernel', async ({
  page
}) => {
  await login(page, A);
  await openNotebook(page, LAB);
  const form = await placeholderForm(page);
  for (const [label, value] of Object.entries(VALUES)) {
    await form.getByLabel(label).fill(value);
  }
  await form.getByRole('button', { name: 'Fill', exact: true }).click();
  await runCell(page, 2);
  await runCell(page, 4);
  expect(await runCell(page, 6)).toContain('Project: CHI-231095');
  expect(await runCell(page, 11)).toContain('private_cloud_net_jlta524');
  await execute(page, 'docmanager:save');
  // The records are in the notebook file in the work folder.
  await expect
    .poll(
      () =>
        JSON.stringify(
          JSON.parse(fs.readFileSync(path.join(workDir(A), LAB), 'utf8'))
            .metadata['jupyterlab-testbed'] ?? null
        ),
      { timeout: 15_000 }
    )
    .toContain('"v":1');
});

test('A opens node1 from its card with the hub key and runs a block there', async ({
  page
}) => {
  await login(page, A);
  await openNotebook(page, CHECK);
  await openSidebar(page);
  await card(page, 'node1').locator('.jp-testbed-NodeCard-open').click();
  await waitForText(page, 'node1', /cc@node1:~\$$/);
  await openNotebook(page, CHECK);
  const run = page.locator('.jp-Notebook .jp-testbed-RunButton', {
    hasText: 'Run on node1'
  });
  await expect(run).toHaveCount(1);
  await run.click();
  await waitForText(page, 'node1', /^ran-on-node1$/m);
  await execute(page, 'docmanager:save');
});

test('A’s server is stopped from the hub and started again with a new, empty home; the records are there', async ({
  page,
  baseURL
}) => {
  // Stopped through the hub's REST API, as the hub page's Stop button does.
  const stopped = await hubFetch(
    baseURL!,
    'DELETE',
    `/hub/api/users/${A}/server`
  );
  expect([202, 204]).toContain(stopped.status);
  await expect
    .poll(
      async () =>
        Object.keys(
          (
            await (
              await hubFetch(baseURL!, 'GET', `/hub/api/users/${A}`)
            ).json()
          ).servers ?? {}
        ).length,
      { timeout: 60_000 }
    )
    .toBe(0);
  // What the image gives at the next start: no process left, a new home.
  const wiped = sh([
    'bash',
    '-c',
    'source scripts/hub-lib.sh && hub_kill_user_processes "$1" && hub_new_home "$1"',
    'wipe',
    A
  ]);
  expect(wiped.status, wiped.stderr).toBe(0);
  const home = sh(['getent', 'passwd', A]).stdout.split(':')[5];
  expect(fs.existsSync(path.join(home, '.jupyter'))).toBe(false);
  expect(fs.existsSync(path.join(home, '.ssh'))).toBe(false);

  const started = await hubFetch(
    baseURL!,
    'POST',
    `/hub/api/users/${A}/server`
  );
  expect([201, 202]).toContain(started.status);
  await expect
    .poll(() => serverReady(baseURL!, A), { timeout: 90_000 })
    .toBe(true);
  await login(page, A);
  // The records: in the notebook file, and ticked in the Progress section.
  await openNotebook(page, LAB);
  await openSidebar(page);
  await expect(
    page.locator('#jp-testbed-sidebar .jp-testbed-Step[data-status="ok"]')
  ).toHaveCount(4);
});

test('after the restart, A’s values are in the form', async ({ page }) => {
  await login(page, A);
  await openNotebook(page, LAB);
  const form = await placeholderForm(page);
  for (const [label, value] of Object.entries(VALUES)) {
    await expect(form.getByLabel(label)).toHaveValue(value);
  }
});

test('after the restart, the lab’s known_hosts is kept in the work folder and node1 opens without a question', async ({
  page
}) => {
  await login(page, A);
  await openNotebook(page, CHECK);
  // Before anything connects again: the file written before the restart.
  const paths = await sshPaths(page);
  const persistent = path.join(workDir(A), '.jupyterlab-testbed');
  expect(paths.knownHostsFile).toBe(
    path.join(persistent, 'ssh', 'known_hosts')
  );
  expect(fs.readFileSync(paths.knownHostsFile!, 'utf8')).toContain(FLOATING_IP);
  expect(fs.statSync(persistent).mode & 0o777).toBe(0o700);
  await openSidebar(page);
  await card(page, 'node1').locator('.jp-testbed-NodeCard-open').click();
  await waitForText(page, 'node1', /cc@node1:~\$$/);
  expect(await terminalText(page, 'node1')).not.toContain(
    'continue connecting'
  );
});

test('B sees none of A’s values, and nothing of A’s terminals', async ({
  page,
  baseURL
}) => {
  // A has a terminal open (a node1 card, or at least a plain one).
  if (!(await terminalsOfA(baseURL!)).length) {
    await hubFetch(baseURL!, 'POST', `/user/${A}/api/terminals`);
  }
  expect((await terminalsOfA(baseURL!)).length).toBeGreaterThan(0);

  await login(page, B);
  const settings = await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    return JSON.stringify(
      await app.serviceManager.settings.fetch('jupyterlab-testbed:placeholders')
    );
  });
  expect(settings).not.toContain('jlta524');
  await openNotebook(page, LAB);
  const form = await placeholderForm(page);
  await expect(form.getByLabel('Net ID')).toHaveValue('');
  await openSidebar(page);
  await expect(
    page.locator('#jp-testbed-terminals .jp-testbed-NodeCard.jp-mod-connected')
  ).toHaveCount(0);
  await expect(
    page.locator('#jp-testbed-terminals .jp-testbed-NodeCard-state', {
      hasText: /connected|ssh ended/
    })
  ).toHaveCount(0);
  expect(
    await page.evaluate(async () => {
      const terminals = (window as any).jupyterapp.serviceManager.terminals;
      await terminals.refreshRunning();
      return [...terminals.running()].length;
    })
  ).toBe(0);
});

test('as B, A’s key, ssh config, known_hosts, agent sockets and control sockets cannot be read or used', async ({
  baseURL
}) => {
  const paths = await sshPathsOfA(baseURL!);
  const files = [
    path.join(workDir(A), '.ssh', 'id_rsa'),
    paths.configFile!,
    paths.knownHostsFile!
  ];
  for (const file of files) {
    expect(fs.existsSync(file), `${file} exists`).toBe(true);
    expect(can(B, '-r', file), `${B} can read ${file}`).toBe(false);
  }
  expect(can(B, '-x', workDir(A)), `${B} can enter A's work folder`).toBe(
    false
  );
  const controlDir = paths.controlDir!;
  expect(fs.statSync(controlDir).isDirectory()).toBe(true);
  expect(can(B, '-x', controlDir), `${B} can enter ${controlDir}`).toBe(false);
  const controlSockets = fs
    .readdirSync(controlDir)
    .map(name => path.join(controlDir, name))
    .filter(file => fs.statSync(file).isSocket());
  // The agents A's shells started (one per bash, as on Chameleon).
  const shellAgents = sh([
    'find',
    '/tmp',
    '-maxdepth',
    '2',
    '-user',
    A,
    '-type',
    's'
  ])
    .stdout.split('\n')
    .filter(Boolean);
  // node1's master connection, and at least one agent.
  expect(
    controlSockets.filter(s => !s.endsWith('agent.sock')).length
  ).toBeGreaterThan(0);
  const sockets = [
    ...new Set(
      [...controlSockets, ...shellAgents, paths.agentSocket!].filter(Boolean)
    )
  ];
  expect(sockets.length).toBeGreaterThan(1);
  for (const socket of sockets) {
    expect(can(B, '-w', socket), `${B} can use ${socket}`).toBe(false);
    const connect = sh(
      [
        '/usr/bin/python3',
        '-c',
        'import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])',
        socket
      ],
      B
    );
    expect(connect.stderr, socket).toMatch(/PermissionError|Permission denied/);
  }
});
