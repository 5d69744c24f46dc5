/**
 * Every write of progress into a live notebook goes through here, so the
 * rules hold in one place: a record that cannot be read is never written
 * over, and our writes are not undo steps of the student's editing.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import { storeRecord, writableRecord } from '../metadata/cell';
import {
  ICellRecord,
  ITick,
  withRun,
  withTick
} from '../../core/metadata/format';
import type { EventLog, ILogEvent } from './log';

/**
 * Apply `update` to a cell's record and queue the event for the notebook's log.
 *
 * @returns false, changing nothing, when the cell's record is unreadable.
 */
function updateRecord(
  notebook: INotebookModel,
  cell: ICellModel,
  update: (record: ICellRecord | null) => ICellRecord,
  event: ILogEvent,
  log: EventLog | null
): boolean {
  const record = writableRecord(cell);
  if (record === undefined) {
    return false;
  }
  cell.sharedModel.transact(() => storeRecord(cell, update(record)), false);
  log?.add(notebook, event);
  return true;
}

/**
 * Count one run of a code cell.
 */
export function recordRun(
  notebook: INotebookModel,
  cell: ICellModel,
  run: {
    start: Date;
    end: Date;
    ok: boolean;
    error?: string;
    src: string;
    count?: number | null;
  },
  log: EventLog | null
): boolean {
  return updateRecord(
    notebook,
    cell,
    record =>
      withRun(record, {
        start: run.start,
        ms: run.end.getTime() - run.start.getTime(),
        ok: run.ok,
        error: run.error,
        src: run.src,
        count: run.count
      }),
    {
      at: run.end,
      result: run.ok ? 'ok' : `error:${run.error ?? 'Error'}`,
      ref: run.src
    },
    log
  );
}

/**
 * Tick (or untick, with a null tick) a step of a markdown cell.
 */
export function recordTick(
  notebook: INotebookModel,
  cell: ICellModel,
  key: string,
  tick: ITick | null,
  log: EventLog | null
): boolean {
  return updateRecord(
    notebook,
    cell,
    record => withTick(record, key, tick),
    {
      at: tick ? new Date(tick.at) : new Date(),
      result: tick ? `tick:${tick.via}` : 'untick',
      ref: key
    },
    log
  );
}
