import * as fs from 'fs';
import * as path from 'path';
import type * as nbformat from '@jupyterlab/nbformat';
import { CHAMELEON_PLACEHOLDERS } from '../../../src/core/placeholders/definitions';
import { summarizeNotebook } from '../../../src/core/progress/lab';
import { fencedBlocks } from '../../../src/core/terminals/blocks';
import {
  checkAddress,
  ILabCell,
  inferNodes,
  IInferOptions,
  sourceText,
  withEntered
} from '../../../src/core/terminals/inferred';
import {
  compileMarkers,
  DEFAULT_MARKERS,
  targetNodes,
  whereText
} from '../../../src/core/terminals/markers';
import { placeOf } from '../../../src/core/terminals/places';
import { PRESETS } from '../../../src/core/terminals/presets';
import { hasReal, OPTIONS, readNotebook, REAL_DIR } from '../../helpers';

const MARKERS = compileMarkers(DEFAULT_MARKERS).patterns;
const PUBLISHED = path.resolve(__dirname, '../../fixtures/published');

const options: IInferOptions = {
  markers: MARKERS,
  layout: PRESETS.chameleon.nodes,
  placeholders: CHAMELEON_PLACEHOLDERS
};

function cellsOf(nb: nbformat.INotebookContent): ILabCell[] {
  return nb.cells.map(cell => ({
    type: cell.cell_type,
    source: Array.isArray(cell.source) ? cell.source.join('') : cell.source
  }));
}

const md = (source: string): ILabCell => ({ type: 'markdown', source });
const code = (source: string): ILabCell => ({ type: 'code', source });
const block = (text: string) => '```bash\n' + text + '\n```';

/** The nodes a lab shows: inferred, else the layout's. */
function cardsOf(cells: ILabCell[]): string[] {
  const inferred = inferNodes(cells, options);
  return (inferred.nodes ?? options.layout).map(node => node.name);
}

/**
 * Buttons per target, as the Run bars give them: a node's name for each
 * node of a block, `jupyter` and `local` for blocks meant for those
 * places (which get no node button), for code cells and fenced blocks.
 */
function buttonsOf(cells: ILabCell[]): { [target: string]: number } {
  const names = cardsOf(cells);
  const counts: { [target: string]: number } = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  for (const cell of cells) {
    const texts =
      cell.type === 'code'
        ? [cell.source]
        : cell.type === 'markdown'
          ? fencedBlocks(cell.source)
          : [];
    for (const text of texts) {
      const where = whereText(text, MARKERS);
      if (where === null) {
        continue;
      }
      const place = placeOf(where);
      if (place) {
        count(place);
      }
      targetNodes(text, MARKERS, names).forEach(count);
    }
  }
  return counts;
}

describe('inferNodes on the published samples', () => {
  const sample = (name: string) =>
    readNotebook(path.join(PUBLISHED, `${name}.ipynb`));

  it('single-server: one node, node-data, at the floating IP of its ssh line', () => {
    const nb = sample('single-server');
    const inferred = inferNodes(cellsOf(nb), options);
    expect(inferred.problems).toEqual([]);
    expect(inferred.nodes).toEqual([
      {
        name: 'node-data',
        host: '{floatingIp}',
        user: 'cc',
        jump: undefined,
        source: { kind: 'ssh', cell: 9, token: 'A.B.C.D' }
      }
    ]);
    expect(sourceText(inferred.nodes![0].source, 'the Chameleon preset')).toBe(
      'from the ssh line in cell 9 (A.B.C.D)'
    );
    expect(summarizeNotebook(nb, OPTIONS).total).toBe(15);
    expect(buttonsOf(cellsOf(nb))).toEqual({ 'node-data': 5, jupyter: 10 });
  });

  it('terraform-ansible: no node named, the layout stays; every block is for Jupyter or local', () => {
    const nb = sample('terraform-ansible');
    const inferred = inferNodes(cellsOf(nb), options);
    expect(inferred).toEqual({ nodes: null, problems: [] });
    expect(cardsOf(cellsOf(nb))).toEqual(['node1', 'node2', 'node3']);
    expect(summarizeNotebook(nb, OPTIONS).total).toBe(15);
    expect(buttonsOf(cellsOf(nb))).toEqual({ jupyter: 13, local: 2 });
  });

  it('dashboards: node1 only, the preset’s; local forwards get no node button', () => {
    const nb = sample('dashboards');
    const inferred = inferNodes(cellsOf(nb), options);
    expect(inferred).toEqual({ nodes: null, problems: [] });
    expect(cardsOf(cellsOf(nb))).toEqual(['node1', 'node2', 'node3']);
    expect(summarizeNotebook(nb, OPTIONS).total).toBe(14);
    expect(buttonsOf(cellsOf(nb))).toEqual({ node1: 7, jupyter: 4, local: 2 });
  });
});

