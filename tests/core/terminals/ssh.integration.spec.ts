/**
 * The generated config and command, run in real pseudo-terminals against
 * the three-node testbed (testbed/testbed.sh). Traffic goes only into the
 * testbed's namespaces: the routes are checked before anything connects.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pty from 'node-pty';
import { labNodes } from '../../../src/core/terminals/presets';
import {
  INode,
  sshCommand,
  sshConfig
} from '../../../src/core/terminals/sshconfig';
import {
  declaredNodes,
  labTopology
} from '../../../src/core/terminals/topology';
import {
  BlockEndWatch,
  IBlockEnd,
  ShellMarkReader
} from '../../../src/core/terminals/shellmarks';
import { keystrokes } from '../../../src/core/terminals/typing';

const TESTBED = path.resolve(__dirname, '../../../testbed/testbed.sh');
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

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The SHA256 fingerprint of a key file, as `ssh-add -l` lists it. */
function fingerprint(key: string): string {
  const listed = run('ssh-keygen', ['-l', '-f', key]);
  const found = /SHA256:\S+/.exec(listed.stdout);
  if (!found) {
    throw new Error(`ssh-keygen -l ${key} failed: ${listed.stderr}`);
  }
  return found[0];
}

/** An ssh-agent in the foreground, as the server runs it (`ssh-agent -D -a`). */
class Agent {
  private readonly process: ChildProcess;
  private exited = false;

  constructor(readonly socket: string) {
    this.process = spawn('ssh-agent', ['-D', '-a', socket], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }
    });
    this.process.on('exit', () => (this.exited = true));
    this.process.on('error', () => (this.exited = true));
    agents.add(this);
  }

  /** Resolves once the socket is there; fails if the agent ended or took too long. */
  async ready(): Promise<this> {
    const deadline = Date.now() + STEP_MS;
    while (!fs.existsSync(this.socket)) {
      if (this.exited || Date.now() > deadline) {
        throw new Error(`ssh-agent did not create ${this.socket}`);
      }
      await sleep(20);
    }
    return this;
  }

  /** ssh-add with this agent's socket, set for ssh-add only. */
  sshAdd(...args: string[]) {
    return run('ssh-add', args, {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SSH_AUTH_SOCK: this.socket
    });
  }

  add(key: string): void {
    const added = this.sshAdd(key);
    if (added.status !== 0) {
      throw new Error(`ssh-add ${key} failed: ${added.stderr}`);
    }
  }

  /** What `ssh-add -l` lists. */
  keys(): string {
    return this.sshAdd('-l').stdout;
  }

  async stop(): Promise<void> {
    agents.delete(this);
    if (this.exited) {
      return;
    }
    this.process.kill('SIGTERM');
    for (let i = 0; i < 100 && !this.exited; i++) {
      await sleep(20);
    }
    if (!this.exited) {
      this.process.kill('SIGKILL');
    }
  }
}

