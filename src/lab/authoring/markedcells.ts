/**
 * The cells the author marked, listed in the Author section: markdown cells
 * that are manual steps and code cells whose outputs are kept when
 * publishing, each with a link to the cell and a button to unmark it, and
 * the steps' checks, each with a button that edits it. Cell text comes from
 * the notebook, so it is set as text only.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { el } from '../dom';
import { cellById } from '../notebook/cells';
import { storeRecord, writableRecord } from '../metadata/cell';
import { fieldText } from '../../core/invisible';
import {
  ICellRecord,
  ICheck,
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
    /** Edit the check of a step: its cell and its key in the cell's record. */
    editCheck: (cellId: string, key: string) => void;
  }
}

export class MarkedCells {
  constructor(options: MarkedCells.IOptions) {
    this._options = options;
    const trans = options.trans;
    const manual = Private.list(
      trans.__('Manual steps'),
      trans.__(
        'Select a markdown cell and use Manual Step: Done Outside the Notebook in its context menu.'
      )
    );
    const kept = Private.list(
      trans.__('Outputs kept when publishing'),
      trans.__(
        'Select a code cell and use Keep This Cell’s Outputs When Publishing in its context menu.'
      )
    );
    const checks = Private.list(
      trans.__('Checks'),
      trans.__(
        'Select a step’s cell and use Check of This Step… in its context menu.'
      )
    );
    this._manual = manual.list;
    this._kept = kept.list;
    this._checks = checks.list;
    // The part's own heading says Manual steps.
    this.nodes = [
      manual.hint,
      manual.list,
      kept.heading,
      kept.hint,
      kept.list,
      checks.heading,
      checks.hint,
      checks.list
    ];
  }

  /** The hints and the lists, in order, for the section's Manual steps part. */
  readonly nodes: HTMLElement[];

  /** The manual steps, the code cells whose outputs are kept, the checks. */
  render(cells: ICellInput[]): void {
    const trans = this._options.trans;
    const manual: HTMLElement[] = [];
    const kept: HTMLElement[] = [];
    const checks: HTMLElement[] = [];
    cells.forEach((cell, index) => {
      const read = readCellRecord(cell.record);
      if (read.status !== 'ok') {
        return;
      }
      for (const [key, check] of Object.entries(read.record.checks ?? {})) {
        checks.push(this._check(index, cell.id, key, check));
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
    this._checks.replaceChildren(
      ...(checks.length ? checks : none(trans.__('No step has a check.')))
    );
  }

  /** A declared check: where it runs and its command, and its Edit button. */
  private _check(
    index: number,
    id: string,
    key: string,
    check: ICheck
  ): HTMLElement {
    const trans = this._options.trans;
    const item = el('li', 'jp-testbed-author-cell');
    item.dataset.check = key;
    item.appendChild(
      this._options.cellLink(
        index,
        trans.__(
          'Cell %1: %2',
          index + 1,
          fieldText(`${check.on}: ${check.cmd.split('\n')[0]}`)
        )
      )
    );
    const button = el('button', 'jp-mod-styled jp-testbed-author-edit');
    button.type = 'button';
    button.textContent = trans.__('Edit');
    button.setAttribute(
      'aria-label',
      trans.__('Edit the check of cell %1', index + 1)
    );
    button.addEventListener('click', () => this._options.editCheck(id, key));
    item.appendChild(button);
    return item;
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
      const cell = cellById(this._options.model(), id);
      const record = cell ? writableRecord(cell) : undefined;
      if (cell && record) {
        storeRecord(cell, without(record));
        this._options.unmarked();
      }
    });
    item.appendChild(button);
    return item;
  }

  private _options: MarkedCells.IOptions;
  private _manual: HTMLElement;
  private _kept: HTMLElement;
  private _checks: HTMLElement;
}

namespace Private {
  /** A list of marked cells with its heading and the hint that says how to add one. */
  export function list(
    name: string,
    hintText: string
  ): { heading: HTMLElement; hint: HTMLElement; list: HTMLElement } {
    const heading = el('h4', 'jp-testbed-author-subheading');
    heading.textContent = name;
    const hint = el('p', 'jp-testbed-author-hint');
    hint.textContent = hintText;
    const list = el('ul', 'jp-testbed-author-cells');
    list.setAttribute('aria-label', name);
    return { heading, hint, list };
  }
}
