/**
 * A notebook cannot act for the student through the terminals: its nodes
 * are a proposal until accepted, what is run is the source, and terminal
 * output cannot choose which host key is forgotten.
 */
import { Widget } from '@lumino/widgets';
import * as fs from 'fs';
import * as path from 'path';
import { matchBlocks, fencedBlocks } from '../../../src/core/terminals/blocks';
import { forgetTarget } from '../../../src/lab/terminals/commands';
import type { NodeTerminals } from '../../../src/lab/terminals/manager';
import {
  DEFAULT_TERMINALS_SETTINGS,
  TerminalsModel
} from '../../../src/lab/terminals/model';
import {
  isAccepted,
  MAX_ACCEPTED,
  nodesFingerprint,
  readAccepted,
  sha256,
  withAccepted
} from '../../../src/core/terminals/proposal';
import { TerminalsSection } from '../../../src/lab/terminals/section';
import { SshServer } from '../../../src/lab/terminals/server';
import {
  declaredNodes,
  labTopology
} from '../../../src/core/terminals/topology';
import {
  hostKeyChanged,
  keystrokes,
  unsafeCharacter,
  UnsafeBlockError
} from '../../../src/core/terminals/typing';

/** The default settings: the chameleon preset, no key file of the student's. */
const SETTINGS = DEFAULT_TERMINALS_SETTINGS;

const HOSTILE = {
  v: 1,
  nodes: [
    {
      name: 'node1',
      host: '10.199.0.2',
      identityFile: '~/.ssh/id_ed25519_work',
      forwardAgent: true
    },
    { name: 'node2', host: '192.168.1.12', jump: 'node1' }
  ]
};

