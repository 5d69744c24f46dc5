import { labNodes, PRESETS } from '../../../src/core/terminals/presets';
import {
  checkLab,
  controlSocketLength,
  ILab,
  INode,
  shellQuote,
  sshCommand,
  sshConfig,
  nodeRoute,
  readRoutes,
  terminalName,
  SOCKET_PATH_LIMIT
} from '../../../src/core/terminals/sshconfig';

const FILES = {
  knownHostsFile: '~/.ssh/testbed/chameleon_known_hosts',
  controlDir: '/tmp/tb-cm'
};

const lab = (nodes: INode[], more: Partial<ILab> = {}): ILab => ({
  nodes,
  ...FILES,
  ...more
});

const node = (more: Partial<INode> = {}): INode => ({
  name: 'node1',
  host: '10.0.0.1',
  user: 'cc',
  ...more
});

/** The problems of a lab, which must come without any config text. */
function problems(l: ILab): string[] {
  const result = sshConfig(l);
  expect(result.ok).toBe(false);
  expect('text' in result).toBe(false);
  return result.ok ? [] : result.problems;
}

function text(l: ILab): string {
  const result = sshConfig(l);
  if (!result.ok) {
    throw new Error(result.problems.join('\n'));
  }
  return result.text;
}

describe('presets', () => {
  it('chameleon: node1 by the floating IP, node2 and node3 through it, with agent forwarding', () => {
    const nodes = labNodes('chameleon', { floatingIp: ' 129.114.25.134 ' });
    if (!nodes.ok) {
      throw new Error(nodes.problems.join());
    }
    expect(text(lab(nodes.nodes))).toBe(
      `# Written by jupyterlab-testbed for this lab; changes here are overwritten.

Host node1
  HostName 129.114.25.134
  User cc
  IdentityFile ~/.ssh/id_rsa_chameleon
  IdentitiesOnly yes
  ForwardAgent yes
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/testbed/chameleon_known_hosts
  ServerAliveInterval 15
  ServerAliveCountMax 4
  ControlMaster auto
  ControlPath /tmp/tb-cm/%C
  ControlPersist 10m

Host node2
  HostName 192.168.1.12
  User cc
  IdentityFile ~/.ssh/id_rsa_chameleon
  IdentitiesOnly yes
  ProxyJump node1
  ForwardAgent yes
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/testbed/chameleon_known_hosts
  ServerAliveInterval 15
  ServerAliveCountMax 4
  ControlMaster auto
  ControlPath /tmp/tb-cm/%C
  ControlPersist 10m

Host node3
  HostName 192.168.1.13
  User cc
  IdentityFile ~/.ssh/id_rsa_chameleon
  IdentitiesOnly yes
  ProxyJump node1
  ForwardAgent yes
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/testbed/chameleon_known_hosts
  ServerAliveInterval 15
  ServerAliveCountMax 4
  ControlMaster auto
  ControlPath /tmp/tb-cm/%C
  ControlPersist 10m
`
    );
  });

  it('direct: every node by its own public IP as ubuntu with the .pem key, no jump, no forwarding', () => {
    const nodes = labNodes('direct', {
      masterIp: '44.202.130.30',
      worker1Ip: '3.93.16.202',
      worker2Ip: '3.90.115.251'
    });
    if (!nodes.ok) {
      throw new Error(nodes.problems.join());
    }
    const config = text(
      lab(nodes.nodes, { controlPersist: '5m', serverAliveInterval: 30 })
    );
    expect(config).toContain(`Host worker1
  HostName 3.93.16.202
  User ubuntu
  IdentityFile ~/.ssh/kube-keys.pem
  IdentitiesOnly yes
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/testbed/chameleon_known_hosts
  ServerAliveInterval 30
  ServerAliveCountMax 4
  ControlMaster auto
  ControlPath /tmp/tb-cm/%C
  ControlPersist 5m
`);
    expect(config.match(/^Host /gm)).toHaveLength(3);
    expect(config).toContain('HostName 44.202.130.30');
    expect(config).toContain('HostName 3.90.115.251');
    expect(config).not.toContain('ProxyJump');
    expect(config).not.toContain('ForwardAgent');
  });

  it('custom: the student list, placeholders filled, options appended', () => {
    const nodes = labNodes('custom', { sharednetIp: '10.56.2.117' }, [
      {
        name: 'gw',
        host: 'gw.example.org',
        user: 'student',
        options: { Port: '2222', ConnectTimeout: '10' }
      },
      { name: 'inner', host: '{sharednetIp}', user: 'cc', jump: 'gw' }
    ]);
    if (!nodes.ok) {
      throw new Error(nodes.problems.join());
    }
    const config = text(lab(nodes.nodes));
    expect(config).toContain(
      '  ControlPersist 10m\n  Port 2222\n  ConnectTimeout 10\n'
    );
    expect(config).toContain(
      'Host inner\n  HostName 10.56.2.117\n  User cc\n  ProxyJump gw\n'
    );
    expect(config).not.toContain('IdentityFile');
  });

  it('an unfilled floating IP says what to fill, not a broken command', () => {
    for (const floatingIp of [undefined, '', '  ']) {
      expect(labNodes('chameleon', { floatingIp })).toEqual({
        ok: false,
        problems: [
          'Set the floating IP of node1 first (Testbed sidebar ▸ Placeholders).'
        ]
      });
    }
    // A lab's own node at the floating IP is named, not the preset's node1.
    expect(
      labNodes('custom', {}, [
        { name: 'node-data', host: '{floatingIp}', user: 'cc' }
      ])
    ).toEqual({
      ok: false,
      problems: [
        "Set the floating IP first: it is node-data's address (Testbed sidebar ▸ Placeholders)."
      ]
    });
    // An author's own label is the author's words, whatever it ends with.
    expect(
      labNodes(
        'custom',
        {},
        [{ name: 'gpu-node', host: '{gpuIp}', user: 'cc' }],
        [{ token: 'G.P.U.X', field: 'gpuIp', label: 'IP of gpu' } as any]
      )
    ).toMatchObject({
      ok: false,
      problems: ['Set the IP of gpu first (Testbed sidebar ▸ Placeholders).']
    });
    expect(labNodes('direct', { masterIp: '44.202.130.30' })).toEqual({
      ok: false,
      problems: [
        'Set the public IP of the first worker node first (Testbed sidebar ▸ Placeholders).',
        'Set the public IP of the second worker node first (Testbed sidebar ▸ Placeholders).'
      ]
    });
  });

  it('an invalid floating IP gives the placeholder check’s message', () => {
    expect(labNodes('chameleon', { floatingIp: '129.114.25.300' })).toEqual({
      ok: false,
      problems: [
        '“129.114.25.300” is not a valid floating ip of node1 (for example 129.114.25.134).'
      ]
    });
    expect(labNodes('chameleon', { floatingIp: '1.2.3.4;id' })).toEqual({
      ok: false,
      problems: [
        'Floating IP of node1 cannot contain “;”: it would end the command or start another.'
      ]
    });
  });

  it('a custom host naming an unknown field, and an empty custom lab', () => {
    expect(labNodes('custom', {}, [node({ host: '{publicIp}' })])).toEqual({
      ok: false,
      problems: [
        'node1: the host refers to {publicIp}, which is not a placeholder field.'
      ]
    });
    expect(labNodes('custom', {})).toEqual({
      ok: false,
      problems: ['The custom lab has no nodes yet: add them in the settings.']
    });
  });

  it('leaves the preset itself untouched', () => {
    labNodes('chameleon', { floatingIp: '129.114.25.134' });
    expect(PRESETS.chameleon.nodes[0].host).toBe('{floatingIp}');
  });
});

