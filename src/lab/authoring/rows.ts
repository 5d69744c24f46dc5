/**
 * One editable list of the Author section (placeholders, nodes or marker
 * wordings): a row of inputs per entry, its problem under it, Remove, and
 * Add. Entries come from a notebook, so they are shown as input values and
 * text only. A row being typed in is never redrawn: only its problem and
 * note change as the author types.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { el } from '../dom';
import { fieldText } from '../../core/authoring/declarations';
import { isObject } from '../../core/helpers';

export namespace DeclarationRows {
  export interface IField {
    /** The entry's key. */
    key: string;
    /** The input's accessible name and caption. */
    label: string;
    /** Shown in the empty input. */
    hint?: string;
  }

  export interface IOptions {
    trans: TranslationBundle;
    /** The inputs of an object entry; null when entries are texts. */
    fields: IField[] | null;
    addLabel: string;
    removeLabel: string;
    /** The entries, changed in place by the rows. */
    entries: () => unknown[];
    /** Set what the author typed into an entry (a copy for objects). */
    edit: (index: number, key: string | null, text: string) => void;
    /** Typing paused: Enter or leaving the input. */
    commit: () => void;
    add: () => void;
    remove: (index: number) => void;
  }
}

interface IRow {
  node: HTMLElement;
  inputs: HTMLInputElement[];
  problem: HTMLElement;
  note: HTMLElement;
}

export class DeclarationRows {
  constructor(options: DeclarationRows.IOptions) {
    this._options = options;
    this.node = el('div', 'jp-testbed-author-list');
    this._rows = el('div', 'jp-testbed-author-rows');
    this._add = el('button', 'jp-mod-styled jp-testbed-author-add');
    this._add.type = 'button';
    this._add.textContent = options.addLabel;
    this._add.addEventListener('click', () => options.add());
    this.node.append(this._rows, this._add);
  }

  readonly node: HTMLElement;

  /** Build the rows again from the entries, as after an add or a remove. */
  render(editable: boolean, canAdd: boolean): void {
    const entries = this._options.entries();
    this._shown = entries.map((entry, index) =>
      this._createRow(entry, index, editable)
    );
    this._rows.replaceChildren(...this._shown.map(row => row.node));
    this._add.disabled = !editable || !canAdd;
  }

  /** Show each row's problem (null: none). */
  showProblems(problems: (string | null)[]): void {
    this._shown.forEach((row, index) => {
      const problem = problems[index] ?? null;
      row.problem.textContent = problem ?? '';
      row.node.classList.toggle('jp-mod-invalid', problem !== null);
      row.inputs.forEach(input =>
        input.setAttribute('aria-invalid', problem ? 'true' : 'false')
      );
    });
  }

  /** Show a note under each row (a wording's matches). */
  showNotes(notes: string[]): void {
    this._shown.forEach((row, index) => {
      row.note.textContent = notes[index] ?? '';
    });
  }

  /** Focus the first input of the last row (a row just added). */
  focusLast(): void {
    this._shown[this._shown.length - 1]?.inputs[0]?.focus();
  }

  private _createRow(entry: unknown, index: number, editable: boolean): IRow {
    const { trans, fields } = this._options;
    const id = `jp-testbed-author-${++Private.count}`;
    const node = el('div', 'jp-testbed-author-row');
    const grid = el('div', 'jp-testbed-author-fields');
    const inputs: HTMLInputElement[] = [];
    const problem = el('div', 'jp-testbed-author-problem');
    problem.id = `${id}-problem`;
    problem.setAttribute('aria-live', 'polite');
    const note = el('div', 'jp-testbed-author-note');
    const textEntry = typeof entry === 'string';
    const objectEntry = isObject(entry);
    for (const field of fields ?? [null]) {
      const input = el('input', 'jp-mod-styled jp-testbed-author-input');
      input.type = 'text';
      input.spellcheck = false;
      input.autocomplete = 'off';
      input.setAttribute('aria-describedby', problem.id);
      if (field) {
        input.setAttribute('aria-label', field.label);
        input.value = fieldText(entry, field.key);
        input.placeholder = field.hint ?? '';
        input.disabled = !editable || !objectEntry;
        const caption = el('span', 'jp-testbed-author-caption');
        caption.textContent = field.label;
        caption.setAttribute('aria-hidden', 'true');
        grid.append(caption, input);
      } else {
        input.setAttribute('aria-label', trans.__('Marker wording'));
        input.value = textEntry ? (entry as string) : '';
        input.placeholder = trans.__('# exec on');
        input.disabled = !editable || !textEntry;
        grid.appendChild(input);
      }
      input.addEventListener('input', () =>
        this._options.edit(index, field?.key ?? null, input.value.trim())
      );
      input.addEventListener('change', () => this._options.commit());
      input.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          this._options.commit();
        }
      });
      inputs.push(input);
    }
    const remove = el('button', 'jp-mod-styled jp-testbed-author-remove');
    remove.type = 'button';
    remove.textContent = '×';
    remove.title = this._options.removeLabel;
    remove.setAttribute('aria-label', this._options.removeLabel);
    remove.disabled = !editable;
    remove.addEventListener('click', () => this._options.remove(index));
    const head = el('div', 'jp-testbed-author-rowHead');
    head.append(grid, remove);
    node.append(head, problem, note);
    return { node, inputs, problem, note };
  }

  private _options: DeclarationRows.IOptions;
  private _rows: HTMLElement;
  private _add: HTMLButtonElement;
  private _shown: IRow[] = [];
}

namespace Private {
  // eslint-disable-next-line prefer-const -- counted up from outside the namespace
  export let count = 0;
}
