import * as fs from 'fs';
import * as path from 'path';
import { fingerprint } from '../../../src/core/notebook/hash';
import {
  CHAMELEON_PLACEHOLDERS,
  checkValue
} from '../../../src/core/placeholders/definitions';
import {
  countTokens,
  planFill,
  planReset,
  substitute
} from '../../../src/core/placeholders/engine';
import {
  fillable,
  hasReal,
  readNotebook,
  REAL_DIR,
  SAMPLE_DIR
} from '../../helpers';
import { TokenScanner } from '../../../src/core/placeholders/tokenscan';

const STUDENT = {
  netID: 'ff524',
  project: 'CHI-231095',
  floatingIp: '129.114.25.134',
  sharednetIp: '10.56.2.117'
};
const values = () => fillable(STUDENT).values;
const sourceOf = (cell: any) =>
  Array.isArray(cell.source) ? cell.source.join('') : cell.source;
const netID = CHAMELEON_PLACEHOLDERS[0];

describe('checking values', () => {
  it.each([
    [
      'ff524; rm -rf ~',
      'Net ID cannot contain a space or line break: a space or line break would split the command.'
    ],
    [
      'ff524;x',
      'Net ID cannot contain “;”: it would end the command or start another.'
    ],
    [
      'ff$(id)',
      'Net ID cannot contain “$”: the shell would substitute something in its place.'
    ],
    [
      'ff`id`',
      'Net ID cannot contain “`”: the shell would substitute something in its place.'
    ],
    [
      "ff'",
      "Net ID cannot contain “'”: it would change the quoting of the command."
    ],
    ['ff#1', 'Net ID cannot contain “#”: it would start a comment.'],
    [
      'ff*',
      'Net ID cannot contain “*”: the shell would expand it into file names.'
    ],
    [
      'ff|x',
      'Net ID cannot contain “|”: it would end the command or start another.'
    ],
    [
      'ff\nx',
      'Net ID cannot contain a space or line break: a space or line break would split the command.'
    ],
    ['A.B.C.D', 'Net ID cannot contain the placeholder “A.B.C.D”.'],
    ['9lives', '“9lives” is not a valid net id (for example ff524).']
  ])('refuses %p with the reason', (value, message) => {
    expect(checkValue(netID, value, CHAMELEON_PLACEHOLDERS)).toBe(message);
  });

  it('accepts good values and an empty one', () => {
    for (const placeholder of CHAMELEON_PLACEHOLDERS) {
      expect(
        checkValue(placeholder, placeholder.example, CHAMELEON_PLACEHOLDERS)
      ).toBeNull();
      expect(checkValue(placeholder, '', CHAMELEON_PLACEHOLDERS)).toBeNull();
    }
  });

  it.each(['256.1.1.1', '1.2.3', '01.2.3.4.5', 'CHI-12'])(
    'checks the format of IP addresses: %p',
    value => {
      expect(
        checkValue(CHAMELEON_PLACEHOLDERS[2], value, CHAMELEON_PLACEHOLDERS)
      ).not.toBeNull();
    }
  );

  it('fills nothing while any value is invalid', () => {
    const result = fillable({
      ...STUDENT,
      floatingIp: '1.2.3.4; reboot'
    });
    expect(result.values.size).toBe(0);
    expect(result.problems).toHaveLength(1);
  });

  it('leaves tokens with no value as they are', () => {
    const result = fillable({ netID: 'ff524' });
    expect(substitute('ssh cc@A.B.C.D # netID', result.values)).toBe(
      'ssh cc@A.B.C.D # ff524'
    );
  });
});

describe('substitute', () => {
  it('fills tokens inside identifiers, quotes and URLs', () => {
    expect(
      substitute(
        'openstack port create --network private_cloud_net_netID port2_netID\nopenstack server list --name "netID"\ncurl http://A.B.C.D/ && ssh cc@A.B.C.D',
        values()
      )
    ).toBe(
      'openstack port create --network private_cloud_net_ff524 port2_ff524\nopenstack server list --name "ff524"\ncurl http://129.114.25.134/ && ssh cc@129.114.25.134'
    );
  });

  it('prefers the longer of two tokens that start alike', () => {
    const tokens = new Map([
      ['A.B.C.D', '1.1.1.1'],
      ['A.B.C.D.E', 'long']
    ]);
    expect(substitute('A.B.C.D.E and A.B.C.D', tokens)).toBe(
      'long and 1.1.1.1'
    );
  });

  it('never replaces inside a value it has put in', () => {
    const tokens = new Map([
      ['netID', 'ff_netIDx'],
      ['ff', 'BAD']
    ]);
    expect(substitute('netID', tokens)).toBe('ff_netIDx');
  });

  it('counts tokens, with the tokens or a scanner made once for many texts', () => {
    const counted = new Map([
      ['netID', 2],
      ['A.B.C.D', 1]
    ]);
    const tokens = ['netID', 'A.B.C.D'];
    expect(countTokens('netID netID A.B.C.D', tokens)).toEqual(counted);
    const scanner = new TokenScanner(tokens);
    expect(countTokens('netID netID A.B.C.D', scanner)).toEqual(counted);
    expect(countTokens('A.B.C.D', scanner)).toEqual(new Map([['A.B.C.D', 1]]));
  });
});

