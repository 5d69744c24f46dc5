/**
 * A class as a table, one row per student and a column per notebook, and
 * its exports. Every name in it comes from students' file names: exports
 * keep them inert text.
 */
import { fieldText, safeJSON } from '../invisible';
import { compareNames } from '../progress/lab';
import { EXTENSION_VERSION } from '../version';
import type { IClassEntry } from './reader';
import { FLAG_KINDS, FlagCounts, ISectionSummary } from './types';

export interface IClassRow {
  student: string;
  /** The student's notebooks, by notebook name. */
  entries: Map<string, IClassEntry>;
  /** Sums over the student's notebooks. */
  done: number;
  total: number;
  errors: number;
  flags: number;
  /** Notebooks that could not be summarized. */
  problems: number;
  /** Latest recorded activity (ISO 8601). */
  last: string | null;
}

export interface IClassTable {
  /** Every notebook any student handed in, in the lab's order. */
  notebooks: string[];
  /** By student. */
  rows: IClassRow[];
}

/** Sort by a column; a notebook column sorts by steps done in it or in one of its sections. */
export type SortKey =
  | 'student'
  | 'done'
  | 'errors'
  | 'flags'
  | 'last'
  | { notebook: string; section?: number; checks?: boolean };

export interface IRowFilter {
  /** Part of the student's name, in any case. */
  text?: string;
  flaggedOnly?: boolean;
  /** Students with steps left, or without a notebook others handed in. */
  incompleteOnly?: boolean;
  problemsOnly?: boolean;
}

/**
 * Group summaries by student.
 */
export function classTable(entries: IClassEntry[]): IClassTable {
  const notebooks = new Set<string>();
  const rows = new Map<string, IClassRow>();
  for (const entry of entries) {
    const { student, notebook } = entry.file;
    const { summary } = entry;
    notebooks.add(notebook);
    let row = rows.get(student);
    if (!row) {
      row = {
        student,
        entries: new Map(),
        done: 0,
        total: 0,
        errors: 0,
        flags: 0,
        problems: 0,
        last: null
      };
      rows.set(student, row);
    }
    row.entries.set(notebook, entry);
    row.done += summary.done;
    row.total += summary.total;
    row.errors += summary.errors;
    row.flags += summary.flagCount;
    row.problems += summary.problem ? 1 : 0;
    if (summary.last && (!row.last || summary.last > row.last)) {
      row.last = summary.last;
    }
  }
  return {
    notebooks: [...notebooks].sort(compareNames),
    rows: sortRows([...rows.values()], 'student', false)
  };
}

/**
 * Rows sorted by a column; ties keep the students' order.
 */
export function sortRows(
  rows: IClassRow[],
  key: SortKey,
  descending: boolean
): IClassRow[] {
  const value = Private.sortValue(key);
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const byKey = key === 'student' ? 0 : Private.compare(value(a), value(b));
    return (
      sign * byKey ||
      (key === 'student' ? sign : 1) * compareNames(a.student, b.student)
    );
  });
}

/**
 * The rows a grader asked to see.
 */
export function filterRows(rows: IClassRow[], filter: IRowFilter): IClassRow[] {
  const text = filter.text?.trim().toLocaleLowerCase() ?? '';
  const notebooks = new Set<string>();
  rows.forEach(row => row.entries.forEach((_, name) => notebooks.add(name)));
  return rows.filter(
    row =>
      (!text || row.student.toLocaleLowerCase().includes(text)) &&
      (!filter.flaggedOnly || row.flags > 0) &&
      (!filter.problemsOnly || row.problems > 0) &&
      (!filter.incompleteOnly ||
        row.done < row.total ||
        row.entries.size < notebooks.size)
  );
}

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'student',
  'notebook',
  'section',
  'section_level',
  'done',
  'total',
  'percent',
  'errors',
  'flags',
  'flag_kinds',
  'checks_passed',
  'checks_total',
  'first_activity',
  'last_activity',
  'file',
  'note'
];

/**
 * The class as CSV (RFC 4180): a row per student and notebook with an empty
 * section, followed by a row per section of that notebook.
 */
