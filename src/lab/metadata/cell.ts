/**
 * Reading a live cell's record in order to change it, and storing it back:
 * the one place where "a record that cannot be read is never written over"
 * holds for every capability.
 */
import { showErrorMessage } from '@jupyterlab/apputils';
import type { ICellModel } from '@jupyterlab/cells';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  describeProblem,
  ICellRecord,
  METADATA_KEY,
  readCellRecord
} from '../../core/metadata/format';

/**
 * The cell's record if it may be changed: null when it has none, undefined
 * when it cannot be read (it must then be left as it is).
 */
export function writableRecord(
  cell: ICellModel
): ICellRecord | null | undefined {
  const read = readCellRecord(cell.getMetadata(METADATA_KEY));
  if (read.status === 'ok' || read.status === 'absent') {
    return read.record;
  }
  return undefined;
}

/**
 * Store a cell's record; one left with nothing but its version is removed,
 * so a cell carries nothing of ours once its ticks, marks and fills are gone.
 */
export function storeRecord(cell: ICellModel, record: ICellRecord): void {
  if (Object.keys(record).every(key => key === 'v')) {
    cell.deleteMetadata(METADATA_KEY);
  } else {
    cell.setMetadata(METADATA_KEY, record as any);
  }
}

/**
 * Tell the user that a cell was left as it is because its record cannot be
 * read (`metadata` is the record as the cell holds it), and why.
 */
export function showUnreadable(
  title: string,
  metadata: unknown,
  trans: TranslationBundle
): Promise<void> {
  return showErrorMessage(
    title,
    trans.__(
      'The cell’s record cannot be read (%1), so it is left as it is.',
      describeProblem(readCellRecord(metadata)) ?? ''
    )
  );
}

/**
 * The cell's record to change (`writableRecord`), or undefined after telling
 * the user, under `title`, that it cannot be read and stays as it is.
 */
export function recordOrSay(
  cell: ICellModel,
  title: string,
  trans: TranslationBundle
): ICellRecord | null | undefined {
  const record = writableRecord(cell);
  if (record === undefined) {
    void showUnreadable(title, cell.getMetadata(METADATA_KEY), trans);
  }
  return record;
}
