import { NotebookModel } from '@jupyterlab/notebook';
import { sshConfig } from '../../../src/core/terminals/sshconfig';
import {
  declaredNodes,
  labTopology
} from '../../../src/core/terminals/topology';
import {
  endsWithPrompt,
  hostKeyChanged,
  keystrokes,
  UnsafeBlockError
} from '../../../src/core/terminals/typing';
import { markRan, progressOf } from '../../helpers';

const SETTINGS = {
  preset: 'chameleon' as const,
  nodes: [],
  keyFile: '',
  user: ''
};

describe('keystrokes', () => {
  it('sends a multi-line block as one bracketed paste and one Enter', () => {
    expect(keystrokes('# run on node1\r\nls\nwhoami\n\n', true)).toBe(
      '\x1b[200~# run on node1\nls\nwhoami\x1b[201~\r'
    );
  });

  it('refuses a block with an escape, nested or split, rather than cleaning it', () => {
    // One-pass removal of the end marker would join the rest into another.
    for (const block of [
      'echo a\x1b[201~rm -rf x',
      'echo a\x1b[20\x1b[201~1~rm -rf x',
      'echo a\x1b[2\n01~rm -rf x',
      'echo a\x1b',
      'echo \x9b201~ (C1 CSI)',
      'echo a\x7f',
      'echo a\x00'
    ]) {
      expect(() => keystrokes(block, true)).toThrow(/was not sent: line \d/);
      expect(() => keystrokes(block, false)).toThrow(UnsafeBlockError);
    }
    expect(keystrokes('printf "\\033[1m%s\\n"\tx', true)).toBe(
      '\x1b[200~printf "\\033[1m%s\\n"\tx\x1b[201~\r'
    );
  });

  it('types the block as lines when bracketed paste is off', () => {
    expect(keystrokes('a\nb', false)).toBe('a\nb\r');
  });
});

describe('reading the terminal', () => {
  it('sees a shell prompt, also behind colour codes', () => {
    expect(endsWithPrompt('cc@node1:~$ ')).toBe(true);
    expect(endsWithPrompt('\x1b[01;32mroot@node2\x1b[00m:~# ')).toBe(true);
    expect(endsWithPrompt("Enter passphrase for key '/k': ")).toBe(false);
    expect(endsWithPrompt('Last login: today\r\n')).toBe(false);
  });

  it('sees that ssh refused a changed host key, and nothing more', () => {
    const output =
      '@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n' +
      'Host key for 10.199.0.2 has changed and you have requested strict checking.\r\n';
    expect(hostKeyChanged(output)).toBe(true);
    expect(hostKeyChanged('Host key verification failed.')).toBe(false);
  });
});

describe('labTopology', () => {
  it('fills node1 from the floating IP and says what to set when it is missing', () => {
    const missing = labTopology(SETTINGS, null, {});
    expect(missing).toEqual({
      ok: false,
      problems: [
        'Set the floating IP of node1 first (Testbed sidebar ▸ Placeholders).'
      ]
    });
    const filled = labTopology(SETTINGS, null, { floatingIp: '10.199.0.2' });
    expect(filled.ok && filled.nodes.map(n => `${n.user}@${n.host}`)).toEqual([
      'cc@10.199.0.2',
      'cc@192.168.1.12',
      'cc@192.168.1.13'
    ]);
  });

  it("fills a declared node's host from a placeholder the notebook declares", () => {
    const gpu = {
      token: '<gpu-ip>',
      field: 'gpuIp',
      label: 'GPU node address',
      description: '',
      pattern: '[0-9.]+',
      example: '10.0.0.1'
    };
    const nodes = [{ name: 'gpu', host: '{gpuIp}', user: 'cc' }];
    expect(labTopology(SETTINGS, nodes, { gpuIp: '10.20.0.7' })).toEqual({
      ok: false,
      problems: [
        'gpu: the host refers to {gpuIp}, which is not a placeholder field.'
      ]
    });
    expect(labTopology(SETTINGS, nodes, {}, [gpu])).toEqual({
      ok: false,
      problems: [
        'Set the GPU node address first (Testbed sidebar ▸ Placeholders).'
      ]
    });
    const filled = labTopology(SETTINGS, nodes, { gpuIp: '10.20.0.7' }, [gpu]);
    expect(filled.ok && filled.nodes[0].host).toBe('10.20.0.7');
    expect(
      labTopology(SETTINGS, nodes, { gpuIp: '10.20.0.7;x' }, [gpu]).ok
    ).toBe(false);
  });

  it('uses the student key and user for every preset node', () => {
    const result = labTopology(
      { ...SETTINGS, keyFile: '~/.ssh/mine', user: 'ubuntu' },
      null,
      { floatingIp: '10.199.0.2' }
    );
    expect(result.ok && result.nodes.map(n => n.identityFile)).toEqual([
      '~/.ssh/mine',
      '~/.ssh/mine',
      '~/.ssh/mine'
    ]);
    expect(result.ok && result.nodes[1].user).toBe('ubuntu');
  });

  it('reports a bad custom node instead of writing it into a config', () => {
    const result = labTopology(
      {
        ...SETTINGS,
        preset: 'custom',
        nodes: [
          {
            name: 'data',
            host: '10.0.0.9',
            user: 'cc',
            options: { ProxyCommand: 'nc %h %p' }
          }
        ]
      },
      null,
      {}
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        'data: option ProxyCommand is not allowed: it runs a local command.'
      ]
    });
  });
});

