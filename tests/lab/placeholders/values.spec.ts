import { METADATA_KEY } from '../../../src/core/metadata/format';
import { definitionsOf } from '../../../src/core/placeholders/authored';
import { CHAMELEON_PLACEHOLDERS } from '../../../src/core/placeholders/definitions';
import { substitute } from '../../../src/core/placeholders/engine';
import {
  nextUnfilled,
  unfilledCells
} from '../../../src/lab/placeholders/unfilled';
import {
  fillableValues,
  folderOf,
  resolveValues
} from '../../../src/core/placeholders/values';

const MASTER = {
  token: '<master-node-public-ip>',
  field: 'floatingIp',
  label: 'Public IP of the master node',
  example: '3.91.22.10'
};

describe('placeholders an author declares', () => {
  it('adds them to the built-in set, and an author’s token wins', () => {
    const { placeholders, problems } = definitionsOf({
      v: 1,
      placeholders: [
        MASTER,
        { token: 'netID', label: 'Course user name', pattern: 'u[0-9]{4}' }
      ]
    });
    expect(problems).toEqual([]);
    expect(placeholders.map(p => p.token)).toEqual([
      'CHI-XXXXXX',
      'A.B.C.D',
      '10.56.X.Y',
      '<master-node-public-ip>',
      'netID'
    ]);
    const netID = placeholders.find(p => p.token === 'netID')!;
    expect(netID).toMatchObject({
      field: 'netID',
      label: 'Course user name',
      pattern: 'u[0-9]{4}'
    });
    // Fields the author left out come from the built-in definition.
    expect(netID.example).toBe('ff524');
  });

  it.each([
    [{ v: 1, placeholders: 'netID' }, 'are not a list'],
    [{ v: 1, placeholders: [42] }, 'definition 1 is not an object'],
    [{ v: 1, placeholders: [{ label: 'x' }] }, 'definition 1 has no token'],
    [
      { v: 1, placeholders: [{ token: 'X', pattern: '(' }] },
      'not a valid regular expression'
    ],
    [
      { v: 1, placeholders: [{ token: 'X', field: 'a b' }] },
      'not a simple name'
    ],
    [
      { v: 1, placeholders: [{ token: 'X', label: { html: '<b>' } }] },
      '“label” that is not a short text'
    ],
    [{ v: 1, placeholders: [{ token: 'a\nb' }] }, 'spans lines']
  ])('leaves out a broken definition and says why: %j', (record, message) => {
    const { placeholders, problems } = definitionsOf(record);
    expect(problems.join(' ')).toContain(message);
    expect(placeholders).toEqual(CHAMELEON_PLACEHOLDERS);
  });

  it('keeps the good definitions next to a broken one', () => {
    const { placeholders, problems } = definitionsOf({
      v: 1,
      placeholders: [{}, MASTER]
    });
    expect(problems).toHaveLength(1);
    expect(placeholders.map(p => p.token)).toContain(MASTER.token);
  });

  it('uses the built-in set for a record of a later version or none', () => {
    expect(definitionsOf({ v: 2, placeholders: [MASTER] }).placeholders).toBe(
      CHAMELEON_PLACEHOLDERS
    );
    expect(definitionsOf(undefined).placeholders).toBe(CHAMELEON_PLACEHOLDERS);
    expect(METADATA_KEY).toBe('jupyterlab-testbed');
  });

  it('fills an author token with the field it shares with a built-in one', () => {
    const { placeholders } = definitionsOf({ v: 1, placeholders: [MASTER] });
    const { values } = fillableValues(
      resolveValues(
        placeholders,
        { values: { floatingIp: '3.91.22.10' }, folders: {} },
        {},
        'aws/kubeadm.ipynb'
      )
    );
    expect(
      substitute(
        'ssh -i k.pem ubuntu@<master-node-public-ip> # A.B.C.D',
        values
      )
    ).toBe('ssh -i k.pem ubuntu@3.91.22.10 # 3.91.22.10');
  });

  it('checks a value against the author’s pattern', () => {
    const { placeholders } = definitionsOf({
      v: 1,
      placeholders: [{ token: 'NODE_COUNT', pattern: '[1-9]', label: 'Nodes' }]
    });
    const resolved = resolveValues(
      placeholders,
      { values: { NODE_COUNT: '12' }, folders: {} },
      {},
      'lab.ipynb'
    );
    expect(fillableValues(resolved).problems[0]).toMatch(
      /^“12” is not a valid nodes/
    );
  });
});

