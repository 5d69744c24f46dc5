/**
 * Benchmark 5: the lab's SSH terminals, on the testbed's nodes.
 *
 * a. Click-to-prompt on node1: from the click on node1's card in the Testbed
 *    sidebar to the `cc@node1:~$` prompt in the terminal it opens, against
 *    the student's way in the same page: a plain terminal requested (the
 *    clock starts there, as when the student clicks Terminal in the
 *    launcher) and `ssh -i KEY -o ... cc@FLOATING_IP` typed into it as soon
 *    as it exists, up to the same prompt. Neither side has a live master
 *    connection: every terminal is shut down and every ControlMaster is
 *    stopped before each timing. A plain terminal timed to its local
 *    prompt (nothing typed) shows the floor every timing here shares.
 * b. node2 through node1: the click on node2's card to `cc@node2:~$` while
 *    node1's terminal is connected (its master is live and the jump rides
 *    on it), against the same click with no master at all, and the jump
 *    typed by hand (`ssh -J`) as a second baseline.
 * c. The same two node2 cases with ssh alone, outside the browser
 *    (`ssh -F <the lab's config> -tt node2 true`, timed by this script),
 *    the kind of figure the issue's reference gives (471 ms fresh, 249 ms
 *    over a master): in part b the terminal's own start, some 300-400 ms
 *    with or without a master, dilutes the ratio.
 *
 * The kinds are interleaved round by round, so drift hits them alike; one
 * round of each kind first warms up xterm's code, the known_hosts files and
 * the server's agent, and is not counted.
 *
 * Each timing of parts a and b is taken in the page: it starts at the click (or at the
 * terminal request) and stops when the prompt is in the terminal's xterm
 * buffer, polled every 5 ms. On the way it notes, from the terminal's
 * websocket, when the server's setup message arrived, when the ssh line
 * went out and when the prompt came back; the extension's requests
 * (resource timing); and the main thread's long tasks.
 *
 * The server must be started with the testbed's key and floating IP in its
 * settings, and its own TestbedSSH state and control directories (bench/run.sh
 * part 5 does all that, under the testbed lock).
 *
 * Through a JupyterHub (bench/hub.sh): --hub URL --user NAME --password-file F
 * --token-file F log the page in as that student, ask the student's server
 * through the hub's proxy with the token, and run ssh (and the hand-typed
 * command's scratch files) as that Unix user; --parts a keeps to part a.
 *
 * Usage: node terminals.mjs --port P --key KEY [--rounds 9] [--lab NOTEBOOK]
 *        node terminals.mjs --hub URL --user NAME --password-file F --token-file F
 *          --key KEY [--rounds 9] [--lab NOTEBOOK] [--parts a]
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { chown, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import {
  launchBrowser,
  median,
  openLab,
  openNotebook,
  percentile,
  reasonOf,
  Rounds,
  serverUrl,
  within
} from './lib.mjs';

const FLOATING_IP = '10.199.0.2';
const NODE2_IP = '192.168.1.12';
const NODES = ['node1', 'node2', 'node3'];
/** Quiet time after a reset: the extension asks the server which terminals run ssh 700 ms after output. */
const SETTLE_MS = 1000;
const PROMPT_TIMEOUT = 30_000;

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    key: { type: 'string' },
    rounds: { type: 'string', default: '9' },
    lab: { type: 'string' },
    hub: { type: 'string' },
    user: { type: 'string' },
    'password-file': { type: 'string' },
    'token-file': { type: 'string' },
    parts: { type: 'string', default: 'abc' }
  }
});
const ROUNDS = Number(args.rounds);
const HUB = args.hub
  ? {
      url: args.hub.replace(/\/+$/, ''),
      user: args.user,
      password: (await readFile(args['password-file'], 'utf8')).trim(),
      token: (await readFile(args['token-file'], 'utf8')).trim()
    }
  : null;
if (!(ROUNDS >= 1) || !args.key || (HUB && !/^[a-z][a-z0-9_-]*$/.test(HUB.user ?? ''))) {
  throw new Error(
    'usage: node terminals.mjs --port P --key KEY [--rounds 9] [--lab NOTEBOOK], or ' +
      '--hub URL --user NAME --password-file F --token-file F --key KEY [--parts a]'
  );
}
const base = HUB ? `${HUB.url}/user/${HUB.user}` : serverUrl(args.port);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const execute = promisify(execFile);
// ssh refuses a config file another user owns: through a hub, as the student.
const run = (command, argv, options) =>
  HUB ? execute('runuser', ['-u', HUB.user, '--', command, ...argv], options) : execute(command, argv, options);
