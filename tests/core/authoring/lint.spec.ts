import * as fs from 'fs';
import * as path from 'path';
import {
  ILintOptions,
  isLeak,
  LintRule,
  lintNotebook,
  lintNotebookText,
  MAX_FINDINGS,
  RULE_MEANINGS
} from '../../../src/core/authoring/lint';
import {
  METADATA_KEY,
  withFill,
  withLogEntries,
  withRun,
  withTick
} from '../../../src/core/metadata/format';
import { hasReal, readNotebook, REAL_DIR, SAMPLE_DIR } from '../../helpers';
import {
  codeCell as code,
  foundIn as found,
  lintCells as lint,
  markdownCell as md,
  notebookOf as notebook,
  ofRule as of
} from '../../helpers/lint';

const STUDENT = ['zz9999', 'CHI-424242', '129.114.99.7', '10.56.7.8'];
const NONE: ILintOptions = { profileValues: [] };

describe('profile values', () => {
  const options = { profileValues: STUDENT };

  it('finds the author’s values with their cell and line, inside the labs’ names', () => {
    const findings = lint(
      [
        md('# Lab'),
        code(
          'openstack network show private_cloud_net_zz9999\nopenstack port create port2_zz9999\nexport OS_PROJECT_NAME="CHI-424242"'
        )
      ],
      options
    );
    expect(
      of(findings, 'profile-value').map(f => [f.cell, f.line, f.where])
    ).toEqual([
      [1, 1, 'source'],
      [1, 2, 'source'],
      [1, 3, 'source']
    ]);
    expect(findings[0].message).toBe(
      'Cell 2, line 1: “zz9999”, one of your own placeholder values, would be published.'
    );
    expect(findings.every(f => f.severity === 'leak')).toBe(true);
    // The project is reported once, as the author's value.
    expect(of(findings, 'project')).toEqual([]);
  });

  it('matches words in any case, but not inside a longer word or number', () => {
    expect(found('ssh ZZ9999@node', 'profile-value', options)).toHaveLength(1);
    expect(found('node1-cloud-zz9999', 'profile-value', options)).toHaveLength(
      1
    );
    expect(found('abzz9999 zz99991 xzz9999', 'profile-value', options)).toEqual(
      []
    );
    expect(found('ping 10.56.7.80', 'profile-value', options)).toEqual([]);
    expect(found('ping 10.56.7.8', 'profile-value', options)).toHaveLength(1);
  });

  it('ignores values shorter than 3 characters and values that are tokens', () => {
    expect(
      found('ssh cc@192.168.1.12 netID', 'profile-value', {
        profileValues: ['cc', 'netID', ' ']
      })
    ).toEqual([]);
  });

  it('finds them in markdown prose and in outputs', () => {
    const findings = lint(
      [
        md('Your network is `private_cloud_net_zz9999`.'),
        code('ls', {
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['zz9999\n'] }
          ]
        })
      ],
      options
    );
    expect(of(findings, 'profile-value').map(f => [f.cell, f.where])).toEqual([
      [0, 'source'],
      [1, 'output']
    ]);
  });
});

