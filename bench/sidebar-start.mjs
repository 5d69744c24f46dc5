/**
 * Benchmark 8: extension start on the lowest supported JupyterLab (4.4.1,
 * Chameleon's image) against the newest 4.x, both running the same released
 * wheel (scripts/release-smoke.sh starts the two servers): the time from the
 * start of the page load to the testbed sidebar's tab in the left area.
 *
 * The time is taken in the page: a script added before JupyterLab loads
 * watches the document and notes `performance.now()` (milliseconds since the
 * navigation started) when the tab appears. Every round opens each server in
 * a fresh browser context, the order alternating, so that drift hits both
 * alike; the first round of each is a warm-up (caches, the kernel specs).
 * The baseline is the newest JupyterLab: the ratio is lowest over newest.
 *
 * Usage: node sidebar-start.mjs --lowest-port P --newest-port Q [--rounds 9]
 */
import { parseArgs } from 'node:util';
import { launchBrowser, median, percentile, serverUrl } from './lib.mjs';

const TARGET = 1.1;
const { values: args } = parseArgs({
  options: {
    'lowest-port': { type: 'string' },
    'newest-port': { type: 'string' },
    rounds: { type: 'string', default: '9' }
  }
});
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 3) {
  throw new Error('usage: node sidebar-start.mjs --lowest-port P --newest-port Q [--rounds 9] (at least 3)');
}

/** Runs in the page before JupyterLab: when does the sidebar's tab appear? */
function watchForSidebarTab() {
  const seen = () => document.querySelector('.jp-SideBar [data-id="jp-testbed-sidebar"]');
  new MutationObserver((_, observer) => {
    if (seen()) {
      window.__tbSidebarShown = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** One page load: milliseconds from navigation start to the sidebar's tab. */
async function sidebarStart(browser, baseUrl) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(watchForSidebarTab);
    await page.goto(`${baseUrl}/lab?reset`);
    await page.waitForFunction(() => window.__tbSidebarShown !== undefined, undefined, {
      timeout: 120_000
    });
    return {
      ms: await page.evaluate(() => window.__tbSidebarShown),
      version: await page.evaluate(() => window.jupyterapp?.version ?? '?')
    };
  } finally {
    await context.close();
  }
}

const sides = {
  lowest: { url: serverUrl(args['lowest-port']), times: [], version: '' },
  newest: { url: serverUrl(args['newest-port']), times: [], version: '' }
};
const browser = await launchBrowser();
try {
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? ['lowest', 'newest'] : ['newest', 'lowest'];
    const line = [];
    for (const name of order) {
      const { ms, version } = await sidebarStart(browser, sides[name].url);
      sides[name].version = version;
      if (round > 0) {
        sides[name].times.push(ms);
      }
      line.push(`${name} ${ms.toFixed(0)}`);
    }
    console.log(`  round ${round}${round === 0 ? ' (warm-up)' : ''}: ${line.join(', ')} ms`);
  }
} finally {
  await browser.close();
}

const f = ms => ms.toFixed(0);
console.log('');
console.log('JupyterLab                median    p95    min    max   (ms, page load to sidebar tab)');
for (const name of ['lowest', 'newest']) {
  const { times, version } = sides[name];
  console.log(
    `${`${name} (${version})`.padEnd(24)} ${f(median(times)).padStart(7)} ${f(percentile(times, 95)).padStart(6)} ` +
      `${f(Math.min(...times)).padStart(6)} ${f(Math.max(...times)).padStart(6)}`
  );
}
const ratio = median(sides.lowest.times) / median(sides.newest.times);
console.log('');
console.log(
  `SUMMARY sidebar start: JupyterLab ${sides.lowest.version} ${f(median(sides.lowest.times))} ms vs ` +
    `${sides.newest.version} ${f(median(sides.newest.times))} ms, ratio ${ratio.toFixed(2)} ` +
    `(medians of ${ROUNDS} rounds each; target <= ${TARGET}) ${ratio <= TARGET ? 'met' : 'MISSED'}`
);
