import {
  nodeWords,
  placeOf,
  plainWords
} from '../../../src/core/terminals/places';
import {
  compileMarkers,
  DEFAULT_MARKERS,
  targetNodes,
  whereText
} from '../../../src/core/terminals/markers';

describe('placeOf', () => {
  it.each([
    ['Chameleon Jupyter environment', 'jupyter'],
    ['the Jupyter notebook', 'jupyter'],
    ['this server', 'jupyter'],
    ['*your local terminal*', 'local'],
    ['your laptop', 'local'],
    ['your own computer', 'local'],
    ['_local_ shell', 'local']
  ])('reads “%s” as %s', (where, place) => {
    expect(placeOf(where)).toBe(place);
  });

  it.each(['node1 host', 'node-data', 'server', 'the VM', 'alpine container'])(
    'reads “%s” as no place (it may name nodes)',
    where => {
      expect(placeOf(where)).toBeNull();
    }
  );

  it('does not decide a text that names both places', () => {
    expect(placeOf('Jupyter or your laptop')).toBeNull();
  });

  it.each(['the Jupyter server', 'your local machine', 'Jupyter terminal'])(
    'reads “%s” as a place, its noun no node',
    where => {
      expect(placeOf(where)).not.toBeNull();
      expect(nodeWords(where)).toEqual([]);
    }
  );

  it.each(['node1 or your laptop', 'node-data, then the Jupyter notebook'])(
    'a node and a place at once (“%s”) is no place',
    where => {
      expect(placeOf(where)).toBeNull();
    }
  );

  it('keeps the underscore inside a name, drops it around a word', () => {
    expect(plainWords('_local_ node_data `x`')).toBe('local node_data x');
  });
});

describe('markers and places', () => {
  const markers = compileMarkers(DEFAULT_MARKERS).patterns;

  it('reads markers with emphasis', () => {
    expect(whereText('# runs *in* your local terminal', markers)).toBe(
      'your local terminal'
    );
    expect(whereText('# run on **node1**', markers)).toBe('node1');
  });

  it('gives no node to a block for a place, even one naming a node too', () => {
    const nodes = ['node1', 'node2'];
    expect(
      targetNodes('# run on node1 or your laptop', markers, nodes)
    ).toEqual([]);
    expect(targetNodes('# run in Jupyter on node2', markers, nodes)).toEqual(
      []
    );
    expect(targetNodes('# run on *node1*', markers, nodes)).toEqual(['node1']);
  });
});
