/**
 * What the benchmarks share: Debian's Chromium driven by the ui-tests'
 * Playwright (no browser download here), opening JupyterLab pages and
 * notebooks, and small statistics.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Long enough for a 2,000-cell notebook and a bash kernel on 2 slow cores. */
const STEP_TIMEOUT = 120_000;

export async function launchBrowser() {
  // Loaded here: the Node-only benchmarks use the statistics without it.
  const { chromium } = require('../ui-tests/node_modules/playwright');
  return chromium.launch(require('../ui-tests/chromium.js'));
}

/**
 * A fresh JupyterLab page, in its own browser context so two servers'
 * pages share nothing. `?reset` ignores any workspace an earlier page saved.
 *
 * With `hub` ({ url, user, password }), the page first logs in through the
 * JupyterHub's login form, as a student does.
 *
 * @returns the page and whether the testbed sidebar exists in it, which is
 * how a run proves that the extension is on or off as intended.
 */
export async function openLab(browser, baseUrl, hub = null) {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 }
  });
  try {
    return await openLabPage(context, baseUrl, hub);
  } catch (error) {
    // A page that never got ready must not go on polling beside the next one.
    await context.close().catch(() => undefined);
    throw error;
  }
}

async function openLabPage(context, baseUrl, hub) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('pageerror', error => console.error(`[page error] ${error.message}`));
  // Room for every resource timing of the page (250 by default): part 9
  // reads which files were downloaded from them.
  await page.addInitScript(() => performance.setResourceTimingBufferSize(100_000));
  if (hub) {
    await page.goto(`${hub.url}/hub/login`);
    await page.locator('#username_input').fill(hub.user);
    await page.locator('#password_input').fill(hub.password);
    await Promise.all([
      page.waitForURL(`${baseUrl}/**`),
      page.locator('#login_submit').click()
    ]);
  }
  await page.goto(`${baseUrl}/lab?reset`);
  await page.waitForFunction(() => !!window.jupyterapp);
  await page.evaluate(() => window.jupyterapp.restored);
  const hasSidebar = await page.evaluate(
    () => !!document.querySelector('#jp-testbed-sidebar')
  );
  return { page, hasSidebar };
}

/**
 * A JupyterLab page of a server where the extension must be enabled (it
 * fails otherwise), with any dialog dismissed.
 */
export async function openEnabledLab(browser, port) {
  const { page, hasSidebar } = await openLab(browser, serverUrl(port));
  if (!hasSidebar) {
    throw new Error('#jp-testbed-sidebar is absent: the extension is not enabled on this server');
  }
  page.on('dialog', dialog => dialog.dismiss());
  return page;
}

/**
 * Open a notebook and wait until its kernel can run cells: run-all skips
 * the cells of a kernel that is still starting.
 *
 * The panel is kept as `window.__benchPanel` for the page scripts.
 */
export async function openNotebook(page, path) {
  await page.evaluate(async path => {
    const app = window.jupyterapp;
    const panel = await app.commands.execute('docmanager:open', {
      path,
      factory: 'Notebook'
    });
    await panel.context.ready;
    await panel.sessionContext.ready;
    await panel.revealed;
    app.shell.activateById(panel.id);
    window.__benchPanel = panel;
  }, path);
  await waitForKernelIdle(page);
}

export async function waitForKernelIdle(page) {
  await page.waitForFunction(
    () => window.__benchPanel.sessionContext.session?.kernel?.status === 'idle',
    undefined,
    { polling: 50 }
  );
}

/**
 * A page script with a deadline: `page.evaluate` itself never times out, and
 * a kernel that dies mid-run would otherwise hang the benchmark silently.
 */
export async function within(ms, what, promise) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no result after ${ms / 1000} s`)),
      ms
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits, at most `maxMs`, until the machine has been quiet (its cores
 * together under `busyBelow` busy) for `quietMs`: what one side's run leaves behind (a
 * page still rendering, a server still writing, a collection) would
 * otherwise land in the other side's time, whichever side went second.
 * Returns how long it waited, and whether it gave up.
 */
export async function settle({ busyBelow = 0.1, quietMs = 1000, maxMs = 30_000 } = {}) {
  const started = performance.now();
  const sample = () => {
    // The first line of /proc/stat: jiffies per state, idle and iowait 4th and 5th.
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    return { total, idle: fields[3] + fields[4] };
  };
  let quietSince = started;
  let last = sample();
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 200));
    const now = sample();
    const elapsed = now.total - last.total;
    const busy = elapsed ? 1 - (now.idle - last.idle) / elapsed : 0;
    last = now;
    const at = performance.now();
    if (busy >= busyBelow) {
      quietSince = at;
    }
    if (at - quietSince >= quietMs) {
      return { ms: at - started, gaveUp: false };
    }
    if (at - started >= maxMs) {
      return { ms: at - started, gaveUp: true };
    }
  }
}

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile: always one of the measured values. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * How likely rounds are to lean this far one way by chance alone, each
 * round a pair run back to back: the one-sided p-value of Wilcoxon's
 * signed-rank test that the differences lie above zero. Exact, tied sizes
 * taking their average rank and zero differences left out; it assumes
 * nothing about the shape of this machine's noise. With n rounds it cannot
 * go below 1 / 2^n: five are the fewest that can show a difference at 0.05.
 */
export function signedRankP(differences) {
  const nonZero = differences.filter(d => d !== 0);
  const sizes = nonZero.map(Math.abs).sort((a, b) => a - b);
  // Twice the average rank of each size, so that tied ranks stay integers.
  const doubledRank = new Map();
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) {
      j++;
    }
    doubledRank.set(sizes[i], i + 1 + j);
    i = j;
  }
  const ranks = nonZero.map(d => doubledRank.get(Math.abs(d)));
  const observed = nonZero.reduce((sum, d, k) => sum + (d > 0 ? ranks[k] : 0), 0);
  // ways[s]: the sign patterns whose positive ranks add up to s.
  const total = ranks.reduce((a, b) => a + b, 0);
  let ways = new Array(total + 1).fill(0);
  ways[0] = 1;
  for (const rank of ranks) {
    const next = [...ways];
    for (let s = 0; s + rank <= total; s++) {
      next[s + rank] += ways[s];
    }
    ways = next;
  }
  return ways.slice(observed).reduce((a, b) => a + b, 0) / 2 ** ranks.length;
}

/** The base URL of a server given as a port on the command line. */
export function serverUrl(port) {
  if (!/^\d+$/.test(String(port ?? ''))) {
    throw new Error(`expected a port number, got ${port}`);
  }
  return `http://127.0.0.1:${port}`;
}

/** The first line of an error's message: Playwright appends its call log. */
export function reasonOf(error) {
  return String(error?.message ?? error)
    .split('\n')[0]
    .slice(0, 300);
}

/**
 * Rounds that may fail one by one (a kernel that dies, a page that closes,
 * a machine too busy for a deadline): a failed round is reported, with its
 * label and reason, and left out; the rounds that finished still count.
 */
export class Rounds {
  failures = [];

  /** Run one round: `{ ok: true, value }`, or `{ ok: false }` once reported. */
  async attempt(label, run) {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      const reason = reasonOf(error);
      this.failures.push(`${label}: ${reason}`);
      console.log(`  ${label}: FAILED (${reason})`);
      return { ok: false };
    }
  }

  /** For a SUMMARY line: nothing, or which rounds failed and why. */
  note() {
    const n = this.failures.length;
    return n ? `; ${n} round${n === 1 ? '' : 's'} FAILED (${this.failures.join('; ')})` : '';
  }
}
