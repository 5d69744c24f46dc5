/**
 * The generated config and command, run in real pseudo-terminals against
 * the three-node testbed (testbed/testbed.sh). Traffic goes only into the
 * testbed's namespaces: the routes are checked before anything connects.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pty from 'node-pty';
import { labNodes } from '../terminals/presets';
import { INode, sshCommand, sshConfig } from '../terminals/sshconfig';

const TESTBED = path.resolve(__dirname, '../../testbed/testbed.sh');
const FLOATING_IP = '10.199.0.2';
/** On the floating IP's /30 link, but no machine has it. */
const WRONG_IP = '10.199.0.3';
const STATE =
  process.env.TESTBED_STATE_DIR ??
  path.join(process.env.TMPDIR ?? '/tmp', 'jupyterlab-testbed-ssh');
const KEY = path.join(STATE, 'id_ed25519');
/** Generous for one step: sshd start, a handshake or two. */
const STEP_MS = 8000;

function whyNotHere(): string | null {
  if (process.getuid?.() !== 0) {
    return 'not running as root, and the testbed needs network namespaces';
  }
  const probe = `tb-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  // Without iproute2 yet, testbed.sh up installs it.
  if ((added.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return null;
  }
  if (added.status !== 0) {
    return `this machine cannot create network namespaces (ip netns add: ${(added.stderr || String(added.error)).trim()})`;
  }
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeout = 20000
) {
  return spawnSync(command, args, { encoding: 'utf8', timeout, env });
}

/** Long enough for up to install openssh-server on a fresh machine. */
function testbed(...args: string[]): string {
  const result = run('bash', [TESTBED, ...args], process.env, 280000);
  if (result.status !== 0) {
    throw new Error(
      `testbed.sh ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`
    );
  }
  return result.stdout;
}

/** Screen text without colours, titles and carriage returns. */
function plain(output: string): string {
  return output
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\r/g, '');
}

const PROMPT = /[$#] $/;

/** A terminal running one command, as a JupyterLab terminal would. */
class Terminal {
  readonly started = Date.now();
  output = '';
  exitCode: number | null = null;
  private readonly process: pty.IPty;
  private readonly waiters = new Set<() => void>();

  constructor(command: string, env: { [key: string]: string }) {
    this.process = pty.spawn('bash', ['--norc', '--noprofile', '-c', command], {
      name: 'xterm',
      cols: 160,
      rows: 40,
      env
    });
    this.process.onData(data => {
      this.output += data;
      this.waiters.forEach(wake => wake());
    });
    this.process.onExit(({ exitCode }) => {
      this.exitCode = exitCode;
      this.waiters.forEach(wake => wake());
    });
    terminals.add(this);
  }

  get text(): string {
    return plain(this.output);
  }

  /** Milliseconds from spawn until the screen matches, or a failure naming what was seen. */
  until(
    done: (text: string) => boolean,
    what: string,
    ms = STEP_MS
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done(this.text)) {
          finish();
          resolve(Date.now() - this.started);
        } else if (this.exitCode !== null) {
          finish();
          reject(this.failure(`ended (${this.exitCode}) before ${what}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(this.failure(`no ${what} within ${ms} ms`));
      }, ms);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  prompt(): Promise<number> {
    return this.until(text => PROMPT.test(text), 'prompt');
  }

  /** The exit code once the command has ended and its last output arrived. */
  async ended(): Promise<number> {
    await this.until(() => this.exitCode !== null, 'exit');
    // node-pty can report the exit before the last output.
    for (let i = 0, seen = -1; i < 20 && seen !== this.output.length; i++) {
      seen = this.output.length;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    return this.exitCode!;
  }

  /** Types a line and waits for `marker` in the output after it. */
  async type(line: string, marker: RegExp): Promise<void> {
    const from = this.output.length;
    this.process.write(`${line}\r`);
    await this.until(
      () => marker.test(plain(this.output.slice(from))),
      `${marker}`
    );
  }

  async close(): Promise<void> {
    if (this.exitCode === null) {
      this.process.write('exit\r');
      await this.ended().catch(() => this.process.kill('SIGKILL'));
    }
    terminals.delete(this);
  }

  kill(): void {
    if (this.exitCode === null) {
      this.process.kill('SIGKILL');
    }
  }

  private failure(why: string): Error {
    return new Error(`terminal ${why}; it showed:\n${this.text.slice(-1500)}`);
  }
}

