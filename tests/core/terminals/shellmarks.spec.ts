/**
 * The end of a sent block, read from marks: unit cases, then real bash
 * (and a shell that is not bash) in a pseudo-terminal, sent to as the
 * extension does (one bracketed paste).
 */
import * as path from 'path';
import * as pty from 'node-pty';
import { keystrokes, INTERRUPT } from '../../../src/core/terminals/typing';
import {
  BlockEndWatch,
  describeEnd,
  IBlockEnd,
  ShellMarkReader
} from '../../../src/core/terminals/shellmarks';

/** The integration as the server starts it (jupyterlab_testbed/shellmarks.py). */
const MARKS = path.resolve(
  __dirname,
  '../../../jupyterlab_testbed/shellmarks.bash'
);

const C = '\x1b]133;C\x07';
const D = (status: string | number) => `\x1b]133;D;${status}\x07`;
const english = {
  __: (text: string, ...args: (string | number)[]) =>
    args.reduce<string>((t, a, i) => t.replace(`%${i + 1}`, String(a)), text)
};

describe('reading marks', () => {
  it('finds starts and ends, with their status, in order', () => {
    const reader = new ShellMarkReader();
    expect(reader.read(`a${C}out\r\n${D(3)}$ `)).toEqual([
      { kind: 'start' },
      { kind: 'end', status: 3 }
    ]);
    // ST as terminator too; prompt marks (A, B) are not ends.
    expect(reader.read('\x1b]133;A\x07\x1b]133;D;0\x1b\\')).toEqual([
      { kind: 'end', status: 0 }
    ]);
  });

  it('joins a mark split across chunks, at any point', () => {
    const text = `x${C}y${D(130)}z`;
    for (let cut = 0; cut <= text.length; cut++) {
      const reader = new ShellMarkReader();
      expect([
        ...reader.read(text.slice(0, cut)),
        ...reader.read(text.slice(cut))
      ]).toEqual([{ kind: 'start' }, { kind: 'end', status: 130 }]);
    }
  });

  it('reads a status that is no exit status as unknown, and keeps no unbounded tail', () => {
    const reader = new ShellMarkReader();
    expect(reader.read(`${D(999)}${D('x')}${D('')}`)).toEqual([
      { kind: 'end', status: null },
      { kind: 'end', status: null },
      { kind: 'end', status: null }
    ]);
    // An unterminated mark followed by megabytes is dropped, not kept.
    expect(reader.read(`\x1b]133;D;${'9'.repeat(1_000_000)}`)).toEqual([]);
    expect(reader.read(`${C}`)).toEqual([{ kind: 'start' }]);
  });

  it('reads a 5,000-line output in linear time', () => {
    const reader = new ShellMarkReader();
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}\r\n`);
    const started = Date.now();
    const marks = [C, ...lines, D(0)].flatMap(chunk => reader.read(chunk));
    expect(marks).toEqual([{ kind: 'start' }, { kind: 'end', status: 0 }]);
    // Generous: catches a blow-up, not a slow machine.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('when a block ends', () => {
  it('runs from its first start to the first end after it', () => {
    const watch = new BlockEndWatch();
    // An empty line's (or the first prompt's) end before it started: no end.
    expect(watch.mark({ kind: 'end', status: 0 }, 5)).toBeNull();
    expect(watch.mark({ kind: 'start' }, 10)).toEqual({ end: 'running' });
    // Each command of a paste starts; only the first counts.
    expect(watch.mark({ kind: 'start' }, 20)).toBeNull();
    expect(watch.mark({ kind: 'end', status: 1 }, 1510.4)).toEqual({
      end: 1,
      ms: 1500
    });
    // Later commands are not this block's.
    expect(watch.mark({ kind: 'start' }, 2000)).toBeNull();
    expect(watch.lost()).toBeNull();
  });

  it('is unknown when the terminal ends while it runs, and never was when it never ran', () => {
    const ran = new BlockEndWatch();
    ran.mark({ kind: 'start' }, 0);
    expect(ran.lost()).toEqual({ end: 'unknown' });
    expect(new BlockEndWatch().lost()).toBeNull();
  });

  it('says ✓, ✗ exit N, interrupted, unknown or running', () => {
    expect(describeEnd(0, 2300, english)).toEqual({
      symbol: '✓',
      text: 'exit 0 in 2.3 s',
      brief: 'exit 0'
    });
    expect(describeEnd(1, 50, english)).toEqual({
      symbol: '✗',
      text: 'exit 1 in 0.1 s',
      brief: 'exit 1'
    });
    expect(describeEnd(130, undefined, english).text).toBe(
      'interrupted (exit 130)'
    );
    expect(describeEnd('unknown', undefined, english).text).toMatch(
      /^ended unknown/
    );
    expect(describeEnd(130, undefined, english).brief).toBe('interrupted');
    expect(describeEnd('unknown', undefined, english).brief).toBe('unknown');
    expect(describeEnd('running', undefined, english)).toEqual({
      symbol: '…',
      text: 'running',
      brief: 'running'
    });
  });
});

/**
 * The shells these tests started and that still run: a live pseudo-terminal
 * keeps jest from exiting, so none may outlive the tests, whatever ended
 * them.
 */
const running = new Map<pty.IPty, Promise<void>>();
afterAll(() => Promise.all([...running.keys()].map(end)));

/** Hang up a shell, as a closed terminal does; kill it if it is still there after 2 s. */
async function end(term: pty.IPty): Promise<void> {
  const exited = running.get(term);
  if (!exited) {
    return;
  }
  const within = (ms: number) =>
    Promise.race([
      exited,
      new Promise<void>(resolve => setTimeout(resolve, ms))
    ]);
  term.kill();
  await within(2000);
  if (running.has(term)) {
    term.kill('SIGKILL');
    await within(2000);
  }
}

/** A shell in a pseudo-terminal, its output read for marks. */
function shell(
  file: string,
  args: string[],
  extra: { [key: string]: string } = {}
) {
  const env: { [key: string]: string } = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm-256color',
    HOME: process.env.HOME ?? '/tmp',
    PS1: '$ ',
    ...extra
  };
  const term = pty.spawn(file, args, { cols: 120, rows: 30, env });
  running.set(
    term,
    new Promise<void>(resolve =>
      term.onExit(() => {
        running.delete(term);
        resolve();
      })
    )
  );
  const reader = new ShellMarkReader();
  let output = '';
  let listeners: (() => void)[] = [];
  let watch: BlockEndWatch | null = null;
  const states: IBlockEnd[] = [];
  term.onData(data => {
    output += data;
    for (const mark of reader.read(data)) {
      const state = watch?.mark(mark, Date.now());
      if (state) {
        states.push(state);
      }
    }
    listeners.forEach(listener => listener());
  });
  term.onExit(() => {
    const state = watch?.lost();
    if (state) {
      states.push(state);
    }
    listeners.forEach(listener => listener());
  });
  /** Wait (bounded) until the condition holds. */
  const until = (condition: () => boolean, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners = listeners.filter(l => l !== check);
        reject(
          new Error(`timed out; output: ${JSON.stringify(output.slice(-300))}`)
        );
      }, ms);
      const check = () => {
        if (condition()) {
          clearTimeout(timer);
          listeners = listeners.filter(l => l !== check);
          resolve();
        }
      };
      listeners.push(check);
      check();
    });
  return {
    term,
    until,
    states,
    get output() {
      return output;
    },
    /** Send a block as the extension does, watching for its end. */
    send(block: string, bracketed = true) {
      watch = new BlockEndWatch();
      states.length = 0;
      term.write(keystrokes(block, bracketed));
    },
    ended: () => states.some(s => s.end !== 'running')
  };
}

describe('real bash with the integration, in a pseudo-terminal', () => {
  jest.setTimeout(40_000);
  let sh: ReturnType<typeof shell>;
  beforeEach(async () => {
    sh = shell('bash', ['--noprofile', '--rcfile', MARKS, '-i']);
    // The first prompt's mark (Debian's bash sets its own PS1 first).
    await sh.until(() => sh.output.includes('\x1b]133;D;0\x07'));
  });
  afterEach(() => end(sh.term));

  it('reports exit 0, and exit 1 for a failing block, of the last command of a paste', async () => {
    sh.send('echo one\necho two');
    await sh.until(sh.ended);
    expect(sh.states.map(s => s.end)).toEqual(['running', 0]);
    sh.send('true\nls /no/such/dir\n');
    await sh.until(sh.ended);
    expect(sh.states.map(s => s.end)).toEqual(['running', 2]);
    sh.send('false; (exit 7)');
    await sh.until(sh.ended);
    expect(sh.states.at(-1)?.end).toBe(7);
    // The marks are OSC sequences, which terminals do not show: without
    // them, the output is the commands' own.
    expect(sh.output.replace(/\x1b\]133;[^\x07]*\x07/g, '')).toMatch(
      /^one\r\ntwo\r$/m
    );
  });

  it('is running while a program runs, then interrupted by Ctrl-C', async () => {
    sh.send('sleep 30');
    await sh.until(() => sh.states.length === 1);
    expect(sh.states).toEqual([{ end: 'running' }]);
    // PS0 marks the start before bash starts the program: a Ctrl-C at that
    // moment reaches bash, not sleep, so it is pressed again (bounded).
    for (let i = 0; i < 20 && !sh.ended(); i++) {
      sh.term.write(INTERRUPT);
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    await sh.until(sh.ended);
    expect(sh.states.at(-1)?.end).toBe(130);
  });

  it('waits for a block that reads from stdin, then reports its status', async () => {
    sh.send('read x\n[ "$x" = hello ]');
    await sh.until(() => sh.states.length === 1);
    sh.term.write('hello\r');
    await sh.until(sh.ended);
    expect(sh.states.at(-1)?.end).toBe(0);
  });

  it('reports a 5,000-line output’s end', async () => {
    sh.send('seq 1 5000');
    await sh.until(sh.ended, 30_000);
    expect(sh.states.at(-1)?.end).toBe(0);
    expect(sh.output).toMatch(/^5000\r$/m);
  });

  it('leaves the end unknown when the block ends the shell with exit', async () => {
    sh.send('echo bye\nexit 3');
    await sh.until(sh.ended);
    expect(sh.states.at(-1)).toEqual({ end: 'unknown' });
  });
});

describe('a shell that is not bash', () => {
  jest.setTimeout(20_000);
  it('writes no marks: the block stays “sent”', async () => {
    // dash reads $ENV: the marks' file, whose PS0 and PROMPT_COMMAND it never uses.
    const sh = shell('sh', ['-i'], { ENV: MARKS });
    try {
      await sh.until(() => /\$ $/.test(sh.output));
      // dash has no bracketed paste: the setting is off for such a shell.
      sh.send('echo done-$((6*7))', false);
      await sh.until(() => sh.output.includes('done-42'));
      await sh.until(() => /\$ $/.test(sh.output));
      expect(sh.states).toEqual([]);
    } finally {
      await end(sh.term);
    }
  });
});
