import { nullTranslator } from '@jupyterlab/translation';
import {
  compileMarkers,
  DEFAULT_MARKERS,
  nodeList,
  runLabel,
  targetNodes,
  whereText
} from '../../../src/core/terminals/markers';
import { firstLine } from '../../../src/core/notebook/steps';

const NODES = ['node1', 'node2', 'node3'];
const { patterns: DEFAULT, problems } = compileMarkers(DEFAULT_MARKERS);
const nodesOf = (text: string, names = NODES) =>
  targetNodes(text, DEFAULT, names);

describe('the default marker', () => {
  it('compiles without problems', () => {
    expect(problems).toEqual([]);
    expect(DEFAULT).toHaveLength(1);
    expect(DEFAULT[0].flags).toBe('i');
  });

  it('reads the markers of the labs', () => {
    expect(nodesOf('# run on node1\nls -l')).toEqual(['node1']);
    expect(nodesOf('# run on node1 host\nip a')).toEqual(['node1']);
    expect(nodesOf('# run on node2\nping node1')).toEqual(['node2']);
    expect(nodesOf('#runs on node2\nhostname')).toEqual(['node2']);
    expect(nodesOf('# runs on node3')).toEqual(['node3']);
    expect(nodesOf('# run in node1')).toEqual(['node1']);
    expect(nodesOf('# runs inside node2 container')).toEqual(['node2']);
  });

  it('tolerates case, spacing and blank lines before the marker', () => {
    expect(nodesOf('# Run on  NODE1')).toEqual(['node1']);
    expect(nodesOf('\n   \n  #   RUNS   ON   Node2   \nls')).toEqual(['node2']);
    expect(nodesOf('# run on node1\r\nls')).toEqual(['node1']);
  });

  it('gives every node named, once, in the order of the lab', () => {
    expect(nodesOf('# run on node1, node2, and node3')).toEqual(NODES);
    expect(nodesOf('# run on node3 and node1')).toEqual(['node1', 'node3']);
    expect(nodesOf('# run on node2 & node1 & node2')).toEqual([
      'node1',
      'node2'
    ]);
    expect(nodesOf('# run on node1/node3')).toEqual(['node1', 'node3']);
    expect(nodesOf('# run on node1,node2')).toEqual(['node1', 'node2']);
    expect(nodesOf('# run on `node1`: and (node2).')).toEqual([
      'node1',
      'node2'
    ]);
  });

  it('reads all, all nodes, every node and each node as every node', () => {
    for (const words of [
      'all',
      'ALL nodes',
      'all the nodes',
      'every node',
      'each  node'
    ]) {
      expect(nodesOf(`# run on ${words}`)).toEqual(NODES);
    }
    // Only alone: "all" here is one more unknown word.
    expect(nodesOf('# run on all node1 hosts')).toEqual(['node1']);
    expect(nodesOf('# run on all hosts')).toEqual([]);
  });

  it('leaves blocks that name no node of the lab inert', () => {
    expect(nodesOf('# runs inside alpine container\napk add curl')).toEqual([]);
    expect(nodesOf('# run on node4')).toEqual([]);
    expect(nodesOf('# run on the host')).toEqual([]);
    expect(nodesOf('# run on node1', [])).toEqual([]);
    expect(nodesOf('# run on all', [])).toEqual([]);
    expect(nodesOf('')).toEqual([]);
    expect(nodesOf('# running on node1')).toEqual([]);
    expect(nodesOf('# this will run on node1')).toEqual([]);
    expect(nodesOf('echo "# run on node1"')).toEqual([]);
  });

  it('reads the first non-blank line only', () => {
    expect(nodesOf('sudo apt update\n\n# run on node1')).toEqual([]);
    expect(nodesOf('ls\nls\n# run on node1\n')).toEqual([]);
  });

  it('matches names with dashes and underscores, spelled as the lab does', () => {
    const names = ['node-data', 'Node_Web', 'node'];
    expect(nodesOf('# run on node-data', names)).toEqual(['node-data']);
    expect(nodesOf('# run on NODE-DATA host', names)).toEqual(['node-data']);
    expect(nodesOf('# run on node_web and node', names)).toEqual([
      'Node_Web',
      'node'
    ]);
    expect(nodesOf('# run on node-data', ['node', 'data'])).toEqual([]);
  });

  it('gives the target text as the author wrote it', () => {
    expect(whereText('\n# run on node1 host  \nls', DEFAULT)).toBe(
      'node1 host'
    );
    expect(whereText('ls', DEFAULT)).toBeNull();
    expect(firstLine('\n  \n  ls -l  \npwd')).toBe('ls -l');
    expect(firstLine(' \n ')).toBe('');
  });
});