export function toCSV(entries: IClassEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { file, summary } of Private.ordered(entries)) {
    const row = (values: { [column: string]: string | number | undefined }) =>
      lines.push(
        CSV_COLUMNS.map(column => Private.csvField(values[column])).join(',')
      );
    const common = {
      student: file.student,
      notebook: file.notebook,
      file: file.path
    };
    if (summary.problem) {
      row({ ...common, note: summary.problem });
      continue;
    }
    row({
      ...common,
      ...Private.counts(summary),
      flags: summary.flagCount,
      flag_kinds: flagKindCounts(summary.flagKinds),
      ...Private.checkCounts(summary),
      first_activity: summary.first,
      last_activity: summary.last,
      note: summary.notes.join('; ')
    });
    for (const section of summary.sections) {
      row({
        ...common,
        section: Private.sectionTitle(section),
        section_level: section.level,
        ...Private.counts(section),
        flags: section.flags,
        flag_kinds: flagKindCounts(section.flagKinds),
        ...Private.checkCounts(section),
        first_activity: section.first,
        last_activity: section.last
      });
    }
  }
  return lines.map(line => `${line}\r\n`).join('');
}

/**
 * The class as versioned JSON: each handed-in notebook with its summary.
 */
export function toJSON(entries: IClassEntry[]): string {
  return safeJSON(
    {
      format: 'jupyterlab-testbed-class',
      v: 1,
      by: EXTENSION_VERSION,
      notebooks: Private.ordered(entries).map(({ file, summary }) => ({
        student: file.student,
        notebook: file.notebook,
        file: file.path,
        size: file.size,
        modified: file.modified,
        ...Private.checkCounts(summary),
        summary
      }))
    },
    1
  );
}

/**
 * Flag kinds with their counts, `edited:2;cleared:1`, in the order of FLAG_KINDS.
 */
export function flagKindCounts(counts: FlagCounts): string {
  return FLAG_KINDS.filter(kind => counts[kind])
    .map(kind => `${kind}:${counts[kind]}`)
    .join(';');
}

namespace Private {
  type Value = number | string | null;

  export function sortValue(key: SortKey): (row: IClassRow) => Value {
    if (typeof key === 'object') {
      return row => {
        const summary = row.entries.get(key.notebook)?.summary;
        if (!summary || summary.problem) {
          return null;
        }
        if (key.section === undefined) {
          return summary.done;
        }
        return summary.sections[key.section]?.done ?? null;
      };
    }
    switch (key) {
      case 'done':
        return row => row.done;
      case 'errors':
        return row => row.errors;
      case 'flags':
        return row => row.flags;
      case 'last':
        return row => row.last;
      default:
        return row => row.student;
    }
  }

  /** Missing values sort below every value. */
  export function compare(a: Value, b: Value): number {
    if (a === null || b === null) {
      return a === b ? 0 : a === null ? -1 : 1;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  export function ordered(entries: IClassEntry[]): IClassEntry[] {
    return [...entries].sort(
      (a, b) =>
        compareNames(a.file.student, b.file.student) ||
        compareNames(a.file.notebook, b.file.notebook) ||
        compareNames(a.file.path, b.file.path)
    );
  }

  export function counts(of: { done: number; total: number; errors: number }) {
    return {
      done: of.done,
      total: of.total,
      percent: of.total ? Math.round((100 * of.done) / of.total) : '',
      errors: of.errors
    };
  }

  /** A notebook's or section's checks, empty when it has none. */
  export function checkCounts(of: {
    checksPassed?: number;
    checksTotal?: number;
  }): { checks_passed?: number; checks_total?: number } {
    return of.checksTotal
      ? { checks_passed: of.checksPassed ?? 0, checks_total: of.checksTotal }
      : {};
  }

  export function sectionTitle(section: ISectionSummary): string {
    if (section.title) {
      return section.title;
    }
    return section.level ? '(untitled)' : '(before the first heading)';
  }

  /**
   * Quote per RFC 4180, keep spreadsheets from taking a student's text for a
   * formula, and terminals (`--csv -`) from taking it for escape sequences.
   */
  export function csvField(value: string | number | undefined): string {
    let text = fieldText(value === undefined ? '' : String(value));
    if (/^[=+\-@\t]/.test(text)) {
      text = `'${text}`;
    }
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
}
