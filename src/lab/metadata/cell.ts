/**
 * Reading a live cell's record in order to change it, and storing it back:
 * the one place where "a record that cannot be read is never written over"
 * holds for every capability.
 */
import type { ICellModel } from '@jupyterlab/cells';
import {
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
