/**
 * The class overview: one row per student, a column per notebook (or per
 * section of one notebook), completion, errors, flags and last activity.
 *
 * Every name and title in it comes from students' files, so all of it is set
 * as text. The table is redrawn at most once a frame while files stream in.
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import { ISectionColumn, matchSection, OverviewModel } from './overviewmodel';
import type { IClassEntry } from '../../core/grading/reader';
import type { IClassRow, SortKey } from '../../core/grading/table';

export namespace ClassOverview {
  export interface IOptions {
    model: OverviewModel;
    /** Open a student's notebook for grading, at a section of that copy. */
    open: (path: string, section: number | null) => void;
    /** Offer a text as a file to download. */
    download: (name: string, text: string, type: string) => void;
    translator?: ITranslator;
  }
}

/** While reading, the table is redrawn at most this often. */
const READING_REDRAW_MS = 500;

/** Notebooks left out that are named one by one. */
const MAX_NOTES = 5;

/** A column of the table. */
interface IColumn {
  label: string;
  key: SortKey;
  /** What a row shows in it. */
  cell: (row: IClassRow, td: HTMLTableCellElement) => void;
}

export class ClassOverview extends Widget {
  constructor(options: ClassOverview.IOptions) {
    super();
    this.model = options.model;
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this.addClass('jp-testbed-Class');
    this.node.tabIndex = -1;

    const controls = el('div', 'jp-testbed-Class-controls');
    this._search = el('input', 'jp-testbed-Class-search jp-mod-styled');
    this._search.type = 'search';
    this._search.placeholder = this._trans.__('Filter students');
    this._search.setAttribute('aria-label', this._trans.__('Filter students'));
    this._search.addEventListener('input', () => this._applyFilter());
    this._toggles = {
      flaggedOnly: this._checkbox(controls, this._trans.__('Flagged')),
      incompleteOnly: this._checkbox(controls, this._trans.__('Incomplete')),
      problemsOnly: this._checkbox(controls, this._trans.__('Unreadable'))
    };
    this._notebookSelect = el(
      'select',
      'jp-testbed-Class-notebook jp-mod-styled'
    );
    this._notebookSelect.setAttribute('aria-label', this._trans.__('Columns'));
    this._notebookSelect.addEventListener('change', () => {
      this.model.notebook = this._notebookSelect.value || null;
      this.model.sort = { key: 'student', descending: false };
    });
    const csv = this._button(this._trans.__('Export CSV'), () =>
      this.export('csv')
    );
    const json = this._button(this._trans.__('Export JSON'), () =>
      this.export('json')
    );
    const reload = this._button(this._trans.__('Read Again'), () => {
      void this.model.load();
    });
    this._exports = [csv, json];
    controls.prepend(this._search);
    controls.append(this._notebookSelect, csv, json, reload);

    this._status = el('div', 'jp-testbed-Class-status');
    this._status.setAttribute('role', 'status');
    this._progress = el('progress', 'jp-testbed-Class-progress');
    this._progress.setAttribute('aria-label', this._trans.__('Notebooks read'));
    this._notes = el('ul', 'jp-testbed-Class-notes');
    const explain = el('p', 'jp-testbed-Class-explain');
    explain.textContent = this._trans.__(
      'Progress as recorded in each notebook. Flags mark where the record and the notebook disagree: evidence to look at, not proof. Click a cell to open that notebook for grading.'
    );
    this._table = el('table', 'jp-testbed-Class-table');
    const scroll = el('div', 'jp-testbed-Class-scroll');
    scroll.append(this._table);
    this.node.append(
      controls,
      this._status,
      this._progress,
      this._notes,
      explain,
      scroll
    );
    this.model.changed.connect(this._scheduleRender, this);
  }

  readonly model: OverviewModel;

  /**
   * Download the whole table (whatever the filter) as CSV or JSON, named
   * after the folder.
   */
  export(kind: 'csv' | 'json'): void {
    const name = this.model.root.split('/').filter(Boolean).pop() ?? 'class';
    const stem = `progress-${name.replace(/[^\w.-]+/g, '_')}`;
    if (kind === 'csv') {
      this._options.download(`${stem}.csv`, this.model.csv(), 'text/csv');
    } else {
      this._options.download(
        `${stem}.json`,
        this.model.json(),
        'application/json'
      );
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
    }
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this.model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._render();
  }

  protected onActivateRequest(msg: Message): void {
    this._search.focus();
  }

