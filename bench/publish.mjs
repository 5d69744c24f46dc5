/**
 * Part 7: "Prepare for Publishing" of a lab folder, against the time just to
 * copy the same folder through the same APIs in the same page (the I/O
 * floor: the server extension's listing, the folders made, every notebook
 * read as text and written back as the same text, other files copied by the
 * server, one request at a time as the engine does, and nothing else).
 *
 * The command asks where the copy goes in a dialog, so it is driven as an
 * author would: the copy gets a fresh name each round, trovi.json is not
 * written, and Prepare is clicked. Its time runs in the browser from that
 * click (a capturing listener) to the frame after the report's status is
 * in the page; the whole interaction (from `execute`, dialog and
 * Playwright's typing included) is printed beside it.
 *
 * Usage: node bench/publish.mjs --port P --folder lab-15 --rounds 5
 */
import { parseArgs } from 'node:util';
import { launchBrowser, median, openLab, Rounds, serverUrl, within } from './lib.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    folder: { type: 'string' },
    rounds: { type: 'string', default: '5' }
  }
});
const rounds = Math.max(3, Number(values.rounds));
const folder = values.folder.replace(/^\/+|\/+$/g, '');
const slash = folder.lastIndexOf('/');
const [parent, name] =
  slash < 0 ? ['', folder] : [folder.slice(0, slash), folder.slice(slash + 1)];
const beside = copy => (parent ? `${parent}/${copy}` : copy);

const browser = await launchBrowser();
try {
  const { page, hasSidebar } = await openLab(browser, serverUrl(values.port));
  if (!hasSidebar) {
    throw new Error('the extension is not loaded in the benchmark server');
  }
  const floor = [];
  const prepare = [];
  const whole = [];
  let shape = null;
  let status = null;
  // A failed round (a deadline on a busy machine) is reported and left out.
  const attempts = new Rounds();
  for (let round = 0; round <= rounds; round++) {
    await attempts.attempt(`round ${round}`, () => measureRound(round));
  }
  async function measureRound(round) {
    const copied = await within(
      120_000,
      'copying the folder (floor)',
      page.evaluate(copyFolder, {
        root: folder,
        target: beside(`${name}-floor-r${round}`)
      })
    );
    const prepared = await within(
      120_000,
      'Prepare for Publishing',
      prepareThroughDialog(page, `${name}-publish-r${round}`)
    );
    if (prepared.copied !== copied.files) {
      throw new Error(
        `the engine copied ${prepared.copied} files (${prepared.facts}), the floor ${copied.files}`
      );
    }
    shape = copied;
    status = prepared;
    // Round 0 warms the server's and the browser's caches for both sides.
    if (round > 0) {
      floor.push(copied.ms);
      prepare.push(prepared.ms);
      whole.push(prepared.wholeMs);
    }
    const p = copied.phases;
    console.log(
      `round ${round}${round ? '' : ' (warm-up)'}: copy only ${copied.ms.toFixed(0)} ms ` +
        `(list ${p.list.toFixed(0)}, folders ${p.folders.toFixed(0)}, read ${p.read.toFixed(0)}, ` +
        `write ${p.write.toFixed(0)}, copy ${p.copy.toFixed(0)}), ` +
        `prepare ${prepared.ms.toFixed(0)} ms from the click ` +
        `(${prepared.wholeMs.toFixed(0)} ms with the dialog); ` +
        `${prepared.clean ? 'Clean' : 'NOT clean'}, ${prepared.leaks} leaks, ${prepared.warnings} warnings`
    );
  }
  if (!prepare.length) {
    throw new Error(`no round finished${attempts.note()}`);
  }
  const mb = shape.bytes / 1024 / 1024;
  console.log(
    `folder ${folder}: ${shape.notebooks} notebooks and ${shape.files - shape.notebooks} other files ` +
      `in ${shape.folders} folders, ${mb.toFixed(2)} MB; report: "${status.status}" ` +
      `(${status.facts}; ${status.leaks} leak findings counted in the report, ${status.warnings} warnings)`
  );
  const ratio = median(prepare) / median(floor);
  console.log(
    `SUMMARY prepare for publishing: ${shape.notebooks} notebooks (${mb.toFixed(1)} MB), ` +
      `prepare / copy-only ${ratio.toFixed(2)} (${median(prepare).toFixed(0)} ms vs ` +
      `${median(floor).toFixed(0)} ms, median of ${prepare.length} of ${rounds}; ${median(whole).toFixed(0)} ms with the dialog); ` +
      `${status.clean ? 'Clean' : `NOT clean, ${status.leaks} leaks`} (target ratio <= 3)${attempts.note()}`
  );
} finally {
  await browser.close();
}

