/**
 * The class overview's state: the submissions read so far, how far reading
 * got, and how the grader sorts and filters them. Reading streams, so the
 * table fills in while the rest of the folder is still being read.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { ILayout } from '../../core/grading/layout';
import {
  IClassEntry,
  IFileSource,
  IReadOptions,
  readClass
} from '../../core/grading/reader';
import {
  classTable,
  filterRows,
  IClassRow,
  IClassTable,
  IRowFilter,
  SortKey,
  sortRows,
  toCSV,
  toJSON
} from '../../core/grading/table';
import type { ISectionSummary } from '../../core/grading/types';
import { errorText } from '../../core/helpers';

export type ReadState = 'idle' | 'reading' | 'done' | 'failed';

/** A section column of one notebook, matched across students by title. */
export interface ISectionColumn {
  title: string;
  level: number;
}

export namespace OverviewModel {
  export interface IOptions {
    /** The folder, relative to the server root. */
    root: string;
    source: IFileSource;
    readOptions: () => IReadOptions;
  }
}

export class OverviewModel implements IDisposable {
  constructor(options: OverviewModel.IOptions) {
    this.root = options.root;
    this._source = options.source;
    this._readOptions = options.readOptions;
  }

  /** The submissions folder, relative to the server root. */
  readonly root: string;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): ReadState {
    return this._state;
  }

  /** Files read so far, and how many there are to read. */
  get progress(): { read: number; total: number } {
    return { read: this._read, total: this._total };
  }

  get layout(): ILayout | null {
    return this._layout;
  }

  /** Notes on the folder (listing stopped early...). */
  get notes(): string[] {
    return this._notes;
  }

  /** Why the folder could not be read, when it could not. */
  get error(): string | null {
    return this._error;
  }

  get entries(): readonly IClassEntry[] {
    return this._entries;
  }

  /** The table of everything read so far. */
  get table(): IClassTable {
    if (!this._table) {
      this._table = classTable(this._entries);
    }
    return this._table;
  }

  get sort(): { key: SortKey; descending: boolean } {
    return this._sort;
  }
  set sort(sort: { key: SortKey; descending: boolean }) {
    this._sort = sort;
    this._changed.emit();
  }

  get filter(): IRowFilter {
    return this._filter;
  }
  set filter(filter: IRowFilter) {
    this._filter = filter;
    this._changed.emit();
  }

  /** The notebook whose sections are the columns; null for one column per notebook. */
  get notebook(): string | null {
    return this._notebook;
  }
  set notebook(notebook: string | null) {
    this._notebook = notebook;
    this._changed.emit();
  }

  /** The rows shown: filtered, then sorted. */
  get rows(): IClassRow[] {
    const rows = filterRows(this.table.rows, this._filter);
    const { key, descending } = this._sort;
    if (typeof key !== 'object' || key.section === undefined) {
      return sortRows(rows, key, descending);
    }
    // Section columns are matched by title: sort by the matched section.
    const column = this.sectionColumns(key.notebook)[key.section];
    const share = (row: IClassRow): number => {
      const entry = row.entries.get(key.notebook);
      const section =
        entry && column ? matchSection(entry.summary.sections, column) : null;
      if (key.checks) {
        return section?.checksTotal
          ? (section.checksPassed ?? 0) / section.checksTotal
          : -1;
      }
      return section && section.total ? section.done / section.total : -1;
    };
    const sign = descending ? -1 : 1;
    return sortRows(rows, 'student', false).sort(
      (a, b) => sign * (share(a) - share(b))
    );
  }

  /** Whether any copy of the notebook has checks in the section. */
  sectionHasChecks(notebook: string, column: ISectionColumn): boolean {
    return this._entries.some(entry => {
      if (entry.file.notebook !== notebook || entry.summary.problem) {
        return false;
      }
      return !!matchSection(entry.summary.sections, column)?.checksTotal;
    });
  }

  /**
   * The section columns of a notebook: the top sections of the structure
   * most students' copies share (a student may have added a heading).
   */
  sectionColumns(notebook: string): ISectionColumn[] {
    const cached = this._columns.get(notebook);
    if (cached && cached.table === this.table) {
      return cached.columns;
    }
    const counts = new Map<string, { n: number; columns: ISectionColumn[] }>();
    for (const entry of this._entries) {
      if (entry.file.notebook !== notebook || entry.summary.problem) {
        continue;
      }
      const columns = topSections(entry.summary.sections).map(s => ({
        title: s.title,
        level: s.level
      }));
      const signature = JSON.stringify(columns);
      const seen = counts.get(signature) ?? { n: 0, columns };
      seen.n++;
      counts.set(signature, seen);
    }
    let best: ISectionColumn[] = [];
    let most = 0;
    for (const { n, columns } of counts.values()) {
      if (n > most) {
        best = columns;
        most = n;
      }
    }
    this._columns.set(notebook, { table: this.table, columns: best });
    return best;
  }

  /**
   * Read (or read again) the folder.
   */
  async load(): Promise<void> {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._entries = [];
    this._table = null;
    this._read = 0;
    this._total = 0;
    this._layout = null;
    this._notes = [];
    this._error = null;
    this._state = 'reading';
    this._changed.emit();
    try {
      const result = await readClass(
        this._source,
        { ...this._readOptions(), signal: abort.signal },
        (entry, read, total) => {
          if (abort.signal.aborted) {
            return;
          }
          this._entries.push(entry);
          this._table = null;
          this._read = read;
          this._total = total;
          this._changed.emit();
        }
      );
      if (abort.signal.aborted) {
        return;
      }
      this._layout = result.layout;
      this._notes = result.notes;
      this._state = 'done';
    } catch (error) {
      if (abort.signal.aborted) {
        return;
      }
      this._error = errorText(error);
      this._state = 'failed';
    }
    this._changed.emit();
  }

  /** The table as CSV (all rows read, whatever the filter). */
  csv(): string {
    return toCSV([...this._entries]);
  }

  /** The table as JSON. */
  json(): string {
    return toJSON([...this._entries]);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._abort?.abort();
    Signal.clearData(this);
  }

  private _source: IFileSource;
  private _readOptions: () => IReadOptions;
  private _changed = new Signal<this, void>(this);
  private _state: ReadState = 'idle';
  private _read = 0;
  private _total = 0;
  private _layout: ILayout | null = null;
  private _notes: string[] = [];
  private _error: string | null = null;
  private _entries: IClassEntry[] = [];
  private _table: IClassTable | null = null;
  private _sort: { key: SortKey; descending: boolean } = {
    key: 'student',
    descending: false
  };
  private _filter: IRowFilter = {};
  private _notebook: string | null = null;
  private _columns = new Map<
    string,
    { table: IClassTable; columns: ISectionColumn[] }
  >();
  private _abort: AbortController | null = null;
  private _isDisposed = false;
}

/**
 * The sections that make good columns: the top level, or the level below a
 * lone title heading.
 */
export function topSections(sections: ISectionSummary[]): ISectionSummary[] {
  const top = sections.filter(s => s.depth === 0 && s.total > 0);
  if (top.length === 1) {
    const below = sections.filter(
      s => s.parent === top[0].index && s.total > 0
    );
    if (below.length) {
      return below;
    }
  }
  return top;
}

/**
 * A student's section matching a column, by title and level.
 */
export function matchSection(
  sections: ISectionSummary[],
  column: ISectionColumn
): ISectionSummary | null {
  return (
    sections.find(s => s.title === column.title && s.level === column.level) ??
    null
  );
}