describe('addresses', () => {
  it('reports a public address, with its cell and line', () => {
    const findings = lint([code('ls\nssh -A cc@129.114.99.7')]);
    expect(of(findings, 'address')).toEqual([
      {
        rule: 'address',
        severity: 'leak',
        path: 'lab.ipynb',
        cell: 0,
        line: 2,
        where: 'source',
        message:
          'Cell 1, line 2: the public address 129.114.99.7 (a student’s floating IP?) would be published.'
      }
    ]);
  });

  it('reads a check’s command and hint, and its results as progress', () => {
    const findings = lint(
      [
        md('Start the server.', {
          metadata: {
            [METADATA_KEY]: {
              v: 1,
              step: 'manual',
              checks: {
                cell: {
                  cmd: 'curl -sf http://129.114.99.7/',
                  on: 'node1',
                  hint: 'Ask zz9999'
                }
              },
              chk: { cell: { at: 'x', r: 'pass', ver: '00000000' } }
            }
          }
        })
      ],
      { profileValues: STUDENT }
    );
    // The address and the netID, both the student's values.
    expect(of(findings, 'profile-value').map(f => f.cell)).toEqual([0, 0]);
    expect(of(findings, 'progress').map(f => f.message)).toEqual([
      'Cell 1 carries the progress of whoever used the lab (chk).'
    ]);
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.12',
    '127.0.0.1',
    '0.0.0.0',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '224.0.0.1',
    '255.255.255.0',
    '192.0.2.10',
    '198.51.100.7',
    '203.0.113.5',
    '129.114.0.0/16',
    '0.0.0.0/0',
    '44.0.0.0/8',
    'v1.2.3.4',
    '1.2.3.4.5',
    'version 2.10.3.1.0',
    '8.8.8.8',
    '1.1.1.1',
    '300.1.1.1'
  ])('allows %s', text => {
    expect(found(`ping ${text}`, 'address')).toEqual([]);
  });

  it.each([
    '172.32.0.1',
    '100.128.0.1',
    '11.0.0.1',
    '129.114.99.7/32',
    '129.114.25.134',
    '44.202.130.30',
    '(129.114.99.7).'
  ])('reports %s', text => {
    expect(found(`ping ${text}`, 'address')).toHaveLength(1);
  });

  it('allows the addresses of declared examples and node hosts', () => {
    const record = {
      placeholders: [{ token: '<master-ip>', example: '3.91.22.10' }],
      nodes: [{ name: 'bastion', host: '129.114.50.50' }]
    };
    expect(
      found('ssh 3.91.22.10 129.114.50.50 <master-ip>', 'address', {}, record)
    ).toEqual([]);
    expect(found('ssh 3.91.22.11', 'address', {}, record)).toHaveLength(1);
  });

  it('never allows the built-in floating IP example, even when redeclared', () => {
    const record = { placeholders: [{ token: 'A.B.C.D', label: 'IP' }] };
    expect(found('ssh cc@129.114.25.134', 'address', {}, record)).toHaveLength(
      1
    );
  });

  it('finds addresses in coloured terminal output', () => {
    const findings = lint([
      code('ip a', {
        outputs: [
          {
            output_type: 'error',
            ename: 'Error',
            evalue: '',
            traceback: ['\u001b[1;31mconnect to 129.114.99.7\u001b[0m failed']
          }
        ]
      })
    ]);
    expect(of(findings, 'address').map(f => [f.where, f.line])).toEqual([
      ['output', null]
    ]);
  });
});

describe('projects', () => {
  it('reports CHI- and digits, not the token or a pattern', () => {
    expect(found('export OS_PROJECT_NAME="CHI-231095"', 'project')).toEqual([
      'Cell 1, line 1: the Chameleon project CHI-231095 would be published.'
    ]);
    expect(found('export OS_PROJECT_NAME="CHI-XXXXXX"', 'project')).toEqual([]);
    expect(found('case "$P" in CHI-[0-9]*) ;; esac', 'project')).toEqual([]);
  });
});

