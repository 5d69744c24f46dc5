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
  ICheckResult,
  ITick,
  withCheckResult,
  withRun,
  withTick
} from '../../core/metadata/format';
import type { EventLog, ILogEvent } from './log';
import type { IBlockEnd } from '../../core/terminals/shellmarks';

/**
 * Apply `update` to a cell's record and queue the event for the notebook's log.
 *
 * @returns false, changing nothing, when the cell's record is unreadable.
 */
function updateRecord(
  notebook: INotebookModel,
  cell: ICellModel,
  update: (record: ICellRecord | null) => ICellRecord,
  event: ILogEvent | null,
  log: EventLog | null
): boolean {
  const record = writableRecord(cell);
  if (record === undefined) {
    return false;
  }
  cell.sharedModel.transact(() => storeRecord(cell, update(record)), false);
  if (event) {
    log?.add(notebook, event);
  }
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
 * Add how a sent block ended to its tick, keeping when and where it was
 * sent; not to a tick that says another place (sent there since). The log gets the end as a result of the block (`ok`, `error:exit_1`,
 * `error:unknown`), not `running`.
 */
export function recordTickEnd(
  notebook: INotebookModel,
  cell: ICellModel,
  key: string,
  via: string,
  end: IBlockEnd,
  log: EventLog | null
): boolean {
  const tick = writableRecord(cell)?.ticks?.[key];
  if (!tick || tick.via !== via) {
    return false;
  }
  const ended: ITick = { at: tick.at, via: tick.via, end: end.end };
  if (end.ms !== undefined) {
    ended.ms = end.ms;
  }
  const result =
    end.end === 0
      ? 'ok'
      : typeof end.end === 'number'
        ? `error:exit_${end.end}`
        : `error:${end.end}`;
  return updateRecord(
    notebook,
    cell,
    record => withTick(record, key, ended),
    end.end === 'running' ? null : { at: new Date(), result, ref: key },
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

/**
 * Record the result of a step's check. The log gets it as `check:<outcome>`
 * with the check's version as reference, so a grader can tell a result the
 * extension recorded from one written by hand.
 */
export function recordCheckResult(
  notebook: INotebookModel,
  cell: ICellModel,
  key: string,
  result: ICheckResult,
  log: EventLog | null
): boolean {
  return updateRecord(
    notebook,
    cell,
    record => withCheckResult(record, key, result),
    { at: new Date(result.at), result: `check:${result.r}`, ref: result.ver },
    log
  );
}