describe('SHA-256', () => {
  it('gives the standard digests, also across block boundaries and UTF-8', () => {
    expect(sha256('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    );
    expect(sha256('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    );
    expect(
      sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256('\u00e9')).toBe(
      '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c'
    );
    expect(sha256('a'.repeat(1000))).toBe(
      '41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3'
    );
  });
});

describe('a notebook’s nodes are a proposal', () => {
  const nodes = declaredNodes(HOSTILE).nodes!;
  const fingerprint = nodesFingerprint(nodes);

  it('fingerprints where the nodes are, not the fields that are ignored', () => {
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const quiet = declaredNodes({
      v: 1,
      nodes: [
        { name: 'node1', host: '10.199.0.2' },
        { name: 'node2', host: '192.168.1.12', jump: 'node1' }
      ]
    }).nodes!;
    expect(nodesFingerprint(quiet)).toBe(fingerprint);
    for (const changed of [
      { ...nodes[0], host: '10.199.0.3' },
      { ...nodes[0], user: 'root' },
      { ...nodes[0], name: 'node9' },
      { ...nodes[0], jump: 'node2' }
    ]) {
      expect(nodesFingerprint([changed, nodes[1]])).not.toBe(fingerprint);
    }
    expect(nodesFingerprint([nodes[1], nodes[0]])).not.toBe(fingerprint);
  });

  it('is accepted once per notebook and node set; a changed set asks again', () => {
    const accepted = withAccepted([], 'labs/lab1.ipynb', fingerprint)!;
    expect(isAccepted(accepted, 'labs/lab1.ipynb', fingerprint)).toBe(true);
    expect(isAccepted(accepted, 'labs/lab2.ipynb', fingerprint)).toBe(false);
    const other = nodesFingerprint([{ ...nodes[0], host: '203.0.113.9' }]);
    expect(isAccepted(accepted, 'labs/lab1.ipynb', other)).toBe(false);
    // Accepting the new set replaces the old one for that notebook.
    const again = withAccepted(accepted, 'labs/lab1.ipynb', other)!;
    expect(again).toEqual([{ path: 'labs/lab1.ipynb', fingerprint: other }]);
  });

  it('keeps the stored acceptances bounded and well formed', () => {
    let accepted = readAccepted([]);
    for (let i = 0; i < MAX_ACCEPTED + 20; i++) {
      accepted = withAccepted(accepted, `lab${i}.ipynb`, fingerprint)!;
    }
    expect(accepted).toHaveLength(MAX_ACCEPTED);
    expect(accepted[0].path).toBe('lab20.ipynb');
    expect(withAccepted([], 'x'.repeat(1001), fingerprint)).toBeNull();
    expect(withAccepted([], 'a', 'not-a-fingerprint')).toBeNull();
    expect(
      readAccepted([
        { path: 'a', fingerprint },
        { path: 'b', fingerprint: 'short' },
        { path: 7, fingerprint },
        null,
        'c'
      ])
    ).toEqual([{ path: 'a', fingerprint }]);
    expect(readAccepted({ path: 'a', fingerprint })).toEqual([]);
  });

  it('asks the server nothing while no topology is accepted', async () => {
    const requests: string[] = [];
    const server = new SshServer();
    for (const method of [
      'agent',
      'loadKeys',
      'probe',
      'writeConfig',
      'paths',
      'forgetHost'
    ] as const) {
      (server as any)[method] = (...args: unknown[]) => {
        requests.push(`${method} ${JSON.stringify(args)}`);
        return Promise.reject(new Error('no server'));
      };
    }
    const model = new TerminalsModel(server);
    model.topology = { result: { ok: false, problems: [] }, problems: [] };
    await model.check();
    await model.loadKeys();
    await expect(model.connectLine('node1')).rejects.toThrow();
    expect(model.entryNode).toBeNull();
    expect(requests).toEqual([]);
  });

  it('shows the proposal as text, with what is ignored, and Accept / Keep', () => {
    const model = new TerminalsModel(new SshServer());
    const calls: string[] = [];
    const terminals = {
      changed: model.changed,
      state: () => 'closed',
      hostKeyChange: () => false
    };
    const section = new TerminalsSection({
      model,
      terminals: terminals as unknown as NodeTerminals,
      open: node => calls.push(`open ${node}`),
      reconnect: () => undefined,
      openAll: () => undefined,
      check: () => calls.push('check'),
      loadKeys: () => calls.push('loadKeys'),
      forgetHostKey: () => undefined,
      acceptNodes: () => calls.push('accept'),
      keepOwnNodes: keep => calls.push(`keep ${keep}`),
      setAddress: async (node, host) => {
        calls.push(`address ${node} ${host}`);
        return null;
      }
    });
    Widget.attach(section, document.body);
    const declared = declaredNodes({
      v: 1,
      nodes: [
        { ...HOSTILE.nodes[0], name: '<img src=x onerror=alert(1)>' },
        HOSTILE.nodes[1]
      ]
    });
    model.topology = {
      result: { ok: false, problems: [] },
      problems: [],
      proposal: {
        path: 'lab.ipynb',
        fingerprint: nodesFingerprint(declared.nodes!),
        nodes: declared.nodes!.map(n => ({
          ...n,
          identityFile: '~/.ssh/id_rsa_chameleon',
          forwardAgent: true
        })),
        ignored: declared.ignored,
        declined: false
      }
    };
    const box = section.node.querySelector('.jp-testbed-Proposal')!;
    expect(box.textContent).toContain('Proposed by this notebook');
    expect(
      Array.from(box.querySelectorAll('li')).map(li => li.textContent)
    ).toEqual([
      '<img src=x onerror=alert(1)> cc@10.199.0.2',
      'node2 cc@192.168.1.12 via node1'
    ]);
    expect(section.node.querySelector('img')).toBeNull();
    expect(box.textContent).toContain(
      'Key: ~/.ssh/id_rsa_chameleon (from your settings).'
    );
    expect(box.textContent).toContain(
      'Ignored (only your settings choose these): identityFile, forwardAgent.'
    );
    // No card to open while only proposed.
    expect(section.node.querySelector('.jp-testbed-NodeCard')).toBeNull();
    box.querySelector<HTMLElement>('.jp-testbed-Proposal-accept')!.click();
    box.querySelector<HTMLElement>('.jp-testbed-Proposal-keep')!.click();
    expect(calls).toEqual(['accept', 'keep true']);
    // Show Lab Terminals focuses the proposal; a redraw keeps it focused.
    (box as HTMLElement).focus();
    expect(document.activeElement).toBe(box);
    model.topology = { ...model.topology!, problems: ['redrawn'] };
    expect(section.node.textContent).toContain('redrawn');
    const redrawn = section.node.querySelector('.jp-testbed-Proposal');
    expect(document.activeElement).toBe(redrawn);
    section.dispose();
  });
});

describe('what is run is the source', () => {
  it('matches shown blocks to the source’s fenced blocks in order, and no others', () => {
    const source = [
      '<pre><code>ls</code></pre>',
      '',
      '```bash',
      '# run on node1',
      'ls',
      '```',
      '',
      '```',
      'whoami',
      '```'
    ].join('\n');
    const fenced = fencedBlocks(source);
    expect(fenced).toEqual(['# run on node1\nls', 'whoami']);
    expect(
      matchBlocks(['ls', '# run on node1\nls\n', 'whoami'], fenced)
    ).toEqual([null, 0, 1]);
    // Each fenced block is shown once; order is kept.
    expect(matchBlocks(['whoami', '# run on node1\nls'], fenced)).toEqual([
      1,
      null
    ]);
    expect(
      matchBlocks(['# run on node1\nls', '# run on node1\nls'], fenced)
    ).toEqual([0, null]);
  });

  it('matches in linear time however many blocks are crafted', () => {
    const fenced = Array.from({ length: 20_000 }, () => 'same');
    const shown = Array.from({ length: 20_000 }, (_, i) =>
      i % 2 ? 'same' : 'other'
    );
    const start = Date.now();
    const matched = matchBlocks(shown, fenced);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(matched.filter(m => m !== null)).toHaveLength(10_000);
  });

  it('names an invisible or control character, by line', () => {
    expect(unsafeCharacter('ls\n\techo ok')).toBeNull();
    expect(unsafeCharacter('ls\necho a\u200b')).toBe(
      'line 2 holds the invisible or control character U+200B'
    );
    for (const hidden of [
      '\u202e',
      '\u2066',
      '\u00ad',
      '\ufeff',
      '\x1b',
      '\x9b'
    ]) {
      expect(unsafeCharacter(`echo ${hidden}x`)).toMatch(/U\+[0-9A-F]{4}/);
    }
  });
});

describe('forgetting a host key', () => {
  it('forgets the node’s own address, whatever its terminal printed', () => {
    const model = new TerminalsModel(new SshServer());
    model.topology = {
      result: labTopology(
        {
          ...SETTINGS,
          preset: 'custom',
          nodes: [
            { name: 'node1', host: '10.199.0.2', user: 'cc' },
            {
              name: 'node2',
              host: '10.199.0.3',
              user: 'cc',
              options: { port: '2222' }
            }
          ]
        },
        null,
        {}
      ),
      problems: []
    };
    // A terminal could print "Host key for 203.0.113.9 has changed":
    // nothing of it reaches the choice.
    expect(forgetTarget(model, 'node1')).toEqual({
      host: '10.199.0.2',
      port: 22
    });
    expect(forgetTarget(model, 'node2')).toEqual({
      host: '10.199.0.3',
      port: 2222
    });
    expect(forgetTarget(model, 'node9')).toBeNull();
  });
});

describe('the adversarial notebooks of these classes', () => {
  const read = (name: string) =>
    JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '../../../adversarial', name),
        'utf8'
      )
    ) as { cells: { cell_type: string; source: string }[] };

  it('small-paste-nesting: no block with a nested or split paste-end marker is sent', () => {
    const cells = read('small-paste-nesting.ipynb').cells;
    const blocks = [
      ...fencedBlocks(cells[0].source),
      ...cells.filter(c => c.cell_type === 'code').map(c => c.source)
    ];
    expect(blocks).toHaveLength(4);
    for (const block of blocks) {
      expect(unsafeCharacter(block)).toMatch(/^line \d+ holds/);
      expect(() => keystrokes(block, true)).toThrow(UnsafeBlockError);
    }
  });

  it('small-forget-host: output naming another host leaves the forgotten host the node’s', () => {
    const notebook = read('small-forget-host.ipynb') as any;
    const printed = fencedBlocks(notebook.cells[0].source)[0]
      .split('\n')[1]
      .replace(/\\r\\n/g, '\r\n');
    expect(hostKeyChanged(printed)).toBe(true);
    expect(printed).toContain('203.0.113.77');
    const model = new TerminalsModel(new SshServer());
    model.topology = {
      result: labTopology(
        SETTINGS,
        declaredNodes(notebook.metadata['jupyterlab-testbed']).nodes,
        {}
      ),
      problems: []
    };
    expect(forgetTarget(model, 'node1')).toEqual({
      host: '10.199.0.2',
      port: 22
    });
  });

  it('nodes-agent-grab: only where the nodes are is read; key, agent and options are ignored', () => {
    const notebook = read('nodes-agent-grab.ipynb') as any;
    const declared = declaredNodes(notebook.metadata['jupyterlab-testbed']);
    expect(declared.ignored).toEqual([
      'identityFile',
      'forwardAgent',
      'options'
    ]);
    const result = labTopology(
      { ...SETTINGS, preset: 'custom', keyFile: '~/.ssh/mine' },
      declared.nodes,
      {}
    );
    expect(result.ok && result.nodes).toEqual([
      {
        name: 'node1',
        host: '10.199.0.2',
        user: 'cc',
        jump: undefined,
        identityFile: '~/.ssh/mine',
        forwardAgent: false
      },
      {
        name: 'node2',
        host: '192.168.1.12',
        user: 'cc',
        jump: 'node1',
        identityFile: '~/.ssh/mine',
        forwardAgent: false
      }
    ]);
  });
});