describe('private keys and secrets', () => {
  it.each([
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'private-key'],
    ['-----BEGIN EC PRIVATE KEY-----', 'private-key'],
    ['-----BEGIN PRIVATE KEY-----', 'private-key'],
    ['export OS_PASSWORD=hunter2', 'secret'],
    ['OS_APPLICATION_CREDENTIAL_SECRET=abcDEF123xyz', 'secret'],
    ['export OS_APPLICATION_CREDENTIAL_ID=0123abcd4567', 'secret'],
    ['password: "hunter2"', 'secret'],
    ['{"api_key": "sk-1234"}', 'secret'],
    ['curl "http://127.0.0.1:8888/lab?token=3f2a1b9c0d"', 'secret'],
    ['apikey=abc123', 'secret'],
    ['passwd: s3cret!', 'secret'],
    ['aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE', 'secret'],
    [`git clone https://ghp_${'a1B2'.repeat(9)}@github.com/x/y`, 'secret']
  ])('reports %s', (line, rule) => {
    expect(found(line, rule as LintRule)).toHaveLength(1);
  });

  it.each([
    'export OS_PASSWORD=',
    'export OS_PASSWORD="$PW"',
    'password=${PASSWORD}',
    'token: <your-token>',
    'password=""',
    "password=''",
    'api_key = os.environ["KEY"]',
    'token = getpass()',
    'The token: see below.',
    'password=netID',
    'password: ********',
    'kubeadm join --token abcdef.0123456789abcdef',
    'valueFrom: { secretKeyRef: { name: db } }',
    'kind: Secret',
    'if [ "$a" == "$token" ]; then',
    'grep "BEGIN OPENSSH PRIVATE KEY" ~/.ssh/id_rsa'
  ])('leaves %s alone', line => {
    const findings = lint([code(line)]);
    expect([...of(findings, 'secret'), ...of(findings, 'private-key')]).toEqual(
      []
    );
  });

  it('masks what it shows', () => {
    const [message] = found('export OS_PASSWORD=correcthorsebattery', 'secret');
    expect(message).toBe(
      'Cell 1, line 1: a secret (OS_PASSWORD=corr…) would be published.'
    );
    const [aws] = found('AKIAIOSFODNN7EXAMPLE', 'secret');
    expect(aws).toContain('AKIA…');
    expect(aws).not.toContain('IOSFODNN');
  });
});

describe('e-mail addresses', () => {
  it.each(['jane.doe@nyu.edu', 'Write to <a.b+lab@gmail.com>.'])(
    'reports %s',
    line => {
      expect(found(line, 'email')).toHaveLength(1);
    }
  );

  it.each([
    'ssh cc@192.168.1.12',
    'ssh cc@host',
    'ssh -A cc@A.B.C.D',
    'ssh cc@node1.novalocal',
    'someone@example.com',
    'x@lab.example.org',
    '12345+me@users.noreply.github.com',
    'noreply@chameleoncloud.org',
    'git clone git@github.com:org/repo.git',
    '![logo](logo@2x.png)',
    '@decorator.name'
  ])('leaves %s alone', line => {
    expect(found(line, 'email')).toEqual([]);
  });
});

describe('undeclared tokens', () => {
  it.each([
    ['ssh cc@<your-ip>', '<your-ip>'],
    ['openstack server create <vm_name>', '<vm_name>'],
    ['export KEY=YOUR_KEY', 'YOUR_KEY'],
    ['echo <YOUR_KEY>', '<YOUR_KEY>'],
    ['login your-password', 'your-password'],
    ['ssh cc@<your floating ip>', '<your floating ip>'],
    ['ping X.X.X.X', 'X.X.X.X'],
    ['ping 192.168.1.X', '192.168.1.X'],
    ['export OPENAI_KEY=sk-XXXX', 'sk-XXXX']
  ])('reports %s', (line, token) => {
    expect(found(line, 'undeclared-token')).toEqual([
      `Cell 1, line 1: “${token}” looks like a placeholder, but none is declared for it, so students are not asked for it.`
    ]);
  });

  it.each([
    'export OS_PROJECT_NAME="CHI-XXXXXX"',
    'ssh cc@A.B.C.D',
    'ping 10.56.X.Y',
    'openstack port create port2_netID',
    'cat <<EOF > x.txt',
    'sort < file',
    'echo "<h1>Hi</h1><br>" > index.html',
    '<details><summary>More</summary>',
    'docker images | grep "<none>"',
    'List<string> x;',
    'if [ $a -lt 3 ]; then echo "a<3"; fi'
  ])('leaves %s alone', line => {
    expect(found(line, 'undeclared-token')).toEqual([]);
  });

  it('knows the tokens the notebook declares', () => {
    const record = { placeholders: [{ token: '<master-ip>' }] };
    expect(found('ssh <master-ip>', 'undeclared-token', {}, record)).toEqual(
      []
    );
    expect(found('ssh <master-ip>', 'undeclared-token')).toHaveLength(1);
  });

  it('reads markdown only in command blocks, with the line in the cell', () => {
    const findings = lint([
      md(
        [
          'Replace <your-ip> in the prose; <img src="x.png"> <br>',
          '',
          '```bash',
          'ssh cc@<your-ip>',
          '```',
          '',
          '```',
          'output line <none>',
          '```',
          '',
          '```',
          '# run on node1',
          'ping X.X.X.X',
          '```'
        ].join('\n')
      )
    ]);
    expect(of(findings, 'undeclared-token').map(f => [f.cell, f.line])).toEqual(
      [
        [0, 4],
        [0, 13]
      ]
    );
  });
});

