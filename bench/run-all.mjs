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
 *          --disabled-port P --disabled-root DIR --notebook NAME [--runs 3] [--hidden]
 *          [--control-port P --control-root DIR]
 *
 * With --hidden (part 11, hidden means idle), both sides show the file
 * browser: the Testbed sidebar is closed, so the extension should cost what
 * its recording costs and no more.
 *
 * With a control (part 11), a third server, the extension disabled like the
 * disabled side's, runs in every round too: control / disabled is what this
 * machine's noise alone makes of two equal sides. Whether the enabled side's
 * rounds lean above the disabled side's beyond chance is tested on the
 * rounds (Wilcoxon's signed-rank test), and the control, tested the same
 * way, tells whether the harness itself favours a server.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  launchBrowser,
  median,
  openLab,
  openNotebook,
  reasonOf,
  Rounds,
  serverUrl,
  settle,
  signedRankP,
  waitForKernelIdle,
  within
} from './lib.mjs';

/** A server with the extension on where it should be off, or the reverse: no retry mends it. */
class WrongSide extends Error {}

const KEY = 'jupyterlab-testbed';
/** Far above a run-all of 500 bash cells on a slow, busy machine. */
const RUN_TIMEOUT = 240_000;

const { values: args } = parseArgs({
  options: {
    'enabled-port': { type: 'string' },
    'enabled-root': { type: 'string' },
    'disabled-port': { type: 'string' },
    'disabled-root': { type: 'string' },
    notebook: { type: 'string' },
    runs: { type: 'string', default: '3' },
    // Hidden means idle: the file browser on both sides, the sidebar closed.
    hidden: { type: 'boolean', default: false },
    // Seconds the part may take in all (run.sh's limit for it): no round
    // starts that could not end in time, so the rounds done are reported.
    budget: { type: 'string' },
    'control-port': { type: 'string' },
    'control-root': { type: 'string' }
  }
});
const RUNS = Number(args.runs);
const BUDGET_MS = args.budget ? Number(args.budget) * 1000 : Infinity;
/** Kept for the saves and the summary after the last round. */
const RESERVE_MS = 60_000;

const sides = [
  { name: 'enabled', port: args['enabled-port'], root: args['enabled-root'], extension: true },
  { name: 'disabled', port: args['disabled-port'], root: args['disabled-root'], extension: false }
];
if (args['control-port']) {
  sides.push({ name: 'control', port: args['control-port'], root: args['control-root'], extension: false });
}

/**
 * The target of part 3: bytes the records add per executed cell, after any
 * number of run-alls, with the capped log's share as in a notebook of
 * LOG_SHARE_CELLS cells (the issue's measure; a smaller quick-mode notebook
 * would give the same log a larger share per cell).
 */
const BYTES_TARGET = 200;
/**
 * What a cell run again adds on top: when it first ran (`f`, seconds before
 * its last run, at most 20 bytes as the file lays it out). The project
 * keeps that fact over the bytes (docs/benchmarks.md, Records per cell):
 * the capped log forgets it, and a grader asks when a step was first done.
 */
const FIRST_RUN_BYTES = 20;
const WHAT = args.hidden ? 'run-all with the sidebar closed' : 'run-all';
const LOG_SHARE_CELLS = 500;

