/**
 * Benchmarks 1 and 3, on the same run-alls of a 500-cell bash notebook:
 *
 * 1. Run All time with the extension enabled against the same notebook on a
 *    server where it is disabled, measured alternately, median of each.
 * 3. Bytes the extension adds to the saved notebook, per executed cell.
 *
 * The extension cannot be switched off in one page, so each side has its own
 * server (run.sh starts both the same way, apart from the page config) and
 * its own browser context; only one side runs at a time.
 *
 * Usage: node run-all.mjs --enabled-port P --enabled-root DIR
 *          --disabled-port P --disabled-root DIR --notebook NAME [--runs 3]
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  launchBrowser,
  median,
  openLab,
  openNotebook,
  serverUrl,
  waitForKernelIdle
} from './lib.mjs';

const KEY = 'jupyterlab-testbed';

const { values: args } = parseArgs({
  options: {
    'enabled-port': { type: 'string' },
    'enabled-root': { type: 'string' },
    'disabled-port': { type: 'string' },
    'disabled-root': { type: 'string' },
    notebook: { type: 'string' },
    runs: { type: 'string', default: '3' }
  }
});
const RUNS = Number(args.runs);

const sides = [
  { name: 'enabled', port: args['enabled-port'], root: args['enabled-root'], extension: true },
  { name: 'disabled', port: args['disabled-port'], root: args['disabled-root'], extension: false }
];

const browser = await launchBrowser();
try {
  for (const side of sides) {
    const { page, hasSidebar } = await openLab(browser, serverUrl(side.port));
    if (hasSidebar !== side.extension) {
      throw new Error(
        `${side.name} server: #jp-testbed-sidebar is ${hasSidebar ? 'present' : 'absent'}, ` +
          `so the extension is not ${side.name} as intended`
      );
    }
    console.log(`${side.name} server: extension ${hasSidebar ? 'present' : 'absent'} (checked in the page)`);
    side.page = page;
    await openNotebook(page, args.notebook);
    // A student has a left panel open: ours where it exists (its rendering
    // is part of the cost), the file browser otherwise.
    await page.evaluate(
      id => window.jupyterapp.shell.activateById(id),
      side.extension ? 'jp-testbed-sidebar' : 'filebrowser'
    );
    side.times = [];
  }

  // The first run-all of a page also renders every output area for the first
  // time and warms up the JIT: run it once per side before timing.
  for (const side of sides) {
    const ms = await runAll(side);
    console.log(`  warm-up  ${side.name.padEnd(8)} ${ms.toFixed(0)} ms (not counted)`);
    side.firstBytes = await saveAndMeasure(side);
  }
  for (let round = 1; round <= RUNS; round++) {
    for (const side of sides) {
      await resetNotebook(side);
      const ms = await runAll(side);
      side.times.push(ms);
      console.log(`  run ${round}/${RUNS}  ${side.name.padEnd(8)} ${ms.toFixed(0)} ms`);
    }
  }
  for (const side of sides) {
    side.lastBytes = await saveAndMeasure(side);
  }

  const [enabled, disabled] = sides;
  const codeCells = countCodeCells(enabled);
  const on = median(enabled.times);
  const off = median(disabled.times);
  const ratio = on / off;
  console.log(
    `run-all ${enabled.cellCount} cells: enabled ${on.toFixed(0)} ms, disabled ${off.toFixed(0)} ms, ` +
      `ratio X/Y = ${ratio.toFixed(3)} (target <= 1.05) ` +
      `[medians of ${RUNS}; enabled ${fmt(enabled.times)}; disabled ${fmt(disabled.times)}]`
  );

  checkRecords(enabled, codeCells, true);
  checkRecords(disabled, codeCells, false);
  const perCell = bytes => (bytes.enabled - bytes.disabled) / codeCells;
  const first = perCell({ enabled: enabled.firstBytes, disabled: disabled.firstBytes });
  const last = perCell({ enabled: enabled.lastBytes, disabled: disabled.lastBytes });
  console.log(
    `metadata after 1 run-all: enabled ${enabled.firstBytes} bytes, disabled ${disabled.firstBytes} bytes, ` +
      `(enabled - disabled) / ${codeCells} = ${first.toFixed(1)} bytes per executed cell (target < 200)`
  );
  console.log(
    `metadata after ${RUNS + 1} run-alls: enabled ${enabled.lastBytes} bytes, disabled ${disabled.lastBytes} bytes, ` +
      `(enabled - disabled) / ${codeCells} = ${last.toFixed(1)} bytes per executed cell (target < 200)`
  );

  // Lines for run.sh's summary.
  console.log(
    `SUMMARY run-all ${enabled.cellCount} cells: ratio ${ratio.toFixed(2)}x ` +
      `(enabled ${on.toFixed(0)} ms / disabled ${off.toFixed(0)} ms, medians of ${RUNS})`
  );
  console.log(
    `SUMMARY metadata per executed cell: ${last.toFixed(0)} bytes ` +
      `(after ${RUNS + 1} run-alls; ${first.toFixed(0)} bytes after the first)`
  );
} finally {
  await browser.close();
}

/**
 * Time one Run All, from the command to the end of its promise, which
 * resolves after every cell's `executed` signal (the extension records in
 * that signal's handler, so its work is inside the time).
 */
