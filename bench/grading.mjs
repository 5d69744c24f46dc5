/**
 * Part 6: the class overview of a folder of submissions, against the time
 * just to fetch the same files through the contents API in the same page
 * (the I/O floor: the same listing walk and the same raw-text reads, with
 * the same concurrency, and nothing done with them).
 *
 * Also measured: how long until the first row is on screen, since the table
 * is meant to fill in while the rest of the folder is still being read.
 *
 * Usage: node bench/grading.mjs --port P --folder class-300 --rounds 5
 */
import { parseArgs } from 'node:util';
import { launchBrowser, median, openLab, Rounds, serverUrl, within } from './lib.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    folder: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '6' }
  }
});
const rounds = Math.max(3, Number(values.rounds));
const concurrency = Number(values.concurrency);

const browser = await launchBrowser();
try {
  const { page, hasSidebar } = await openLab(browser, serverUrl(values.port));
  if (!hasSidebar) {
    throw new Error('the extension is not loaded in the benchmark server');
  }
  const floor = [];
  const overview = [];
  const firstRow = [];
  let files = 0;
  // A failed round (a deadline on a busy machine) is reported and left out.
  const attempts = new Rounds();
  for (let round = 0; round <= rounds; round++) {
    await attempts.attempt(`round ${round}`, () => measureRound(round));
  }
  async function measureRound(round) {
    const fetched = await within(
      300_000,
      'fetching the folder',
      page.evaluate(fetchFolder, { root: values.folder, concurrency })
    );
    const shown = await within(
      300_000,
      'the class overview',
      page.evaluate(openOverview, { root: values.folder })
    );
    if (shown.rows === 0 || fetched.files !== shown.files) {
      throw new Error(
        `the overview read ${shown.files} notebooks (${shown.rows} rows), the floor ${fetched.files}`
      );
    }
    files = fetched.files;
    // Round 0 warms the server's and the browser's caches for both sides.
    if (round > 0) {
      floor.push(fetched.ms);
      overview.push(shown.ms);
      firstRow.push(shown.firstRowMs);
    }
    console.log(
      `round ${round}${round ? '' : ' (warm-up)'}: fetch only ${fetched.ms.toFixed(0)} ms, ` +
        `overview ${shown.ms.toFixed(0)} ms (first row after ${shown.firstRowMs.toFixed(0)} ms), ` +
        `${shown.rows} students`
    );
  }
  if (!overview.length) {
    throw new Error(`no round finished${attempts.note()}`);
  }
  const ratio = median(overview) / median(floor);
  console.log(
    `SUMMARY class overview: ${files} notebooks, overview / fetch-only ${ratio.toFixed(2)} ` +
      `(${median(overview).toFixed(0)} ms vs ${median(floor).toFixed(0)} ms, median of ${overview.length} of ${rounds}); ` +
      `first row after ${median(firstRow).toFixed(0)} ms (target ratio <= 1.5)${attempts.note()}`
  );
} finally {
  await browser.close();
}

/** In the page: list the folder and read every notebook as text, nothing more. */
async function fetchFolder({ root, concurrency }) {
  const contents = window.jupyterapp.serviceManager.contents;
  const start = performance.now();
  const paths = [];
  const walk = async (dir, depth) => {
    const listing = await contents.get(dir, { content: true });
    const below = [];
    for (const item of listing.content) {
      if (item.name.startsWith('.')) {
        continue;
      }
      if (item.type === 'directory' && depth < 6) {
        below.push(walk(item.path, depth + 1));
      } else if (item.name.endsWith('.ipynb')) {
        paths.push(item.path);
      }
    }
    await Promise.all(below);
  };
  await walk(root, 0);
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const file = await contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      bytes += file.content.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - start, files: paths.length, bytes };
}

/** In the page: open the overview on the folder and wait until all is read. */
async function openOverview({ root }) {
  const app = window.jupyterapp;
  for (const widget of [...app.shell.widgets('main')]) {
    if (
      widget.hasClass('jp-MainAreaWidget') &&
      widget.content?.hasClass?.('jp-testbed-Class')
    ) {
      widget.dispose();
    }
  }
  const start = performance.now();
  let firstRowMs = null;
  const observer = new MutationObserver(() => {
    if (
      firstRowMs === null &&
      document.querySelector('.jp-testbed-Class-row')
    ) {
      firstRowMs = performance.now() - start;
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  const widget = await app.commands.execute('testbed:grading-overview', {
    path: root
  });
  const model = widget.content.model;
  await new Promise(resolve => {
    const check = () => {
      if (model.state === 'done' || model.state === 'failed') {
        model.changed.disconnect(check);
        resolve();
      }
    };
    model.changed.connect(check);
    check();
  });
  // Done means read; the table is drawn on the next frame.
  await new Promise(resolve =>
    requestAnimationFrame(() => setTimeout(resolve, 0))
  );
  const ms = performance.now() - start;
  observer.disconnect();
  const rows = widget.content.node.querySelectorAll(
    '.jp-testbed-Class-row'
  ).length;
  const files = model.entries.length;
  widget.dispose();
  return { ms, firstRowMs: firstRowMs ?? ms, rows, files };
}