const browser = await launchBrowser();
const rounds = new Rounds();
try {
  for (const side of sides) {
    await prepare(side);
    side.times = [];
    side.cpu = [];
  }

  // Strictly alternating, so that load from outside (this machine is shared)
  // and drift hit both sides alike; the median drops one outlier per side. A
  // failed round is reported and left out; its side's page is replaced if it
  // closed, and the next round starts from a fresh kernel anyway.
  const paired = [];
  const pairedCpu = [];
  /** Control / disabled, per round: the noise floor. */
  const floor = [];
  const floorCpu = [];
  const started = performance.now();
  let slowestRound = 0;
  let stopped = '';
  for (let round = 1; round <= RUNS; round++) {
    const roundStarted = performance.now();
    if (roundStarted - started + 1.5 * slowestRound + RESERVE_MS > BUDGET_MS) {
      stopped = ` (stopped after ${round - 1} of ${RUNS} rounds: the part's time limit)`;
      console.log(` ${stopped}`);
      break;
    }
    const pair = {};
    const cpuPair = {};
    // Each side takes each place in turn (two sides: first in every other
    // round), and with three every other cycle of turns runs backwards: no
    // side always runs on what another left behind (a warm cache, a
    // collection due).
    const turn = (round - 1) % sides.length;
    const order = [...sides.slice(turn), ...sides.slice(0, turn)];
    if (sides.length > 2 && Math.floor((round - 1) / sides.length) % 2) {
      order.reverse();
    }
    for (const side of order) {
      const label = `run ${round}/${RUNS} ${side.name}`;
      const outcome = await rounds.attempt(label, async () => {
        if (round > 1) {
          await resetNotebook(side);
        }
        return runAll(side);
      });
      if (!outcome.ok) {
        if (side.page.isClosed()) {
          await prepare(side);
        }
        continue;
      }
      const { ms, cpu } = outcome.value;
      pair[side.name] = ms;
      cpuPair[side.name] = cpu;
      side.times.push(ms);
      side.cpu.push(cpu);
      console.log(
        `  ${label.padEnd(17)} ${ms.toFixed(0).padStart(6)} ms (page main thread CPU ${cpu.toFixed(0)} ms)`
      );
      if (round === 1) {
        side.firstSave = (await rounds.attempt(`saving ${side.name} after run 1`, () => saveAndRead(side))).value;
      }
    }
    slowestRound = Math.max(slowestRound, performance.now() - roundStarted);
    if (pair.enabled !== undefined && pair.disabled !== undefined) {
      paired.push(pair.enabled / pair.disabled);
      pairedCpu.push(cpuPair.enabled / cpuPair.disabled);
    }
    if (pair.control !== undefined && pair.disabled !== undefined) {
      floor.push(pair.control / pair.disabled);
      floorCpu.push(cpuPair.control / cpuPair.disabled);
    }
  }
  for (const side of sides) {
    side.lastSave = (await rounds.attempt(`saving ${side.name} at the end`, () => saveAndRead(side))).value;
  }

  const [enabled, disabled] = sides;
  const counted = `${enabled.times.length} and ${disabled.times.length} of ${RUNS}`;
  const cells = enabled.lastSave?.notebook.cells.length ?? '?';
  if (!enabled.times.length || !disabled.times.length) {
    console.log(`SUMMARY ${WHAT} ${cells} cells: NOT MEASURED${rounds.note()}${stopped}`);
  } else {
    const on = median(enabled.times);
    const off = median(disabled.times);
    const ratio = on / off;
    console.log(
      `run-all ${cells} cells: enabled ${on.toFixed(0)} ms, disabled ${off.toFixed(0)} ms, ` +
        `ratio X/Y = ${ratio.toFixed(3)} (target <= 1.05) ` +
        `[medians of ${counted}; enabled ${fmt(enabled.times)}; disabled ${fmt(disabled.times)}]`
    );
    // Wall time is what a student waits, but on a shared machine it moves with
    // whatever else runs. Two more views of the same runs tell how far to
    // trust the ratio: each round's pair ran back to back under similar load,
    // and the page's main-thread CPU time is where the extension works (though
    // on a virtual machine it also grows when the host is busy).
    const cpuRatio = median(enabled.cpu) / median(disabled.cpu);
    console.log(
      `  per-round ratios ${paired.map(r => r.toFixed(2)).join(', ')}` +
        `${paired.length ? ` (median ${median(paired).toFixed(3)})` : ''}; ` +
        `page main-thread CPU: enabled ${median(enabled.cpu).toFixed(0)} ms, ` +
        `disabled ${median(disabled.cpu).toFixed(0)} ms, ratio ${cpuRatio.toFixed(3)} (medians); ` +
        `per round ${pairedCpu.map(r => r.toFixed(2)).join(', ')}` +
        `${pairedCpu.length ? ` (median ${median(pairedCpu).toFixed(3)})` : ''}`
    );
    // Lines for run.sh's summary.
    console.log(
      `SUMMARY ${WHAT} ${cells} cells: ratio ${ratio.toFixed(2)}x ` +
        `(enabled ${on.toFixed(0)} ms / disabled ${off.toFixed(0)} ms, medians of ${counted}; ` +
        `per round ${paired.map(r => r.toFixed(2)).join(', ')}; page main-thread CPU ${cpuRatio.toFixed(2)}, ` +
        `per round ${pairedCpu.map(r => r.toFixed(2)).join(', ')})` +
        rounds.note() +
        stopped
    );
    if (floor.length) {
      againstNoise(sides[2], disabled, { paired, pairedCpu, floor, floorCpu });
    }
  }

  // The bytes are the same with the sidebar closed: measured once, in part 3.
  let over = false;
  if (!args.hidden) {
    const first = await rounds.attempt('bytes after 1 run-all', () =>
      bytesPerCell('after 1 run-all', enabled.firstSave, disabled.firstSave)
    );
    const last = await rounds.attempt(`bytes after ${RUNS} run-alls`, () =>
      bytesPerCell(
        `after ${RUNS} run-alls (${enabled.times.length} of them finished on the enabled side)`,
        enabled.lastSave,
        disabled.lastSave,
        'a cell run again also keeps when it first ran, as seconds before its last run'
      )
    );
    const bytes = outcome => (outcome.ok ? `${outcome.value.measure.toFixed(0)} bytes` : 'NOT MEASURED');
    const rerunTarget = BYTES_TARGET + FIRST_RUN_BYTES;
    over =
      (first.ok && first.value.measure >= BYTES_TARGET) || (last.ok && last.value.measure >= rerunTarget);
    console.log(
      `SUMMARY metadata per executed cell (cell records + the log's share at ${LOG_SHARE_CELLS} cells): ` +
        `${bytes(first)} after one run-all (target < ${BYTES_TARGET}), ${bytes(last)} after ${RUNS} ` +
        `(target < ${rerunTarget}: ${BYTES_TARGET} and the first-run time, ${FIRST_RUN_BYTES}) ` +
        `${over ? 'MISSED' : first.ok && last.ok ? 'met' : ''}`
    );
    if (over) {
      console.error(`FAILED: metadata per executed cell over its target`);
    }
  }
  if (rounds.failures.length) {
    console.error(`FAILED: ${rounds.failures.length} round(s): ${rounds.failures.join('; ')}`);
  }
  if (over || rounds.failures.length) {
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}

/**
 * A side's page with the notebook open, in a browser context of its own,
 * checked to have the extension on or off as intended. A kernel that does
 * not come up (its start cancelled, as happens on a loaded machine) gets
 * one more try in a fresh page, said so, before the part fails.
 */
async function prepare(side) {
  try {
    await prepareOnce(side);
  } catch (error) {
    if (error instanceof WrongSide) {
      throw error;
    }
    console.log(`  ${side.name}: the page was not ready (${reasonOf(error)}); trying once more in a fresh page`);
    await side.page?.context().close().catch(() => undefined);
    await prepareOnce(side);
  }
}

async function prepareOnce(side) {
  const { page, hasSidebar } = await openLab(browser, serverUrl(side.port));
  if (hasSidebar !== side.extension) {
    throw new WrongSide(
      `${side.name} server: #jp-testbed-sidebar is ${hasSidebar ? 'present' : 'absent'}, ` +
        `so the extension is not ${side.name} as intended`
    );
  }
  console.log(`${side.name} server: extension ${hasSidebar ? 'present' : 'absent'} (checked in the page)`);
  side.page = page;
  side.cdp = await page.context().newCDPSession(page);
  await side.cdp.send('Performance.enable');
  await openNotebook(page, args.notebook);
  // A student has a left panel open: ours where it exists (its rendering
  // is part of the cost), the file browser otherwise.
  await page.evaluate(
    id => window.jupyterapp.shell.activateById(id),
    side.extension && !args.hidden ? 'jp-testbed-sidebar' : 'filebrowser'
  );
}

/**
 * Time one Run All, from the command to the end of its promise, which
 * resolves after every cell's `executed` signal (the extension records in
 * that signal's handler, so its work is inside the time).
 */
async function runAll(side) {
  await side.page.bringToFront();
  const quiet = await settle();
  if (quiet.gaveUp) {
    console.log(`    ${side.name}: the machine was still busy after ${(quiet.ms / 1000).toFixed(0)} s; timing anyway`);
  }
  const cpuBefore = await threadTime(side);
  // What the page asks of the server during the run, by kind (the kernel's
  // messages go over its websocket, not counted): a save or a poll the
  // extension sets off would show here.
  const requests = {};
  const onRequest = request => {
    const kind = new URL(request.url()).pathname.replace(/^.*?\/api\//, 'api/').split('/').slice(0, 3).join('/');
    requests[kind] = (requests[kind] ?? 0) + 1;
  };
  side.page.on('request', onRequest);
  const result = await within(RUN_TIMEOUT, `${side.name}: run-all`, side.page.evaluate(async () => {
    const panel = window.__benchPanel;
    const model = panel.content.model;
    // What the run sets off in the shared model and the models' signals,
    // counted the same way on both sides (the counters cost both alike).
    const counts = { transactions: 0, updates: 0, updateBytes: 0 };
    const onTransaction = () => counts.transactions++;
    const onUpdate = update => {
      counts.updates++;
      counts.updateBytes += update.length;
    };
    const ydoc = model.sharedModel.ydoc;
    ydoc.on('afterTransaction', onTransaction);
    ydoc.on('update', onUpdate);
    const slots = [];
    const count = (name, signal) => {
      counts[name] ??= 0;
      const slot = () => counts[name]++;
      signal.connect(slot);
      slots.push(() => signal.disconnect(slot));
    };
    count('notebook contentChanged', model.contentChanged);
    count('notebook stateChanged', model.stateChanged);
    count('notebook metadataChanged', model.metadataChanged);
    for (const cell of model.cells) {
      count('cell contentChanged', cell.contentChanged);
      count('cell stateChanged', cell.stateChanged);
      count('cell metadataChanged', cell.metadataChanged);
    }
    const t0 = performance.now();
    try {
      await window.jupyterapp.commands.execute('notebook:run-all-cells');
    } finally {
      ydoc.off('afterTransaction', onTransaction);
      ydoc.off('update', onUpdate);
      slots.forEach(disconnect => disconnect());
    }
    const ms = performance.now() - t0;
    const code = [...model.cells].filter(cell => cell.type === 'code');
    return { ms, counts, cells: code.length, notRun: code.filter(cell => cell.executionCount === null).length };
  })).finally(() => side.page.off('request', onRequest));
  const cpu = (await threadTime(side)) - cpuBefore;
  if (result.notRun) {
    throw new Error(`${side.name}: ${result.notRun} code cells did not run`);
  }
  const perCell = Object.entries(result.counts)
    .map(([name, n]) => `${name} ${(n / result.cells).toFixed(2)}`)
    .join(', ');
  console.log(`    ${side.name} per executed cell: ${perCell}`);
  const asked = Object.entries(requests).map(([kind, n]) => `${kind} ${n}`).join(', ');
  console.log(`    ${side.name} requests during the run: ${asked || 'none'}`);
  return { ms: result.ms, cpu };
}

/** CPU time of the page's main thread so far, in ms. */
async function threadTime(side) {
  const { metrics } = await side.cdp.send('Performance.getMetrics');
  return 1000 * metrics.find(metric => metric.name === 'ThreadTime').value;
}

/**
 * A fresh kernel and no outputs, as before the first run; the records stay,
 * as they would for a student running the notebook again.
 */
async function resetNotebook(side) {
  const { page } = side;
  await within(
    RUN_TIMEOUT,
    `${side.name}: kernel restart`,
    page.evaluate(() => window.__benchPanel.sessionContext.restartKernel())
  );
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

async function saveAndRead(side) {
  await side.page.evaluate(() => window.__benchPanel.context.save());
  const path = join(side.root, args.notebook);
  return { bytes: statSync(path).size, notebook: JSON.parse(readFileSync(path, 'utf-8')) };
}

/**
 * Bytes the records add per executed cell, once it is sure that they are
 * the only difference between the two files.
 */
function bytesPerCell(when, enabled, disabled, note = '') {
  if (!enabled || !disabled) {
    throw new Error('a side has no saved file to compare');
  }
  const codeCells = enabled.notebook.cells.filter(cell => cell.cell_type === 'code').length;
  const recorded = enabled.notebook.cells.filter(cell => cell.metadata?.[KEY]?.run).length;
  const log = enabled.notebook.metadata?.[KEY]?.log?.length ?? 0;
  const same = JSON.stringify(withoutRecords(enabled.notebook)) === JSON.stringify(disabled.notebook);
  console.log(
    `  saved ${when}: enabled file has ${recorded}/${codeCells} run records and ${log} log entries; ` +
      `identical to the disabled file without them: ${same ? 'yes' : 'NO'}`
  );
  if (recorded !== codeCells || log === 0 || !same) {
    throw new Error(`the files saved ${when} differ by more than the extension's records`);
  }
  const perCell = (enabled.bytes - disabled.bytes) / codeCells;
  // The notebook's own record (the capped log) as the file lays it out.
  const laidOut = notebook => JSON.stringify(notebook, null, 1).length;
  const logBytes = laidOut(enabled.notebook) - laidOut({ ...enabled.notebook, metadata: disabled.notebook.metadata });
  const records = perCell - logBytes / codeCells;
  const measure = records + logBytes / LOG_SHARE_CELLS;
  console.log(
    `metadata ${when}: enabled ${enabled.bytes} bytes, disabled ${disabled.bytes} bytes, ` +
      `(enabled - disabled) / ${codeCells} = ${perCell.toFixed(1)} bytes per executed cell: ` +
      `${records.toFixed(1)} in the cell's record, the rest the notebook's log (${logBytes} bytes); ` +
      `${measure.toFixed(1)} with the log shared by ${LOG_SHARE_CELLS} cells (target < ${BYTES_TARGET}` +
      `${note ? `; ${note}` : ''})`
  );
  return { perCell, measure };
}

function withoutRecords(notebook) {
  const strip = ({ [KEY]: _, ...rest }) => rest;
  return {
    ...notebook,
    metadata: strip(notebook.metadata),
    cells: notebook.cells.map(cell => ({ ...cell, metadata: strip(cell.metadata) }))
  };
}

/**
 * Whether the enabled side's rounds lean above the disabled side's beyond
 * what chance makes of them, and what this machine's noise alone makes of
 * two equal sides (the control, a second server without the extension,
 * against the disabled one). Each round's sides ran back to back, so each
 * round's log ratio is one signed difference: the enabled side is tested
 * one-sided (a cost), the control two-sided (a leaning either way is the
 * harness's or the machine's, and the rounds are not to be trusted).
 */
function againstNoise(control, disabled, { paired, pairedCpu, floor, floorCpu }) {
  const ratios = values => `${values.map(r => r.toFixed(2)).join(', ')} (median ${median(values).toFixed(3)})`;
  const leansUp = values => signedRankP(values.map(Math.log));
  const leans = values => Math.min(1, 2 * Math.min(leansUp(values), leansUp(values.map(r => 1 / r))));
  const p = value => value.toFixed(3);
  const floorLine =
    `a second server without the extension / disabled: wall ${(median(control.times) / median(disabled.times)).toFixed(2)}, ` +
    `per round ${ratios(floor)}; CPU ${(median(control.cpu) / median(disabled.cpu)).toFixed(2)}, per round ${ratios(floorCpu)}`;
  if (paired.length < 5 || floor.length < 5) {
    console.log(
      `SUMMARY noise floor of the ${WHAT}: ${floorLine}; not tested: ${Math.min(paired.length, floor.length)} ` +
        'paired rounds (5 at least)'
    );
    return;
  }
  const onWall = leansUp(paired);
  const onCpu = leansUp(pairedCpu);
  const controlWall = leans(floor);
  const controlCpu = leans(floorCpu);
  const verdict = onWall < 0.05 || onCpu < 0.05 ? 'ABOVE the noise' : 'no cost found beyond the noise';
  const harness =
    controlWall < 0.05 || controlCpu < 0.05
      ? 'the CONTROL DIFFERS from the disabled side: the machine or the order favoured a server, the rounds are not to be trusted'
      : 'the control is within noise of the disabled side';
  console.log(
    `SUMMARY noise floor of the ${WHAT}: ${floorLine}; enabled above disabled (signed-rank, one-sided, ` +
      `${paired.length} rounds): wall p = ${p(onWall)}, CPU p = ${p(onCpu)}: ${verdict}; control vs disabled ` +
      `(two-sided): wall p = ${p(controlWall)}, CPU p = ${p(controlCpu)}: ${harness}`
  );
}

function fmt(times) {
  return times.map(ms => ms.toFixed(0)).join(', ') + ' ms';
}