describe('unused placeholders', () => {
  const record = {
    placeholders: [
      { token: '<master-ip>', field: 'masterIp' },
      { token: '<worker-ip>', field: 'workerIp' }
    ]
  };

  it('names a declared token no cell uses', () => {
    const findings = lint([code('ssh <master-ip>')], {}, record);
    expect(of(findings, 'unused-placeholder')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        cell: null,
        message:
          'The placeholder “<worker-ip>” is declared, but no cell uses it.'
      })
    ]);
  });

  it('counts markdown cells and node hosts as uses, and never the built-in tokens', () => {
    const findings = lint(
      [md('Find <master-ip> in the console.')],
      {},
      {
        ...record,
        nodes: [{ name: 'worker', host: '{workerIp}' }]
      }
    );
    expect(of(findings, 'unused-placeholder')).toEqual([]);
  });
});

describe('run-on markers', () => {
  it('names the words that are no node of the lab', () => {
    expect(
      found('\n\n# run on node1 and node4\nls', 'undeclared-node')
    ).toEqual([
      'Cell 1, line 3: the marker names “node4”, which is not a node of this lab (node1, node2, node3).'
    ]);
    expect(found('# run on node1 and node7, node8', 'undeclared-node')).toEqual(
      [
        'Cell 1, line 1: the marker names “node7” and “node8”, which are not nodes of this lab (node1, node2, node3).'
      ]
    );
  });

  it.each([
    '# run on node1',
    '# run on node1 host',
    '# run on node1, node2, and node3',
    '# runs in your **local** terminal',
    '# run on all nodes',
    '# Run on `node2`:',
    'ls  # run on node9'
  ])('accepts %s', line => {
    expect(found(line, 'undeclared-node')).toEqual([]);
  });

  it('uses the declared nodes, else the preset given, and the notebook’s wordings', () => {
    const record = { nodes: [{ name: 'node-data', host: '{floatingIp}' }] };
    expect(found('# run on node-data', 'undeclared-node', {}, record)).toEqual(
      []
    );
    expect(found('# run on node1', 'undeclared-node', {}, record)).toHaveLength(
      1
    );
    const preset = { presetNodes: ['master', 'worker1'] };
    expect(found('# run on master', 'undeclared-node', preset)).toEqual([]);
    expect(
      found('# run on master and node1', 'undeclared-node', preset)
    ).toHaveLength(1);
    // A lab naming none of the preset's nodes has its own.
    expect(found('# run on node1', 'undeclared-node', preset)).toEqual([]);
    const wording = { markers: ['# exec on'] };
    expect(
      found('# exec on node1 and node9', 'undeclared-node', {}, wording)
    ).toHaveLength(1);
    expect(found('# exec on node9', 'undeclared-node')).toEqual([]);
    expect(
      found('#> node1 node9', 'undeclared-node', {
        markers: ['^#>\\s*(.+)$']
      })
    ).toHaveLength(1);
  });

  it('reads markdown command blocks, not the cell’s own first line', () => {
    const findings = lint([
      md(
        '# Run on Chameleon\n\nText.\n\n```bash\n# run on node1 and node7\nls\n```'
      )
    ]);
    expect(
      of(findings, 'undeclared-node').map(f => [f.line, f.message])
    ).toEqual([
      [
        6,
        'Cell 1, line 6: the marker names “node7”, which is not a node of this lab (node1, node2, node3).'
      ]
    ]);
  });
});