describe('validation', () => {
  it.each([
    [
      { host: '10.0.0.1\nProxyCommand sh' },
      'node1: the host cannot contain a line break: it would start a new config line.'
    ],
    [
      { host: '10.0.0.1 evil' },
      'node1: the host cannot contain a space: it would split the value in two.'
    ],
    [
      { host: 'a#b' },
      'node1: the host cannot contain “#”: it would start a comment.'
    ],
    [
      { host: '"h"' },
      'node1: the host cannot contain “"”: it would change the quoting of the value.'
    ],
    [
      { host: '%h.x' },
      'node1: the host cannot contain “%”: ssh would expand it as a token (%h, %u, …).'
    ],
    [
      { host: '-oProxyCommand=x' },
      'node1: the host cannot start with “-”: ssh would read it as an option.'
    ],
    [{ host: '' }, 'node1: the host is empty.'],
    [
      { host: '10.0.0.256' },
      'node1: the host “10.0.0.256” is not a valid IPv4 address (for example 129.114.25.134).'
    ],
    [
      { host: 'a_b.org' },
      'node1: the host “a_b.org” is not a valid host name or address.'
    ],
    [
      { host: 'fe80::zz' },
      'node1: the host “fe80::zz” is not a valid IPv6 address.'
    ],
    [
      { user: "cc'" },
      "node1: the user cannot contain “'”: it would change the quoting of the value."
    ],
    [
      { user: 'c\tc' },
      'node1: the user cannot contain a tab: it would split the value in two.'
    ],
    [
      { user: 'cc@evil' },
      'node1: the user “cc@evil” is not a valid user name (for example cc).'
    ],
    [
      { user: '$USER' },
      'node1: the user cannot contain “$”: ssh would substitute an environment variable.'
    ],
    [
      { identityFile: '~/.ssh/my key' },
      'node1: the key file cannot contain a space: it would split the value in two.'
    ],
    [
      { identityFile: 'id_rsa' },
      'node1: the key file “id_rsa” must be an absolute path or start with ~/.'
    ],
    [
      { identityFile: '/k/a;b' },
      'node1: the key file cannot contain “;”: a shell would read it as a command.'
    ],
    [
      { identityFile: '/k/~x' },
      'node1: the key file can contain “~” only at the start, as ~/.'
    ],
    [
      { options: { StrictHostKeyChecking: 'no' } },
      "node1: option StrictHostKeyChecking is set from the node's fields, not from options."
    ],
    [
      { options: { proxycommand: 'nc' } },
      'node1: option proxycommand is not allowed: it runs a local command.'
    ],
    [
      { options: { Match: 'all' } },
      'node1: option Match is not allowed: its exec criterion runs a local command.'
    ],
    [
      { options: { hostname: 'other' } },
      "node1: option HostName is set from the node's fields, not from options."
    ],
    [
      { options: { 'Port 22\nHost': '*' } },
      'node1: option “Port 22\nHost” is not an ssh_config keyword.'
    ],
    [
      { options: { LocalForward: '0.0.0.0:8888 localhost:8888' } },
      'node1: option LocalForward “0.0.0.0:8888 localhost:8888” must be “[localhost:]port host:port”, listening on this machine only.'
    ],
    [
      { options: { Port: '22#' } },
      'node1: option Port cannot contain “#”: it would start a comment.'
    ],
    [
      { options: { Ciphers: 'aes128-ctr' } },
      "node1: option Ciphers is not allowed: the lab's config never needs it."
    ],
    [
      { options: { HostKeyAlgorithms: 'aes;x' } },
      'node1: option HostKeyAlgorithms cannot contain “;”: a shell would read it as a command.'
    ],
    [{ jump: 'node1' }, 'node1: it cannot jump through itself.'],
    [
      { jump: 'gateway' },
      'node1: it jumps through “gateway”, which is not a node of this lab.'
    ]
  ])('refuses %p', (more, message) => {
    expect(problems(lab([node(more)]))).toEqual([message]);
  });

  it.each([
    [
      'node 1',
      'The node name “node 1” cannot contain a space: it would split the value in two.'
    ],
    [
      'n*',
      'The node name “n*” cannot contain “*”: ssh would read it as a host pattern.'
    ],
    [
      '1node',
      'The node name “1node” is not a simple alias: use a letter, then letters, digits, “-” or “_” (for example node1).'
    ]
  ])('refuses the node name %p', (name, message) => {
    expect(problems(lab([node({ name })]))).toEqual([message]);
  });

  it('checks the lab’s own files and settings', () => {
    expect(
      problems(
        lab([node()], {
          knownHostsFile: 'known hosts',
          controlDir: '/tmp/cm#1',
          controlPersist: 'forever',
          serverAliveInterval: -1,
          serverAliveCountMax: 1.5
        })
      )
    ).toEqual([
      "The lab's known_hosts file cannot contain a space: it would split the value in two.",
      "The lab's connection directory cannot contain “#”: it would start a comment.",
      '“forever” is not a valid ControlPersist time (for example 10m).',
      "The lab's serverAliveInterval must be a whole number from 0 to 3600.",
      "The lab's serverAliveCountMax must be a whole number from 0 to 100."
    ]);
  });

  it('refuses an empty lab and two nodes of one name', () => {
    expect(problems(lab([]))).toEqual(['The lab has no nodes.']);
    expect(problems(lab([node(), node({ host: '10.0.0.2' })]))).toEqual([
      'Two nodes are called “node1”.'
    ]);
  });

  it('tells two labs’ node1 apart by where ssh goes, hop by hop', () => {
    const labA = [
      node({ host: '203.0.113.5' }),
      node({ name: 'node2', host: '192.168.1.12', jump: 'node1' })
    ];
    const labB = [
      node({ host: '203.0.113.9', options: { port: '2222' } }),
      node({ name: 'node2', host: '192.168.1.12', jump: 'node1' })
    ];
    expect(nodeRoute(labA, 'node2')).toBe(
      'cc@192.168.1.12:22 via cc@203.0.113.5:22'
    );
    // Same address behind another floating IP: another node.
    expect(nodeRoute(labB, 'node2')).toBe(
      'cc@192.168.1.12:22 via cc@203.0.113.9:2222'
    );
    expect(nodeRoute(labA, 'node3')).toBeNull();
    // A jump loop (refused by checkLab) ends rather than hangs.
    expect(
      nodeRoute(
        [node({ jump: 'node2' }), node({ name: 'node2', jump: 'node1' })],
        'node1'
      )
    ).toBe('cc@10.0.0.1:22 via cc@10.0.0.1:22');
  });

  it('reads kept routes back as strings only, whatever the storage holds', () => {
    expect([...readRoutes('{"node1":"cc@10.0.0.1:22","node2":7}')]).toEqual([
      ['node1', 'cc@10.0.0.1:22']
    ]);
    for (const stored of [
      null,
      'not json',
      '[["node1","x"]]',
      'null',
      '"x"',
      '{"a":{"b":1}}'
    ]) {
      expect(readRoutes(stored).size).toBe(0);
    }
    // A key that names an object's prototype is one more key, no more.
    expect(readRoutes('{"__proto__":"cc@h:22"}').get('__proto__')).toBe(
      'cc@h:22'
    );
  });

  it('names a node’s terminal in word characters, one terminal per node', () => {
    // Jupyter's terminal routes take \w+ only: node-data could not connect.
    expect(terminalName('node-data')).toBe('node_data');
    expect(terminalName(terminalName('node-data'))).toBe('node_data');
    expect(terminalName('node1')).toBe('node1');
    expect(
      problems(
        lab([
          node({ name: 'node-a' }),
          node({ name: 'node_a', host: '10.0.0.2' })
        ])
      )
    ).toEqual([
      '“node-a” and “node_a” differ only in case, “-” or “_”: a block for one could go to the other. Rename one.'
    ]);
    expect(
      problems(
        lab([node({ name: 'Data' }), node({ name: 'data', host: '10.0.0.2' })])
      )
    ).toEqual([
      '“Data” and “data” differ only in case, “-” or “_”: a block for one could go to the other. Rename one.'
    ]);
    expect(problems(lab([node({ name: 'mlops-jupyter' })]))).toEqual([
      "The node name “mlops-jupyter” ends in “jupyter”, which names the lab's Jupyter terminal. Rename it."
    ]);
  });

  it('reports every problem at once, and no text', () => {
    expect(
      problems(
        lab([
          node({ host: 'a b', user: 'c d' }),
          node({ name: 'n2', jump: 'x' })
        ])
      )
    ).toHaveLength(3);
  });
});

