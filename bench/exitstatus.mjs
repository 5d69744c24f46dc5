/**
 * Benchmark: the cost of the exit-status shell integration (issue 16).
 *
 * 500 two-line blocks sent one after the other, each as one bracketed paste
 * and each waited for until the shell's next prompt, as the extension sends
 * them: to bash with the integration (PS0 and PROMPT_COMMAND writing OSC 133
 * marks, jupyterlab_testbed/shellmarks.bash) and without it. The two shells
 * are open side by side and take the blocks in turn, so drift hits both.
 * The ratio is with / without (target <= 1.05).
 *
 * By default bash runs here in a pseudo-terminal. With --ssh, it runs on a
 * node: the arguments are given to `ssh -tt` (`--ssh="-F <lab config> node1"`,
 * under `flock /tmp/jlt-heavy.lock` for the testbed).
 *
 * Usage: node exitstatus.mjs [--blocks 500] [--rounds 5] [--ssh="<ssh arguments>"]
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const pty = require('node-pty');

const { values: args } = parseArgs({
  options: {
    blocks: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '5' },
    ssh: { type: 'string' }
  }
});
const BLOCKS = Number(args.blocks);
const ROUNDS = Number(args.rounds);
/** One block's bound: a stuck shell fails the run instead of hanging it. */
const BLOCK_MS = 20_000;

/** The integration as the server starts it (jupyterlab_testbed/shellmarks.py). */
const MARKS = readFileSync(
  fileURLToPath(
    new URL('../jupyterlab_testbed/shellmarks.bash', import.meta.url)
  ),
  'utf8'
);
const rcDir = mkdtempSync(join(tmpdir(), 'jlt-exitstatus-'));
process.on('exit', () => rmSync(rcDir, { recursive: true, force: true }));

const quote = text => `'${text.replace(/'/g, "'\\''")}'`;

/** bash with a plain prompt, and the marks when `integrated`. */
function start(integrated) {
  const rc = `PS1='$ '\n${integrated ? MARKS : ''}`;
  if (args.ssh) {
    const remote = `bash --noprofile --rcfile <(printf '%s' ${quote(rc)}) -i`;
    return pty.spawn(
      'ssh',
      ['-tt', ...args.ssh.split(/\s+/).filter(Boolean), remote],
      {
        cols: 120,
        rows: 30,
        env: process.env
      }
    );
  }
  const file = join(rcDir, integrated ? 'marks' : 'plain');
  writeFileSync(file, rc);
  return pty.spawn('bash', ['--noprofile', '--rcfile', file, '-i'], {
    cols: 120,
    rows: 30,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TERM: 'xterm-256color'
    }
  });
}

/** Resolves once `pattern` matches the output since the last call. */
function waiter(term) {
  let output = '';
  let pending = null;
  term.onData(data => {
    output += data;
    if (pending && pending.pattern.test(output)) {
      clearTimeout(pending.timer);
      const { resolve } = pending;
      pending = null;
      output = '';
      resolve();
    }
  });
  return pattern =>
    new Promise((resolve, reject) => {
      if (pattern.test(output)) {
        output = '';
        resolve();
        return;
      }
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${pattern} within ${BLOCK_MS} ms: ${JSON.stringify(output.slice(-200))}`
            )
          ),
        BLOCK_MS
      );
      pending = { pattern, resolve, timer };
    });
}

/** A shell at its first prompt, with a counter of the end marks it wrote. */
async function ready(integrated) {
  const term = start(integrated);
  const shell = { term, wait: waiter(term), marks: 0, ms: 0, integrated };
  await shell.wait(/\$ $/);
  term.onData(data => (shell.marks += (data.match(/\x1b\]133;D;/g) ?? []).length));
  return shell;
}

/** Sends block `i` and waits for the prompt after it; adds the time to the shell's. */
async function send(shell, i) {
  const started = performance.now();
  shell.term.write(`\x1b[200~echo block-${i}\ntrue\x1b[201~\r`);
  await shell.wait(new RegExp(`(?<![ \\w-])block-${i}\\r\\n[\\s\\S]*\\$ $`));
  shell.ms += performance.now() - started;
}

/**
 * One round: both shells open side by side, each block sent to one then
 * the other, which goes first alternating block by block, so that what
 * the machine does meanwhile lands on both alike.
 */
async function round() {
  const shells = [];
  try {
    shells.push(await ready(true), await ready(false));
    for (let i = 0; i < BLOCKS; i++) {
      for (const shell of i % 2 ? [...shells].reverse() : shells) {
        await send(shell, i);
      }
    }
    for (const shell of shells) {
      if (shell.integrated !== shell.marks >= BLOCKS) {
        throw new Error(
          `${shell.marks} end marks for ${BLOCKS} blocks (integration ${shell.integrated ? 'on' : 'off'})`
        );
      }
    }
    return shells.map(shell => shell.ms);
  } finally {
    shells.forEach(shell => shell.term.kill());
  }
}

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const withIt = [];
const without = [];
for (let r = 0; r < ROUNDS; r++) {
  const [on, off] = await round();
  withIt.push(on);
  without.push(off);
  console.log(
    `round ${r + 1}: with ${on.toFixed(0)} ms, without ${off.toFixed(0)} ms, ratio ${(on / off).toFixed(3)}`
  );
}
// The two shells of a round shared its moments: the ratio within each round
// is the paired figure, and its median the one held to the target.
const ratios = withIt.map((ms, r) => ms / without[r]);
const ratio = median(ratios);
console.log(
  `SUMMARY exit status: ${BLOCKS} blocks to ${args.ssh ? 'ssh ' + args.ssh : 'local bash'}: ratio ${ratio.toFixed(3)}, ` +
    `the median of ${ratios.length} rounds (${ratios.map(r => r.toFixed(3)).join(', ')}); ` +
    `median with ${median(withIt).toFixed(0)} ms, without ${median(without).toFixed(0)} ms (target <= 1.05)`
);
process.exit(ratio <= 1.05 ? 0 : 1);