/**
 * Run the command, answer its dialog, wait for its report, close it.
 * Resolves to the times and what the report says.
 */
async function prepareThroughDialog(page, copyName) {
  await page.evaluate(
    ({ folder }) => {
      const app = window.jupyterapp;
      const state = {
        start: performance.now(),
        clickAt: null,
        doneAt: null,
        finished: false,
        error: null
      };
      window.__benchPrepare = state;
      const onClick = event => {
        const button = event.target.closest?.('.jp-Dialog button');
        if (button && button.textContent.trim() === 'Prepare') {
          state.clickAt = performance.now();
          document.removeEventListener('click', onClick, true);
        }
      };
      document.addEventListener('click', onClick, true);
      const observer = new MutationObserver(() => {
        if (state.clickAt === null) {
          return;
        }
        const shown = [
          ...document.querySelectorAll('.jp-testbed-Report-status')
        ].some(node => /^(Clean:|NOT clean:)/.test(node.textContent));
        if (shown) {
          observer.disconnect();
          // In the page; drawn on the next frame.
          requestAnimationFrame(() =>
            setTimeout(() => (state.doneAt = performance.now()), 0)
          );
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
      app.commands.execute('testbed:authoring-prepare', { path: folder }).then(
        () => (state.finished = true),
        error => (state.error = String(error?.message ?? error))
      );
    },
    { folder }
  );
  const dialog = page.locator('.jp-Dialog');
  await dialog.waitFor();
  await dialog.getByLabel('Name of the copy', { exact: true }).fill(copyName);
  await dialog
    .locator('fieldset', {
      has: page.locator('legend', { hasText: 'For Trovi (trovi.json)' })
    })
    .locator('input[type="checkbox"]')
    .uncheck();
  await dialog.getByRole('button', { name: 'Prepare', exact: true }).click();
  const outcome = await page.waitForFunction(
    () => {
      const state = window.__benchPrepare;
      if (state.doneAt !== null) {
        return 'done';
      }
      if (state.error !== null) {
        return `the command failed: ${state.error}`;
      }
      // Finished without a report: refused, or failed (a dialog or an
      // error notification). The report is in the page before the command
      // returns, and timed a frame later.
      return state.finished &&
        !document.querySelector('.jp-testbed-Report-status')
        ? 'the command finished without a report'
        : null;
    },
    undefined,
    { polling: 'raf' }
  );
  const verdict = await outcome.jsonValue();
  if (verdict !== 'done') {
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('.jp-Dialog, .Toastify__toast')]
        .map(node => node.textContent)
        .join(' | ')
    );
    throw new Error(`${verdict} (on screen: ${shown || 'nothing'})`);
  }
  return page.evaluate(() => {
    const app = window.jupyterapp;
    const state = window.__benchPrepare;
    const report = document.querySelector('.jp-testbed-Report');
    const status = report.querySelector(
      '.jp-testbed-Report-status'
    ).textContent;
    const facts = [
      ...report.querySelectorAll('.jp-testbed-Report-facts li')
    ].map(item => item.textContent);
    const copied = Number(
      /(\d+) files copied/.exec(facts.join(' '))?.[1] ?? NaN
    );
    const result = {
      ms: state.doneAt - state.clickAt,
      wholeMs: state.doneAt - state.start,
      status,
      clean: status.startsWith('Clean:'),
      facts: facts.join(' '),
      copied,
      leaks: report.querySelectorAll('.jp-testbed-Report-finding.jp-mod-leak')
        .length,
      warnings: report.querySelectorAll(
        '.jp-testbed-Report-finding.jp-mod-warning'
      ).length
    };
    for (const widget of [...app.shell.widgets('main')]) {
      if (widget.content?.hasClass?.('jp-testbed-Report')) {
        widget.dispose();
      }
    }
    return result;
  });
}

/**
 * In the page: copy a folder as the engine does, with nothing else: walk it
 * breadth first with the server extension's listing (links and
 * checkpoints left out), make the folders, read each notebook as text and
 * save the same text, copy other files on the server; one request at a time.
 */
async function copyFolder({ root, target }) {
  const app = window.jupyterapp;
  const contents = app.serviceManager.contents;
  const settings = app.serviceManager.serverSettings;
  const headers = {};
  if (settings.token) {
    headers.Authorization = `token ${settings.token}`;
  }
  const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  if (xsrf) {
    headers['X-XSRFToken'] = xsrf[1];
  }
  const treeUrl = `${settings.baseUrl.replace(/\/?$/, '/')}jupyterlab-testbed/tree`;
  const join = (folder, name) => (folder ? `${folder}/${name}` : name);
  const phases = { list: 0, folders: 0, read: 0, write: 0, copy: 0 };
  const timed = async (phase, promise) => {
    const t = performance.now();
    try {
      return await promise;
    } finally {
      phases[phase] += performance.now() - t;
    }
  };
  const start = performance.now();

  const folders = [];
  const files = [];
  let level = [''];
  while (level.length) {
    const below = [];
    for (const folder of level) {
      const response = await timed(
        'list',
        fetch(`${treeUrl}?path=${encodeURIComponent(join(root, folder))}`, {
          ...settings.init,
          headers
        })
      );
      if (!response.ok) {
        throw new Error(
          `${join(root, folder)} cannot be listed: ${response.status}`
        );
      }
      const { items } = await timed('list', response.json());
      if (folder) {
        folders.push(folder);
      }
      for (const item of items) {
        const path = join(folder, item.name);
        if (item.why || item.kind === 'link' || item.kind === 'other') {
          continue;
        }
        if (item.kind === 'directory') {
          if (item.name !== '.ipynb_checkpoints' && item.name !== '.git') {
            below.push(path);
          }
        } else {
          files.push({ path, size: item.size ?? 0 });
        }
      }
    }
    level = below;
  }

  await timed('folders', contents.save(target, { type: 'directory' }));
  for (const folder of folders) {
    await timed(
      'folders',
      contents.save(join(target, folder), { type: 'directory' })
    );
  }
  let notebooks = 0;
  for (const file of files) {
    const from = join(root, file.path);
    const to = join(target, file.path);
    if (file.path.toLowerCase().endsWith('.ipynb')) {
      notebooks++;
      const model = await timed(
        'read',
        contents.get(from, { type: 'file', format: 'text', content: true })
      );
      await timed(
        'write',
        contents.save(to, {
          type: 'file',
          format: 'text',
          content: model.content
        })
      );
    } else {
      const slash = to.lastIndexOf('/');
      const copied = await timed(
        'copy',
        contents.copy(from, slash < 0 ? '' : to.slice(0, slash))
      );
      if (copied.path !== to) {
        await timed('copy', contents.rename(copied.path, to));
      }
    }
  }
  return {
    ms: performance.now() - start,
    phases,
    folders: folders.length,
    files: files.length,
    notebooks,
    bytes: files.reduce((sum, file) => sum + file.size, 0)
  };
}
