import {
  checkPlaces,
  draftOf,
  ICheckDraft,
  readDraft
} from '../../../src/core/checks/draft';
import { checkDeclarationProblem } from '../../../src/core/metadata/format';

const trans = {
  __: (msgid: string, ...args: any[]) =>
    msgid.replace(/%(\d)/g, (_, n) => String(args[Number(n) - 1])),
  _n: (msgid: string) => msgid
};
const nodes = ['node1', 'node2', 'node3'];
const draft = (fields: Partial<ICheckDraft>): ICheckDraft => ({
  cmd: 'systemctl is-active nginx',
  on: 'node1',
  timeout: '',
  hint: '',
  par: false,
  ...fields
});

describe('the check editor’s fields', () => {
  it('make the smallest declaration: defaults are left out', () => {
    expect(readDraft(draft({ timeout: '30' }), nodes, trans)).toEqual({
      ok: true,
      check: { cmd: 'systemctl is-active nginx', on: 'node1' }
    });
    const full = readDraft(
      draft({
        cmd: '  docker ps | grep web\r\n',
        on: 'all',
        timeout: ' 12 ',
        hint: ' Is it running? Try docker ps ',
        par: true
      }),
      nodes,
      trans
    );
    expect(full).toEqual({
      ok: true,
      check: {
        cmd: 'docker ps | grep web',
        on: 'all',
        t: 12,
        hint: 'Is it running? Try docker ps',
        par: true
      }
    });
    expect(full.ok && checkDeclarationProblem(full.check)).toBe(null);
  });

  it('name each field that cannot be stored, and store nothing', () => {
    const read = readDraft(
      draft({
        cmd: ' \n ',
        on: 'node9',
        timeout: '2.5',
        hint: 'x'.repeat(301)
      }),
      nodes,
      trans
    );
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toEqual({
      cmd: 'Write the command that proves the step worked.',
      on: '“node9” is not a node of this lab (node1, node2, node3): choose where the check runs.',
      timeout:
        'The timeout is a whole number of seconds from 1 to 300 (blank: 30).',
      hint: 'The hint is 301 characters long; at most 300.'
    });
    for (const timeout of ['0', '301', '-1', '1e2', 'ten']) {
      expect(readDraft(draft({ timeout }), nodes, trans)).toMatchObject({
        ok: false,
        problems: { timeout: expect.any(String) }
      });
    }
    expect(
      readDraft(draft({ cmd: 'x'.repeat(2001) }), nodes, trans)
    ).toMatchObject({
      ok: false,
      problems: { cmd: expect.stringContaining('2001') }
    });
    // Half of a UTF-16 pair: the server could not send it to a node.
    expect(
      readDraft(draft({ cmd: 'echo \ud800' }), nodes, trans)
    ).toMatchObject({
      ok: false,
      problems: { cmd: expect.stringContaining('lone surrogate') }
    });
    expect(readDraft(draft({ cmd: 'echo 😀' }), nodes, trans).ok).toBe(true);
    expect(readDraft(draft({ cmd: 'a\0b' }), nodes, trans)).toMatchObject({
      ok: false,
      problems: { cmd: 'The command holds a NUL character.' }
    });
  });

  it('let a check run every node or on the Jupyter side, even with no nodes', () => {
    expect(readDraft(draft({ on: 'jupyter' }), [], trans).ok).toBe(true);
    expect(readDraft(draft({ on: 'all' }), nodes, trans).ok).toBe(true);
    expect(readDraft(draft({ on: 'node1' }), [], trans)).toMatchObject({
      ok: false,
      problems: { on: expect.stringContaining('names none') }
    });
  });

  it('open as the check is declared, a new one on the lab’s first node', () => {
    expect(draftOf(undefined, nodes)).toEqual(draft({ cmd: '' }));
    expect(draftOf(undefined, [])).toMatchObject({ on: 'jupyter' });
    expect(
      draftOf({ cmd: 'true', on: 'node2', t: 5, hint: 'h', par: true }, nodes)
    ).toEqual({ cmd: 'true', on: 'node2', timeout: '5', hint: 'h', par: true });
  });

  it('offer the lab’s places, and keep a check’s own place when it is none of them', () => {
    expect(checkPlaces(nodes)).toEqual([...nodes, 'all', 'jupyter']);
    expect(checkPlaces(['node1', 'node1'], 'gpu')).toEqual([
      'node1',
      'all',
      'jupyter',
      'gpu'
    ]);
    // Kept in the list, but still refused when saved.
    expect(readDraft(draft({ on: 'gpu' }), ['node1'], trans).ok).toBe(false);
  });
});