describe('outputs and execution counts', () => {
  it('warns about a code cell’s outputs and count unless it is kept', () => {
    const outputs = [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }];
    const findings = lint([
      code('echo hi', { outputs, execution_count: 3 }),
      code('echo hi', {
        outputs,
        execution_count: 4,
        metadata: { [METADATA_KEY]: { v: 1, keep: true } }
      })
    ]);
    expect(findings.map(f => [f.rule, f.severity, f.cell, f.message])).toEqual([
      [
        'output',
        'warning',
        0,
        'Cell 1 has 1 output, which would be published (clear them, or mark the cell to keep them).'
      ],
      [
        'execution-count',
        'warning',
        0,
        'Cell 1 still has its execution count (3).'
      ]
    ]);
  });

  it('reads streams, text, HTML, Markdown, JSON and errors, not images or attachments', () => {
    const findings = lint([
      md('![x](attachment:x.png)', {
        attachments: { 'x.png': { 'image/png': '129.114.1.1' } }
      }),
      code('ls', {
        outputs: [
          {
            output_type: 'stream',
            name: 'stdout',
            text: ['a\n', '129.114.1.2\n']
          },
          {
            output_type: 'execute_result',
            execution_count: 1,
            metadata: {},
            data: {
              'text/plain': '129.114.1.3',
              'text/html': ['<b>129.114.1.4</b>'],
              'text/markdown': '**129.114.1.5**',
              'application/json': { servers: [{ ip: '129.114.1.6' }] },
              'image/png': '129.114.1.7'
            }
          },
          {
            output_type: 'error',
            ename: '129.114.1.8',
            evalue: '129.114.1.9',
            traceback: []
          }
        ],
        metadata: { [METADATA_KEY]: { v: 1, keep: true } }
      })
    ]);
    expect(of(findings, 'address').map(f => f.message)).toEqual([
      'Cell 2, output 1: the public address 129.114.1.2 (a student’s floating IP?) would be published.',
      'Cell 2, output 2: the public address 129.114.1.3 (a student’s floating IP?) would be published.',
      'Cell 2, output 2: the public address 129.114.1.4 (a student’s floating IP?) would be published.',
      'Cell 2, output 2: the public address 129.114.1.5 (a student’s floating IP?) would be published.',
      'Cell 2, output 2: the public address 129.114.1.6 (a student’s floating IP?) would be published.',
      'Cell 2, output 3: the public address 129.114.1.8 (a student’s floating IP?) would be published.',
      'Cell 2, output 3: the public address 129.114.1.9 (a student’s floating IP?) would be published.'
    ]);
  });
});

