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
import * as Y from 'yjs';
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

/** A code cell's widget as `NotebookActions` names it: the request sent. */
function cellWidget(cell: ICodeCellModel, requestId: string) {
  const widget: any = {
    model: cell,
    outputArea: { future: { msg: { header: { msg_id: requestId } } } }
  };
  widget.disposed = new Signal<any, void>(widget);
  return widget;
}

function schedule(model: NotebookModel, widget: any): void {
  (NotebookActions.executionScheduled as Signal<any, any>).emit({
    notebook: { model },
    cell: widget
  });
}

function reply(kernel: any, requestId: string, content: object): void {
  kernel.anyMessage.emit({
    direction: 'recv',
    msg: {
      header: { msg_type: 'execute_reply' },
      parent_header: { msg_id: requestId },
      content
    }
  });
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
  result: IReply,
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
  schedule(model, cellWidget(cell, requestId));
  cell.sharedModel.transact(() => cell.clearExecution(), false);
  cell.executionState = 'running';
  reply(kernel, repliedTo, { execution_count: 7, ...result });
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

  it('keeps the newest replies only, and still records a run whose reply was dropped', () => {
    const model = load();
    const [first, second] = [1, 2].map(
      i => model.cells.get(i) as ICodeCellModel
    );
    schedule(model, cellWidget(first, 'oldest'));
    schedule(model, cellWidget(second, 'newest'));
    reply(kernel, 'oldest', { status: 'ok', execution_count: 3 });
    // Replies never taken (requests aborted or sent by another extension).
    for (let i = 0; i < 1000; i++) {
      reply(kernel, `untaken-${i}`, { status: 'ok', execution_count: i });
    }
    reply(kernel, 'newest', { status: 'ok', execution_count: 4 });
    first.executionCount = 3;
    second.executionCount = 4;
    expect(first.getMetadata(METADATA_KEY)).toBeUndefined();
    expect(second.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, c: 4 }
    });
    executed(model, first, { success: true });
    executed(model, second, { success: true });
    recorder.flush();
    expect(first.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, c: 3 }
    });
    expect((second.getMetadata(METADATA_KEY) as any).run.n).toBe(1);
  });

  it("takes no count for the run's end but this page's, equal to the reply's", () => {
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    schedule(model, cellWidget(cell, 'request-1'));
    reply(kernel, 'request-1', { status: 'ok', execution_count: 7 });
    // A collaborator's count arrives first, as an update from elsewhere.
    const ydoc = (model.sharedModel as any).ydoc as Y.Doc;
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(ydoc));
    const before = Y.encodeStateVector(elsewhere);
    (elsewhere.getArray('cells').get(1) as Y.Map<any>).set(
      'execution_count',
      7
    );
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(elsewhere, before));
    expect(cell.executionCount).toBe(7);
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    // And a count that is not the reply's is not its end either.
    cell.executionCount = 8;
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    executed(model, cell, { success: true });
    recorder.flush();
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1, c: 8 }
    });
  });

  it('drops a run that never ended when the cell is scheduled again, even untracked', () => {
    let tracked = true;
    recorder.dispose();
    recorder = new ExecutionRecorder({
      log: null,
      isTracked: () => tracked,
      kernelOf: () => kernel
    });
    const model = load();
    const cell = model.cells.get(1) as ICodeCellModel;
    // Cancelled by a kernel restart: no count, no executed.
    schedule(model, cellWidget(cell, 'cancelled'));
    tracked = false;
    schedule(model, cellWidget(cell, 'untracked'));
    reply(kernel, 'untracked', { status: 'ok', execution_count: 1 });
    cell.executionCount = 1;
    executed(model, cell, { success: true });
    recorder.flush();
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
  });

  it('stops observing a cell when its run ends, when its widget goes and when the recorder goes', () => {
    const model = load();
    const cells = [1, 2, 3].map(i => model.cells.get(i) as ICodeCellModel);
    const unobserved = cells.map(cell =>
      jest.spyOn((cell.sharedModel as any).ymodel, 'unobserve')
    );
    const widgets = cells.map((cell, i) => cellWidget(cell, `request-${i}`));
    widgets.forEach(widget => schedule(model, widget));

    executed(model, cells[0], { success: true });
    expect(unobserved.map(spy => spy.mock.calls.length)).toEqual([1, 0, 0]);

    // The cell deleted or its view closed: its count is no run's end.
    widgets[1].disposed.emit();
    expect(unobserved.map(spy => spy.mock.calls.length)).toEqual([1, 1, 0]);
    reply(kernel, 'request-1', { status: 'ok', execution_count: 2 });
    cells[1].executionCount = 2;
    expect(cells[1].getMetadata(METADATA_KEY)).toBeUndefined();

    recorder.dispose();
    expect(unobserved.map(spy => spy.mock.calls.length)).toEqual([1, 1, 1]);
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
