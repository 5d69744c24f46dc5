/**
 * Applying fill plans to a live notebook: every code cell in one
 * transaction, records that cannot be read left alone, and the whole change
 * undone in one step.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import { storeRecord, writableRecord } from '../metadata/cell';
import { withFill } from '../../core/metadata/format';
import type { CellPlan, IFillRecord } from '../../core/placeholders/engine';

/** What happened to the notebook's code cells (1-based numbers). */
export interface IApplied {
  written: number[];
  edited: number[];
  /** Cells whose fill record's template is not their text with values turned back into tokens. */
  refused: number[];
  unreadable: number[];
  /** What each written cell held before, to undo the whole change. */
  undo: ICellChange[];
}

/** One cell's change, as written. */
export interface ICellChange {
  cell: ICellModel;
  before: { source: string; fill: IFillRecord | null };
  after: string;
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
  const applied: IApplied = {
    written: [],
    edited: [],
    refused: [],
    unreadable: [],
    undo: []
  };
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
        (result.refused ? applied.refused : applied.edited).push(i + 1);
      } else if (result.kind === 'write') {
        applied.undo.push({
          cell,
          before: { source: cell.sharedModel.getSource(), fill: fill ?? null },
          after: result.source
        });
        cell.sharedModel.setSource(result.source);
        storeRecord(cell, withFill(record, result.fill));
        applied.written.push(i + 1);
      }
    }
  });
  return applied;
}

/**
 * Put back what a fill, refill or reset changed, in one transaction, in the
 * cells still in the notebook that nobody edited since; returns how many
 * cells were put back and how many were left because they changed.
 */
export function undoChanges(
  model: INotebookModel,
  changes: ICellChange[]
): { restored: number; kept: number } {
  const present = new Set<ICellModel>();
  for (let i = 0; i < model.cells.length; i++) {
    present.add(model.cells.get(i));
  }
  let restored = 0;
  model.sharedModel.transact(() => {
    for (const { cell, before, after } of changes) {
      if (!present.has(cell) || cell.sharedModel.getSource() !== after) {
        continue;
      }
      const record = writableRecord(cell);
      if (record === undefined) {
        continue;
      }
      cell.sharedModel.setSource(before.source);
      storeRecord(cell, withFill(record, before.fill));
      restored++;
    }
  });
  return { restored, kept: changes.length - restored };
}
