/**
 * Every write of progress into a live notebook goes through here, so the
 * rules hold in one place: a record that cannot be read is never written
 * over, and our writes are not undo steps of the student's editing.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import {
  ICellRecord,
  ITick,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord,
  withLogEntry,
  withRun,
  withTick
} from '../metadata/format';

/** An event for the notebook's log. */
export interface ILogEvent {
  at: Date;
  result: string;
  ref: string;
}

/**
 * Apply `update` to a cell's record and log the event on the notebook.
 *
 * @returns false, changing nothing, when the cell's record is unreadable.
 */
export function updateRecord(
  notebook: INotebookModel,
  cell: ICellModel,
  update: (record: ICellRecord | null) => ICellRecord,
  event: ILogEvent,
  logLimit: number
): boolean {
  const read = readCellRecord(cell.getMetadata(METADATA_KEY));
  if (read.status !== 'ok' && read.status !== 'absent') {
    return false;
  }
  const log = readNotebookRecord(notebook.getMetadata(METADATA_KEY));
  notebook.sharedModel.transact(() => {
    cell.setMetadata(METADATA_KEY, update(read.record));
    // An unreadable notebook record keeps its content; only the log is lost.
    if (logLimit > 0 && (log.status === 'ok' || log.status === 'absent')) {
      notebook.setMetadata(
        METADATA_KEY,
        withLogEntry(log.record, event, logLimit) as any
      );
    }
  }, false);
  return true;
}

/**
 * Count one run of a code cell.
 */
export function recordRun(
  notebook: INotebookModel,
  cell: ICellModel,
  run: { start: Date; end: Date; ok: boolean; error?: string; src: string },
  logLimit: number
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
        src: run.src
      }),
    {
      at: run.end,
      result: run.ok ? 'ok' : `error:${run.error ?? 'Error'}`,
      ref: run.src
    },
    logLimit
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
  logLimit: number
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
    logLimit
  );
}