describe('fill, refill and reset', () => {
  const template =
    'openstack network show private_cloud_net_netID\nssh cc@A.B.C.D';

  it('fills, refills after a value changed, and resets to the exact template', () => {
    const first = planFill(template, undefined, values());
    expect(first).toEqual({
      kind: 'write',
      source:
        'openstack network show private_cloud_net_ff524\nssh cc@129.114.25.134',
      fill: {
        tpl: template,
        out: fingerprint(
          'openstack network show private_cloud_net_ff524\nssh cc@129.114.25.134'
        )
      }
    });
    if (first.kind !== 'write') {
      throw new Error();
    }
    const changed = fillable({
      ...STUDENT,
      floatingIp: '129.114.25.200'
    }).values;
    const refill = planFill(first.source, first.fill!, changed);
    expect(refill.kind === 'write' && refill.source).toBe(
      'openstack network show private_cloud_net_ff524\nssh cc@129.114.25.200'
    );
    if (refill.kind !== 'write') {
      throw new Error();
    }
    expect(
      planReset(refill.source, refill.fill!, CHAMELEON_PLACEHOLDERS)
    ).toEqual({
      kind: 'write',
      source: template,
      fill: null
    });
  });

  it('never overwrites a cell edited by hand after a fill', () => {
    const first = planFill(template, undefined, values());
    if (first.kind !== 'write') {
      throw new Error();
    }
    const edited = `${first.source}\necho my own line`;
    expect(planFill(edited, first.fill!, values())).toEqual({ kind: 'edited' });
    expect(planReset(edited, first.fill!, CHAMELEON_PLACEHOLDERS)).toEqual({
      kind: 'edited'
    });
  });

  it('keeps edits made before the first fill in the template', () => {
    const mine =
      'openstack network show private_cloud_net_netID  # checked twice';
    const plan = planFill(mine, undefined, values());
    expect(plan.kind === 'write' && plan.fill!.tpl).toBe(mine);
  });

  it('leaves a cell without tokens alone and gives back the template when values are cleared', () => {
    expect(planFill('ls -l', undefined, values())).toEqual({
      kind: 'unchanged'
    });
    const first = planFill(template, undefined, values());
    if (first.kind !== 'write') {
      throw new Error();
    }
    expect(
      planFill(first.source, first.fill!, new Map(), CHAMELEON_PLACEHOLDERS)
    ).toEqual({
      kind: 'write',
      source: template,
      fill: null
    });
  });

  it('round-trips every cell of the sample lab exactly', () => {
    for (const file of fs
      .readdirSync(SAMPLE_DIR)
      .filter(f => f.endsWith('.ipynb'))) {
      for (const cell of readNotebook(path.join(SAMPLE_DIR, file)).cells.filter(
        c => c.cell_type === 'code'
      )) {
        const source = sourceOf(cell);
        const plan = planFill(source, undefined, values());
        if (plan.kind === 'write') {
          expect(plan.source).not.toMatch(
            /netID|CHI-XXXXXX|A\.B\.C\.D|10\.56\.X\.Y/
          );
          expect(
            planReset(plan.source, plan.fill!, CHAMELEON_PLACEHOLDERS)
          ).toEqual({
            kind: 'write',
            source,
            fill: null
          });
        }
      }
    }
  });

  (hasReal ? it : it.skip)(
    'fills every token of the real CLI notebook (../shared/fixtures/real)',
    () => {
      const nb = readNotebook(
        path.join(REAL_DIR, 'cloud-chi__2_provision_cli.ipynb')
      );
      const code = nb.cells.filter(c => c.cell_type === 'code').map(sourceOf);
      const before = code.reduce(
        (n, s) => n + (countTokens(s, ['netID']).get('netID') ?? 0),
        0
      );
      expect(before).toBe(19);
      for (const source of code) {
        const plan = planFill(source, undefined, values());
        const filled = plan.kind === 'write' ? plan.source : source;
        expect(filled).not.toMatch(/netID|CHI-XXXXXX/);
        if (plan.kind === 'write') {
          expect(planReset(filled, plan.fill!, CHAMELEON_PLACEHOLDERS)).toEqual(
            {
              kind: 'write',
              source,
              fill: null
            }
          );
        }
      }
    }
  );
});
