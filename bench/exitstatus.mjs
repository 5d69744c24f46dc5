/**
 * Benchmark: the cost of the exit-status shell integration (issue 16).
 *
 * 500 two-line blocks sent one after the other, each as one bracketed paste
 * and each waited for until the shell's next prompt, as the extension sends
 * them: to bash with the integration (PS0 and PROMPT_COMMAND writing OSC 133
 * marks, jupyterlab_testbed/shellmarks.bash) and without it, rounds
 * interleaved so drift hits both. The ratio is with / without (target <= 1.05).
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

async function round(integrated) {
  const term = start(integrated);
  const wait = waiter(term);
  try {
    await wait(/\$ $/);
    let marks = 0;
    term.onData(data => (marks += (data.match(/\x1b\]133;D;/g) ?? []).length));
    const started = performance.now();
    for (let i = 0; i < BLOCKS; i++) {
      term.write(`\x1b[200~echo block-${i}\ntrue\x1b[201~\r`);
      await wait(new RegExp(`(?<![ \\w-])block-${i}\\r\\n[\\s\\S]*\\$ $`));
    }
    const ms = performance.now() - started;
    if (integrated !== marks >= BLOCKS) {
      throw new Error(
        `${marks} end marks for ${BLOCKS} blocks (integration ${integrated ? 'on' : 'off'})`
      );
    }
    return ms;
  } finally {
    term.kill();
  }
}

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const withIt = [];
const without = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which goes first, so warm-up favours neither.
  if (r % 2) {
    withIt.push(await round(true));
    without.push(await round(false));
  } else {
    without.push(await round(false));
    withIt.push(await round(true));
  }
  console.log(
    `round ${r + 1}: with ${withIt.at(-1).toFixed(0)} ms, without ${without.at(-1).toFixed(0)} ms, ratio ${(withIt.at(-1) / without.at(-1)).toFixed(3)}`
  );
}
const ratio = median(withIt) / median(without);
console.log(
  `SUMMARY exit status: ${BLOCKS} blocks to ${args.ssh ? 'ssh ' + args.ssh : 'local bash'}: median with ${median(withIt).toFixed(0)} ms, without ${median(without).toFixed(0)} ms, ratio ${ratio.toFixed(3)} (target <= 1.05)`
);
process.exit(ratio <= 1.05 ? 0 : 1);
