/**
 * Applying fill plans to a live notebook: every code cell in one
 * transaction, records that cannot be read left alone.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import { storeRecord, writableRecord } from '../metadata/cell';
import { withFill } from '../metadata/format';
import type { CellPlan, IFillRecord } from './engine';

/** What happened to the notebook's code cells (1-based numbers). */
export interface IApplied {
  written: number[];
  edited: number[];
  unreadable: number[];
}

/**
 * Plan each code cell from its source and fill record, and write the plans.
 *
 * @param onlyFilled - touch only cells filled before (a refill).
 */
export function applyPlans(
  model: INotebookModel,
  plan: (source: string, fill: IFillRecord | undefined) => CellPlan,
  onlyFilled = false
): IApplied {
  const applied: IApplied = { written: [], edited: [], unreadable: [] };
  model.sharedModel.transact(() => {
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      if (cell.type !== 'code') {
        continue;
      }
      const record = writableRecord(cell);
      if (record === undefined) {
        applied.unreadable.push(i + 1);
        continue;
      }
      const fill = record?.fill;
      if (onlyFilled && !fill) {
        continue;
      }
      const result = plan(cell.sharedModel.getSource(), fill);
      if (result.kind === 'edited') {
        applied.edited.push(i + 1);
      } else if (result.kind === 'write') {
        cell.sharedModel.setSource(result.source);
        storeRecord(cell, withFill(record, result.fill));
        applied.written.push(i + 1);
      }
    }
  });
  return applied;
}