const agents = new Set<Agent>();

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

  /** Sends keys as they are, as to a prompt that does not echo. */
  write(data: string): void {
    this.process.write(data);
  }

  /**
   * Types a line and waits for `marker` in the output after it, then for
   * the shell's prompt: a command (a nested ssh) still running would take
   * the next line typed as its own input.
   */
  async type(line: string, marker: RegExp): Promise<void> {
    const from = this.output.length;
    this.process.write(`${line}\r`);
    await this.until(() => {
      const after = plain(this.output.slice(from));
      const found = marker.exec(after);
      return (
        found !== null &&
        PROMPT.test(after.slice(found.index + found[0].length))
      );
    }, `${marker} and then a prompt`);
  }

  async close(): Promise<void> {
    if (this.exitCode === null) {
      this.process.write('exit\r');
      await this.ended().catch(() => {
        // Not a failure of the test, but a hang worth seeing.
        console.warn(
          `terminal did not end within ${STEP_MS} ms of exit; killed. It showed:\n${this.text.slice(-800)}`
        );
        this.process.kill('SIGKILL');
      });
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
  /** Every lab written, with its node names, so their masters can be stopped. */
  const labs = new Map<string, string[]>();

  jest.setTimeout(30000);

  /** A terminal's environment as the product gives it: no agent in it. */
  const bareEnv = (): { [key: string]: string } => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    TERM: 'xterm'
  });

  const env = (): { [key: string]: string } => ({
    ...bareEnv(),
    ...(agent ? { SSH_AUTH_SOCK: agent.socket } : {})
  });

  /**
   * Writes a lab's config in its own folder, so labs share no known_hosts or
   * master; with `agentSocket` the config names that agent, as the server's.
   */
  function writeLab(
    name: string,
    nodes: INode[],
    agentSocket?: string
  ): string {
    const lab = path.join(dir, name);
    fs.mkdirSync(path.join(lab, 'cm'), { recursive: true, mode: 0o700 });
    const result = sshConfig({
      nodes,
      knownHostsFile: path.join(lab, 'known_hosts'),
      controlDir: path.join(lab, 'cm'),
      agentSocket
    });
    if (!result.ok) {
      throw new Error(result.problems.join('\n'));
    }
    const config = path.join(lab, 'config');
    fs.writeFileSync(config, result.text);
    labs.set(
      config,
      nodes.map(node => node.name)
    );
    return config;
  }

  /** Stops the lab's shared connections (they are daemons and outlive terminals). */
  function stopMasters(config: string): void {
    for (const node of labs.get(config) ?? []) {
      run('ssh', ['-F', config, '-O', 'exit', node], bareEnv());
    }
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

  afterAll(async () => {
    try {
      terminals.forEach(terminal => terminal.kill());
      labs.forEach((_, config) => stopMasters(config));
      if (agent) {
        process.kill(agent.pid);
      }
      await Promise.all([...agents].map(lab => lab.stop()));
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

  // What the server does: its own ssh-agent holds the key and the config
  // names it (IdentityAgent, ForwardAgent <socket>), so the terminal runs
  // with no SSH_AUTH_SOCK; the agent the spec's other labs use is not seen.
  describe('the shell integration, over the lab’s ssh', () => {
    let terminalsConfig = '';
    beforeAll(() => {
      const config = writeLab('marks', chameleon(FLOATING_IP));
      terminalsConfig = path.join(path.dirname(config), 'terminals');
      // The server writes this config (jupyterlab_testbed/shellmarks.py);
      // the module is loaded on its own, without the server's packages.
      const made = run(
        'python3',
        [
          '-c',
          [
            'import importlib.util, sys',
            'spec = importlib.util.spec_from_file_location("shellmarks", sys.argv[1])',
            'module = importlib.util.module_from_spec(spec)',
            'spec.loader.exec_module(module)',
            'open(sys.argv[3], "w").write(module.terminals_config(sys.argv[2]))'
          ].join('\n'),
          path.resolve(__dirname, '../../../jupyterlab_testbed/shellmarks.py'),
          config,
          terminalsConfig
        ],
        bareEnv()
      );
      if (made.status !== 0) {
        throw new Error(`the terminals config: ${made.stderr}`);
      }
    });

    it('reports how each block ended on node2, through node1: 5,000 lines, stdin, a failure, exit', async () => {
      const terminal = new Terminal(
        sshCommand(terminalsConfig, 'node2'),
        env()
      );
      await terminal.prompt();
      const reader = new ShellMarkReader();
      let read = 0;
      /** Send a block as the extension does; resolves with how it ended. */
      const send = async (block: string, input?: string) => {
        const watch = new BlockEndWatch();
        let end: IBlockEnd | null = null;
        read = terminal.output.length;
        terminal.write(keystrokes(block, true));
        const follow = () => {
          const chunk = terminal.output.slice(read);
          read = terminal.output.length;
          for (const mark of reader.read(chunk)) {
            const state = watch.mark(mark, Date.now());
            if (state && state.end !== 'running') {
              end = state;
            }
          }
          return end !== null;
        };
        if (input !== undefined) {
          await terminal.until(
            () => follow() || /\?\s*$/.test(terminal.text),
            'the question'
          );
          terminal.write(input);
        }
        await terminal.until(follow, `the end of ${block}`, 30_000);
        return end as IBlockEnd | null;
      };
      expect((await send('seq 1 5000'))?.end).toBe(0);
      expect(terminal.text).toMatch(/^5000$/m);
      expect(
        (await send('printf "name? "; read name\n[ "$name" = cc ]', 'cc\r'))
          ?.end
      ).toBe(0);
      expect((await send('echo about-to-fail\nls /no/such/dir'))?.end).toBe(2);
      // The marks are not text the student sees.
      expect(terminal.text).not.toMatch(/133;/);
      terminal.write(keystrokes('exit 4', true));
      // The node's bash is the session: its exit ends ssh, with its status.
      expect(await terminal.ended()).toBe(4);
    });
  });

  describe("the product's path: the config names the server's agent", () => {
    /** ssh as typed on a node: no config there, and cc's known_hosts left alone. */
    const INNER =
      'ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new';
    let labAgent: Agent;
    let markerKey = '';
    /** A key only this agent holds: seen on a node, the forwarded agent is this one. */
    let marker = '';
    const openBare = (config: string, node: string) =>
      new Terminal(sshCommand(config, node), bareEnv());
    const mine: string[] = [];
    const lab = (name: string, nodes: INode[]) => {
      const config = writeLab(name, nodes, labAgent.socket);
      mine.push(config);
      return config;
    };
    const topology = (...args: Parameters<typeof labTopology>): INode[] => {
      const result = labTopology(...args);
      if (!result.ok) {
        throw new Error(result.problems.join('\n'));
      }
      return result.nodes;
    };

    beforeAll(async () => {
      labAgent = await new Agent(path.join(dir, 'lab.sock')).ready();
      labAgent.add(KEY);
      markerKey = path.join(dir, 'marker_key');
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', markerKey]);
      labAgent.add(markerKey);
      marker = fingerprint(markerKey);
    });

    afterAll(async () => {
      mine.forEach(stopMasters);
      await labAgent?.stop();
    });

    it('the bare environment has no agent, and the spec agent lacks the marker key', () => {
      expect(bareEnv()).not.toHaveProperty('SSH_AUTH_SOCK');
      expect(labAgent.keys()).toContain(marker);
      expect(run('ssh-add', ['-l'], env()).stdout.includes(marker)).toBe(false);
    });

    describe('the chameleon preset', () => {
      let config = '';
      beforeAll(() => {
        const nodes = topology(
          { preset: 'chameleon', nodes: [], keyFile: KEY, user: '' },
          null,
          { floatingIp: FLOATING_IP }
        );
        expect(
          nodes.map(n => [n.name, n.host, n.user, n.jump, n.identityFile])
        ).toEqual([
          ['node1', FLOATING_IP, 'cc', undefined, KEY],
          ['node2', '192.168.1.12', 'cc', 'node1', KEY],
          ['node3', '192.168.1.13', 'cc', 'node1', KEY]
        ]);
        config = lab('agent-chameleon', nodes);
      });

      it('lands on node2 through node1, and node2 reaches node3 with the forwarded agent', async () => {
        const terminal = openBare(config, 'node2');
        await terminal.prompt();
        expect(terminal.text).toMatch(/cc@node2:~\$ $/);
        await terminal.type(
          'echo "AT=$NODE_NAME $(hostname) KEYS=$(ls ~/.ssh/id_* 2>/dev/null | wc -l)"',
          /AT=node2 node2 KEYS=0\n/
        );
        await terminal.type(`${INNER} cc@192.168.1.13 hostname`, /^node3\n/m);
        await terminal.close();
      });

      it("from node1, the forwarded agent is the config's: it reaches node2, and not once emptied", async () => {
        const terminal = openBare(config, 'node1');
        await terminal.prompt();
        await terminal.type(
          `echo "KEYS=$(ls ~/.ssh/id_* 2>/dev/null | wc -l) MARKER=$(ssh-add -l | grep -cF ${marker})"`,
          /KEYS=0 MARKER=1\n/
        );
        await terminal.type(`${INNER} cc@192.168.1.12 hostname`, /^node2\n/m);
        try {
          expect(labAgent.sshAdd('-D').status).toBe(0);
          await terminal.type(
            `${INNER} cc@192.168.1.12 hostname`,
            /cc@192\.168\.1\.12: Permission denied \(publickey\)\./
          );
        } finally {
          labAgent.add(KEY);
          labAgent.add(markerKey);
        }
        await terminal.close();
      });
    });

    describe('the direct preset (AWS kubeadm), every node by its public IP', () => {
      const ips = {
        masterIp: FLOATING_IP,
        worker1Ip: FLOATING_IP,
        worker2Ip: FLOATING_IP
      };

      it('keeps ubuntu and kube-keys.pem unless the settings give others', () => {
        expect(
          topology(
            { preset: 'direct', nodes: [], keyFile: '', user: '' },
            null,
            ips
          ).map(n => [n.name, n.user, n.identityFile, n.jump, n.forwardAgent])
        ).toEqual([
          ['master', 'ubuntu', '~/.ssh/kube-keys.pem', undefined, undefined],
          ['worker1', 'ubuntu', '~/.ssh/kube-keys.pem', undefined, undefined],
          ['worker2', 'ubuntu', '~/.ssh/kube-keys.pem', undefined, undefined]
        ]);
      });

      it('ssh master lands on node1 (the only node the testbed has in direct reach)', async () => {
        const nodes = topology(
          { preset: 'direct', nodes: [], keyFile: KEY, user: 'cc' },
          null,
          ips
        );
        expect(
          nodes.map(n => [n.name, n.host, n.user, n.identityFile])
        ).toEqual([
          ['master', FLOATING_IP, 'cc', KEY],
          ['worker1', FLOATING_IP, 'cc', KEY],
          ['worker2', FLOATING_IP, 'cc', KEY]
        ]);
        const config = lab('agent-direct', nodes);
        for (const node of ['master', 'worker2']) {
          const terminal = openBare(config, node);
          await terminal.prompt();
          expect(terminal.text).toMatch(/cc@node1:~\$ $/);
          await terminal.type('echo "AT=$NODE_NAME"', /AT=node1\n/);
          await terminal.close();
        }
      });

      it("without the master's IP: the message, before any ssh", () => {
        const expected = {
          ok: false,
          problems: [
            'Set the public IP of the master node first (Testbed sidebar ▸ Placeholders).'
          ]
        };
        const settings = {
          preset: 'direct' as const,
          nodes: [],
          keyFile: KEY,
          user: 'cc'
        };
        const withoutMaster = {
          worker1Ip: FLOATING_IP,
          worker2Ip: FLOATING_IP
        };
        expect(labTopology(settings, null, withoutMaster)).toEqual(expected);
        expect(labTopology(settings, null, { ...ips, masterIp: ' ' })).toEqual(
          expected
        );
      });
    });

    it("an author's declared lab: node-ml through node-data lands on node3", async () => {
      const declared = declaredNodes({
        v: 1,
        nodes: [
          { name: 'node-data', host: '{floatingIp}' },
          { name: 'node-ml', host: '192.168.1.13', jump: 'node-data' }
        ]
      });
      expect(declared.problems).toEqual([]);
      // The key is the student's (a notebook cannot name one).
      const nodes = topology(
        { preset: 'chameleon', nodes: [], keyFile: KEY, user: '' },
        declared.nodes,
        { floatingIp: FLOATING_IP }
      );
      expect(nodes.map(n => [n.name, n.host, n.user, n.jump])).toEqual([
        ['node-data', FLOATING_IP, 'cc', undefined],
        ['node-ml', '192.168.1.13', 'cc', 'node-data']
      ]);
      const terminal = openBare(lab('agent-declared', nodes), 'node-ml');
      await terminal.prompt();
      expect(terminal.text).toMatch(/cc@node3:~\$ $/);
      await terminal.type(
        'echo "AT=$NODE_NAME $(hostname)"',
        /AT=node3 node3\n/
      );
      await terminal.close();
    });

    // cc's authorized_keys gets the key for this test only; its comment
    // ends with testbed.sh's tag, so even an interrupted run leaves nothing
    // after the next testbed.sh up or down.
    it('a passphrase typed once at node1 goes into the agent (AddKeysToAgent) and serves node3', async () => {
      const ownAgent = await new Agent(path.join(dir, 'pp.sock')).ready();
      const key = path.join(dir, 'id_pass');
      const passphrase = 'correct horse battery';
      run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        passphrase,
        '-C',
        'passphrase-test jupyterlab-testbed-client',
        '-f',
        key
      ]);
      const line = fs.readFileSync(`${key}.pub`, 'utf8').trim();
      const home = run('getent', ['passwd', 'cc']).stdout.split(':')[5];
      const authorized = path.join(home, '.ssh', 'authorized_keys');
      const before = fs.readFileSync(authorized, 'utf8');
      fs.appendFileSync(
        authorized,
        `${before === '' || before.endsWith('\n') ? '' : '\n'}${line}\n`
      );
      const nodes = topology(
        { preset: 'chameleon', nodes: [], keyFile: key, user: '' },
        null,
        { floatingIp: FLOATING_IP }
      );
      const config = writeLab('passphrase', nodes, ownAgent.socket);
      const asked = /Enter passphrase for key '[^']*id_pass': $/;
      try {
        expect(ownAgent.keys()).not.toContain(fingerprint(key));
        const first = openBare(config, 'node1');
        await first.until(text => asked.test(text), 'passphrase question');
        first.write(`${passphrase}\r`);
        await first.prompt();
        expect(first.text).toMatch(/cc@node1:~\$ $/);
        expect(ownAgent.keys()).toContain(fingerprint(key));
        await first.close();
        // Without node1's master, both hops to node3 authenticate anew.
        stopMasters(config);
        const second = openBare(config, 'node3');
        await second.until(
          text => PROMPT.test(text) || asked.test(text),
          'prompt or passphrase question'
        );
        expect(second.text).not.toMatch(asked);
        await second.type('echo "AT=$NODE_NAME"', /AT=node3\n/);
        await second.close();
      } finally {
        stopMasters(config);
        await ownAgent.stop();
        const now = fs.readFileSync(authorized, 'utf8');
        fs.writeFileSync(
          authorized,
          now
            .split('\n')
            .filter(entry => entry.trim() !== line)
            .join('\n')
        );
      }
      expect(fs.readFileSync(authorized, 'utf8')).toBe(before);
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
