/**
 * The recorder writes a run's record with the cell's return to idle, so a run
 * costs JupyterLab no transaction and no notebook change beyond its own. These
 * tests play JupyterLab's part as `CodeCell.execute` and the cell's widget do
 * it (cells/src/widget.ts): the reply arrives, the count is set, the widget
 * sets the state to idle when it sees the count, then `executed` is emitted.
 */
import type { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookActions, NotebookModel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { ExecutionRecorder } from '../../../src/lab/progress/recorder';
import { bigNotebook } from '../../helpers';

function load(): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON(bigNotebook(4));
  return model;
}

/** A kernel connection's signals, as the recorder uses them. */
function fakeKernel() {
  const kernel: any = {};
  kernel.anyMessage = new Signal<any, any>(kernel);
  kernel.disposed = new Signal<any, any>(kernel);
  return kernel;
}

interface IReply {
  status: string;
  ename?: unknown;
  evalue?: unknown;
}

/**
 * One execution of `cell`, JupyterLab's way, from the scheduling to the
 * moment `executed` would be emitted.
 *
 * @returns the transactions and notebook changes from the reply on.
 */
function run(
  model: NotebookModel,
  cell: ICodeCellModel,
  kernel: any,
  reply: IReply,
  requestId = 'request-1',
  repliedTo = requestId
): { transactions: number; changes: number } {
  // The cell's widget, listening since it was created.
  const onState = (_: unknown, args: { name: string; newValue: any }) => {
    if (args.name === 'executionCount' && args.newValue !== null) {
      cell.executionState = 'idle';
    }
  };
  cell.stateChanged.connect(onState);
  (NotebookActions.executionScheduled as Signal<any, any>).emit({
    notebook: { model },
    cell: {
      model: cell,
      outputArea: { future: { msg: { header: { msg_id: requestId } } } }
    }
  });
  cell.sharedModel.transact(() => cell.clearExecution(), false);
  cell.executionState = 'running';
  kernel.anyMessage.emit({
    direction: 'recv',
    msg: {
      header: { msg_type: 'execute_reply' },
      parent_header: { msg_id: repliedTo },
      content: { execution_count: 7, ...reply }
    }
  });
  let transactions = 0;
  let changes = 0;
  const count = () => transactions++;
  const changed = () => changes++;
  const ydoc = (model.sharedModel as any).ydoc;
  ydoc.on('afterTransaction', count);
  model.contentChanged.connect(changed);
  cell.executionCount = 7;
  ydoc.off('afterTransaction', count);
  model.contentChanged.disconnect(changed);
  cell.stateChanged.disconnect(onState);
  return { transactions, changes };
}

function executed(
  model: NotebookModel,
  cell: ICodeCellModel,
  result: { success: boolean; error?: any }
): void {
  (NotebookActions.executed as Signal<any, any>).emit({
    notebook: { model },
    cell: { model: cell },
    ...result
  });
}

describe('ExecutionRecorder at the count', () => {
  let recorder: ExecutionRecorder;
  let kernel: any;
  beforeEach(() => {
    kernel = fakeKernel();
    recorder = new ExecutionRecorder({
      log: null,
      isTracked: () => true,
      kernelOf: () => kernel
    });
  });
  afterEach(() => recorder.dispose());

  it('writes the record with the return to idle: no transaction and no notebook change more than JupyterLab makes', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    const withRecord = run(model, cell, kernel, { status: 'ok' });
    // Written at once: nothing waits for a batch or a save.
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, c: 7 }
    });
    expect(cell.executionState).toBe('idle');

    recorder.dispose();
    const bare = load();
    const without = run(bare, bare.cells.get(1) as ICodeCellModel, kernel, {
      status: 'ok'
    });
    expect(bare.cells.get(1).getMetadata(METADATA_KEY)).toBeUndefined();
    expect(withRecord).toEqual(without);
    expect(without).toEqual({ transactions: 2, changes: 2 });
  });

  it('does not count the run again when executed follows', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    run(model, cell, kernel, { status: 'ok' });
    executed(model, cell, { success: true });
    recorder.flush();
    expect((cell.getMetadata(METADATA_KEY) as any).run.n).toBe(1);
  });

  it('records a failure with its exit status from the reply', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    run(model, cell, kernel, { status: 'error', ename: '', evalue: '2' });
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, error: 'exit 2' }
    });
    executed(model, cell, {
      success: false,
      error: { errorName: '', errorValue: '2' }
    });
    recorder.flush();
    expect((cell.getMetadata(METADATA_KEY) as any).run.n).toBe(1);
  });

  it('does not count an aborted run, at the count or after', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    run(model, cell, kernel, { status: 'aborted' });
    executed(model, cell, { success: false, error: { errorName: undefined } });
    recorder.flush();
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
  });

  it('records at executed when the reply seen answers another request', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    run(model, cell, kernel, { status: 'ok' }, 'request-1', 'request-other');
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    executed(model, cell, { success: true });
    recorder.flush();
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({ run: { n: 1 } });
  });

  it('keeps a bounded number of replies and still records a run whose reply was dropped', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    (NotebookActions.executionScheduled as Signal<any, any>).emit({
      notebook: { model },
      cell: {
        model: cell,
        outputArea: { future: { msg: { header: { msg_id: 'mine' } } } }
      }
    });
    const reply = (id: string) =>
      kernel.anyMessage.emit({
        direction: 'recv',
        msg: {
          header: { msg_type: 'execute_reply' },
          parent_header: { msg_id: id },
          content: { status: 'ok' }
        }
      });
    reply('mine');
    // Another client of the kernel floods it with replies after ours.
    for (let i = 0; i < 1000; i++) {
      reply(`theirs-${i}`);
    }
    cell.executionCount = 3;
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    executed(model, cell, { success: true });
    recorder.flush();
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, c: 3 }
    });
  });

  it('labels a crafted reply safely: names that are not text give a plain label', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    run(model, cell, kernel, {
      status: 'error',
      ename: { toString: () => 'x'.repeat(1e6) },
      evalue: 42
    });
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, error: 'Error' }
    });
  });

  it('ignores counts set outside a run it saw scheduled, and stops observing once executed', () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    cell.executionCount = 5;
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    run(model, cell, kernel, { status: 'ok' });
    executed(model, cell, { success: true });
    // A later count (a collaborator, an undo) is no run.
    cell.executionCount = 9;
    recorder.flush();
    expect((cell.getMetadata(METADATA_KEY) as any).run).toMatchObject({
      n: 1,
      c: 7
    });
  });
});
