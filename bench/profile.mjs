/**
 * Part 10 (on demand, `BENCH_PARTS=10`): where a run-all's main-thread time
 * goes, enabled vs disabled. Chromium's sampling profiler records one
 * run-all on each side; self time is summed by where the code comes from
 * (this extension's bundle, JupyterLab's and its libraries' bundles, other
 * extensions, the browser's own work: garbage collection, layout and paint
 * show as `(program)`, `(garbage collector)`, `(idle)`), and the functions
 * with the most self time are listed, so the work the extension sets off
 * elsewhere shows as a difference between the sides, not only its own
 * functions. Production builds have minified names: the bundle and the
 * function's line:column still tell them apart.
 *
 * Usage: node profile.mjs --enabled-port P --disabled-port P --notebook NAME [--top 25]
 */
import { parseArgs } from 'node:util';
import { launchBrowser, openLab, openNotebook, serverUrl, within, waitForKernelIdle } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    'enabled-port': { type: 'string' },
    'disabled-port': { type: 'string' },
    notebook: { type: 'string' },
    top: { type: 'string', default: '25' }
  }
});

/** Where a script comes from, by its URL. */
function bucket(url) {
  if (!url) {
    return '';
  }
  const extension = url.match(/\/lab\/extensions\/(.+?)\/static\//);
  if (extension) {
    return extension[1] === 'jupyterlab-testbed' ? 'this extension' : `extension ${extension[1]}`;
  }
  if (url.includes('/static/lab/') || url.includes('/lab/static/')) {
    return 'JupyterLab and its libraries';
  }
  return url.replace(/^https?:\/\/[^/]+/, '').slice(0, 60);
}

const browser = await launchBrowser();
try {
  const sides = [];
  for (const [name, port] of [
    ['enabled', args['enabled-port']],
    ['disabled', args['disabled-port']]
  ]) {
    const { page } = await openLab(browser, serverUrl(port));
    await openNotebook(page, args.notebook);
    // Both sides show the file browser, as part 11 does: what the extension
    // costs while its sidebar is closed.
    await page.evaluate(() => window.jupyterapp.shell.activateById('filebrowser'));
    await page.bringToFront();
    // The cleared notebook as the run-all part has it before a round.
    await page.evaluate(async () => {
      await window.__benchPanel.sessionContext.restartKernel();
    });
    await waitForKernelIdle(page);
    await page.evaluate(() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'));
    await page.waitForTimeout(1000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const ms = await within(
      240_000,
      `${name}: run-all`,
      page.evaluate(async () => {
        const t0 = performance.now();
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
        return performance.now() - t0;
      })
    );
    const { profile } = await cdp.send('Profiler.stop');
    sides.push({ name, ms, ...selfTimes(profile) });
  }

  const f = ms => ms.toFixed(0).padStart(7);
  console.log(`run-all of ${args.notebook}: enabled ${sides[0].ms.toFixed(0)} ms, disabled ${sides[1].ms.toFixed(0)} ms`);
  console.log('self time by origin (ms)          enabled disabled  difference');
  const origins = [...new Set(sides.flatMap(side => Object.keys(side.byOrigin)))];
  origins
    .map(origin => ({
      origin,
      on: sides[0].byOrigin[origin] ?? 0,
      off: sides[1].byOrigin[origin] ?? 0
    }))
    .sort((a, b) => b.on - b.off - (a.on - a.off))
    .forEach(({ origin, on, off }) =>
      console.log(`  ${(origin || '(browser)').padEnd(32)} ${f(on)} ${f(off)} ${f(on - off)}`)
    );
  for (const side of sides) {
    console.log(`top ${args.top} functions by self time, ${side.name}:`);
    Object.entries(side.byFunction)
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(args.top))
      .forEach(([fn, ms]) => console.log(`  ${f(ms)} ms  ${fn}`));
  }
  // Ours apart: a few ms each, under JupyterLab's in the lists above.
  console.log(`top ${args.top} functions of this extension by self time, enabled:`);
  Object.entries(sides[0].byFunction)
    .filter(([fn]) => fn.includes(' this extension '))
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(args.top))
    .forEach(([fn, ms]) => console.log(`  ${f(ms)} ms  ${fn}`));
  const ours = sides[0].byOrigin['this extension'] ?? 0;
  const total = sides[0].total - (sides[0].byOrigin[''] ?? 0);
  console.log(
    `SUMMARY profile: enabled run-all ${sides[0].ms.toFixed(0)} ms vs disabled ${sides[1].ms.toFixed(0)} ms; ` +
      `this extension's own functions ${ours.toFixed(0)} ms self time of ${total.toFixed(0)} ms busy ` +
      `(${((100 * ours) / total).toFixed(1)} %); one profile per side`
  );
} finally {
  await browser.close();
}

/** Self time per origin and per function, from a CPU profile's samples. */
function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map(node => [node.id, node]));
  const byOrigin = {};
  const byFunction = {};
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const { callFrame } = nodes.get(id);
    const origin = bucket(callFrame.url);
    const name = callFrame.functionName || '(anonymous)';
    const where = callFrame.url ? `${origin} ${callFrame.url.split('/').pop()}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    byOrigin[origin] = (byOrigin[origin] ?? 0) + ms;
    byFunction[key] = (byFunction[key] ?? 0) + ms;
    total += ms;
  });
  return { byOrigin, byFunction, total };
}
