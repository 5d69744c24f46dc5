/**
 * Part 9: the JavaScript the browser downloads for an extension, gzipped,
 * at page load and on first use, against the budget in bench/budget.json,
 * side by side with other extensions installed in the same server (run.sh
 * installs the labextensions of jupyterlab-execute-time and jupyterlab-git,
 * unpacked from their published wheels, which hold their production builds).
 *
 * What is downloaded is taken from the page itself: the resource timings of
 * each extension's `static/` files, once the page has loaded (and settled
 * for two seconds), and again after first use (a notebook open and each
 * extension's side panel shown). Sizes are of the files on disk, gzipped
 * at level 6 (what a compressing proxy or server typically sends); the rest
 * of each extension's JavaScript is loaded only when needed.
 *
 * The budget applies to this extension's production build (`jlpm
 * build:prod`); a development build is measured but not held to it.
 *
 * Usage: node bundle.mjs --port P --notebook NAME --ours DIR [--other NAME=DIR ...]
 *   DIR: a labextension directory (holding package.json and static/)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchBrowser, openEnabledLab, openNotebook } from './lib.mjs';

const OURS = 'jupyterlab-testbed';
/** Each extension's side panel, shown as its first use. */
const PANELS = { [OURS]: 'jp-testbed-sidebar', '@jupyterlab/git': 'jp-git-sessions' };

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    notebook: { type: 'string' },
    ours: { type: 'string' },
    other: { type: 'string', multiple: true, default: [] }
  }
});
const budget = JSON.parse(readFileSync(new URL('./budget.json', import.meta.url), 'utf-8'))[OURS];
const extensions = [
  { name: OURS, dir: args.ours },
  ...args.other.map(pair => {
    const [name, dir] = pair.split('=');
    return { name, dir };
  })
];
for (const extension of extensions) {
  const files = readdirSync(join(extension.dir, 'static')).filter(name => name.endsWith('.js'));
  extension.gzip = Object.fromEntries(
    files.map(name => [name, gzipSync(readFileSync(join(extension.dir, 'static', name)), { level: 6 }).length])
  );
  extension.raw = Object.fromEntries(
    files.map(name => [name, readFileSync(join(extension.dir, 'static', name)).length])
  );
  // A development build ships source maps; the budget is for production.
  extension.production = !readdirSync(join(extension.dir, 'static')).some(name => name.endsWith('.js.map'));
}

const browser = await launchBrowser();
try {
  const page = await openEnabledLab(browser, args.port);
  await page.waitForTimeout(2000);
  const atLoad = await loaded(page);
  await openNotebook(page, args.notebook);
  for (const id of Object.values(PANELS)) {
    await page.evaluate(id => window.jupyterapp.shell.activateById(id), id);
  }
  await page.waitForTimeout(2000);
  const afterUse = await loaded(page);

  const kb = bytes => (bytes / 1024).toFixed(1);
  const sum = (extension, names) => names.reduce((total, name) => total + (extension.gzip[name] ?? 0), 0);
  const rawSum = (extension, names) => names.reduce((total, name) => total + (extension.raw[name] ?? 0), 0);
  console.log('extension                      page load     first use     all JS        (KB gzipped; raw in brackets)');
  for (const extension of extensions) {
    const load = atLoad[extension.name] ?? [];
    const use = [...new Set([...load, ...(afterUse[extension.name] ?? [])])];
    const all = Object.keys(extension.gzip);
    extension.load = sum(extension, load);
    extension.use = sum(extension, use);
    const cell = names => `${kb(sum(extension, names))} [${kb(rawSum(extension, names))}]`.padEnd(14);
    console.log(
      `${extension.name.padEnd(30)} ${cell(load)}${cell(use)}${cell(all)} ` +
        `${load.length}/${use.length}/${all.length} files${extension.production ? '' : ' (development build)'}`
    );
    const unknown = use.filter(name => extension.gzip[name] === undefined);
    if (unknown.length) {
      throw new Error(`${extension.name}: the page loaded files not in ${extension.dir}: ${unknown.join(', ')}`);
    }
  }
  const ours = extensions[0];
  const others = extensions
    .slice(1)
    .map(e => `${e.name} ${kb(e.load)} / ${kb(e.use)} KB`)
    .join(', ');
  const over = ours.load > budget.pageLoadGzipBytes || ours.use > budget.firstUseGzipBytes;
  const verdict = !ours.production ? 'not checked (development build)' : over ? 'OVER BUDGET' : 'within budget';
  console.log(
    `SUMMARY bundle: ${kb(ours.load)} KB gzipped at page load, ${kb(ours.use)} KB on first use ` +
      `(budget ${kb(budget.pageLoadGzipBytes)} / ${kb(budget.firstUseGzipBytes)} KB) ${verdict}` +
      `${others ? `; side by side: ${others}` : '; no other extension to compare with'}`
  );
  if (ours.production && over) {
    console.error('FAILED: the bundle is over its budget (bench/budget.json)');
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}

/** In the page: the static files loaded so far, by extension. */
async function loaded(page) {
  return page.evaluate(() => {
    const byExtension = {};
    for (const entry of performance.getEntriesByType('resource')) {
      const match = new URL(entry.name).pathname.match(/\/lab\/extensions\/(.+)\/static\/([^/]+\.js)$/);
      if (match) {
        (byExtension[decodeURIComponent(match[1])] ??= []).push(match[2]);
      }
    }
    return byExtension;
  });
}
