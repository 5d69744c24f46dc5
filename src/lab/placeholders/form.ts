/**
 * The placeholders section of the sidebar: the student's values, entered
 * once, checked as they are typed, and where each token is still unfilled.
 *
 * Labels, descriptions and tokens may come from the notebook's metadata,
 * so they are set as text, never HTML. An input being typed in is never
 * redrawn under the caret.
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import { checkValue, IPlaceholder } from '../../core/placeholders/definitions';
import { LiveSummary } from '../liveregion';
import { defaultVariable } from './environment';
import type { INotebookPlaceholders } from '../tokens';
import type {
  IResolvedValue,
  IStoredValues
} from '../../core/placeholders/values';

export namespace PlaceholderForm {
  export interface IOptions {
    translator?: ITranslator;
    /**
     * Store a checked value, for every lab or for one folder; stores finish
     * in the order they were asked for.
     */
    save: (
      field: string,
      value: string,
      folder: string | null
    ) => Promise<void>;
    fill: () => void;
    reset: () => void;
    /** Show the next cell that holds the token. */
    next: (token: string) => void;
  }

  /** What the form shows. */
  export interface IState {
    /** The folder of the notebook on screen, null when there is none. */
    folder: string | null;
    placeholders: INotebookPlaceholders;
    stored: IStoredValues;
    /** Token → indexes of the code cells that still hold it. */
    unfilled: Map<string, number[]>;
  }
}

/** Quiet time after a keystroke before a valid value is stored. */
const SAVE_DELAY = 400;

export class PlaceholderForm extends Widget {
  constructor(options: PlaceholderForm.IOptions) {
    super();
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    const trans = this._trans;
    this.addClass('jp-testbed-Placeholders');
    this.title.label = trans.__('Placeholders');

    this._notes = el('ul', 'jp-testbed-Placeholders-notes');
    const scopeLabel = el('label', 'jp-testbed-Placeholders-scope');
    scopeLabel.append(trans.__('Values for'), ' ');
    this._scope = el('select', 'jp-mod-styled');
    this._scope.addEventListener('change', () => this._render());
    scopeLabel.appendChild(this._scope);
    this._fields = el('div', 'jp-testbed-Placeholders-fields');
    this._fields.setAttribute('role', 'group');
    this._fields.setAttribute('aria-label', trans.__('Your values'));

    const actions = el('div', 'jp-testbed-Placeholders-actions');
    const button = (label: string, title: string, run: () => void) => {
      const b = el('button', 'jp-mod-styled');
      b.type = 'button';
      b.textContent = label;
      b.title = title;
      b.addEventListener('click', run);
      actions.appendChild(b);
      return b;
    };
    button(
      trans.__('Fill'),
      trans.__('Put your values into this notebook’s code cells'),
      // What was just typed is stored before the fill reads it.
      () => void this._flushSaves().then(() => this._options.fill())
    ).classList.add('jp-mod-accept');
    button(
      trans.__('Restore'),
      trans.__('Put back the original text of every filled cell'),
      () => this._options.reset()
    );
    this._kept = el('p', 'jp-testbed-Placeholders-kept');
    this._kept.hidden = true;
    this._notSaved = el('div', 'jp-testbed-Placeholders-notSaved');
    this._notSaved.setAttribute('role', 'alert');
    this._notSaved.hidden = true;
    this.node.append(
      this._kept,
      this._notSaved,
      this._notes,
      scopeLabel,
      this._fields,
      actions,
      this._live.node
    );
  }

  /** Where values are kept, when the student should know; null hides it. */
  showPersistence(
    note: { text: string; kind: 'info' | 'warning' } | null
  ): void {
    this._kept.hidden = !note;
    this._kept.textContent = note?.text ?? '';
    this._kept.className = `jp-testbed-Placeholders-kept jp-mod-${note?.kind ?? 'info'}`;
  }

  /** Why the last save failed, with a way to try again; null once saved. */
  showNotSaved(message: string | null, retry?: () => void): void {
    this._notSaved.hidden = !message;
    const text = el('span', '');
    text.textContent = message ?? '';
    const parts: HTMLElement[] = [text];
    if (message && retry) {
      const again = el('button', 'jp-mod-styled jp-testbed-Placeholders-retry');
      again.type = 'button';
      again.textContent = this._trans.__('Try Again');
      again.title = this._trans.__('Save your values in the settings again');
      again.addEventListener('click', retry);
      parts.push(again);
    }
    this._notSaved.replaceChildren(...parts);
  }

