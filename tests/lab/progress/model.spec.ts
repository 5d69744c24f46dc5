import { NotebookActions, NotebookModel } from '@jupyterlab/notebook';
import type { ICellModel } from '@jupyterlab/cells';
import { Signal } from '@lumino/signaling';
import * as path from 'path';
import { checkVersion } from '../../../src/core/checks/status';
import { METADATA_KEY, withCheck } from '../../../src/core/metadata/format';
import { ProgressModel } from '../../../src/lab/progress/model';
import { EventLog } from '../../../src/lab/progress/log';
import { ExecutionRecorder } from '../../../src/lab/progress/recorder';
import { recordRun } from '../../../src/lab/progress/records';
import {
  bigNotebook,
  markRan,
  OPTIONS,
  progressOf,
  readNotebook,
  SAMPLE_DIR
} from '../../helpers';

function load(content: any): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON(content);
  return model;
}

/** Save and open again, as a file round trip does. */
function reload(model: NotebookModel): NotebookModel {
  return load(JSON.parse(JSON.stringify(model.toJSON())));
}

/** What JupyterLab's executor announces around one run. */
function execute(
  model: NotebookModel,
  cell: ICellModel,
  result: { success: boolean; error?: any },
  recorder: ExecutionRecorder | null
) {
  const notebook = { model };
  (NotebookActions.executionScheduled as Signal<any, any>).emit({
    notebook,
    cell: { model: cell }
  });
  (NotebookActions.executed as Signal<any, any>).emit({
    notebook,
    cell: { model: cell },
    ...result
  });
  // Records wait for their batch; as a save would, write them now.
  recorder?.flush();
}

const codeIndex = (model: NotebookModel, n: number) => {
  let seen = -1;
  for (let i = 0; i < model.cells.length; i++) {
    if (model.cells.get(i).type === 'code' && ++seen === n) {
      return i;
    }
  }
  throw new Error('no such code cell');
};

