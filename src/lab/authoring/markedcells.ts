/**
 * The cells the author marked, listed in the Author section: markdown cells
 * that are manual steps, and code cells whose outputs are kept when
 * publishing, each with a link to the cell and a button to unmark it. Cell
 * text comes from the notebook, so it is set as text only.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { el } from '../dom';
import { storeRecord, writableRecord } from '../metadata/cell';
import {
  ICellRecord,
  readCellRecord,
  withKeptOutputs,
  withManualStep
} from '../../core/metadata/format';
import { plainText } from '../../core/notebook/markdown';
import { commandLabel, markdownLabel } from '../../core/notebook/steps';
import type { ICellInput } from '../../core/progress/outline';

export namespace MarkedCells {
  export interface IOptions {
    trans: TranslationBundle;
    /** The notebook being authored, or null. */
    model: () => INotebookModel | null;
    /** A button that shows a cell of the notebook. */
    cellLink: (cell: number, text: string) => HTMLElement;
    /** A cell was unmarked: the lists and the preview are out of date. */
    unmarked: () => void;
  }
}

export class MarkedCells {
  constructor(options: MarkedCells.IOptions) {
    this._options = options;
    const trans = options.trans;
    const stepsHint = el('p', 'jp-testbed-author-hint');
    stepsHint.textContent = trans.__(
      'Select a markdown cell and use Manual Step: Done Outside the Notebook in its context menu.'
    );
    this._manual = el('ul', 'jp-testbed-author-cells');
    this._manual.setAttribute('aria-label', trans.__('Manual steps'));
    const kept = el('h4', 'jp-testbed-author-subheading');
    kept.textContent = trans.__('Outputs kept when publishing');
    const keptHint = el('p', 'jp-testbed-author-hint');
    keptHint.textContent = trans.__(
      'Select a code cell and use Keep This Cell’s Outputs When Publishing in its context menu.'
    );
    this._kept = el('ul', 'jp-testbed-author-cells');
    this._kept.setAttribute(
      'aria-label',
      trans.__('Outputs kept when publishing')
    );
    this.nodes = [stepsHint, this._manual, kept, keptHint, this._kept];
  }

  /** The hints and both lists, in order, for the section's Manual steps part. */
  readonly nodes: HTMLElement[];

  /** The manual steps and the code cells whose outputs are kept. */
  render(cells: ICellInput[]): void {
    const trans = this._options.trans;
    const manual: HTMLElement[] = [];
    const kept: HTMLElement[] = [];
    cells.forEach((cell, index) => {
      const read = readCellRecord(cell.record);
      if (read.status !== 'ok') {
        return;
      }
      if (cell.type === 'markdown' && read.record.step === 'manual') {
        manual.push(
          this._markedCell(
            index,
            cell.id,
            plainText(markdownLabel(cell.source)),
            trans.__('Not a manual step'),
            trans.__('Unmark this manual step'),
            record => withManualStep(record, false)
          )
        );
      } else if (cell.type === 'code' && read.record.keep === true) {
        kept.push(
          this._markedCell(
            index,
            cell.id,
            commandLabel(cell.source),
            trans.__('Do not keep'),
            trans.__('Clear this cell’s outputs when publishing'),
            record => withKeptOutputs(record, false)
          )
        );
      }
    });
    const none = (text: string) => {
      const item = el('li', 'jp-testbed-author-none');
      item.textContent = text;
      return [item];
    };
    this._manual.replaceChildren(
      ...(manual.length ? manual : none(trans.__('No manual steps.')))
    );
    this._kept.replaceChildren(
      ...(kept.length ? kept : none(trans.__('No cell keeps its outputs.')))
    );
  }

  private _markedCell(
    index: number,
    id: string,
    label: string,
    unmark: string,
    unmarkTitle: string,
    without: (record: ICellRecord) => ICellRecord
  ): HTMLElement {
    const trans = this._options.trans;
    const item = el('li', 'jp-testbed-author-cell');
    item.appendChild(
      this._options.cellLink(
        index,
        trans.__('Cell %1: %2', index + 1, label || trans.__('(empty)'))
      )
    );
    const button = el('button', 'jp-mod-styled jp-testbed-author-unmark');
    button.type = 'button';
    // A short word leaves the narrow sidebar to the cell's text.
    button.textContent = trans.__('Unmark');
    button.setAttribute('aria-label', unmark);
    button.title = unmarkTitle;
    button.addEventListener('click', () => {
      const cell = this._cellById(id);
      const record = cell ? writableRecord(cell) : undefined;
      if (cell && record) {
        storeRecord(cell, without(record));
        this._options.unmarked();
      }
    });
    item.appendChild(button);
    return item;
  }

  private _cellById(id: string): ICellModel | null {
    const model = this._options.model();
    for (let i = 0; model && i < model.cells.length; i++) {
      if (model.cells.get(i).id === id) {
        return model.cells.get(i);
      }
    }
    return null;
  }

  private _options: MarkedCells.IOptions;
  private _manual: HTMLElement;
  private _kept: HTMLElement;
}