  /** Show a new state (a value stored, a cell run, another notebook). */
  setState(state: PlaceholderForm.IState): void {
    this._state = state;
    this._render();
  }

  dispose(): void {
    void this._flushSaves();
    this._live.dispose();
    super.dispose();
  }

  /** The folder being edited, null for every lab. */
  private get _folder(): string | null {
    return this._scope.value === ALL ? null : this._scope.value;
  }

  private _render(): void {
    const state = this._state;
    if (!state) {
      return;
    }
    this._renderScope(state.folder);
    const { placeholders } = state;
    this._notes.replaceChildren(
      ...placeholders.problems.map(text => {
        const li = el('li', 'jp-testbed-Progress-note');
        li.textContent = text;
        return li;
      })
    );

    const byField = new Map<string, IResolvedValue[]>();
    for (const resolved of placeholders.resolved) {
      const list = byField.get(resolved.placeholder.field) ?? [];
      list.push(resolved);
      byField.set(resolved.placeholder.field, list);
    }
    for (const [field, row] of this._rows) {
      if (!byField.has(field)) {
        row.node.remove();
        this._rows.delete(field);
      }
    }
    let previous: HTMLElement | null = null;
    for (const [field, resolved] of byField) {
      const row =
        this._rows.get(field) ?? this._createRow(resolved[0].placeholder);
      this._rows.set(field, row);
      this._renderRow(row, resolved, state);
      const expected: ChildNode | null = previous
        ? previous.nextSibling
        : this._fields.firstChild;
      if (expected !== row.node) {
        this._fields.insertBefore(row.node, expected);
      }
      previous = row.node;
    }
  }

  private _renderScope(folder: string | null): void {
    const wanted = folder ? [ALL, folder] : [ALL];
    const current = Array.from(this._scope.options, o => o.value);
    if (wanted.join('\n') === current.join('\n')) {
      return;
    }
    const keep = this._scope.value;
    this._scope.replaceChildren(
      ...wanted.map(value => {
        const option = document.createElement('option');
        option.value = value;
        option.textContent =
          value === ALL
            ? this._trans.__('all my labs')
            : this._trans.__('this folder only: %1/', value);
        return option;
      })
    );
    this._scope.value = wanted.includes(keep) ? keep : ALL;
  }

  private _createRow(placeholder: IPlaceholder): IRow {
    const id = `jp-testbed-placeholder-${++Private.count}`;
    const node = el('div', 'jp-testbed-Placeholder');
    const label = el('label', 'jp-testbed-Placeholder-label');
    label.htmlFor = id;
    const name = el('span', 'jp-testbed-Placeholder-name');
    const tokens = el('span', 'jp-testbed-Placeholder-tokens');
    label.append(name, tokens);
    const input = el('input', 'jp-mod-styled jp-testbed-Placeholder-input');
    input.id = id;
    input.type = 'text';
    input.spellcheck = false;
    input.autocomplete = 'off';
    const help = el('div', 'jp-testbed-Placeholder-help');
    help.id = `${id}-help`;
    const message = el('div', 'jp-testbed-Placeholder-message');
    message.id = `${id}-message`;
    input.setAttribute('aria-describedby', `${help.id} ${message.id}`);
    const source = el('div', 'jp-testbed-Placeholder-source');
    const unfilled = el('button', 'jp-testbed-Placeholder-unfilled');
    unfilled.type = 'button';
    node.append(label, input, help, message, source, unfilled);

    const row: IRow = {
      node,
      name,
      tokens,
      input,
      help,
      message,
      source,
      unfilled,
      token: placeholder.token
    };
    input.addEventListener('input', () => this._onInput(row));
    input.addEventListener('change', () => void this._flushSaves());
    unfilled.addEventListener('click', () => this._options.next(row.token));
    return row;
  }

