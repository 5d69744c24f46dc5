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
 * of each extension's JavaScript is loaded only when needed. For this
 * extension, what author mode, grader mode and the class overview download
 * on their first use (their lazily loaded chunks) is measured after that.
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
/** Author mode, grader mode of the open notebook, the class overview of the root. */
const ROLE_COMMANDS = [
  ['testbed:authoring-toggle', {}],
  ['testbed:grading-toggle', {}],
  ['testbed:grading-overview', { path: '' }]
];
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
  // What only authors and graders need, each opened once.
  await page.evaluate(async commands => {
    for (const [id, args] of commands) {
      await window.jupyterapp.commands.execute(id, args);
    }
  }, ROLE_COMMANDS);
  await page.waitForTimeout(2000);
  const afterRoles = await loaded(page);

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
  const roles = [...new Set(afterRoles[OURS] ?? [])];
  const lazy = roles.filter(name => !(afterUse[OURS] ?? []).includes(name));
  console.log(
    `${OURS}: author mode, grader mode and the class overview then download ${kb(sum(ours, lazy))} KB gzipped ` +
      `[${kb(rawSum(ours, lazy))}] more in ${lazy.length} files (${lazy.join(', ') || 'none'})`
  );
  const others = extensions
    .slice(1)
    .map(e => `${e.name} ${kb(e.load)} / ${kb(e.use)} KB`)
    .join(', ');
  const over = ours.load > budget.pageLoadGzipBytes || ours.use > budget.firstUseGzipBytes;
  // The author's and grader's code in the page-load chunks again.
  const unsplit = !lazy.length;
  const verdict = !ours.production
    ? 'not checked (development build)'
    : over
      ? 'OVER BUDGET'
      : unsplit
        ? 'NOT SPLIT (author mode and grading downloaded nothing more)'
        : 'within budget';
  console.log(
    `SUMMARY bundle: ${kb(ours.load)} KB gzipped at page load, ${kb(ours.use)} KB on first use ` +
      `(budget ${kb(budget.pageLoadGzipBytes)} / ${kb(budget.firstUseGzipBytes)} KB) ${verdict}; ` +
      `author and grading tools on first use ${kb(sum(ours, lazy))} KB more` +
      `${others ? `; side by side: ${others}` : '; no other extension to compare with'}`
  );
  if (ours.production && over) {
    console.error('FAILED: the bundle is over its budget (bench/budget.json)');
    process.exitCode = 1;
  } else if (ours.production && unsplit) {
    console.error('FAILED: the author and grading tools are no longer in chunks of their own (loaded at page load)');
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