  /**
   * Redraw on the next frame; while files stream in, at most every
   * READING_REDRAW_MS, since redrawing a large table on every frame took
   * the main thread from reading.
   */
  private _scheduleRender(): void {
    const reading = this.model.state === 'reading';
    if (!reading && this._timer !== null) {
      // Reading ended: the complete table is drawn now, not at the next tick.
      clearTimeout(this._timer);
      this._timer = null;
    }
    if (this._frame !== null || this._timer !== null) {
      return;
    }
    const wait = reading
      ? this._lastRender + READING_REDRAW_MS - performance.now()
      : 0;
    const draw = () => {
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        this._render();
      });
    };
    if (wait > 0) {
      this._timer = setTimeout(() => {
        this._timer = null;
        draw();
      }, wait);
    } else {
      draw();
    }
  }

  private _render(): void {
    this._lastRender = performance.now();
    this._renderStatus();
    this._renderNotebookSelect();
    this._renderTable();
  }

  private _renderStatus(): void {
    const model = this.model;
    const { read, total } = model.progress;
    const trans = this._trans;
    this._progress.hidden = model.state !== 'reading';
    this._progress.max = Math.max(total, 1);
    this._progress.value = read;
    const students = model.table.rows.length;
    const unreadable = model.entries.filter(e => e.summary.problem).length;
    let text: string;
    switch (model.state) {
      case 'reading':
        text = total
          ? trans.__('Reading %1 of %2 notebooks…', read, total)
          : trans.__('Listing %1…', model.root || '/');
        break;
      case 'failed':
        text = trans.__(
          'Could not read %1: %2',
          model.root || '/',
          model.error ?? ''
        );
        break;
      case 'done':
        text =
          model.layout?.kind === 'empty' || !total
            ? trans.__('No notebooks found in %1.', model.root || '/')
            : trans._n(
                '%2 notebooks of %1 student (%3)',
                '%2 notebooks of %1 students (%3)',
                students,
                total,
                this._layoutName()
              ) +
              (unreadable
                ? ' · ' + trans.__('%1 could not be read', unreadable)
                : '');
        break;
      default:
        text = '';
    }
    this._status.textContent = text;
    this._exports.forEach(button => (button.disabled = !model.entries.length));
    // Notebooks left out deserve a line each; other files only a count
    // (nbgrader keeps a timestamp.txt beside every hand-in).
    const ignored = model.layout?.ignored ?? [];
    const notebooks = ignored.filter(
      item =>
        item.path.endsWith('.ipynb') &&
        !item.path.split('/').some(part => part.startsWith('.'))
    );
    const others = ignored.length - notebooks.length;
    const notes = [
      ...model.notes,
      ...notebooks
        .slice(0, MAX_NOTES)
        .map(item => trans.__('%1 was not read: %2', item.path, item.reason)),
      ...(notebooks.length > MAX_NOTES
        ? [trans.__('and %1 more notebooks', notebooks.length - MAX_NOTES)]
        : []),
      ...(others
        ? [
            trans._n(
              '%1 other file was not read',
              '%1 other files were not read',
              others
            )
          ]
        : [])
    ];
    this._notes.replaceChildren(
      ...notes.map(note => {
        const li = el('li', 'jp-testbed-Class-note');
        li.textContent = note;
        return li;
      })
    );
  }

  private _layoutName(): string {
    switch (this.model.layout?.kind) {
      case 'nbgrader':
        return this._trans.__('nbgrader layout');
      case 'per-student':
        return this._trans.__('a folder per student');
      case 'flat':
        return this._trans.__('one folder of downloads');
      default:
        return '';
    }
  }

  private _renderNotebookSelect(): void {
    const notebooks = this.model.table.notebooks;
    const wanted = ['', ...notebooks].join('\n');
    if (this._notebookOptions !== wanted) {
      this._notebookOptions = wanted;
      const all = el('option', '');
      all.value = '';
      all.textContent = this._trans.__('All notebooks');
      this._notebookSelect.replaceChildren(
        all,
        ...notebooks.map(name => {
          const option = el('option', '');
          option.value = name;
          option.textContent = this._trans.__('Sections of %1', name);
          return option;
        })
      );
    }
    this._notebookSelect.value = this.model.notebook ?? '';
    this._notebookSelect.hidden = notebooks.length === 0;
  }

  private _columns(): IColumn[] {
    const trans = this._trans;
    const model = this.model;
    const columns: IColumn[] = [
      {
        label: trans.__('Student'),
        key: 'student',
        cell: (row, td) => {
          td.textContent = row.student;
          td.classList.add('jp-testbed-Class-student');
        }
      }
    ];
    const notebook = model.notebook;
    if (notebook !== null) {
      const sections = model.sectionColumns(notebook);
      sections.forEach((column, index) => {
        columns.push({
          label: column.title || trans.__('(before the first heading)'),
          key: { notebook, section: index },
          cell: (row, td) => this._sectionCell(row, notebook, column, td)
        });
      });
      // A column per section with checks: how many of them last passed.
      sections.forEach((column, index) => {
        if (!model.sectionHasChecks(notebook, column)) {
          return;
        }
        columns.push({
          label: trans.__(
            'Checks: %1',
            column.title || trans.__('(before the first heading)')
          ),
          key: { notebook, section: index, checks: true },
          cell: (row, td) => this._checksCell(row, notebook, column, td)
        });
      });
    } else {
      for (const name of model.table.notebooks) {
        columns.push({
          label: name,
          key: { notebook: name },
          cell: (row, td) => this._notebookCell(row.entries.get(name), td)
        });
      }
    }
    columns.push(
      {
        label: trans.__('Done'),
        key: 'done',
        cell: (row, td) => {
          td.textContent = row.total
            ? `${Math.round((100 * row.done) / row.total)} %`
            : '—';
        }
      },
      {
        label: trans.__('Errors'),
        key: 'errors',
        cell: (row, td) => this._count(td, row.errors, 'error')
      },
      {
        label: trans.__('Flags'),
        key: 'flags',
        cell: (row, td) => this._count(td, row.flags, 'flag')
      },
      {
        label: trans.__('Last activity'),
        key: 'last',
        cell: (row, td) => {
          td.textContent = row.last ? formatTime(row.last) : '—';
          td.title = row.last ?? '';
        }
      }
    );
    return columns;
  }

  private _renderTable(): void {
    const columns = this._columns();
    const sort = this.model.sort;
    const head = el('thead', '');
    const headRow = el('tr', '');
    for (const column of columns) {
      const th = el('th', 'jp-testbed-Class-head');
      th.scope = 'col';
      const sorted = sameKey(column.key, sort.key);
      th.setAttribute(
        'aria-sort',
        sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'
      );
      const button = el('button', 'jp-testbed-Class-sort');
      button.textContent = column.label;
      button.title = this._trans.__('Sort by %1', column.label);
      button.addEventListener('click', () => {
        // A new column starts with the least done first, except the latest activity.
        const current = this.model.sort;
        this.model.sort = {
          key: column.key,
          descending: sameKey(column.key, current.key)
            ? !current.descending
            : column.key === 'last'
        };
      });
      th.append(button);
      headRow.append(th);
    }
    head.append(headRow);
    const body = el('tbody', '');
    for (const row of this.model.rows) {
      const tr = el('tr', 'jp-testbed-Class-row');
      for (const column of columns) {
        const td = el('td', 'jp-testbed-Class-cell');
        column.cell(row, td);
        tr.append(td);
      }
      body.append(tr);
    }
    this._table.replaceChildren(head, body);
  }

  private _notebookCell(
    entry: IClassEntry | undefined,
    td: HTMLTableCellElement
  ): void {
    if (!entry) {
      td.textContent = '—';
      td.title = this._trans.__('Not handed in');
      return;
    }
    const summary = entry.summary;
    this._progressCell(
      td,
      entry,
      { ...summary, flags: summary.flagCount },
      null
    );
  }

  private _sectionCell(
    row: IClassRow,
    notebook: string,
    column: ISectionColumn,
    td: HTMLTableCellElement
  ): void {
    const { entry, section } = sectionOf(row, notebook, column);
    if (!entry || !section) {
      td.textContent = '—';
      td.title = entry
        ? this._trans.__('This copy has no section “%1”', column.title)
        : this._trans.__('Not handed in');
      return;
    }
    this._progressCell(td, entry, section, section.index);
  }

  /** Checks passed of a section's checks, as a grader reads them. */
  private _checksCell(
    row: IClassRow,
    notebook: string,
    column: ISectionColumn,
    td: HTMLTableCellElement
  ): void {
    const { section } = sectionOf(row, notebook, column);
    const total = section?.checksTotal ?? 0;
    if (!section || !total) {
      td.textContent = '—';
      return;
    }
    const passed = section.checksPassed ?? 0;
    td.textContent = `✓ ${passed}/${total}`;
    td.classList.add('jp-testbed-Class-checks');
    td.dataset.state =
      passed === total ? 'complete' : passed ? 'partial' : 'none';
    td.setAttribute(
      'aria-label',
      this._trans.__('%1 of %2 checks passed', passed, total)
    );
  }

  /** A clickable completion cell that opens the notebook for grading. */
  private _progressCell(
    td: HTMLTableCellElement,
    entry: IClassEntry,
    counts: { done: number; total: number; errors: number; flags: number },
    section: number | null
  ): void {
    const { done, total, errors, flags } = counts;
    const button = el('button', 'jp-testbed-Class-open');
    const problem = entry.summary.problem;
    if (problem) {
      button.textContent = this._trans.__('unreadable');
      button.classList.add('jp-mod-problem');
      button.title = problem;
    } else {
      const label = el('span', 'jp-testbed-Class-done');
      label.textContent = `${done}/${total}`;
      const bar = el('span', 'jp-testbed-Class-bar');
      const fill = el('span', 'jp-testbed-Class-fill');
      fill.style.width = `${total ? Math.round((100 * done) / total) : 0}%`;
      bar.append(fill);
      button.append(label, bar);
      if (errors) {
        this._badge(button, errors, 'error');
      }
      if (flags) {
        this._badge(button, flags, 'flag');
      }
      button.title = this._trans.__('Open %1 for grading', entry.file.path);
      // Read as a sentence, not as "3/21 ✗2".
      const parts = [this._trans.__('%1 of %2 steps done', done, total)];
      if (errors) {
        parts.push(this._trans._n('%1 error', '%1 errors', errors));
      }
      if (flags) {
        parts.push(this._trans._n('%1 flag', '%1 flags', flags));
      }
      button.setAttribute('aria-label', parts.join(', '));
    }
    button.dataset.state =
      total && done === total ? 'complete' : done ? 'partial' : 'none';
    button.addEventListener('click', () =>
      this._options.open(entry.file.path, section)
    );
    td.append(button);
  }

  private _badge(parent: HTMLElement, n: number, kind: 'error' | 'flag'): void {
    const badge = el('span', `jp-testbed-Class-badge jp-mod-${kind}`);
    badge.textContent = `${kind === 'error' ? '✗' : '⚑'}${n}`;
    badge.setAttribute(
      'aria-label',
      kind === 'error'
        ? this._trans._n('%1 error', '%1 errors', n)
        : this._trans._n('%1 flag', '%1 flags', n)
    );
    parent.append(badge);
  }

  private _count(td: HTMLElement, n: number, kind: 'error' | 'flag'): void {
    if (n) {
      this._badge(td, n, kind);
    } else {
      td.textContent = '0';
    }
  }

  private _checkbox(parent: HTMLElement, label: string): HTMLInputElement {
    const wrap = el('label', 'jp-testbed-Class-toggle');
    const box = el('input', '');
    box.type = 'checkbox';
    box.addEventListener('change', () => this._applyFilter());
    wrap.append(box, document.createTextNode(label));
    parent.append(wrap);
    return box;
  }

  private _button(label: string, onClick: () => void): HTMLButtonElement {
    const button = el('button', 'jp-mod-styled jp-testbed-Class-action');
    button.textContent = label;
    button.addEventListener('click', onClick);
    return button;
  }

  private _applyFilter(): void {
    this.model.filter = {
      text: this._search.value,
      flaggedOnly: this._toggles.flaggedOnly.checked,
      incompleteOnly: this._toggles.incompleteOnly.checked,
      problemsOnly: this._toggles.problemsOnly.checked
    };
  }

  private _options: ClassOverview.IOptions;
  private _trans: TranslationBundle;
  private _search: HTMLInputElement;
  private _toggles: {
    flaggedOnly: HTMLInputElement;
    incompleteOnly: HTMLInputElement;
    problemsOnly: HTMLInputElement;
  };
  private _notebookSelect: HTMLSelectElement;
  private _notebookOptions = '';
  private _exports: HTMLButtonElement[];
  private _status: HTMLElement;
  private _progress: HTMLProgressElement;
  private _notes: HTMLElement;
  private _table: HTMLTableElement;
  private _frame: number | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _lastRender = -Infinity;
}

/** A student's copy of the notebook and its section under the column, if any. */
function sectionOf(row: IClassRow, notebook: string, column: ISectionColumn) {
  const entry = row.entries.get(notebook);
  const section = entry ? matchSection(entry.summary.sections, column) : null;
  return { entry, section };
}

function sameKey(a: SortKey, b: SortKey): boolean {
  if (typeof a === 'string' || typeof b === 'string') {
    return a === b;
  }
  return (
    a.notebook === b.notebook &&
    a.section === b.section &&
    !!a.checks === !!b.checks
  );
}

/** A recorded time, shortened for a table cell, in the grader's time zone. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso.slice(0, 20)
    : date.toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit'
      });
}
