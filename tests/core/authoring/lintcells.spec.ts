import { foundIn, lintCells, markdownCell, ofRule } from '../../helpers/lint';

/** The undeclared-node warnings of a fenced block in a markdown cell. */
function blockWarnings(marker: string): string[] {
  const cell = markdownCell(`Then:\n\n\`\`\`bash\n${marker}\nls\n\`\`\``);
  return ofRule(lintCells([cell]), 'undeclared-node').map(f => f.message);
}

describe('where-it-runs lines naming places that are not nodes', () => {
  it.each([
    '# runs in Chameleon Jupyter environment',
    '# run in Chameleon Jupyter environment',
    '# runs in the Jupyter notebook',
    '# run on JupyterHub',
    '# runs in *your local terminal*',
    '# runs in **your** local terminal',
    '# run on your laptop',
    '# run on _your own computer_',
    '# runs locally'
  ])('%s is no warning, in a code cell and in a fenced block', marker => {
    expect(foundIn(`${marker}\nls`, 'undeclared-node')).toEqual([]);
    expect(blockWarnings(marker)).toEqual([]);
  });

  it('reads markdown emphasis around node names', () => {
    expect(
      foundIn('# run on *node1* and **node2**', 'undeclared-node')
    ).toEqual([]);
    expect(foundIn('# run on node1 and _node7_', 'undeclared-node')).toEqual([
      'Cell 1, line 1: the marker names “node7”, which is not a node of this lab (node1, node2, node3).'
    ]);
  });

  it('warns about a line naming a node and such a place at once', () => {
    expect(
      foundIn(
        '# run on node1 and in the Jupyter environment',
        'undeclared-node'
      )
    ).toEqual([
      'Cell 1, line 1: the marker names “node1” and the Jupyter side at once: a block runs in one place.'
    ]);
    expect(blockWarnings('# run on node2 or your laptop')).toEqual([
      'Cell 1, line 4: the marker names “node2” and the student’s computer at once: a block runs in one place.'
    ]);
  });

  it('reads a container named as the place inside a node, not as a node', () => {
    expect(foundIn('# run inside alpine container', 'undeclared-node')).toEqual(
      []
    );
    expect(foundIn('# run inside the nginx-1 pod', 'undeclared-node')).toEqual(
      []
    );
  });

  it('still names what is neither a node nor such a place', () => {
    expect(
      foundIn('# runs in Chameleon cloud environment', 'undeclared-node')
    ).toEqual([
      'Cell 1, line 1: the marker names “Chameleon”, “cloud” and “environment”, which are not nodes of this lab (node1, node2, node3).'
    ]);
  });
});