const part = letter => args.parts.includes(letter);

const paths = await (
  await fetch(`${base}/jupyterlab-testbed/ssh`, HUB ? { headers: { Authorization: `token ${HUB.token}` } } : {})
).json();
if (!paths.configFile || !paths.controlDir) {
  throw new Error(`the server's ssh paths are not known: ${JSON.stringify(paths)}`);
}

// The student's own ssh files, in a throw-away directory: known_hosts for the
// hand-typed commands, and for the hand-typed jump a config, since -i and -o
// apply to the destination only and ssh passes just -F on to the jump host.
const scratch = await mkdtemp(join(tmpdir(), 'jupyterlab-testbed-terminals-'));
if (HUB) {
  const uid = Number((await execute('id', ['-u', HUB.user])).stdout);
  await chown(scratch, uid, uid);
}
const handConfig = join(scratch, 'ssh_config');
await writeFile(
  handConfig,
  `Host *\n  IdentityFile ${args.key}\n  IdentitiesOnly yes\n` +
    `  UserKnownHostsFile ${scratch}/known_hosts_jump\n  StrictHostKeyChecking accept-new\n`
);
const HAND_NODE1 =
  `ssh -i ${args.key} -o UserKnownHostsFile=${scratch}/known_hosts ` +
  `-o StrictHostKeyChecking=accept-new cc@${FLOATING_IP}`;
const HAND_JUMP = `ssh -F ${handConfig} -A -J cc@${FLOATING_IP} cc@${NODE2_IP}`;

/** Ask a node's master to exit; none running is fine. */
async function stopMaster(node) {
  await run('ssh', ['-F', paths.configFile, '-O', 'exit', node], { timeout: 5000 }).catch(() => undefined);
}