describe('progress and records', () => {
  const at = new Date('2026-11-20T10:00:00Z');

  it('reports our per-student records as leaks, the author’s marks not at all', () => {
    let record = withRun(null, { start: at, ms: 5, ok: true, src: 'abcd0123' });
    record = withFill(record, { tpl: 'ls netID', out: 'abcd0123' });
    const findings = lint(
      [
        code('ls', { metadata: { [METADATA_KEY]: record } }),
        md('Do it.', {
          metadata: {
            [METADATA_KEY]: withTick({ v: 1, step: 'manual' }, 'cell', {
              at: at.toISOString(),
              via: 'tick'
            })
          }
        }),
        md('Do it.', {
          metadata: { [METADATA_KEY]: { v: 1, step: 'manual' } }
        }),
        code('ls', {
          metadata: {
            execution: { 'iopub.status.idle': '2026-11-20T10:00:00Z' },
            ExecuteTime: { end_time: 'x' }
          }
        })
      ],
      {},
      withLogEntries(null, [{ at, result: 'ok', ref: 'abcd0123' }], 10)
    );
    expect(
      of(findings, 'progress').map(f => [f.cell, f.severity, f.message])
    ).toEqual([
      [
        null,
        'leak',
        'The notebook carries the event log of whoever used the lab (log, by).'
      ],
      [
        0,
        'leak',
        'Cell 1 carries the progress of whoever used the lab (run, fill).'
      ],
      [
        1,
        'leak',
        'Cell 2 carries the progress of whoever used the lab (ticks).'
      ],
      [
        3,
        'warning',
        'Cell 4 carries the times it last ran (execution, ExecuteTime).'
      ]
    ]);
  });

  it('reports records that cannot be read as warnings', () => {
    const findings = lint(
      [
        code('ls', { metadata: { [METADATA_KEY]: { v: 1, run: 'yes' } } }),
        code('ls', { metadata: { [METADATA_KEY]: { v: 9 } } })
      ],
      {},
      { log: 'not a list' }
    );
    expect(
      of(findings, 'metadata').map(f => [f.cell, f.severity, f.message])
    ).toEqual([
      [
        null,
        'warning',
        'The notebook’s jupyterlab-testbed record cannot be read ("log" is not a list of texts); only the built-in placeholders and the preset’s nodes are used.'
      ],
      [
        0,
        'warning',
        'Cell 1: its jupyterlab-testbed record cannot be read ("run" is not an object); cleaning leaves it as it is.'
      ],
      [
        1,
        'warning',
        'Cell 2: its jupyterlab-testbed record cannot be read (written by a newer version of jupyterlab-testbed (format 9)); cleaning leaves it as it is.'
      ]
    ]);
    expect(isLeak(findings)).toBe(false);
  });

  it('names declarations that cannot be used', () => {
    const findings = lint(
      [code('ls')],
      {},
      {
        placeholders: [{ label: 'no token' }],
        markers: 'not a list'
      }
    );
    expect(of(findings, 'metadata').map(f => f.message)).toEqual([
      'Placeholder definition 1 has no token; it is left out.',
      'The notebook’s marker wordings are not a list.'
    ]);
  });

  it('says when a file is no notebook', () => {
    for (const [text, problem] of [
      ['{"cells": [', 'not valid JSON'],
      ['[1, 2]', 'not a notebook (not a JSON object)'],
      ['{"cells": {"0": {}}}', 'not a notebook (no list of cells)']
    ]) {
      const findings = lintNotebookText(text, 'x.ipynb', NONE);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        rule: 'metadata',
        severity: 'warning',
        path: 'x.ipynb',
        cell: null
      });
      expect(findings[0].message).toContain(
        `The file cannot be checked: ${problem}`
      );
    }
  });
});