describe('ExecutionRecorder', () => {
  let recorder: ExecutionRecorder;
  let log: EventLog;
  let tracked = true;
  let clock = 0;
  beforeEach(() => {
    tracked = true;
    clock = Date.parse('2026-11-23T10:00:00Z');
    log = new EventLog({ limit: () => 100, delay: 60000 });
    recorder = new ExecutionRecorder({
      log,
      isTracked: () => tracked,
      now: () => new Date(clock)
    });
  });
  afterEach(() => {
    recorder.dispose();
    log.dispose();
  });

  it('records a success and a failure with the error name, in the cell and the log', () => {
    const model = load(
      readNotebook(path.join(SAMPLE_DIR, '1_provision_cli.ipynb'))
    );
    const first = model.cells.get(codeIndex(model, 0));
    const second = model.cells.get(codeIndex(model, 1));
    execute(model, first, { success: true }, recorder);
    clock += 1500;
    execute(
      model,
      second,
      {
        success: false,
        error: { errorName: '', errorValue: '1' }
      },
      recorder
    );
    expect(first.getMetadata(METADATA_KEY)).toMatchObject({
      v: 1,
      run: { n: 1 }
    });
    expect(second.getMetadata(METADATA_KEY)).toMatchObject({
      v: 1,
      run: { n: 1, error: 'exit 1' }
    });
    // The log is written in one batch, not once per run.
    expect(model.getMetadata(METADATA_KEY)).toBeUndefined();
    log.flush();
    const entries = (model.getMetadata(METADATA_KEY) as any).log;
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatch(
      /^2026-11-23T10:00:01Z error:exit_1 [0-9a-f]{8}$/
    );
  });

  it('writes the records of runs that end together in one transaction, with their own times, within the delay', () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    const batched = new ExecutionRecorder({
      log: null,
      isTracked: () => true,
      now: () => new Date(clock),
      delay: 100
    });
    try {
      const model = load(bigNotebook(6));
      const cells = [1, 3, 5].map(i => model.cells.get(i));
      let transactions = 0;
      (model.sharedModel as any).ydoc.on(
        'afterTransaction',
        () => transactions++
      );
      // Only this recorder listens.
      recorder.dispose();
      for (const cell of cells) {
        clock += 2000;
        execute(model, cell, { success: true }, null);
      }
      expect(cells.map(c => c.getMetadata(METADATA_KEY))).toEqual([
        undefined,
        undefined,
        undefined
      ]);
      jest.advanceTimersByTime(100);
      expect(transactions).toBe(1);
      expect(
        cells.map(c => (c.getMetadata(METADATA_KEY) as any).run.last)
      ).toEqual([
        '2026-11-23T10:00:02Z',
        '2026-11-23T10:00:04Z',
        '2026-11-23T10:00:06Z'
      ]);
    } finally {
      batched.dispose();
      jest.useRealTimers();
    }
  });

  it('writes a run that waits when asked, as before a save', () => {
    const model = load(bigNotebook(3));
    const cell = model.cells.get(1);
    execute(model, cell, { success: true }, null);
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    recorder.flush(model);
    expect(cell.getMetadata(METADATA_KEY)).toMatchObject({ run: { n: 1 } });
  });

  it('drops log events rather than write over an unreadable notebook record', () => {
    const model = load(bigNotebook(3));
    model.setMetadata(METADATA_KEY, 'not ours' as any);
    execute(model, model.cells.get(1), { success: true }, recorder);
    log.flush();
    expect(model.getMetadata(METADATA_KEY)).toBe('not ours');
    expect(model.cells.get(1).getMetadata(METADATA_KEY)).toMatchObject({
      run: { n: 1 }
    });
  });

  it('does not count a cell aborted by an earlier error as run', () => {
    const model = load(bigNotebook(3));
    const cell = model.cells.get(1);
    execute(
      model,
      cell,
      { success: false, error: { errorName: undefined } },
      recorder
    );
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
  });

  it('records nothing while tracking is off', () => {
    tracked = false;
    const model = load(bigNotebook(3));
    execute(model, model.cells.get(1), { success: true }, recorder);
    expect(model.cells.get(1).getMetadata(METADATA_KEY)).toBeUndefined();
    expect(model.getMetadata(METADATA_KEY)).toBeUndefined();
  });

  it('fingerprints the source as scheduled, not as edited while it queued', () => {
    const model = load(bigNotebook(3));
    const cell = model.cells.get(1);
    (NotebookActions.executionScheduled as Signal<any, any>).emit({
      notebook: { model },
      cell: { model: cell }
    });
    cell.sharedModel.setSource('echo typed while queued');
    (NotebookActions.executed as Signal<any, any>).emit({
      notebook: { model },
      cell: { model: cell },
      success: true
    });
    recorder.flush();
    const p = progressOf(model);
    expect(p.outline!.steps[0].status).toBe('changed');
    p.dispose();
  });

  it('leaves a corrupt record exactly as it was', () => {
    const model = load(bigNotebook(3));
    const cell = model.cells.get(1);
    cell.setMetadata(METADATA_KEY, { v: 1, run: 'hand-edited' } as any);
    execute(model, cell, { success: true }, recorder);
    expect(cell.getMetadata(METADATA_KEY)).toEqual({
      v: 1,
      run: 'hand-edited'
    });
  });

  it('is not an undo step of the student', () => {
    const model = load(bigNotebook(3));
    const cell = model.cells.get(1);
    cell.sharedModel.setSource('echo mine');
    (cell.sharedModel as any).undoManager?.stopCapturing();
    execute(model, cell, { success: true }, recorder);
    cell.sharedModel.undo();
    expect(cell.sharedModel.getSource()).toBe('echo step 1');
    expect(cell.getMetadata(METADATA_KEY)).toBeDefined();
  });
});

