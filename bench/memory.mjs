/**
 * Part 16: memory over a long session, extension enabled vs disabled.
 *
 * One page per server, driven identically: a session of run-alls of a bash
 * notebook, a mid-size lab notebook opened and closed again and again, and
 * blocks sent to a terminal of this server (on the enabled side through
 * the extension's Run in a Jupyter terminal, on the disabled side the same
 * keystrokes through the terminal's own connection). After half of the
 * session and after all of it, each page's garbage is collected (twice)
 * and its JS heap and DOM counters are read: the difference enabled -
 * disabled must stay under DIFFERENCE_TARGET, and must not grow between
 * the two lengths by more than GROWTH_TARGET. At the end every notebook
 * and the terminal are closed, and the DOM nodes and listeners left are
 * compared with those of the page before the session (a closed notebook's
 * detached nodes, or the listeners on them, would stay), as are the
 * detached DOM nodes of a heap snapshot.
 *
 * Nothing connects to a node: the servers' settings have none, and the
 * only terminal is a shell of the server itself.
 *
 * Usage: node memory.mjs --enabled-port P --disabled-port P --run-notebook NAME
 *          --open-notebook NAME [--run-alls 10] [--opens 50] [--sends 200]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  launchBrowser,
  openLab,
  openNotebook,
  reasonOf,
  serverUrl,
  within
} from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    'enabled-port': { type: 'string' },
    'disabled-port': { type: 'string' },
    'run-notebook': { type: 'string' },
    'open-notebook': { type: 'string' },
    'run-alls': { type: 'string', default: '10' },
    opens: { type: 'string', default: '50' },
    sends: { type: 'string', default: '200' }
  }
});
const RUN_ALLS = Number(args['run-alls']);
const OPENS = Number(args.opens);
const SENDS = Number(args.sends);
for (const [name, value] of [
  ['--run-alls', RUN_ALLS],
  ['--opens', OPENS],
  ['--sends', SENDS]
]) {
  if (!Number.isInteger(value) || value < 2 || value % 2) {
    throw new Error(
      `${name} must be an even number of at least 2 (the session has two halves)`
    );
  }
}

/** The JS heap the extension may add, after GC, at either length (the issue's target). */
const DIFFERENCE_TARGET = 20;
/**
 * How much that difference may grow from half the session to all of it.
 * A closed lab notebook kept alive costs about 0.6 MB (measured by keeping
 * them on purpose: 8 in a quick session added 4.8 MB), so 25 in the second
 * half would add about 15 MB; the page's own heap after GC moves by about
 * a megabyte between like states (code compiled late, caches). 5 MB tells
 * such a leak from that noise; a few hundred bytes kept per cell run
 * (about 1 MB over the second half) would stay under it.
 */
const GROWTH_TARGET = 5;
/**
 * DOM nodes, listeners and detached nodes (heap snapshot) the extension's
 * page may keep beyond the disabled page's once everything is closed,
 * each compared with its own page before the session. Both pages keep
 * thousands of JupyterLab's own (about 56,000 nodes and 125,000 listeners
 * after the full session); the two sides differ by a few hundred nodes and
 * listeners and about a thousand detached nodes from run to run. Lab
 * notebooks kept alive on purpose (8 in a quick session) left 6,400 more
 * nodes, 65,000 more listeners and 4,900 more detached nodes.
 */
const NODES_TARGET = 2000;
const LISTENERS_TARGET = 2000;
const DETACHED_TARGET = 3000;
/** Far above a run-all of 500 fast bash cells on a slow, busy machine. */
const RUN_TIMEOUT = 240_000;
const STEP_TIMEOUT = 60_000;
const SENDS_NOTEBOOK = 'memory-sends.ipynb';
/** The block sent: its output (42x) is not in its echo, so each one is counted once. */
const BLOCK = 'echo $((6*7))x';
const OUTPUT = '42x';
const MB = 1024 * 1024;
const OUR_CLASSES = ourClasses();
/**
 * Instances of one of the extension's classes that may be left once every
 * notebook and the terminal are closed, beyond those before the session
 * (a lazily made helper or two); one kept per closed notebook would be 25
 * in the full session.
 */
