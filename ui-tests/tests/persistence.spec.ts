/**
 * What the sidebar says about the Chameleon key and the work folder, on a
 * real JupyterLab. The server's replies are the real ones with the
 * Chameleon-side facts put in (a key named by $OS_KEYPAIR_PRIVATE_KEY, a
 * work folder the student cannot write): the server side of both is tested
 * with pytest on real files and mounts.
 */
import { expect, test } from '@jupyterlab/galata';

// Galata's own tmpPath set-up misses the hub-style base URL (see lab.ts):
// this test needs no files, only the app.
test.use({ autoGoto: false });

const NOT_WRITABLE =
  'The work folder /work is not writable: your values are kept in this browser tab and the home folder only, which a server restart may wipe. Ask your hub’s operator to fix its permissions.';

test('the sidebar names Chameleon’s key and a work folder it cannot write', async ({
  page
}) => {
  await page.route(/\/jupyterlab-testbed\/persistence(\?[^/]*)?$/, route =>
    route.fulfill({
      json: {
        workDir: '/work',
        folder: null,
        persisted: false,
        variable: 'JUPYTERLAB_TESTBED_WORK_DIR',
        problem: NOT_WRITABLE
      }
    })
  );
  await page.route(/\/jupyterlab-testbed\/ssh(\?[^/]*)?$/, async route => {
    const response = await route.fetch();
    const paths = await response.json();
    await route.fulfill({
      response,
      json: {
        ...paths,
        chameleonKey: {
          path: '/work/.ssh/id_rsa',
          source: 'environment',
          variable: 'OS_KEYPAIR_PRIVATE_KEY',
          problem: null
        }
      }
    });
  });
  await page.goto();
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('testbed:show-sidebar')
  );

  await expect(page.locator('.jp-testbed-Terminals-key')).toHaveText(
    'Key: /work/.ssh/id_rsa, Chameleon’s key for this server ($OS_KEYPAIR_PRIVATE_KEY)'
  );
  const kept = page.locator('.jp-testbed-Placeholders-kept');
  await expect(kept).toHaveText(NOT_WRITABLE);
  await expect(kept).toHaveClass(/\bjp-mod-warning\b/);
  // Said once in the sidebar.
  await expect(page.getByText(NOT_WRITABLE)).toHaveCount(1);
});
