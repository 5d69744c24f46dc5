import { runCell } from '@jupyterlab/notebook';
import { CheckingCellExecutor } from '../../../src/lab/placeholders/runcheck';

jest.mock('@jupyterlab/notebook', () => ({
  ...jest.requireActual('@jupyterlab/notebook'),
  runCell: jest.fn(async () => true)
}));

const ran = runCell as jest.Mock;
const cell = (name: string, type = 'code') => ({ name, model: { type } });
const notebook = {};
const start = (executor: CheckingCellExecutor, cells: any[]) =>
  // JupyterLab hands a run-all's cells over one after the other, at once.
  Promise.all(cells.map(c => executor.runCell({ cell: c, notebook } as any)));

describe('the check before cells run', () => {
  beforeEach(() => ran.mockClear());

  it('asks once for all the cells started together, then runs them in order', async () => {
    const executor = new CheckingCellExecutor();
    const approve = jest.fn(async () => true);
    executor.approve = approve;
    const cells = [cell('a'), cell('b'), cell('c')];
    expect(await start(executor, cells)).toEqual([true, true, true]);
    expect(approve).toHaveBeenCalledTimes(1);
    expect((approve.mock.calls[0] as any[])[1]).toEqual(cells);
    expect(ran.mock.calls.map(([options]) => options.cell.name)).toEqual([
      'a',
      'b',
      'c'
    ]);
  });

  it('runs none of them when the student says no', async () => {
    const executor = new CheckingCellExecutor();
    executor.approve = async () => false;
    expect(await start(executor, [cell('a'), cell('b')])).toEqual([
      false,
      false
    ]);
    expect(ran).not.toHaveBeenCalled();
  });

  it('asks again for the next run', async () => {
    const executor = new CheckingCellExecutor();
    const approve = jest.fn(async () => true);
    executor.approve = approve;
    await start(executor, [cell('a')]);
    await start(executor, [cell('b')]);
    expect(approve).toHaveBeenCalledTimes(2);
  });

  it('renders markdown without asking, and runs as usual before it is set up', async () => {
    const executor = new CheckingCellExecutor();
    await start(executor, [cell('a')]);
    expect(ran).toHaveBeenCalledTimes(1);
    const approve = jest.fn(async () => false);
    executor.approve = approve;
    await start(executor, [cell('notes', 'markdown')]);
    expect(approve).not.toHaveBeenCalled();
    expect(ran).toHaveBeenCalledTimes(2);
  });

  it('runs the cells when the check itself fails', async () => {
    const executor = new CheckingCellExecutor();
    executor.approve = async () => {
      throw new Error('broken');
    };
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    expect(await start(executor, [cell('a')])).toEqual([true]);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
