import { compilePattern } from '../../../src/core/placeholders/pattern';
import { CHAMELEON_PLACEHOLDERS } from '../../../src/core/placeholders/definitions';
import { planFill, planReset } from '../../../src/core/placeholders/engine';
import { fingerprint } from '../../../src/core/notebook/hash';
import { fillable } from '../../helpers';
import { STUDENT } from '../../helpers/student';

const ALL = CHAMELEON_PLACEHOLDERS;
const record = (source: string, tpl: string) => ({
  tpl,
  out: fingerprint(source)
});

describe('a fill template is believed only as the cell with values turned back', () => {
  const values = fillable(STUDENT).values;

  it.each([
    ['ssh cc@A.B.C.D:22', 'ssh cc@129.114.25.134:22'],
    ['net_netID-subnet netID', 'net_ff524-subnet ff524'],
    // A token left unfilled stands for itself.
    ['echo netID CHI-XXXXXX', 'echo ff524 CHI-XXXXXX'],
    // Filled with values the student has since changed.
    ['echo netID A.B.C.D', 'echo gg999 10.0.0.1']
  ])('restores %j from %j', (tpl, source) => {
    expect(
      planReset(source, record(source, tpl), ALL, { hints: values })
    ).toEqual({ kind: 'write', source: tpl, fill: null });
  });

  it.each([
    ['text outside the tokens', 'echo netID; rm -rf ~', 'echo ff524'],
    ['a value with a shell character', 'echo netID', 'echo ff;524'],
    ['a value the pattern refuses', 'echo CHI-XXXXXX', 'echo CHI-abc'],
    ['two values for one token', 'netID netID', 'ff524 gg999'],
    ['swapped tokens', 'x CHI-XXXXXX netID', 'x ff524 CHI-231095'],
    ['a value over the length cap', 'echo netID', `echo ${'a'.repeat(201)}`]
  ])('refuses %s', (_, tpl, source) => {
    const plan = planReset(source, record(source, tpl), ALL, { hints: values });
    expect(plan).toEqual({ kind: 'edited', refused: expect.any(String) });
  });

  it('takes only the author’s values when they are known for a field', () => {
    const source = 'echo gg999';
    const only = new Map([['netID', new Set(['ff524'])]]);
    expect(
      planReset(source, record(source, 'echo netID'), ALL, { only })
    ).toEqual({ kind: 'edited', refused: expect.any(String) });
    const mine = 'echo ff524';
    expect(
      planReset(mine, record(mine, 'echo netID'), ALL, { only }).kind
    ).toBe('write');
  });

  it('refills a cell filled with an earlier value', () => {
    const source = 'echo gg999';
    const plan = planFill(source, record(source, 'echo netID'), values, ALL);
    expect(plan.kind === 'write' && plan.source).toBe(
      `echo ${values.get('netID')}`
    );
  });
});

describe('placeholder patterns on the linear-time matcher', () => {
  const patterns = [
    '[A-Za-z][A-Za-z0-9_-]{0,31}',
    ALL[2].pattern,
    'CHI-\\d{1,12}',
    '(a|ab)(c|bcd)(d*)',
    '[^a-c]+x?',
    '(?:ab)*|z{2,}',
    '[\\d.]+\\.[\\]-]',
    '\\s\\S\\w\\W.'
  ];
  const values = [
    '',
    'a',
    'ab',
    'ff524',
    '9lives',
    'CHI-12',
    '1.2.3.4',
    '256.1.1.1',
    'abcd',
    'abbcd',
    'xx',
    'zz',
    'zzz',
    'abab',
    '1.2.]',
    '1.-',
    ' a!x',
    '\n a!x',
    'a b c'
  ];

  it.each(patterns)('matches %j as RegExp does', pattern => {
    const compiled = compilePattern(pattern);
    if (typeof compiled === 'string') {
      throw new Error(compiled);
    }
    const native = new RegExp(`^(?:${pattern})$`);
    for (const value of values) {
      expect([value, compiled.test(value)]).toEqual([
        value,
        native.test(value)
      ]);
    }
  });

  it.each([
    '(a)\\1',
    '(?=a)',
    '(?<n>a)',
    'a{101}',
    '\\bx',
    'a**',
    '(a',
    '[b-a]'
  ])('refuses %j with a reason', pattern => {
    expect(typeof compilePattern(pattern)).toBe('string');
  });
});