const KEPT_TARGET = 3;

const failures = [];
const fail = (step, error) => {
  const reason = reasonOf(error);
  failures.push(`${step}: ${reason}`);
  console.log(`  ${step}: FAILED (${reason})`);
};

const browser = await launchBrowser();
const sides = [];
try {
  for (const [name, port, extension] of [
    ['enabled', args['enabled-port'], true],
    ['disabled', args['disabled-port'], false]
  ]) {
    const { page, hasSidebar } = await openLab(browser, serverUrl(port));
    if (hasSidebar !== extension) {
      throw new Error(
        `${name} server: the extension is not ${name} as intended`
      );
    }
    page.on('dialog', dialog => dialog.dismiss());
    const cdp = await page.context().newCDPSession(page);
    const side = { name, page, cdp, extension, measures: {} };
    // A student has a left panel open: ours where it exists.
    await page.evaluate(
      id => window.jupyterapp.shell.activateById(id),
      extension ? 'jp-testbed-sidebar' : 'filebrowser'
    );
    // Code loaded on first use and caches filled once are not the session's.
    await openAndClose(side, 1);
    side.measures.start = await measure(side);
    side.snapshots = {
      start: side.extension ? await snapshotCounts(side) : null
    };
    await setUp(side);
    sides.push(side);
  }
  console.log(
    `session: ${RUN_ALLS} run-alls of ${args['run-notebook']}, ${args['open-notebook']} opened and closed ` +
      `${OPENS} times, ${SENDS} blocks sent to a terminal; measured after each half`
  );
  const lengths = ['half', 'full'];
  for (const length of lengths) {
    for (const side of sides) {
      await half(side, length);
    }
    for (const side of sides) {
      side.measures[length] = await measure(side);
    }
  }
  for (const side of sides) {
    await tearDown(side);
    side.measures.end = await measure(side);
    side.snapshots.end = await snapshotCounts(side);
  }
  report(sides);
} catch (error) {
  // The two sides no longer did the same: what was measured is shown, not compared.
  fail('session', error);
  printMeasures(sides);
  console.log(`SUMMARY memory: NOT MEASURED (${failures.join('; ')})`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exitCode = 1;
}

/** Open the run and sends notebooks and the terminal (one block sent). */
async function setUp(side) {
  const { page } = side;
  await page.bringToFront();
  await within(
    STEP_TIMEOUT,
    `${side.name}: writing ${SENDS_NOTEBOOK}`,
    page.evaluate(
      ({ path, block }) =>
        window.jupyterapp.serviceManager.contents.save(path, {
          type: 'notebook',
          format: 'json',
          content: {
            nbformat: 4,
            nbformat_minor: 5,
            metadata: {
              kernelspec: {
                name: 'bash',
                display_name: 'Bash',
                language: 'bash'
              }
            },
            cells: [
              {
                cell_type: 'markdown',
                id: 'sends',
                metadata: {},
                source: `## Sends\n\n\`\`\`bash\n# runs in Chameleon Jupyter environment\n${block}\n\`\`\`\n`
              }
            ]
          }
        }),
      { path: SENDS_NOTEBOOK, block: BLOCK }
    )
  );
  for (const [key, path] of [
    ['sends', SENDS_NOTEBOOK],
    ['run', args['run-notebook']]
  ]) {
    await within(
      STEP_TIMEOUT,
      `${side.name}: opening ${path}`,
      openNotebook(page, path)
    );
    await page.evaluate(key => {
      window.__benchMemory ??= {};
      window.__benchMemory[key] = window.__benchPanel;
      window.__benchPanel = null;
    }, key);
  }
  if (side.extension) {
    await showSends(page);
  }
  // The first block makes the terminal; its output counter starts after it.
  await within(
    STEP_TIMEOUT,
    `${side.name}: first block`,
    page.evaluate(firstSend, {
      extension: side.extension,
      block: BLOCK,
      output: OUTPUT
    })
  );
}

/** The sends notebook in front, its block's Run in a Jupyter terminal button drawn. */
async function showSends(page) {
  await page.evaluate(() => {
    const { sends } = window.__benchMemory;
    window.jupyterapp.shell.activateById(sends.id);
    sends.content.activeCellIndex = 0;
  });
  // The command presses the button of the current notebook's active cell.
  await page.waitForFunction(
    () =>
      window.jupyterapp.commands.isEnabled('testbed:run-in-jupyter-terminal'),
    undefined,
    { polling: 50, timeout: 20_000 }
  );
}

/** Half of the session: run-alls, opens and sends. */
async function half(side, length) {
  const { page } = side;
  await page.bringToFront();
  for (let run = 1; run <= RUN_ALLS / 2; run++) {
    const label = `${length} ${side.name} run-all ${run}/${RUN_ALLS / 2}`;
    const result = await within(
      RUN_TIMEOUT,
      label,
      page.evaluate(runAllInPage)
    );
    if (result.notRun) {
      throw new Error(
        `${label}: ${result.notRun} of ${result.cells} code cells did not run (${JSON.stringify(result)})`
      );
    }
    console.log(
      `  ${label}: ${result.cells} code cells in ${result.ms.toFixed(0)} ms`
    );
  }
  const opened = await openAndClose(side, OPENS / 2);
  console.log(
    `  ${length} ${side.name}: ${args['open-notebook']} opened and closed ${OPENS / 2} times, ` +
      `${(opened.ms / 1000).toFixed(1)} s (each ${opened.each.map(ms => ms.toFixed(0)).join(', ')} ms)`
  );
  if (side.extension) {
    await showSends(page);
  }
  const started = performance.now();
  const sent = await within(
    SENDS * 10_000,
    `${length} ${side.name}: sends`,
    page.evaluate(sendInPage, {
      extension: side.extension,
      count: SENDS / 2,
      block: BLOCK
    })
  );
  console.log(
    `  ${length} ${side.name}: ${SENDS / 2} blocks sent and their output seen in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s (${sent} outputs so far)`
  );
}

/** Open and close the mid-size notebook `times` times; its kernel is shut down each time. */
async function openAndClose(side, times) {
  const started = performance.now();
  const each = [];
  for (let time = 1; time <= times; time++) {
    const label = `${side.name}: ${args['open-notebook']} open ${time}/${times}`;
    const t0 = performance.now();
    await within(
      STEP_TIMEOUT,
      label,
      openNotebook(side.page, args['open-notebook'])
    );
    await within(
      STEP_TIMEOUT,
      label,
      side.page.evaluate(async path => {
        const panel = window.__benchPanel;
        window.__benchPanel = null;
        // As a student reads it: the frames and idle work that follow an open.
        await new Promise(resolve => setTimeout(resolve, 500));
        await panel.sessionContext.shutdown();
        panel.dispose();
        if (!panel.context.isDisposed) {
          throw new Error(`${path}: its context outlived the closed panel`);
        }
      }, args['open-notebook'])
    );
    each.push(performance.now() - t0);
  }
  return { ms: performance.now() - started, each };
}

/** Close every notebook and the terminal, kernels and terminal shut down. */
async function tearDown(side) {
  await side.page.bringToFront();
  await within(
    STEP_TIMEOUT,
    `${side.name}: closing everything`,
    side.page.evaluate(async () => {
      const state = window.__benchMemory;
      for (const panel of [state.run, state.sends]) {
        await panel.sessionContext.shutdown();
        panel.dispose();
      }
      await state.terminal.content.session.shutdown();
      state.terminal.dispose();
      state.counter.disconnect();
      window.__benchMemory = null;
      // Give widgets that close on a later frame (the shell's tab bars) their turn.
      await new Promise(resolve => setTimeout(resolve, 1000));
    })
  );
}

/** GC twice, then the page's JS heap (MB) and DOM counters. */
async function measure(side) {
  const { cdp, page } = side;
  // The same widget in front on both sides: the run notebook while it is open.
  await page.bringToFront();
  await page.evaluate(() => {
    const run = window.__benchMemory?.run;
    if (run) {
      window.jupyterapp.shell.activateById(run.id);
    }
  });
  await page.waitForTimeout(1000);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  return {
    heap: heap.usedSize / MB,
    documents: dom.documents,
    nodes: dom.nodes,
    listeners: dom.jsEventListeners
  };
}

/**
 * From a heap snapshot: the detached DOM nodes it holds (total and the
 * most common few by element), and the instances of this extension's own
 * classes (named in a development build, as the benchmark's is), or null
 * when the snapshot took too long.
 */
async function snapshotCounts(side) {
  const { cdp } = side;
  const chunks = [];
  const onChunk = ({ chunk }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await within(
      120_000,
      `${side.name}: heap snapshot`,
      cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
    );
  } catch (error) {
    fail(`${side.name}: heap snapshot`, error);
    return null;
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  const snapshot = JSON.parse(chunks.join(''));
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const detachedAt = fields.indexOf('detachedness');
  const objectType = types[typeAt].indexOf('object');
  const byElement = new Map();
  const ours = new Map();
  let total = 0;
  const testbed = new Map();
  for (let at = 0; at < snapshot.nodes.length; at += width) {
    const name = snapshot.strings[snapshot.nodes[at + nameAt]];
    if (snapshot.nodes[at + typeAt] === objectType && OUR_CLASSES.has(name)) {
      ours.set(name, (ours.get(name) ?? 0) + 1);
    }
    const detached =
      detachedAt >= 0
        ? snapshot.nodes[at + detachedAt] === 2
        : name.startsWith('Detached ');
    if (detached) {
      total++;
      // Chromium names a detached element with its tag and attributes.
      if (name.includes('jp-testbed')) {
        const shown = name.replace(/^Detached /, '').slice(0, 80);
        testbed.set(shown, (testbed.get(shown) ?? 0) + 1);
      }
      const element = name.replace(/^Detached /, '').split(' ')[0];
      byElement.set(element, (byElement.get(element) ?? 0) + 1);
    }
  }
  const top = [...byElement].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return {
    total,
    top: top.map(([name, n]) => `${name} ${n}`).join(', '),
    testbed: [...testbed.values()].reduce((sum, n) => sum + n, 0),
    testbedTop: [...testbed]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, n]) => `${n} ${name}`)
      .join('; '),
    ours
  };
}

