/**
 * The check before code cells run: a cell that still holds a placeholder
 * would run a command against a wrong name or host, so the student is asked
 * first (or, by setting, the run is refused).
 *
 * JupyterLab runs cells through one cell executor; this one asks once for
 * all the cells started together (a run-all is one question) and then
 * hands every cell to JupyterLab's own executor in the order it was given.
 */
import type { Cell } from '@jupyterlab/cells';
import {
  INotebookCellExecutor,
  INotebookModel,
  runCell
} from '@jupyterlab/notebook';

/**
 * Whether the code cells started together may run; asked once per batch.
 */
export type RunApproval = (
  notebook: INotebookModel,
  cells: Cell[]
) => Promise<boolean>;

export class CheckingCellExecutor implements INotebookCellExecutor {
  /**
   * Set by the placeholders plugin; the executor is provided before the
   * notebook tracker exists, so it cannot depend on what needs the tracker.
   */
  approve: RunApproval | null = null;

  async runCell(
    options: INotebookCellExecutor.IRunCellOptions
  ): Promise<boolean> {
    if (options.cell.model.type !== 'code') {
      return runCell(options);
    }
    const approve = this.approve;
    if (!approve) {
      return runCell(options);
    }
    let batch = this._batches.get(options.notebook);
    if (!batch) {
      const created: IBatch = { cells: [], approved: Promise.resolve(true) };
      // Every cell of a run-all is handed over before this runs.
      created.approved = Promise.resolve().then(() => {
        this._batches.delete(options.notebook);
        return approve(options.notebook, created.cells).catch(reason => {
          console.error('jupyterlab-testbed: the run check failed.', reason);
          return true;
        });
      });
      this._batches.set(options.notebook, created);
      batch = created;
    }
    batch.cells.push(options.cell);
    return (await batch.approved) ? runCell(options) : false;
  }

  private _batches = new Map<INotebookModel, IBatch>();
}

interface IBatch {
  cells: Cell[];
  approved: Promise<boolean>;
}