describe('declaredNodes', () => {
  // What the notebook holds under its key.
  const declare = (nodes: unknown) => ({ v: 1, nodes });

  it('reads an author’s nodes, which then win over the preset', () => {
    const declared = declaredNodes(
      declare([
        { name: 'node-data', host: '{floatingIp}', identityFile: '~/.ssh/k' },
        { name: 'node-ml', host: '192.168.1.20', jump: 'node-data' }
      ])
    );
    expect(declared.problems).toEqual([]);
    const result = labTopology(SETTINGS, declared.nodes, {
      floatingIp: '10.199.0.2'
    });
    expect(result.ok && result.nodes.map(n => n.name)).toEqual([
      'node-data',
      'node-ml'
    ]);
  });

  it('names a bad entry and keeps to the preset, giving no node options', () => {
    const declared = declaredNodes(
      declare([{ name: 'node1', host: 'x', user: 7 }, 'node2'])
    );
    expect(declared.nodes).toBeNull();
    expect(declared.problems).toEqual([
      'Node 1 of the notebook has a user that is not text.',
      'Node 2 of the notebook is not an object.',
      'The preset applies.'
    ]);
    const options = declaredNodes(
      declare([{ name: 'n', host: 'h', options: { ProxyCommand: 'x' } }])
    );
    expect(options.nodes?.[0].options).toBeUndefined();
  });

  it('takes only where a node is from a notebook: key, agent and options are the student’s', () => {
    const declared = declaredNodes(
      declare([
        {
          name: 'evil',
          host: '203.0.113.9',
          identityFile: '~/.ssh/id_ed25519_work',
          forwardAgent: true,
          options: { LocalForward: '5000 localhost:5000' },
          localForward: '1:2'
        },
        { name: 'n2', host: 'h2', jump: 'evil', forwardAgent: 'yes' }
      ])
    );
    expect(declared.problems).toEqual([]);
    expect(declared.ignored).toEqual([
      'identityFile',
      'forwardAgent',
      'options',
      'localForward'
    ]);
    expect(declared.nodes).toEqual([
      { name: 'evil', host: '203.0.113.9', user: 'cc', jump: undefined },
      { name: 'n2', host: 'h2', user: 'cc', jump: 'evil' }
    ]);
    const custom = labTopology(
      { ...SETTINGS, preset: 'custom' as const },
      declared.nodes,
      {}
    );
    expect(custom.ok && custom.nodes[0]).toEqual({
      name: 'evil',
      host: '203.0.113.9',
      user: 'cc',
      jump: undefined,
      forwardAgent: false
    });
    const chameleon = labTopology(SETTINGS, declared.nodes, {});
    expect(chameleon.ok && chameleon.nodes[0].identityFile).toBe(
      '~/.ssh/id_rsa_chameleon'
    );
    const own = labTopology(
      { ...SETTINGS, preset: 'direct' as const, keyFile: '~/.ssh/mine' },
      declared.nodes,
      {}
    );
    expect(
      own.ok && own.nodes.map(n => [n.identityFile, n.forwardAgent])
    ).toEqual([
      ['~/.ssh/mine', false],
      ['~/.ssh/mine', false]
    ]);
  });

  it('ignores a notebook without nodes or from a newer format', () => {
    expect(declaredNodes(undefined).nodes).toBeNull();
    expect(declaredNodes({ v: 1 }).nodes).toBeNull();
    expect(
      declaredNodes({ v: 99, nodes: [{ name: 'a', host: 'b' }] }).nodes
    ).toBeNull();
  });
});