describe('bounds', () => {
  it('reports a value once per line, and again on another line', () => {
    const findings = lint([
      code('ping 129.114.99.7 && ping 129.114.99.7\nping 129.114.99.7')
    ]);
    expect(of(findings, 'address').map(f => f.line)).toEqual([1, 2]);
  });

  it('keeps at most MAX_FINDINGS findings and says how many more there were', () => {
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `ping 129.114.${i >> 8}.${i & 255}`
    );
    const findings = lint([code(lines.join('\n'))]);
    expect(findings).toHaveLength(MAX_FINDINGS + 1);
    expect(findings[MAX_FINDINGS]).toMatchObject({
      rule: 'metadata',
      severity: 'leak',
      message: '1500 more findings left out: only the first 500 are listed.'
    });
  });

  it('reads a 100,000-level nested JSON output quickly, saying it stopped', () => {
    let nested: unknown = '129.114.99.7';
    for (let i = 0; i < 100000; i++) {
      nested = [nested];
    }
    const start = Date.now();
    const findings = lint([
      code('ls', {
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'application/json': nested }
          }
        ]
      })
    ]);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(of(findings, 'metadata').map(f => f.message)).toEqual([
      'Cell 1, output 1 is too large or too deeply nested to check in full: only part of it was checked for a student’s data.'
    ]);
  });

  it('reads a 50 MB output quickly, up to its cap', () => {
    const big = '129.114.99.7 '.repeat(4_000_000);
    const text = JSON.stringify(
      notebook([
        code('ls', {
          outputs: [{ output_type: 'stream', name: 'stdout', text: big }]
        })
      ])
    );
    expect(text.length).toBeGreaterThan(50_000_000);
    const start = Date.now();
    const findings = lintNotebookText(text, 'big.ipynb', NONE);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(findings.map(f => f.rule)).toEqual([
      'metadata',
      'address',
      'output'
    ]);
    expect(findings[0].severity).toBe('warning');
  });

  it('reads hostile long lines in linear time', () => {
    const start = Date.now();
    lint([
      code('a'.repeat(900_000) + '@x.y'),
      code('password'.repeat(100_000)),
      code('<' + 'a-'.repeat(400_000)),
      code('X'.repeat(900_000)),
      code('1.'.repeat(400_000))
    ]);
    expect(Date.now() - start).toBeLessThan(3000);
  });

  it('stops at the notebook’s cap, saying which cells were not checked', () => {
    const cells = Array.from({ length: 22 }, () => md('x'.repeat(990_000)));
    const start = Date.now();
    const findings = lint(cells);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(findings.map(f => [f.cell, f.severity, f.message])).toEqual(
      [20, 21].map(cell => [
        cell,
        'leak',
        `Cell ${cell + 1} was not checked in full for a student’s data: the notebook holds more than 20 MB of text.`
      ])
    );
  });

  it('does not check embedded images, and caps a long source as a leak', () => {
    const image = `<img src="data:image/png;base64,${'A'.repeat(2_000_000)}">`;
    expect(lint([md(image)])).toEqual([]);
    const findings = lint([md('x'.repeat(1_500_000))]);
    expect(findings.map(f => [f.rule, f.severity, f.where])).toEqual([
      ['metadata', 'leak', 'source']
    ]);
  });
});

describe('the rules', () => {
  it('each have a meaning, and a leak is any finding of severity leak', () => {
    expect(Object.keys(RULE_MEANINGS)).toHaveLength(14);
    expect(Object.values(RULE_MEANINGS).every(text => text.endsWith('.'))).toBe(
      true
    );
    const warning = lint([code('echo hi', { execution_count: 1 })]);
    expect(isLeak(warning)).toBe(false);
    expect(isLeak(lint([code('ping 129.114.99.7')]))).toBe(true);
  });
});

describe('the labs as their authors publish them', () => {
  const labs = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter(name => name.endsWith('.ipynb'))
      .map(name => path.join(dir, name));

  it('finds no leak in the sample lab, even knowing a student’s values', () => {
    for (const file of labs(SAMPLE_DIR)) {
      const findings = lintNotebook(readNotebook(file), path.basename(file), {
        profileValues: STUDENT
      });
      expect(findings.filter(f => f.severity === 'leak')).toEqual([]);
      expect(of(findings, 'undeclared-token')).toEqual([]);
      expect(of(findings, 'undeclared-node')).toEqual([]);
    }
  });

  (hasReal ? it : it.skip)('finds no leak in the real Chameleon labs', () => {
    for (const file of labs(REAL_DIR)) {
      const findings = lintNotebook(readNotebook(file), path.basename(file), {
        profileValues: STUDENT
      });
      expect(findings.filter(f => f.severity === 'leak')).toEqual([]);
    }
  });
});