/** The classes of this extension's JupyterLab layer, as a heap snapshot names their instances. */
function ourClasses() {
  const names = new Set();
  const root = fileURLToPath(new URL('../src/lab/', import.meta.url));
  for (const file of readdirSync(root, { recursive: true })) {
    if (String(file).endsWith('.ts')) {
      for (const [, name] of readFileSync(join(root, file), 'utf-8').matchAll(
        /^(?:export )?class (\w+)/gm
      )) {
        names.add(name);
      }
    }
  }
  return names;
}

/** Every measurement taken so far, per point of the session and side. */
function printMeasures(sides) {
  const line = m =>
    `heap ${m.heap.toFixed(1)} MB, ${m.documents} documents, ${m.nodes} nodes, ${m.listeners} listeners`;
  for (const point of ['start', 'half', 'full', 'end']) {
    for (const side of sides) {
      if (side.measures[point]) {
        console.log(
          `  ${point.padEnd(5)} ${side.name.padEnd(8)}: ${line(side.measures[point])}`
        );
      }
    }
  }
}

function report(sides) {
  const [enabled, disabled] = sides;
  printMeasures(sides);
  const difference = point =>
    enabled.measures[point].heap - disabled.measures[point].heap;
  const atHalf = difference('half');
  const atFull = difference('full');
  const growth = atFull - atHalf;
  const sideGrowth = side => side.measures.full.heap - side.measures.half.heap;
  const over = [];
  if (atHalf >= DIFFERENCE_TARGET || atFull >= DIFFERENCE_TARGET) {
    over.push(
      `the difference reached ${Math.max(atHalf, atFull).toFixed(1)} MB`
    );
  }
  if (growth >= GROWTH_TARGET) {
    over.push(`the difference grew by ${growth.toFixed(1)} MB`);
  }
  console.log(
    `SUMMARY memory after ${RUN_ALLS} run-alls, ${OPENS} opens and ${SENDS} sends: enabled - disabled ` +
      `${atFull.toFixed(1)} MB (${atHalf.toFixed(1)} MB at half the session; target < ${DIFFERENCE_TARGET}), ` +
      `growth of the difference ${growth.toFixed(1)} MB (target < ${GROWTH_TARGET}; each side grew ` +
      `${sideGrowth(enabled).toFixed(1)} and ${sideGrowth(disabled).toFixed(1)} MB in the second half); ` +
      `heap ${enabled.measures.full.heap.toFixed(1)} vs ${disabled.measures.full.heap.toFixed(1)} MB` +
      `${over.length ? ' MISSED' : ''}`
  );
  // What every notebook and the terminal, once closed, left in the page.
  const left = (side, key) => side.measures.end[key] - side.measures.start[key];
  const nodes = left(enabled, 'nodes') - left(disabled, 'nodes');
  const listeners = left(enabled, 'listeners') - left(disabled, 'listeners');
  if (nodes >= NODES_TARGET) {
    over.push(
      `${nodes} more DOM nodes left after closing than without the extension`
    );
  }
  if (listeners >= LISTENERS_TARGET) {
    over.push(
      `${listeners} more listeners left after closing than without the extension`
    );
  }
  const detachedMore =
    enabled.snapshots.end && disabled.snapshots.end
      ? enabled.snapshots.end.total - disabled.snapshots.end.total
      : null;
  if (detachedMore !== null && detachedMore >= DETACHED_TARGET) {
    over.push(
      `${detachedMore} more detached DOM nodes after closing than without the extension`
    );
  }
  const detached = side =>
    side.snapshots.end
      ? `${side.snapshots.end.total} (${side.snapshots.end.testbed} of the extension's, by their class` +
        `${side.snapshots.start ? `, ${side.snapshots.start.testbed} before the session` : ''}` +
        `${side.snapshots.end.testbed ? `: ${side.snapshots.end.testbedTop}` : ''}; ` +
        `${side.snapshots.end.top})`
      : 'not counted';
  console.log(
    `SUMMARY memory after closing everything, against the page before the session: DOM nodes ` +
      `${signed(left(enabled, 'nodes'))} enabled, ${signed(left(disabled, 'nodes'))} disabled ` +
      `(difference ${signed(nodes)}, target < ${NODES_TARGET}); listeners ${signed(left(enabled, 'listeners'))} ` +
      `and ${signed(left(disabled, 'listeners'))} (difference ${signed(listeners)}, target < ${LISTENERS_TARGET}); ` +
      `heap ${signed(left(enabled, 'heap').toFixed(1))} and ${signed(left(disabled, 'heap').toFixed(1))} MB; ` +
      `detached DOM nodes in a heap snapshot ${detached(enabled)} enabled, ${detached(disabled)} disabled ` +
      `(difference ${detachedMore === null ? 'not counted' : signed(detachedMore)}, target < ${DETACHED_TARGET})` +
      `${nodes >= NODES_TARGET || listeners >= LISTENERS_TARGET || detachedMore >= DETACHED_TARGET ? ' MISSED' : ''}`
  );
  // The extension's own objects that outlived the notebooks and terminal.
  const [before, after] = [enabled.snapshots.start, enabled.snapshots.end];
  if (before && after) {
    const kept = [...after.ours]
      .map(([name, n]) => [name, n - (before.ours.get(name) ?? 0)])
      .filter(([, more]) => more > 0);
    const worst = kept.filter(([, more]) => more >= KEPT_TARGET);
    if (worst.length) {
      over.push(
        `the extension kept ${worst.map(([name, more]) => `${more} more ${name}`).join(', ')} after closing`
      );
    }
    console.log(
      `SUMMARY memory, the extension's own objects after closing everything, against before the session: ` +
        `${kept.length ? kept.map(([name, more]) => `${name} +${more}`).join(', ') : 'none more'} ` +
        `(of ${after.ours.size} classes with instances; target: no class ${KEPT_TARGET} or more)` +
        `${worst.length ? ' MISSED' : ''}`
    );
  }
  for (const reason of over) {
    failures.push(reason);
  }
}