async function runAll(side) {
  await side.page.bringToFront();
  const result = await side.page.evaluate(async () => {
    const panel = window.__benchPanel;
    const t0 = performance.now();
    await window.jupyterapp.commands.execute('notebook:run-all-cells');
    const ms = performance.now() - t0;
    const cells = [...panel.content.model.cells];
    const code = cells.filter(cell => cell.type === 'code');
    return {
      ms,
      cells: cells.length,
      notRun: code.filter(cell => cell.executionCount === null).length
    };
  });
  side.cellCount = result.cells;
  if (result.notRun) {
    throw new Error(`${side.name}: ${result.notRun} code cells did not run`);
  }
  return result.ms;
}

/**
 * A fresh kernel and no outputs, as before the warm-up; the records stay,
 * as they would for a student running the notebook again.
 */
async function resetNotebook(side) {
  const { page } = side;
  await page.evaluate(() => window.__benchPanel.sessionContext.restartKernel());
  await waitForKernelIdle(page);
  const left = await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
    return [...window.__benchPanel.content.model.cells].filter(
      cell => cell.type === 'code' && cell.executionCount !== null
    ).length;
  });
  if (left) {
    throw new Error(`${side.name}: ${left} cells kept their execution count after clearing`);
  }
  // Let the page finish re-rendering the cleared cells before the clock starts.
  await page.waitForTimeout(1000);
}

async function saveAndMeasure(side) {
  await side.page.evaluate(() => window.__benchPanel.context.save());
  return statSync(join(side.root, args.notebook)).size;
}

function countCodeCells(side) {
  return readNotebook(side).cells.filter(cell => cell.cell_type === 'code').length;
}

/** The bytes compared must be the extension's records and nothing else. */
function checkRecords(side, codeCells, expected) {
  const notebook = readNotebook(side);
  const recorded = notebook.cells.filter(cell => cell.metadata?.[KEY]?.run).length;
  const log = notebook.metadata?.[KEY]?.log?.length ?? 0;
  const ok = expected ? recorded === codeCells && log > 0 : recorded === 0 && log === 0;
  console.log(
    `${side.name} file: ${recorded}/${codeCells} code cells with a run record, ${log} log entries ` +
      `(${ok ? 'as expected' : 'UNEXPECTED'})`
  );
  if (!ok) {
    throw new Error(`${side.name}: the saved notebook does not hold the expected records`);
  }
}

function readNotebook(side) {
  return JSON.parse(readFileSync(join(side.root, args.notebook), 'utf-8'));
}

function fmt(times) {
  return times.map(ms => ms.toFixed(0)).join(', ') + ' ms';
}