describe('ProgressModel', () => {
  it('announces one changed step per run, without rebuilding', () => {
    // 2,000 cells is the in-browser benchmark's case; loading them into a
    // model under jsdom alone takes 15 s.
    const model = load(bigNotebook(300));
    const p = progressOf(model);
    const rebuilt = jest.fn();
    const changed = jest.fn();
    p.outlineChanged.connect(rebuilt);
    p.stepsChanged.connect(changed);
    const cell = model.cells.get(234);
    markRan(model, cell);
    expect(rebuilt).not.toHaveBeenCalled();
    expect(changed).toHaveBeenCalledTimes(1);
    expect(
      changed.mock.calls[0][1].map((s: any) => [s.cellIndex, s.status])
    ).toEqual([[234, 'ok']]);
    expect(p.outline!.done).toBe(1);
    expect(p.outline!.sections[23].done).toBe(1);
    p.dispose();
  });

  it('keeps records on their cells through save, reload and moves in a 4.4 notebook without ids', () => {
    const content = readNotebook(
      path.join(SAMPLE_DIR, '1_provision_cli.ipynb')
    );
    expect(content.nbformat_minor).toBe(4);
    expect(content.cells.some(c => 'id' in c)).toBe(false);
    const model = load(content);
    const recorder = new ExecutionRecorder({
      log: null,
      isTracked: () => true
    });
    const target = codeIndex(model, 2);
    const source = model.cells.get(target).sharedModel.getSource();
    execute(model, model.cells.get(target), { success: true }, recorder);
    recorder.dispose();

    const saved = model.toJSON();
    expect(saved.cells.some(c => 'id' in c)).toBe(false);
    let reopened = reload(model);
    reopened.sharedModel.moveCell(target, 0);
    reopened = reload(reopened);
    expect(reopened.cells.get(0).sharedModel.getSource()).toBe(source);
    const p = progressOf(reopened);
    const step = p.outline!.steps.find(s => s.cellIndex === 0)!;
    expect(step.status).toBe('ok');
    expect(p.outline!.done).toBe(1);
    p.dispose();
  });

  it('ticks a block and keeps the tick when the prose around it changes', async () => {
    const model = load(
      readNotebook(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb'))
    );
    const p = progressOf(model);
    const block = p.outline!.steps.find(s => s.kind === 'block')!;
    expect(p.setTicked(block, true)).toBe(true);
    expect(p.outline!.steps[block.index].status).toBe('ticked');
    const cell = model.cells.get(block.cellIndex);
    cell.sharedModel.setSource(
      `Added a sentence at the top.\n\n${cell.sharedModel.getSource()}`
    );
    await new Promise(resolve => setTimeout(resolve, 10));
    const after = p.outline!.steps.find(s => s.key === block.key)!;
    expect(after.status).toBe('ticked');
    expect(p.outline!.done).toBe(1);
    p.dispose();
  });

  it('leaves nothing of ours on a cell once its only tick is taken back', () => {
    const model = load(
      readNotebook(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb'))
    );
    const p = progressOf(model);
    const block = p.outline!.steps.find(s => s.kind === 'block')!;
    const cell = model.cells.get(block.cellIndex);
    p.setTicked(block, true);
    p.setTicked(p.outline!.steps[block.index], false);
    expect(cell.getMetadata(METADATA_KEY)).toBeUndefined();
    p.dispose();
  });

  it('refuses to tick over an unreadable record and changes nothing', () => {
    const model = load(readNotebook(path.join(SAMPLE_DIR, '0_intro.ipynb')));
    const p = progressOf(model);
    const manual = p.outline!.steps.find(s => s.kind === 'manual')!;
    const cell = model.cells.get(manual.cellIndex);
    const garbage = { v: 1, step: 'manual', ticks: { cell: 'yesterday' } };
    cell.setMetadata(METADATA_KEY, garbage as any);
    expect(p.setTicked(manual, true)).toBe(false);
    expect(cell.getMetadata(METADATA_KEY)).toEqual(garbage);
    expect(p.outline!.issues).toHaveLength(1);
    p.dispose();
  });

  describe('recordCheck', () => {
    const check = { cmd: 'systemctl is-active nginx', on: 'node1' };
    const result = {
      at: '2026-12-02T05:00:09Z',
      r: 'pass' as const,
      ver: checkVersion(check)
    };
    let log: EventLog;
    beforeEach(() => {
      log = new EventLog({ limit: () => 100, delay: 60000 });
    });
    afterEach(() => log.dispose());

    /** A notebook whose first code cell declares `check`, and its progress. */
    function checked() {
      const model = load(bigNotebook(3));
      const cell = model.cells.get(1);
      cell.setMetadata(METADATA_KEY, withCheck(null, 'cell', check) as any);
      const p = new ProgressModel({
        model,
        outlineOptions: () => OPTIONS,
        log,
        rebuildDelay: 0
      });
      p.isActive = true;
      return { model, cell, p };
    }

    it('records the result in the cell, and in the log as check:<outcome> with the check’s version', () => {
      const { model, cell, p } = checked();
      expect(p.recordCheck(cell.id, 'cell', result)).toBe(true);
      expect(cell.getMetadata(METADATA_KEY)).toEqual({
        v: 1,
        checks: { cell: check },
        chk: { cell: result }
      });
      expect(p.outline!.steps[0].checked).toEqual({
        state: 'checked',
        result
      });
      log.flush();
      expect((model.getMetadata(METADATA_KEY) as any).log).toEqual([
        `2026-12-02T05:00:09Z check:pass ${result.ver}`
      ]);
      expect(
        p.recordCheck(cell.id, 'cell', { ...result, r: 'fail', x: 3 })
      ).toBe(true);
      log.flush();
      expect((model.getMetadata(METADATA_KEY) as any).log[1]).toBe(
        `2026-12-02T05:00:09Z check:fail ${result.ver}`
      );
      p.dispose();
    });

    it('changes nothing, in the cell or the log, over an unreadable record or for a cell gone', () => {
      const { model, cell, p } = checked();
      const garbage = { v: 1, checks: { cell: check }, chk: 'passed' };
      cell.setMetadata(METADATA_KEY, garbage as any);
      expect(p.recordCheck(cell.id, 'cell', result)).toBe(false);
      expect(p.recordCheck('gone', 'cell', result)).toBe(false);
      log.flush();
      expect(cell.getMetadata(METADATA_KEY)).toEqual(garbage);
      expect(model.getMetadata(METADATA_KEY)).toBeUndefined();
      p.dispose();
    });
  });

  it('does no work while inactive and catches up when shown', () => {
    const model = load(bigNotebook(50));
    const p = new ProgressModel({
      model,
      outlineOptions: () => OPTIONS,
      log: null
    });
    const changed = jest.fn();
    p.outlineChanged.connect(changed);
    recordRun(
      model,
      model.cells.get(1),
      { start: new Date(), end: new Date(), ok: true, src: 'x' },
      null
    );
    expect(p.outline).toBeNull();
    expect(changed).not.toHaveBeenCalled();
    p.isActive = true;
    expect(changed).toHaveBeenCalledTimes(1);
    expect(p.outline!.steps[0].status).toBe('changed');
    p.dispose();
  });

  it('is disposed quietly after the notebook closed its model', () => {
    const model = load(bigNotebook(5));
    const p = new ProgressModel({
      model,
      outlineOptions: () => OPTIONS,
      log: null
    });
    model.dispose();
    expect(() => p.dispose()).not.toThrow();
    expect(p.isDisposed).toBe(true);
  });
});

describe('size of the record', () => {
  const bytes = (model: NotebookModel) =>
    JSON.stringify(model.toJSON(), null, 1).length;

  it('adds under 200 bytes per executed cell and stays bounded after 1,000 runs', () => {
    const model = load(bigNotebook(500));
    const before = bytes(model);
    const log = new EventLog({ limit: () => 100, delay: 60000 });
    const recorder = new ExecutionRecorder({ log, isTracked: () => true });
    let executed = 0;
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      if (cell.type === 'code') {
        execute(model, cell, { success: true }, recorder);
        executed++;
      }
    }
    log.flush();
    const perCell = (bytes(model) - before) / executed;
    expect(perCell).toBeLessThan(200);
    const rerun = (times: number) => {
      for (let round = 0; round < times; round++) {
        execute(
          model,
          model.cells.get(1),
          {
            success: round % 2 === 0,
            error: { errorName: 'CalledProcessError' }
          },
          recorder
        );
      }
    };
    rerun(1000);
    log.flush();
    const after1000 = bytes(model);
    rerun(1000);
    log.flush();
    // The log stays at its cap; only the run counter gains a digit.
    expect(bytes(model) - after1000).toBeLessThanOrEqual(1);
    recorder.dispose();
    log.dispose();
  });
});
