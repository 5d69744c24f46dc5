import { showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { MarkdownCellModel } from '@jupyterlab/cells';
import { nullTranslator } from '@jupyterlab/translation';
import { editCheck } from '../../../src/lab/authoring/checkeditor';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import type { IStep } from '../../../src/core/progress/outline';

jest.mock('@jupyterlab/apputils', () => ({
  ...jest.requireActual('@jupyterlab/apputils'),
  showDialog: jest.fn(),
  showErrorMessage: jest.fn()
}));

const trans = nullTranslator.load('jupyterlab_testbed');
const step = {
  key: 'c1/b1',
  kind: 'block',
  cellId: 'c1',
  tickKey: 'b1',
  label: 'touch ~/done'
} as IStep;

/** The author types a command into the dialog and presses a button. */
function answer(button: { accept: boolean; actions?: string[] }, cmd = '') {
  (showDialog as jest.Mock).mockImplementationOnce(async ({ body }) => {
    if (cmd) {
      const area = body.node.querySelector('textarea') as HTMLTextAreaElement;
      area.value = cmd;
    }
    return { button: { actions: [], ...button } };
  });
}

function task(record: object | undefined, writable = true) {
  const cell = new MarkdownCellModel();
  if (record) {
    cell.setMetadata(METADATA_KEY, record as any);
  }
  return {
    trans,
    cell,
    steps: [step],
    nodes: ['node1', 'node2'],
    writable: () => writable
  };
}

describe('editCheck', () => {
  afterEach(() => jest.clearAllMocks());

  it('stores the check typed on the step, keeping the cell’s ticks', async () => {
    const ticks = { b1: { at: '2026-12-02T10:00:00Z', via: 'node1' } };
    const t = task({ v: 1, ticks });
    answer({ accept: true }, 'test -f ~/done');
    await editCheck(t);
    expect(t.cell.getMetadata(METADATA_KEY)).toEqual({
      v: 1,
      ticks,
      checks: { b1: { cmd: 'test -f ~/done', on: 'node1' } }
    });
  });

  it('asks again, with the text kept, when Save is pressed with a problem', async () => {
    const t = task(undefined);
    answer({ accept: true }, '   ');
    (showDialog as jest.Mock).mockImplementationOnce(async ({ body }) => {
      expect(
        body.node.querySelector('.jp-testbed-CheckEditor-problem').textContent
      ).toBe('Write the command that proves the step worked.');
      return { button: { accept: false, actions: [] } };
    });
    await editCheck(t);
    expect(showDialog).toHaveBeenCalledTimes(2);
    expect(t.cell.getMetadata(METADATA_KEY)).toBeUndefined();
  });

  it('refuses a check the format would not read back, leaving the cell as it was', async () => {
    const checks: { [key: string]: object } = {};
    for (let i = 0; i < 50; i++) {
      checks[`k${i}`] = { cmd: 'true', on: 'node1' };
    }
    const t = task({ v: 1, checks });
    const before = JSON.stringify(t.cell.getMetadata(METADATA_KEY));
    answer({ accept: true }, 'test -f ~/done');
    await editCheck(t);
    expect(showErrorMessage).toHaveBeenCalledWith(
      'Cannot store this check',
      expect.stringContaining('more than 50')
    );
    expect(JSON.stringify(t.cell.getMetadata(METADATA_KEY))).toBe(before);
  });

  it('changes nothing in a notebook that went to grading while the dialog was open', async () => {
    const t = task(undefined, false);
    answer({ accept: true }, 'test -f ~/done');
    await editCheck(t);
    expect(showErrorMessage).toHaveBeenCalledWith(
      'Cannot store this check',
      expect.stringContaining('open for grading')
    );
    expect(t.cell.getMetadata(METADATA_KEY)).toBeUndefined();
  });

  it('offers to remove a check whose step is gone', async () => {
    const t = task({ v: 1, checks: { old: { cmd: 'ls', on: 'node2' } } });
    answer({ accept: true });
    await editCheck({ ...t, key: 'old' });
    expect((showDialog as jest.Mock).mock.calls[0][0].body).toContain(
      'node2: ls'
    );
    expect(t.cell.getMetadata(METADATA_KEY)).toBeUndefined();
  });
});
