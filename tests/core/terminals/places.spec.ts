import { placeOf } from '../../../src/core/terminals/places';

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
});