describe('marker patterns of a lab', () => {
  it('takes a pattern of its own', () => {
    const { patterns, problems } = compileMarkers([
      '^//\\s*exec on (.+)$',
      ...DEFAULT_MARKERS
    ]);
    expect(problems).toEqual([]);
    expect(targetNodes('// EXEC ON node2\nls', patterns, NODES)).toEqual([
      'node2'
    ]);
    // Later patterns still apply.
    expect(targetNodes('# run on node3', patterns, NODES)).toEqual(['node3']);
    expect(targetNodes('# exec on node2', patterns, NODES)).toEqual([]);
  });

  it('uses the first pattern that matches', () => {
    const { patterns } = compileMarkers([
      '^#\\s*run on (node1)',
      '^#\\s*run on (.+)$'
    ]);
    expect(targetNodes('# run on node1 and node2', patterns, NODES)).toEqual([
      'node1'
    ]);
  });

  it('leaves out patterns that do not compile, with their problem', () => {
    const { patterns, problems } = compileMarkers(['^# run on (.+', '(ok)']);
    expect(patterns.map(p => p.source)).toEqual(['(ok)']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^The marker “\^# run on \(\.\+” is not a valid regular expression: .+/
    );
  });

  it('leaves out patterns without a capture group', () => {
    const { patterns, problems } = compileMarkers([
      '^# run on .+$',
      '^# run on (?:.+)$',
      '^# run on \\(.+\\)$',
      ''
    ]);
    expect(patterns).toEqual([]);
    expect(problems).toEqual([
      'The marker “^# run on .+$” has no capture group ( … ) for the node names.',
      'The marker “^# run on (?:.+)$” has no capture group ( … ) for the node names.',
      'The marker “^# run on \\(.+\\)$” has no capture group ( … ) for the node names.',
      'The marker “” has no capture group ( … ) for the node names.'
    ]);
  });

  it('leaves out patterns longer than 500 characters', () => {
    const long = `^# (${'a'.repeat(520)})$`;
    const { patterns, problems } = compileMarkers([long]);
    expect(patterns).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^The marker “\^# \(a+…” is longer than 500/);
  });

  it('reads a pattern with an optional group from the group that matched', () => {
    const { patterns } = compileMarkers(['^# on (\\w+)$|^// on (\\w+)$']);
    expect(targetNodes('// on node2', patterns, NODES)).toEqual(['node2']);
  });

  it('does not carry state between calls of a global pattern', () => {
    const patterns = [/^# on (\w+)$/gi];
    expect(targetNodes('# on node1', patterns, NODES)).toEqual(['node1']);
    expect(targetNodes('# on node1', patterns, NODES)).toEqual(['node1']);
  });
});

describe('run labels', () => {
  it('names the nodes, or counts all of three or more', () => {
    expect(runLabel(['node1'], NODES)).toBe('Run on node1');
    expect(runLabel(['node1', 'node2'], NODES)).toBe('Run on node1 and node2');
    expect(runLabel(NODES, NODES)).toBe('Run on all 3');
    expect(runLabel(['a', 'b'], ['a', 'b'])).toBe('Run on a and b');
    expect(runLabel(['a', 'b', 'c'], ['a', 'b', 'c', 'd'])).toBe(
      'Run on a, b and c'
    );
    expect(runLabel(['node-data'], ['node-data'])).toBe('Run on node-data');
  });

  it('labels the seeds as the buttons will', () => {
    const label = (text: string) => runLabel(nodesOf(text), NODES);
    expect(label('# run on node1 host')).toBe('Run on node1');
    expect(label('# run on node1, node2, and node3')).toBe('Run on all 3');
    expect(label('#runs on node2')).toBe('Run on node2');
  });

  it('is translated through the bundle it is given', () => {
    const trans = nullTranslator.load('jupyterlab_testbed');
    expect(runLabel(NODES, NODES, trans)).toBe('Run on all 3');
    expect(runLabel(['node1', 'node3'], NODES, trans)).toBe(
      'Run on node1 and node3'
    );
    const upper = {
      __: (msgid: string, ...args: any[]) =>
        msgid
          .toUpperCase()
          .replace(/%(\d)/g, (_, n) => String(args[Number(n) - 1]))
    };
    expect(runLabel(['node1', 'node2'], NODES, upper)).toBe(
      'RUN ON node1 AND node2'
    );
    expect(nodeList([], upper)).toBe('');
  });
});