describe('the agent in the config', () => {
  it('names the agent for every hop and forwards that one', () => {
    const result = sshConfig({
      nodes: [
        {
          name: 'node1',
          host: '10.199.0.2',
          user: 'cc',
          forwardAgent: true
        }
      ],
      knownHostsFile: '/s/known_hosts',
      controlDir: '/tmp/c',
      agentSocket: '/tmp/c/agent.sock'
    });
    expect(result.ok && result.text).toContain(
      '  IdentityAgent /tmp/c/agent.sock\n  AddKeysToAgent yes\n  ForwardAgent /tmp/c/agent.sock\n'
    );
  });
});

describe('ProgressModel.recordSent', () => {
  const notebook = () => {
    const model = new NotebookModel();
    model.fromJSON({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          id: 'md',
          cell_type: 'markdown',
          metadata: {},
          source: 'Do this:\n\n```bash\n# run on node1\nls  \n```\n'
        },
        {
          id: 'code',
          cell_type: 'code',
          metadata: {},
          source: '# run on node2\nhostname',
          outputs: [],
          execution_count: null
        }
      ]
    });
    return model;
  };

  it('ticks the markdown block that was sent, naming the node', () => {
    const model = notebook();
    const progress = progressOf(model);
    expect(progress.recordSent('md', '# run on node1\nls\n', 'node1')).toBe(
      true
    );
    const step = progress.outline!.steps.find(s => s.cellId === 'md')!;
    expect(step.status).toBe('ticked');
    expect(step.tick?.via).toBe('node1');
    expect(progress.recordSent('md', 'echo other', 'node1')).toBe(false);
  });

  it('adds how the block ended to its tick, and to the log, only for the node it was sent to', () => {
    const model = notebook();
    const progress = progressOf(model);
    const text = '# run on node1\nls\n';
    progress.recordSent('md', text, 'node1');
    const tick = () =>
      progress.outline!.steps.find(s => s.cellId === 'md')!.tick!;
    const at = tick().at;
    expect(
      progress.recordSentEnd('md', text, 'node1', { end: 'running' })
    ).toBe(true);
    expect(tick()).toEqual({ at, via: 'node1', end: 'running' });
    expect(
      progress.recordSentEnd('md', text, 'node1', { end: 1, ms: 2300 })
    ).toBe(true);
    expect(tick()).toEqual({ at, via: 'node1', end: 1, ms: 2300 });
    // A sent block that failed is still a step done, with its status shown.
    expect(progress.outline!.steps.find(s => s.cellId === 'md')!.status).toBe(
      'ticked'
    );
    // Sent to node2 since: node1's late end does not go on node2's tick.
    progress.recordSent('md', text, 'node2');
    expect(progress.recordSentEnd('md', text, 'node1', { end: 0, ms: 5 })).toBe(
      false
    );
    expect(tick().end).toBeUndefined();
    expect(
      progress.recordSentEnd('gone', text, 'node2', { end: 0, ms: 5 })
    ).toBe(false);
  });

  it('counts a code cell sent to a node as done until it runs again', () => {
    const model = notebook();
    const progress = progressOf(model);
    const cell = model.cells.get(1);
    expect(
      progress.recordSent('code', cell.sharedModel.getSource(), 'node2')
    ).toBe(true);
    let step = progress.outline!.steps.find(s => s.cellId === 'code')!;
    expect(step.status).toBe('ticked');
    expect(step.tick?.via).toBe('node2');
    markRan(model, cell);
    step = progress.outline!.steps.find(s => s.cellId === 'code')!;
    expect(step.status).toBe('ok');
  });
});