function signed(value) {
  return Number(value) >= 0 ? `+${value}` : String(value);
}

/**
 * In the page: run all cells of the run notebook again, its outputs
 * replaced as a student's re-run replaces them (the kernel keeps running,
 * so every cell's execution count must rise).
 */
async function runAllInPage() {
  const app = window.jupyterapp;
  const panel = window.__benchMemory.run;
  app.shell.activateById(panel.id);
  for (let wait = 0; app.shell.currentWidget !== panel; wait++) {
    if (wait > 100) {
      throw new Error(
        `the run notebook is not the current widget (${app.shell.currentWidget?.title.label})`
      );
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  const code = () =>
    [...panel.content.model.cells].filter(cell => cell.type === 'code');
  const before = code().map(cell => cell.executionCount ?? 0);
  const t0 = performance.now();
  await app.commands.execute('notebook:run-all-cells');
  const ms = performance.now() - t0;
  const after = code();
  const notRun = after.filter(
    (cell, at) => !(cell.executionCount > before[at])
  ).length;
  return {
    ms,
    cells: after.length,
    notRun,
    counts: after.slice(0, 3).map(cell => cell.executionCount),
    kernel: panel.sessionContext.session?.kernel?.status
  };
}

/**
 * In the page: send the block once, which makes the terminal (the
 * extension's lab terminal, or a new terminal on the disabled side), and
 * count its outputs from then on.
 */
async function firstSend({ extension, block, output }) {
  const app = window.jupyterapp;
  const state = window.__benchMemory;
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  let terminal;
  if (extension) {
    await app.commands.execute('testbed:run-in-jupyter-terminal');
    for (let wait = 0; !terminal; wait++) {
      if (wait > 400) {
        throw new Error('Run in a Jupyter terminal opened no terminal');
      }
      await sleep(50);
      terminal = [...app.shell.widgets('main')].find(widget =>
        widget.content?.session?.name?.endsWith('_jupyter')
      );
    }
  } else {
    terminal = await app.commands.execute('terminal:create-new');
    terminal.content.session.send({
      type: 'stdin',
      content: [`\x1b[200~${block}\x1b[201~\r`]
    });
  }
  state.terminal = terminal;
  const session = terminal.content.session;
  for (let wait = 0; session.connectionStatus !== 'connected'; wait++) {
    if (wait > 400) {
      throw new Error(
        `the terminal did not connect (${session.connectionStatus})`
      );
    }
    await sleep(50);
  }
  // Let the first block's output pass before counting.
  await sleep(1000);
  const seen = { count: 0, tail: '' };
  const onMessage = (_, message) => {
    if (message.type === 'stdout') {
      const text = seen.tail + String(message.content?.[0] ?? '');
      seen.count += text.split(output).length - 1;
      seen.tail = text.slice(-(output.length - 1));
    }
  };
  session.messageReceived.connect(onMessage);
  state.seen = seen;
  state.counter = {
    disconnect: () => session.messageReceived.disconnect(onMessage)
  };
}

/**
 * In the page: send the block `count` times, each after the previous one's
 * output came back; returns how many outputs were seen so far.
 */
async function sendInPage({ extension, count, block }) {
  const app = window.jupyterapp;
  const state = window.__benchMemory;
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  for (let sent = 1; sent <= count; sent++) {
    const expected = state.seen.count + 1;
    if (extension) {
      await app.commands.execute('testbed:run-in-jupyter-terminal');
    } else {
      state.terminal.content.session.send({
        type: 'stdin',
        content: [`\x1b[200~${block}\x1b[201~\r`]
      });
    }
    for (let wait = 0; state.seen.count < expected; wait++) {
      if (wait > 1000) {
        throw new Error(`block ${sent}: its output did not come back in 10 s`);
      }
      await sleep(10);
    }
  }
  return state.seen.count;
}