  private _renderRow(
    row: IRow,
    resolved: IResolvedValue[],
    state: PlaceholderForm.IState
  ): void {
    const trans = this._trans;
    const first = resolved[0];
    const { placeholder } = first;
    row.placeholder = placeholder;
    row.token = placeholder.token;
    row.name.textContent = placeholder.label;
    row.tokens.textContent = resolved.map(r => r.placeholder.token).join(' ');
    row.tokens.title = trans.__('Replaces this text in the code cells');
    row.help.textContent = placeholder.example
      ? `${placeholder.description} ${trans.__('Example: %1', placeholder.example)}`.trim()
      : placeholder.description;

    const folder = this._folder;
    const own =
      folder === null
        ? state.stored.values[placeholder.field]
        : state.stored.folders[folder]?.[placeholder.field];
    const typing = document.activeElement === row.input;
    if (!typing && !this._pending.has(row)) {
      row.input.value = own ?? '';
      this._showCheck(row, row.input.value);
    }
    row.input.placeholder =
      folder !== null && first.value && first.source !== 'folder'
        ? trans.__('%1 (as in all labs)', first.value)
        : first.source === 'server'
          ? first.value
          : placeholder.example
            ? trans.__('e.g. %1', placeholder.example)
            : '';

    row.source.textContent =
      first.source === 'server' && !row.input.value
        ? trans.__(
            'Using “%1” from the server (%2). Type to replace it.',
            first.value,
            defaultVariable(placeholder.field) ?? ''
          )
        : first.source === 'folder' && folder === null
          ? trans.__(
              'Labs in %1/ use “%2” instead.',
              first.folder ?? '',
              first.value
            )
          : '';

    const cells = new Set(
      resolved.flatMap(r => state.unfilled.get(r.placeholder.token) ?? [])
    );
    const firstToken = resolved.find(r =>
      state.unfilled.has(r.placeholder.token)
    );
    if (firstToken) {
      row.token = firstToken.placeholder.token;
    }
    row.unfilled.hidden = cells.size === 0;
    row.unfilled.textContent = trans._n(
      'Still in %1 code cell: show it',
      'Still in %1 code cells: show the next',
      cells.size
    );
  }

  private _onInput(row: IRow): void {
    const value = row.input.value.trim();
    const ok = this._showCheck(row, value);
    const pending = this._pending.get(row);
    if (pending) {
      clearTimeout(pending.timer);
      this._pending.delete(row);
    }
    if (ok && row.placeholder) {
      const save = {
        field: row.placeholder.field,
        value,
        folder: this._folder
      };
      const timer = setTimeout(() => {
        this._pending.delete(row);
        this._store(save.field, save.value, save.folder);
      }, SAVE_DELAY);
      this._pending.set(row, { timer, ...save });
    }
  }

  /** Show whether a value can be used; true when it can (and be stored). */
  private _showCheck(row: IRow, value: string): boolean {
    const all = this._state?.placeholders.placeholders ?? [];
    const problem = row.placeholder
      ? checkValue(row.placeholder, value.trim(), all)
      : null;
    const shown = problem ? `${problem} ${this._trans.__('Not saved.')}` : '';
    if (shown && shown !== row.message.textContent) {
      // The section's one live region; the message stays the input's description.
      const spoken = `${row.name.textContent}: ${shown}`;
      this._live.changed(() => spoken);
    }
    row.message.textContent = shown;
    row.input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    row.node.classList.toggle('jp-mod-invalid', !!problem);
    return !problem;
  }

  /** Store now what is still waiting, and wait for every store so far. */
  private _flushSaves(): Promise<void> {
    for (const [row, save] of this._pending) {
      clearTimeout(save.timer);
      this._pending.delete(row);
      this._store(save.field, save.value, save.folder);
    }
    return this._stored;
  }

  private _store(field: string, value: string, folder: string | null): void {
    this._stored = this._options.save(field, value, folder);
  }

  private _options: PlaceholderForm.IOptions;
  private _trans: TranslationBundle;
  private _state: PlaceholderForm.IState | null = null;
  private _stored: Promise<void> = Promise.resolve();
  private _notes: HTMLElement;
  private _kept: HTMLElement;
  private _notSaved: HTMLElement;
  private _scope: HTMLSelectElement;
  private _fields: HTMLElement;
  private _rows = new Map<string, IRow>();
  private _live = new LiveSummary();
  private _pending = new Map<
    IRow,
    {
      timer: ReturnType<typeof setTimeout>;
      field: string;
      value: string;
      folder: string | null;
    }
  >();
}

/** The scope value for every lab. */
const ALL = '\u0000all';

interface IRow {
  node: HTMLElement;
  name: HTMLElement;
  tokens: HTMLElement;
  input: HTMLInputElement;
  help: HTMLElement;
  message: HTMLElement;
  source: HTMLElement;
  unfilled: HTMLButtonElement;
  placeholder?: IPlaceholder;
  /** The token the "show" button goes to. */
  token: string;
}

namespace Private {
  // eslint-disable-next-line prefer-const -- counted up from outside the namespace
  export let count = 0;
}