describe('jump cycles', () => {
  it('finds a two-node and a three-node cycle', () => {
    expect(
      checkLab(
        lab([node({ name: 'a', jump: 'b' }), node({ name: 'b', jump: 'a' })])
      )
    ).toEqual(['The jumps go round in a circle: a → b → a.']);
    expect(
      checkLab(
        lab([
          node({ name: 'a', jump: 'b' }),
          node({ name: 'b', jump: 'c' }),
          node({ name: 'c', jump: 'a' })
        ])
      )
    ).toEqual(['The jumps go round in a circle: a → b → c → a.']);
  });

  it('finds a cycle that a chain leads into, once', () => {
    expect(
      checkLab(
        lab([
          node({ name: 'a', jump: 'b' }),
          node({ name: 'b', jump: 'c' }),
          node({ name: 'c', jump: 'b' })
        ])
      )
    ).toEqual(['The jumps go round in a circle: b → c → b.']);
  });

  it('accepts a chain of jumps', () => {
    expect(
      checkLab(
        lab([
          node({ name: 'a' }),
          node({ name: 'b', jump: 'a' }),
          node({ name: 'c', jump: 'b' })
        ])
      )
    ).toEqual([]);
  });
});

describe('ControlPath', () => {
  it('fits the socket limit, counting %C and the temporary suffix', () => {
    expect(controlSocketLength('/tmp/tb-cm')).toBe(10 + 1 + 40 + 17);
    expect(controlSocketLength('/tmp/tb-cm/')).toBe(10 + 1 + 40 + 17);
    expect(controlSocketLength('~/.ssh/cm')).toBe(9 + 37 + 1 + 40 + 17);
  });

  it('refuses a directory whose sockets would be too long', () => {
    const longest = '/' + 'd'.repeat(SOCKET_PATH_LIMIT - 58 - 1);
    expect(controlSocketLength(longest)).toBe(SOCKET_PATH_LIMIT);
    expect(sshConfig(lab([node()], { controlDir: longest })).ok).toBe(true);
    expect(problems(lab([node()], { controlDir: longest + 'd' }))).toEqual([
      `The lab's connection directory “${longest}d” is too long: its sockets would need 105 characters, and the limit is 104. Use a short directory such as /tmp/ssh-lab.`
    ]);
  });
});

describe('the command to type', () => {
  it('names the config and the node, nothing else', () => {
    expect(sshCommand('/home/jovyan/.ssh/lab/config', 'node2')).toBe(
      'ssh -F /home/jovyan/.ssh/lab/config node2'
    );
  });

  it('quotes the config path for bash', () => {
    expect(sshCommand("/tmp/it's a lab/config", 'node1')).toBe(
      "ssh -F '/tmp/it'\\''s a lab/config' node1"
    );
    expect(shellQuote('~/my labs/config')).toBe("~/'my labs/config'");
    expect(shellQuote('~/.ssh/config')).toBe('~/.ssh/config');
    expect(shellQuote('/tmp/$(id)')).toBe("'/tmp/$(id)'");
    expect(shellQuote('')).toBe("''");
  });

  it('refuses a node name that is not an alias', () => {
    expect(() => sshCommand('/c', 'node1; id')).toThrow(
      '“node1; id” is not a node name.'
    );
  });
});
