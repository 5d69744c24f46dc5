import { profileValues } from '../../../src/core/authoring/profile';

describe("the author's own values", () => {
  it('are every value of the placeholders settings, for every lab and folder, once', () => {
    expect(
      profileValues({
        values: { netID: 'ff524', project: ' CHI-231095 ', floatingIp: '' },
        folders: {
          'course/lab': { netID: 'ff524', floatingIp: '129.114.25.134' },
          other: { sharednetIp: '10.56.2.117' }
        }
      })
    ).toEqual(['ff524', 'CHI-231095', '129.114.25.134', '10.56.2.117']);
  });

  it('pass over what a hand-edited settings file holds besides texts', () => {
    expect(profileValues(null)).toEqual([]);
    expect(profileValues([1, 2])).toEqual([]);
    expect(
      profileValues({ values: { netID: 42, x: ['a'] }, folders: 'no' })
    ).toEqual([]);
  });
});