describe('where a value comes from', () => {
  const stored = {
    values: { netID: 'ff524', floatingIp: '129.114.25.134' },
    folders: {
      labs: { floatingIp: '129.114.25.200' },
      'labs/k8s': { floatingIp: '129.114.25.201' }
    }
  };
  const resolve = (path: string, server = {}) =>
    resolveValues(CHAMELEON_PLACEHOLDERS, stored, server, path);
  const ip = (path: string) =>
    resolve(path).find(r => r.placeholder.field === 'floatingIp')!;

  it('takes the nearest lab folder’s override, else the student’s own', () => {
    expect(ip('labs/k8s/part2/lab.ipynb')).toMatchObject({
      value: '129.114.25.201',
      source: 'folder',
      folder: 'labs/k8s'
    });
    expect(ip('labs/intro.ipynb')).toMatchObject({
      value: '129.114.25.200',
      folder: 'labs'
    });
    expect(ip('other/lab.ipynb')).toMatchObject({
      value: '129.114.25.134',
      source: 'user'
    });
    expect(folderOf('lab.ipynb')).toBe('');
  });

  it('offers the server’s value only when the student has none and it is valid', () => {
    const project = (server: { [field: string]: string }, own?: string) =>
      resolveValues(
        CHAMELEON_PLACEHOLDERS,
        { values: own ? { project: own } : {}, folders: {} },
        server,
        'lab.ipynb'
      ).find(r => r.placeholder.field === 'project')!;
    expect(project({ project: 'CHI-231095' })).toMatchObject({
      value: 'CHI-231095',
      source: 'server'
    });
    expect(project({ project: 'CHI-231095' }, 'CHI-1')).toMatchObject({
      value: 'CHI-1',
      source: 'user'
    });
    expect(project({ project: 'my project; rm -rf' })).toMatchObject({
      value: '',
      source: null,
      problem: null
    });
  });

  it('fills nothing while one value is invalid, and names it once', () => {
    const resolved = resolveValues(
      CHAMELEON_PLACEHOLDERS,
      { values: { netID: 'ff524', floatingIp: '1.2.3' }, folders: {} },
      {},
      'lab.ipynb'
    );
    const { values, problems } = fillableValues(resolved);
    expect(values.size).toBe(0);
    expect(problems).toEqual([
      '“1.2.3” is not a valid floating ip of node1 (for example 129.114.25.134).'
    ]);
  });
});

describe('unfilled placeholders', () => {
  const sources = [
    { index: 2, source: 'openstack port create port1_netID' },
    { index: 5, source: 'echo nothing here' },
    { index: 7, source: 'ssh cc@A.B.C.D # netID' },
    { index: 9, source: 'openstack server list | grep netID' }
  ];
  const tokens = CHAMELEON_PLACEHOLDERS.map(p => p.token);

  it('counts the cells holding each token', () => {
    const cells = unfilledCells(sources, tokens);
    expect(cells.get('netID')).toEqual([2, 7, 9]);
    expect(cells.get('A.B.C.D')).toEqual([7]);
    expect(cells.has('CHI-XXXXXX')).toBe(false);
  });

  it('goes to the next cell after the active one, then from the top', () => {
    const cells = unfilledCells(sources, tokens);
    expect(nextUnfilled(cells, 0)).toBe(2);
    expect(nextUnfilled(cells, 2)).toBe(7);
    expect(nextUnfilled(cells, 7, 'netID')).toBe(9);
    expect(nextUnfilled(cells, 9, 'netID')).toBe(2);
    expect(nextUnfilled(cells, 7, 'A.B.C.D')).toBe(7);
    expect(nextUnfilled(new Map(), 3)).toBeNull();
  });
});