const terminals = new Set<Terminal>();
const skip = whyNotHere();
if (skip) {
  console.warn(`SSH integration tests skipped: ${skip}.`);
}

(skip ? describe.skip : describe)('ssh through the generated config', () => {
  let dir = '';
  let agent: { socket: string; pid: number } | null = null;
  const configs: string[] = [];

  jest.setTimeout(30000);

  const env = (): { [key: string]: string } => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    TERM: 'xterm',
    ...(agent ? { SSH_AUTH_SOCK: agent.socket } : {})
  });

  /** Writes a lab's config in its own folder, so labs share no known_hosts or master. */
  function writeLab(name: string, nodes: INode[]): string {
    const lab = path.join(dir, name);
    fs.mkdirSync(path.join(lab, 'cm'), { recursive: true, mode: 0o700 });
    const result = sshConfig({
      nodes,
      knownHostsFile: path.join(lab, 'known_hosts'),
      controlDir: path.join(lab, 'cm')
    });
    if (!result.ok) {
      throw new Error(result.problems.join('\n'));
    }
    const config = path.join(lab, 'config');
    fs.writeFileSync(config, result.text);
    configs.push(config);
    return config;
  }

  /** The chameleon preset for a floating IP, with the testbed's key. */
  function chameleon(floatingIp: string, key = KEY): INode[] {
    const nodes = labNodes('chameleon', { floatingIp });
    if (!nodes.ok) {
      throw new Error(nodes.problems.join('\n'));
    }
    return nodes.nodes.map(node => ({ ...node, identityFile: key }));
  }

  const open = (config: string, node: string) =>
    new Terminal(sshCommand(config, node), env());

  const masterRunning = (config: string, node: string) =>
    run('ssh', ['-F', config, '-O', 'check', node], env()).status === 0;

  function stopMaster(config: string, node: string): void {
    run('ssh', ['-F', config, '-O', 'exit', node], env());
    for (let i = 0; i < 50 && masterRunning(config, node); i++) {
      spawnSync('sleep', ['0.05']);
    }
  }

  const acceptedLogins = (node: string) =>
    (
      fs
        .readFileSync(path.join(STATE, node, 'sshd.log'), 'utf8')
        .match(/Accepted publickey/g) ?? []
    ).length;

  beforeAll(() => {
    testbed('up');
    testbed('check-routes');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-ssh-'));
    const socket = path.join(dir, 'agent.sock');
    const started = run('ssh-agent', ['-a', socket, '-s']);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(started.stdout);
    if (!pid) {
      throw new Error(`ssh-agent did not start: ${started.stderr}`);
    }
    agent = { socket, pid: Number(pid[1]) };
    const added = run('ssh-add', [KEY], env());
    if (added.status !== 0) {
      throw new Error(`ssh-add failed: ${added.stderr}`);
    }
  }, 300000);

  afterAll(() => {
    try {
      terminals.forEach(terminal => terminal.kill());
      for (const config of configs) {
        for (const node of ['node1', 'node2', 'node3']) {
          run('ssh', ['-F', config, '-O', 'exit', node], env());
        }
      }
      if (agent) {
        process.kill(agent.pid);
      }
    } finally {
      testbed('down');
      if (dir) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 60000);

  // Every test connects only after this: once the testbed is down its
  // addresses would route off the machine.
  beforeEach(() => {
    testbed('check-routes', WRONG_IP);
  });

  describe('the chameleon lab', () => {
    let config = '';
    beforeAll(() => {
      config = writeLab('chameleon', chameleon(FLOATING_IP));
    });

    it('lands on node1 by the floating IP', async () => {
      const terminal = open(config, 'node1');
      await terminal.prompt();
      expect(terminal.text).toMatch(/cc@node1:~\$ $/);
      await terminal.type('echo "AT=$NODE_NAME"', /AT=node1\n/);
      await terminal.close();
    });

    it('lands on node2 and node3 through node1', async () => {
      for (const node of ['node2', 'node3']) {
        const terminal = open(config, node);
        await terminal.prompt();
        await terminal.type(
          'echo "AT=$NODE_NAME $(hostname)"',
          new RegExp(`AT=${node} ${node}\n`)
        );
        await terminal.close();
      }
    });

    it('reaches node2 from inside node1 with the forwarded agent, no key file there', async () => {
      const terminal = open(config, 'node1');
      await terminal.prompt();
      await terminal.type(
        'ls ~/.ssh/id_* 2>/dev/null | wc -l; echo "AGENT=${SSH_AUTH_SOCK:+yes}"',
        /^0\nAGENT=yes\n/m
      );
      await terminal.type(
        "ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new cc@192.168.1.12 'echo FWD=$NODE_NAME'",
        /FWD=node2\n/
      );
      await terminal.close();
    });

    // node2's own master lives only as long as a node2 terminal: its
    // ProxyJump child stays in that terminal's session and dies with it.
    // node1's master is a daemon and outlives its terminal.
    it("reuses connections: node2 rides node1's master, a second node2 terminal the first", async () => {
      const check = run('ssh', ['-F', config, '-O', 'check', 'node1'], env());
      expect(check.status).toBe(0);
      expect(check.stderr).toMatch(/Master running \(pid=\d+\)/);
      const node1 = acceptedLogins('node1');
      const node2 = acceptedLogins('node2');
      const first = open(config, 'node2');
      await first.prompt();
      expect([acceptedLogins('node1'), acceptedLogins('node2')]).toEqual([
        node1,
        node2 + 1
      ]);
      const second = open(config, 'node2');
      await second.prompt();
      await second.type('echo "AT=$NODE_NAME"', /AT=node2\n/);
      expect([acceptedLogins('node1'), acceptedLogins('node2')]).toEqual([
        node1,
        node2 + 1
      ]);
      await second.close();
      await first.close();
    });
  });

  describe('what the student sees when it goes wrong', () => {
    it('a wrong floating IP', async () => {
      const terminal = open(writeLab('wrong-ip', chameleon(WRONG_IP)), 'node1');
      expect(await terminal.ended()).toBe(255);
      expect(terminal.text).toContain(
        `ssh: connect to host ${WRONG_IP} port 22: Network is unreachable`
      );
      expect(terminal.text).not.toMatch(PROMPT);
    });

    it('a host the machine cannot reach (node2 without the jump)', async () => {
      const config = writeLab('no-jump', [
        { name: 'node2', host: '192.168.1.12', user: 'cc', identityFile: KEY }
      ]);
      const terminal = open(config, 'node2');
      expect(await terminal.ended()).toBe(255);
      expect(terminal.text).toContain(
        'ssh: connect to host 192.168.1.12 port 22: No route to host'
      );
    });

    it('a node behind node1 that does not answer', async () => {
      const nodes = chameleon(FLOATING_IP);
      nodes[2] = { ...nodes[2], host: '192.168.1.14' };
      const terminal = open(writeLab('absent-node', nodes), 'node3');
      expect(await terminal.ended()).toBe(255);
      // ssh 9.2 does not pass on node1's reason (No route to host), with or
      // without a master: the student sees only a closed stream.
      expect(terminal.text).toMatch(
        /No route to host|kex_exchange_identification: Connection closed by remote host/
      );
      expect(terminal.text).not.toMatch(PROMPT);
    }, 30000);

    it('a changed host key for the floating IP is refused with the warning', async () => {
      const config = writeLab('changed-key', chameleon(FLOATING_IP));
      const other = path.join(dir, 'other_host_key');
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const otherKey = fs.readFileSync(`${other}.pub`, 'utf8').split(' ');
      fs.writeFileSync(
        path.join(path.dirname(config), 'known_hosts'),
        `${FLOATING_IP} ${otherKey[0]} ${otherKey[1]}\n`
      );
      const before = acceptedLogins('node1');
      const terminal = open(config, 'node1');
      expect(await terminal.ended()).toBe(255);
      expect(terminal.text).toContain(
        'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!'
      );
      expect(terminal.text).toContain('Host key verification failed.');
      expect(acceptedLogins('node1')).toBe(before);
    });

    it('a missing key file, even with the key in the agent', async () => {
      const missing = path.join(dir, 'id_rsa_chameleon');
      const terminal = open(
        writeLab('missing-key', chameleon(FLOATING_IP, missing)),
        'node1'
      );
      expect(await terminal.ended()).toBe(255);
      expect(terminal.text).toContain(
        `no such identity: ${missing}: No such file or directory`
      );
      expect(terminal.text).toContain(
        `cc@${FLOATING_IP}: Permission denied (publickey).`
      );
    });

    it('an unfilled floating IP: the message, before any ssh', () => {
      expect(labNodes('chameleon', { floatingIp: '' })).toEqual({
        ok: false,
        problems: [
          'Set the floating IP of node1 first (Testbed sidebar ▸ Placeholders).'
        ]
      });
    });
  });

  it('measures time to the prompt (printed, not asserted)', async () => {
    const config = writeLab('timing', chameleon(FLOATING_IP));
    const knownHosts = path.join(path.dirname(config), 'known_hosts');
    const byHand = `ssh -A -i ${KEY} -o UserKnownHostsFile=${knownHosts} cc@${FLOATING_IP}`;
    const promptAfter = async (command: string): Promise<number> => {
      const terminal = new Terminal(command, env());
      const ms = await terminal.prompt();
      await terminal.close();
      return ms;
    };
    const median = async (
      runs: number,
      before: () => void | Promise<void>,
      command: string
    ) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        await before();
        times.push(await promptAfter(command));
      }
      return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
    };
    const noMasters = () => {
      stopMaster(config, 'node2');
      stopMaster(config, 'node1');
    };
    const node1Master = async () => {
      if (!masterRunning(config, 'node1')) {
        await promptAfter(sshCommand(config, 'node1'));
      }
    };
    // Host keys known from the start, as in every later session.
    await promptAfter(sshCommand(config, 'node2'));
    const results = {
      'node1, generated config, no master': await median(
        5,
        noMasters,
        sshCommand(config, 'node1')
      ),
      'node1, typed by hand (-A -i -o)': await median(5, noMasters, byHand),
      'node1, over the live master': await median(
        5,
        node1Master,
        sshCommand(config, 'node1')
      ),
      'node2, fresh jump, no master': await median(
        5,
        noMasters,
        sshCommand(config, 'node2')
      ),
      "node2, jump over node1's master": await median(
        5,
        node1Master,
        sshCommand(config, 'node2')
      ),
      'node2, over its own master (a node2 terminal open)': await (async () => {
        const holder = new Terminal(sshCommand(config, 'node2'), env());
        await holder.prompt();
        const ms = await median(
          5,
          () => undefined,
          sshCommand(config, 'node2')
        );
        await holder.close();
        return ms;
      })()
    };
    console.log(
      'ms from spawn to the remote prompt (median of 5):\n' +
        Object.entries(results)
          .map(([what, ms]) => `  ${what}: ${ms} ms`)
          .join('\n')
    );
    noMasters();
  }, 120000);
});
