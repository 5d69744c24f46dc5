/**
 * Finding a live cell by its id: cells move and are added while a step,
 * a check or a list entry still names one.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';

/** The cell with this id in the notebook, or null when it is gone. */
export function cellById(
  model: INotebookModel | null | undefined,
  id: string
): ICellModel | null {
  for (let i = 0; model && i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.id === id) {
      return cell;
    }
  }
  return null;
}
