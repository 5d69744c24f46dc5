/**
 * Open in browser against the SSH testbed: a dashboards lab's block for the
 * student's computer (`ssh -L 8443:127.0.0.1:8443 ... cc@A.B.C.D`) opens
 * node1's HTTPS dashboard (self-signed) in a new tab, through the server's
 * forward and jupyter-server-proxy; a port nothing listens on gets a
 * message and no tab. Traffic goes only into the testbed's namespaces.
 */
import { expect, test } from '@jupyterlab/galata';
import { notebookText, openNotebook, prepare } from './lab';
import { resetServer, testbed, useSshTestbed } from './testbed';

const NOTEBOOK = 'dashboards.ipynb';
const CONNECT_MS = 45_000;

/** A block for the student's computer forwarding a node's port, and where to browse. */
function dashboardCell(port: number): string {
  return (
    '## The dashboard\n\nOn your own computer:\n\n```bash\n# runs in *your local terminal*\n' +
    `ssh -L ${port}:127.0.0.1:${port} -i ~/.ssh/id_rsa_chameleon cc@A.B.C.D\n\`\`\`\n\n` +
    `Then browse https://127.0.0.1:${port}/ and log in.`
  );
}

useSshTestbed('Tunnel tests');

test.beforeEach(async ({ page, request, baseURL, tmpPath }) => {
  test.setTimeout(120_000);
  testbed(['check-routes']);
  await resetServer(request, baseURL!);
  await prepare(page, tmpPath, destination =>
    page.contents.uploadContent(
      notebookText([
        { cell_type: 'markdown', source: dashboardCell(8443) },
        { cell_type: 'markdown', source: dashboardCell(9) }
      ]),
      'text',
      `${destination}/${NOTEBOOK}`
    )
  );
});

test.afterEach(async ({ request, baseURL }) => {
  await resetServer(request, baseURL!);
});

test('Open in browser opens the node’s HTTPS dashboard through the proxy', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  const buttons = page.locator('.jp-Notebook .jp-testbed-TunnelButton');
  // One per block for the student's computer; no Run button on them.
  await expect(buttons).toHaveCount(2);
  await expect(page.locator('.jp-Notebook .jp-testbed-RunButton')).toHaveCount(
    0
  );
  const [tab] = await Promise.all([
    page.context().waitForEvent('page'),
    buttons.first().click()
  ]);
  await expect(tab.locator('#served-by')).toHaveText('node1', {
    timeout: CONNECT_MS
  });
  expect(tab.url()).toMatch(/\/jupyterlab-testbed\/tunnels\/\d+\/$/);
  // The page keeps the forward open while its tab is there (every 10 s).
  const kept = await page.waitForResponse(
    /\/jupyterlab-testbed\/tunnels\/keepalive(\?|$)/,
    { timeout: 20_000 }
  );
  expect(kept.status()).toBe(200);
  expect(tab.url()).toContain(((await kept.json()) as { url: string }).url);
  await tab.close();
});

test('a port nothing listens on gets a message, and its tab closes', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, NOTEBOOK);
  await page.locator('.jp-Notebook .jp-testbed-TunnelButton').last().click();
  await expect(
    page.locator('.jp-Notification-Toast-error, .Toastify__toast--error', {
      hasText: 'Nothing answers at 127.0.0.1:9 as seen from node1'
    })
  ).toBeVisible({ timeout: CONNECT_MS });
  expect(page.context().pages()).toHaveLength(1);
});