async function masterRuns(node) {
  try {
    await run('ssh', ['-F', paths.configFile, '-O', 'check', node], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Whether something listens on a Unix socket. */
function answers(path) {
  return new Promise(resolve => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The control sockets left in the control directory (the agent's is not one). */
async function controlSockets() {
  const names = await readdir(paths.controlDir).catch(() => []);
  return names.filter(name => name !== 'agent.sock' && !name.startsWith('.'));
}

let browser = await launchBrowser();
let page;
// Whether the cards need a lab notebook open: the nodes come from the
// settings' layout and placeholder values, or from a notebook's metadata.
let needsNotebook = false;
const buttons = NODES.map(n => `li.jp-testbed-NodeCard[data-node="${n}"] .jp-testbed-NodeCard-open`);
const cards = () =>
  page.waitForFunction(selectors => selectors.every(s => document.querySelector(s)), buttons, {
    timeout: 15_000,
    polling: 100
  });

/**
 * A page with the node cards on screen and the probes installed; again
 * after a round closed the page (or the browser), so the rounds left still run.
 */
async function openPage() {
  if (!browser.isConnected()) {
    browser = await launchBrowser();
  }
  let hasSidebar;
  ({ page, hasSidebar } = await openLab(browser, base, HUB));
  if (!hasSidebar) {
    throw new Error('#jp-testbed-sidebar is absent: the extension is not enabled on this server');
  }
  page.on('dialog', dialog => dialog.dismiss());
  await page.evaluate(() => window.jupyterapp.commands.execute('testbed:show-sidebar'));
  if (!needsNotebook) {
    try {
      await cards();
    } catch {
      if (!args.lab) {
        throw new Error('no node cards in the Testbed sidebar, and no --lab notebook to open');
      }
      needsNotebook = true;
    }
  }
  if (needsNotebook) {
    await openNotebook(page, args.lab);
    await page.evaluate(() => window.jupyterapp.commands.execute('testbed:show-sidebar'));
    await cards();
  }
  await page.evaluate(installProbes);
}

const LABELS = {
  click: 'node1 click',
  hand: 'node1 hand-typed',
  reuse: 'node2 click, node1 master live',
  fresh: 'node2 click, no master',
  handJump: 'node2 hand-typed ssh -J',
  plain: 'plain terminal, local prompt',
  cliReuse: 'ssh node2 true, master live',
  cliFresh: 'ssh node2 true, no master'
};
const results = Object.fromEntries(Object.keys(LABELS).map(kind => [kind, []]));
const rounds = new Rounds();
// What stopped the rounds early; the summary still reports what was measured.
let fatal = null;
try {
  await openPage();

  /**
   * Close every terminal, stop every master, and let things settle. A
   * master can come up just after its `-O exit` (the jump's own ssh persists
   * node1's connection as it ends), so the exits are repeated until no
   * socket answers; a socket nobody listens on is stale, and removed.
   */
  async function reset() {
    await within(30_000, 'closing the terminals', page.evaluate(closeTerminals));
    const deadline = Date.now() + 10_000;
    let live = [];
    for (;;) {
      for (const node of NODES) {
        await stopMaster(node);
      }
      live = [];
      for (const name of await controlSockets()) {
        const path = join(paths.controlDir, name);
        if (await answers(path)) {
          live.push(name);
        } else {
          await rm(path, { force: true });
        }
      }
      if (!live.length || Date.now() > deadline) {
        break;
      }
      await sleep(100);
    }
    if (live.length) {
      throw new Error(`ssh masters still listen in ${paths.controlDir}: ${live.join(', ')}`);
    }
    await sleep(SETTLE_MS);
  }

  const open = options => within(PROMPT_TIMEOUT + 5000, `prompt of ${options.name}`, page.evaluate(timeOpen, options));
  const click = node => open({ how: 'click', name: node, prompt: `cc@${node}:~$`, timeout: PROMPT_TIMEOUT });
  // Terminal names are \w+ only: the server's websocket route takes no other.
  let handCount = 0;
  const hand = (command, node) =>
    open({ how: 'hand', name: `bench_hand_${++handCount}`, command, prompt: `cc@${node}:~$`, timeout: PROMPT_TIMEOUT });

  // The kinds, each after a reset; `reuse` opens node1 first, untimed.
  const kinds = {
    click: () => click('node1'),
    hand: () => hand(HAND_NODE1, 'node1'),
    reuse: async () => {
      await click('node1');
      if (!(await masterRuns('node1'))) {
        throw new Error("node1's terminal is connected but no master runs for node1");
      }
      return click('node2');
    },
    fresh: async () => {
      if (await masterRuns('node1')) {
        throw new Error('a master for node1 runs after the reset');
      }
      return click('node2');
    },
    handJump: () => hand(HAND_JUMP, 'node2'),
    // The floor of every timing above: a terminal up to its local prompt.
    plain: () =>
      open({
        how: 'hand',
        name: `bench_plain_${++handCount}`,
        promptPattern: '^[^@\\s]+@[^:\\s]+:.*[#$] ?$',
        timeout: PROMPT_TIMEOUT
      }),
    // ssh alone, without the browser and its terminals: what the reference
    // figures (471 ms fresh, 249 ms over a master) measured.
    cliReuse: async () => {
      await sshTrue('node1');
      if (!(await masterRuns('node1'))) {
        throw new Error('ssh node1 left no master');
      }
      return sshTrue('node2');
    },
    cliFresh: () => sshTrue('node2')
  };
  async function sshTrue(node) {
    const start = performance.now();
    await run('ssh', ['-F', paths.configFile, '-tt', node, 'true'], { timeout: PROMPT_TIMEOUT });
    return { total: performance.now() - start };
  }
  /** One timing after a reset; a failure is reported, and a closed page replaced. */
  async function timed(label, name) {
    const outcome = await rounds.attempt(label, async () => {
      await reset();
      return kinds[name]();
    });
    if (!outcome.ok && (page.isClosed() || !browser.isConnected())) {
      console.log('  the page was closed: opening a new one for the rounds left');
      await openPage();
    }
    return outcome;
  }
  async function series(names) {
    for (const name of names) {
      await timed(`warm-up ${LABELS[name]}`, name);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const line = [];
      for (const name of names) {
        const outcome = await timed(`round ${round} ${LABELS[name]}`, name);
        if (outcome.ok) {
          results[name].push(outcome.value);
          line.push(`${LABELS[name]} ${outcome.value.total.toFixed(0)}`);
        } else {
          line.push(`${LABELS[name]} failed`);
        }
      }
      console.log(`  round ${round}: ${line.join(', ')} ms`);
    }
  }

  const version = (await run('ssh', ['-V'])).stderr.trim();
  // Which build of the extension the page runs: its remoteEntry's content hash.
  const build = await page.evaluate(
    () =>
      performance
        .getEntriesByType('resource')
        .map(e => e.name)
        .find(name => name.includes('/jupyterlab-testbed/static/remoteEntry.'))
        ?.replace(/^.*\/static\//, '')
        .replace(/\?.*$/, '') ?? 'unknown'
  );
  console.log(
    `extension build ${build}; ${version}; ${ROUNDS} counted rounds after 1 warm-up; node cards ${needsNotebook ? 'needed' : 'did not need'} ` +
      `a notebook open; ${SETTLE_MS} ms quiet after each reset (terminals shut down, masters stopped); ` +
      `load average ${loadavg().map(l => l.toFixed(2)).join(' ')}`
  );
  console.log(`hand-typed node1: ${HAND_NODE1}`);
  console.log(`hand-typed jump:  ${HAND_JUMP}`);
  if (HUB) {
    console.log(`through the hub at ${HUB.url}, as ${HUB.user}`);
  }
  if (part('a')) {
    console.log('a. node1, no master: click vs hand-typed, and a plain terminal to its local prompt');
    await series(['click', 'hand', 'plain']);
  }
  if (part('b')) {
    console.log('b. node2 through node1: master live vs none vs hand-typed jump');
    await series(['reuse', 'fresh', 'handJump']);
  }
  if (part('c')) {
    console.log(`c. ssh alone, no browser: ssh -F <the lab's config> -tt node2 true, master live vs none`);
    await series(['cliReuse', 'cliFresh']);
  }
  await rounds.attempt('the last reset', reset);
} catch (error) {
  fatal = error;
  console.log(`the rounds stopped early: ${reasonOf(error)}`);
  if (page && !page.isClosed()) {
    const text = await page.evaluate(terminalTexts).catch(() => null);
    if (text) {
      console.error(`terminals at the failure:\n${text}`);
    }
  }
}

try {
  console.log(`load average at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`);

  const f = ms => (ms === undefined || Number.isNaN(ms) ? '-' : ms.toFixed(0));
  const stat = (kind, key) => {
    const values = results[kind].map(r => r[key]).filter(v => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  console.log('');
  console.log('kind                              median    p95    min    max   (ms, to the prompt in xterm)');
  const measured = kind => results[kind].length > 0;
  for (const kind of Object.keys(LABELS).filter(measured)) {
    const totals = results[kind].map(r => r.total);
    console.log(
      `${LABELS[kind].padEnd(32)} ${f(median(totals)).padStart(7)} ${f(percentile(totals, 95)).padStart(6)} ` +
        `${f(Math.min(...totals)).padStart(6)} ${f(Math.max(...totals)).padStart(6)}`
    );
  }
  console.log('');
  console.log(
    'where the time goes (medians; ms from the click or the terminal request, but ssh and busy are durations):'
  );
  console.log(
    '  setup: the server\'s first message on the terminal\'s websocket; agent, config: the extension\'s requests ' +
      '(whole / server part); typed: the ssh line sent; ssh: from typed to the prompt on the websocket; ' +
      'xterm: the prompt in the buffer; busy: long tasks on the main thread'
  );
  console.log('kind                              setup    agent  config  typed    ssh  xterm   busy');
  for (const kind of ['click', 'hand', 'plain', 'reuse', 'fresh', 'handJump'].filter(measured)) {
    const request = which => {
      const d = stat(kind, `${which}Duration`);
      return d === undefined ? '-' : `${f(d)}/${f(stat(kind, `${which}Server`))}`;
    };
    const col = (key, width) => f(stat(kind, key)).padStart(width);
    console.log(
      `${LABELS[kind].padEnd(32)} ${col('connected', 6)} ${request('agent').padStart(8)} ${request('config').padStart(7)} ` +
        `${col('typed', 6)} ${col('ssh', 6)} ${col('total', 6)} ${col('busy', 6)}`
    );
  }

  // The extension's and the terminals' requests in the median round of each
  // kind of part a, start-end in ms from the click or the terminal request.
  const short = path => path.replace(/^.*?\/(api|jupyterlab-testbed)\//, '$1/');
  for (const kind of ['click', 'hand'].filter(measured)) {
    const sorted = [...results[kind]].sort((a, b) => a.total - b.total);
    const middle = sorted[Math.ceil(sorted.length / 2) - 1];
    console.log(
      `requests in the median ${LABELS[kind]} round (${f(middle.total)} ms; typed at ${f(middle.typed)}): ` +
        middle.requests.map(r => `${short(r.path)} ${f(r.start)}-${f(r.end)}`).join(', ')
    );
  }

  const totalOf = kind => (measured(kind) ? median(results[kind].map(r => r.total)) : NaN);
  const ratio = (a, b) => totalOf(a) / totalOf(b);
  const r2 = value => (Number.isNaN(value) ? '-' : value.toFixed(2));
  const m = kind => f(totalOf(kind));
  const verdict = (value, target) => (Number.isNaN(value) ? 'NOT MEASURED' : value <= target ? 'met' : 'MISSED');
  const failures = () => rounds.note() + (fatal ? `; the rounds stopped early: ${reasonOf(fatal)}` : '');
  const counted = kind => `${results[kind].length} of ${ROUNDS}`;
  console.log('');
  if (part('a')) {
    const clickRatio = ratio('click', 'hand');
    console.log(
      `SUMMARY click-to-prompt: node1 click ${m('click')} ms vs hand-typed ssh ${m('hand')} ms, ` +
        `ratio ${r2(clickRatio)} (medians of ${counted('click')} and ${counted('hand')} rounds; target <= 1.1) ` +
        `${verdict(clickRatio, 1.1)}${failures()}`
    );
  }
  if (part('b') && part('c')) {
    const reuseRatio = ratio('reuse', 'fresh');
    const sshRatio = stat('reuse', 'ssh') / stat('fresh', 'ssh');
    const cliRatio = ratio('cliReuse', 'cliFresh');
    console.log(
      `SUMMARY node2 over node1's master: ${m('reuse')} ms vs fresh jump ${m('fresh')} ms, ` +
        `ratio ${r2(reuseRatio)} (medians of ${counted('reuse')} and ${counted('fresh')} rounds; target <= 0.55) ` +
        `${verdict(reuseRatio, 0.55)}; ` +
        `a plain terminal to its local prompt ${m('plain')} ms is in both; ` +
        `in the terminal from the typed line ${f(stat('reuse', 'ssh'))} vs ${f(stat('fresh', 'ssh'))} ms, ratio ${r2(sshRatio)}; ` +
        `without the browser ${m('cliReuse')} vs ${m('cliFresh')} ms, ratio ${r2(cliRatio)} (reference 249 vs 471, 0.53); ` +
        `hand-typed ssh -J ${m('handJump')} ms (fresh click / hand ${r2(ratio('fresh', 'handJump'))})` +
        failures()
    );
  }
} finally {
  await browser.close();
  for (const node of NODES) {
    await stopMaster(node);
  }
  await rm(scratch, { recursive: true, force: true });
}
if (fatal) {
  throw fatal;
}
if (rounds.failures.length) {
  console.error(`FAILED: ${rounds.failures.length} round(s): ${rounds.failures.join('; ')}`);
  process.exitCode = 1;
}

/**
 * In the page: watch the websocket of the terminal being timed (when the
 * server's setup message arrives, when the ssh line goes out, when the
 * prompt comes back), keep every resource timing, and note long tasks.
 */
function installProbes() {
  performance.setResourceTimingBufferSize(100_000);
  const bench = (window.__bench = { watch: null, longTasks: [] });
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      bench.longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    }
  }).observe({ type: 'longtask' });
  // Colours and the window title come between the parts of the prompt on the wire.
  const plain = text => text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '');
  const watched = ws => {
    const watch = bench.watch;
    return watch && ws.url.split('?')[0].endsWith(`/terminals/websocket/${watch.name}`) ? watch : null;
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const watch = watched(this);
    if (watch && watch.typed === undefined && typeof data === 'string' && data.startsWith('["stdin"') && data.includes('ssh ')) {
      watch.typed = performance.now();
    }
    return send.call(this, data);
  };
  // The terminal connection reads its socket through onmessage.
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    enumerable: onmessage.enumerable,
    get() {
      return onmessage.get.call(this);
    },
    set(handler) {
      // The wrapper below is a `function`: it has a `this` of its own.
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const ws = this;
      const wrapped = function (event) {
        const watch = watched(ws);
        if (watch) {
          const now = performance.now();
          watch.connected ??= now;
          if (watch.message === undefined && typeof event.data === 'string' && event.data.startsWith('["stdout"')) {
            watch.wire = (watch.wire + JSON.parse(event.data)[1]).slice(-4000);
            if (watch.matches(plain(watch.wire))) {
              watch.message = now;
            }
          }
        }
        return handler.call(this, event);
      };
      onmessage.set.call(this, typeof handler === 'function' ? wrapped : handler);
    }
  });
}

/** In the page: shut every terminal down and wait until their widgets are gone. */
async function closeTerminals() {
  const app = window.jupyterapp;
  const manager = app.serviceManager.terminals;
  await manager.refreshRunning();
  for (const model of [...manager.running()]) {
    await manager.shutdown(model.name);
  }
  const isTerminal = w => w.content?.node?.classList.contains('jp-Terminal');
  const deadline = performance.now() + 10_000;
  for (;;) {
    await manager.refreshRunning();
    const widgets = [...app.shell.widgets('main')].filter(isTerminal);
    if (![...manager.running()].length && !widgets.length) {
      return;
    }
    if (performance.now() > deadline) {
      widgets.forEach(w => w.dispose());
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/**
 * In the page: open a terminal, by a click on the node's card or as the
 * student would (request a terminal, type the command as soon as it
 * exists), and time it until the prompt is in its xterm buffer.
 */
async function timeOpen({ how, name, command, prompt, promptPattern, timeout }) {
  const app = window.jupyterapp;
  const bench = window.__bench;
  const button =
    how === 'click'
      ? document.querySelector(`li.jp-testbed-NodeCard[data-node="${name}"] .jp-testbed-NodeCard-open`)
      : null;
  if (how === 'click' && !button) {
    throw new Error(`no Open button on the card of ${name}`);
  }
  // A fixed prompt, or a pattern for the local shell's (its cwd varies).
  const pattern = promptPattern ? new RegExp(promptPattern, 'm') : null;
  const matches = text => (pattern ? pattern.test(text) : text.includes(prompt));
  const watch = (bench.watch = { name, matches, wire: '' });
  let failed = null;
  const start = performance.now();
  if (how === 'click') {
    button.click();
  } else {
    app.commands
      .execute('terminal:create-new', { name })
      .then(widget => command && widget.content.session.send({ type: 'stdin', content: [`${command}\r`] }))
      .catch(error => (failed = error));
  }
  let widget = null;
  const deadline = start + timeout;
  try {
    for (;;) {
      if (failed) {
        throw failed;
      }
      widget ??= [...app.shell.widgets('main')].find(w => w.content?.session?.name === name) ?? null;
      const buffer = widget?.content._term?.buffer.active;
      if (buffer) {
        let found = false;
        for (let i = buffer.length - 1; i >= Math.max(0, buffer.length - 60) && !found; i--) {
          found = matches(buffer.getLine(i)?.translateToString(true) ?? '');
        }
        if (found) {
          break;
        }
      }
      if (performance.now() > deadline) {
        throw new Error(`no ${prompt ?? promptPattern} in the terminal ${name} within ${timeout / 1000} s`);
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
  } finally {
    bench.watch = null;
  }
  const end = performance.now();
  const requests = performance
    .getEntriesByType('resource')
    .filter(e => e.startTime >= start && e.startTime <= end)
    .map(e => ({
      path: new URL(e.name).pathname,
      query: new URL(e.name).search,
      start: e.startTime - start,
      end: e.responseEnd - start,
      duration: e.responseEnd - e.startTime,
      server: e.responseStart - e.requestStart
    }));
  const find = suffix => requests.find(r => r.path.endsWith(suffix) && !r.query.includes('key='));
  // The POST that loads the key; the GET that only asks carries ?key=.
  const agent = find('/jupyterlab-testbed/ssh/agent');
  const config = find('/jupyterlab-testbed/ssh/config');
  const since = time => (time === undefined ? undefined : time - start);
  const busy = bench.longTasks
    .map(t => Math.max(0, Math.min(t.end, end) - Math.max(t.start, start)))
    .reduce((sum, ms) => sum + ms, 0);
  return {
    total: end - start,
    connected: since(watch.connected),
    typed: since(watch.typed),
    message: since(watch.message),
    ssh: watch.typed !== undefined && watch.message !== undefined ? watch.message - watch.typed : undefined,
    agentDuration: agent?.duration,
    agentServer: agent?.server,
    configDuration: config?.duration,
    configServer: config?.server,
    busy,
    requests
  };
}

/** In the page: what each terminal shows, for a failure report. */
function terminalTexts() {
  return [...window.jupyterapp.shell.widgets('main')]
    .filter(w => w.content?._term)
    .map(w => {
      const buffer = w.content._term.buffer.active;
      const lines = [];
      for (let i = Math.max(0, buffer.length - 15); i < buffer.length; i++) {
        lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      }
      return `--- ${w.content.session?.name}\n${lines.join('\n').trimEnd()}`;
    })
    .join('\n');
}