(hasReal ? describe : describe.skip)(
  'inferNodes on the real labs (../shared/fixtures/real)',
  () => {
    it.each(fs.existsSync(REAL_DIR) ? fs.readdirSync(REAL_DIR) : [])(
      '%s keeps node1..node3',
      file => {
        const cells = cellsOf(readNotebook(path.join(REAL_DIR, file)));
        const inferred = inferNodes(cells, options);
        expect(inferred.nodes).toBeNull();
        expect(cardsOf(cells)).toEqual(['node1', 'node2', 'node3']);
      }
    );
  }
);

describe('inferNodes', () => {
  it('reads no node from a block inside an HTML comment, as the page does not show it', () => {
    const hidden = md(
      '<!--\n' +
        block('# run on node-hidden\nls') +
        '\n-->\n\n' +
        block('# run on node-data\nls')
    );
    expect(inferNodes([hidden], options).nodes?.map(n => n.name)).toEqual([
      'node-data'
    ]);
  });

  it('names nodes from where-it-runs lines, not places nor other words', () => {
    const inferred = inferNodes(
      [
        code('# runs on server\nls'),
        md(block('# run inside alpine container\nls')),
        md(block('# run on node1 host\nls')),
        md(block('# runs in *your local terminal*\nls'))
      ],
      options
    );
    expect(inferred.nodes!.map(node => node.name)).toEqual(['node1', 'server']);
    expect(inferred.nodes![0].source).toEqual({ kind: 'layout' });
  });

  it('adds the hops a layout node jumps through', () => {
    const inferred = inferNodes(
      [md(block('# run on node2\nls')), md(block('# run on gpu-node\nls'))],
      options
    );
    expect(inferred.nodes!.map(node => node.name)).toEqual([
      'node1',
      'node2',
      'gpu-node'
    ]);
  });

  it('takes the host an ssh line logs into as a node when a marker names it', () => {
    const inferred = inferNodes(
      [md('Log in:\n\n`ssh ubuntu@mybox`'), md(block('# run on mybox\nls'))],
      options
    );
    // The line logs into the node by its own name: no address from it.
    expect(inferred.nodes).toEqual([
      { name: 'mybox', host: '', user: 'cc', source: { kind: 'none' } }
    ]);
  });

  it('reads the address near the node’s name, literal or a jump through a node', () => {
    const inferred = inferNodes(
      [
        md('Log in to worker-a:\n\n' + block('ssh -A cc@10.0.0.5')),
        md(
          'and to worker-b, through it:\n\n' +
            block('ssh -J cc@10.0.0.5 ubuntu@192.168.1.20')
        ),
        md(block('# run on worker-a\nls')),
        md(block('# run on worker-b\nls'))
      ],
      options
    );
    expect(inferred.problems).toEqual([]);
    expect(inferred.nodes).toEqual([
      {
        name: 'worker-a',
        host: '10.0.0.5',
        user: 'cc',
        jump: undefined,
        source: { kind: 'ssh', cell: 1, token: undefined }
      },
      {
        name: 'worker-b',
        host: '192.168.1.20',
        user: 'ubuntu',
        jump: 'worker-a',
        source: { kind: 'ssh', cell: 2, token: undefined }
      }
    ]);
  });

  it('reads the first line of every fenced block, as the Run bars do', () => {
    const source = [
      '~~~bash',
      '',
      '# run on vm-a',
      '~~~',
      '````',
      '```',
      '# run on vm-b',
      '```',
      '````',
      '```',
      '```',
      '   ```sh',
      '# run on vm-c',
      '   ```'
    ].join('\n');
    const inferred = inferNodes([md(source)], options);
    // vm-b is inside a longer fence: the text of that block, not a marker.
    expect(inferred.nodes!.map(node => node.name)).toEqual(['vm-a', 'vm-c']);
    const shown = fencedBlocks(source).map(block => whereText(block, MARKERS));
    expect(shown.filter(where => where !== null)).toEqual(['vm-a', 'vm-c']);
  });

  it('never reads an output', () => {
    const nb = {
      cells: [
        {
          cell_type: 'code',
          source: '# run on node-data\nhostname',
          outputs: [{ output_type: 'stream', text: 'ssh cc@203.0.113.9\n' }]
        }
      ]
    } as any;
    const inferred = inferNodes(cellsOf(nb), options);
    expect(inferred.nodes![0].host).toBe('');
  });

  describe('bad input: a specific problem, and no address', () => {
    const one = (ssh: string) =>
      inferNodes(
        [
          md('Log in to node-data:\n\n' + block(ssh)),
          code('# run on node-data\nls')
        ],
        options
      );

    it.each([
      ['ssh -o ProxyCommand=nc cc@A.B.C.D', '-o ProxyCommand'],
      ['ssh -p 2222 cc@A.B.C.D', '-p 2222'],
      ['ssh -p22x cc@A.B.C.D', '-p 22x'],
      ['ssh -R 80:localhost:80 cc@A.B.C.D', '-R'],
      ['ssh -F ./cfg cc@A.B.C.D', '-F'],
      ['ssh -J a@h1,b@h2 cc@A.B.C.D', '-J a,b'],
      ['ssh -NR 80:localhost:80 cc@A.B.C.D', '-R'],
      ['ssh -Ap2222 cc@A.B.C.D', '-p 2222']
    ])('%s names %s', (ssh, what) => {
      const inferred = one(ssh);
      expect(inferred.nodes![0].host).toBe('');
      expect(inferred.problems).toEqual([
        `node-data: the ssh line in cell 1 uses ${what}, which the lab’s terminals cannot express; it is not used.`
      ]);
    });

    it('keeps options that do not change where the node is', () => {
      const inferred = one(
        'ssh -A -i ~/.ssh/id_rsa_chameleon -o StrictHostKeyChecking=no -p 22 -L 8080:127.0.0.1:8080 cc@A.B.C.D'
      );
      expect(inferred.problems).toEqual([]);
      expect(inferred.nodes![0].host).toBe('{floatingIp}');
      // The same options joined as ssh allows: still the node's address.
      expect(one('ssh -NAL 8080:127.0.0.1:8080 cc@A.B.C.D').problems).toEqual(
        []
      );
      expect(
        one('ssh -NAL 8080:127.0.0.1:8080 cc@A.B.C.D').nodes![0].host
      ).toBe('{floatingIp}');
    });

    it('two different addresses for one node', () => {
      const inferred = inferNodes(
        [
          md('On node-data:\n\n' + block('ssh cc@A.B.C.D')),
          md('On node-data:\n\n' + block('ssh cc@10.0.0.9')),
          code('# run on node-data\nls')
        ],
        options
      );
      expect(inferred.nodes![0].host).toBe('');
      expect(inferred.problems).toEqual([
        'node-data: the lab gives two addresses, cc@A.B.C.D (cell 1) and cc@10.0.0.9 (cell 2); enter the right one in its card.'
      ]);
    });

    it('a host that looks like a placeholder this lab does not have', () => {
      const inferred = one('ssh ubuntu@<master-node-public-ip>');
      expect(inferred.nodes![0].host).toBe('');
      expect(inferred.problems).toEqual([
        'node-data: the ssh line in cell 1 logs into “<master-node-public-ip>”, which is no placeholder of this lab; enter the address in its card.'
      ]);
    });

    it('a jump through a host that is none of the nodes', () => {
      const inferred = one('ssh -J cc@198.51.100.7 cc@192.168.1.20');
      expect(inferred.problems).toEqual([
        'node-data: the ssh line in cell 1 jumps through cc@198.51.100.7, which is none of the lab’s nodes; it is not used.'
      ]);
    });

    it('a marker naming a node and a place at once', () => {
      const cells = [
        md(block('# run on node1 or in your local terminal\nls')),
        code('# runs in the Jupyter notebook or on your laptop\nls')
      ];
      expect(inferNodes(cells, options).problems).toEqual([
        'Cell 1 says its block runs in “node1 or in your local terminal”: a node (node1) and your computer at once. It gets no Run button; say one place.',
        'Cell 2 says its block runs in “the Jupyter notebook or on your laptop”: both the Jupyter side and your computer. It gets no Run button; say one place.'
      ]);
      expect(buttonsOf(cells)).toEqual({});
    });

    it('crafted names: too long, or with characters an ssh config cannot hold', () => {
      const long = 'node-' + 'a'.repeat(40);
      const inferred = inferNodes(
        [code(`# run on ${long}\nls`), code('# run on node-é\nls')],
        options
      );
      expect(inferred.nodes).toBeNull();
      expect(inferred.problems).toHaveLength(2);
      expect(inferred.problems[0]).toMatch(
        new RegExp(`^Cell 1 names “node-a+…”, which cannot be a node’s name: `)
      );
      expect(inferred.problems[1]).toMatch(/^Cell 2 names “node-é”/);
    });

    it('at most 20 nodes', () => {
      const cells = Array.from({ length: 30 }, (_, i) =>
        code(`# run on worker${i}\nls`)
      );
      const inferred = inferNodes(cells, options);
      expect(inferred.nodes).toHaveLength(20);
      expect(inferred.problems).toEqual([
        'The lab names 30 nodes; only the first 20 are used.'
      ]);
    });
  });

  it('stays linear on a crafted long line and a 2,000-cell lab', () => {
    const line = 'ssh ' + '-A '.repeat(300) + 'cc@A.B.C.D';
    const cells: ILabCell[] = [];
    for (let i = 0; i < 2000; i++) {
      cells.push(
        md('Log in to node-data:\n' + block(`# run on node-data\n${line}`))
      );
    }
    const started = Date.now();
    inferNodes(cells, options);
    // Generous: catches a quadratic blow-up, not a slow machine.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('withEntered and checkAddress', () => {
  it('fills only the nodes without an address, saying so', () => {
    const nodes = withEntered(
      [
        { name: 'a', host: '', user: 'cc', source: { kind: 'none' } },
        { name: 'b', host: '10.0.0.1', user: 'cc', source: { kind: 'layout' } }
      ],
      { a: '10.0.0.2', b: '10.9.9.9' }
    );
    expect(nodes.map(n => [n.host, n.source.kind])).toEqual([
      ['10.0.0.2', 'entered'],
      ['10.0.0.1', 'layout']
    ]);
  });

  it('refuses an address an ssh config cannot hold', () => {
    expect(checkAddress('a', '10.0.0.2')).toBeNull();
    expect(checkAddress('a', '  ')).toBe('Enter the address of a.');
    expect(checkAddress('a', 'h; rm -rf ~')).toMatch(/host/i);
  });
});
