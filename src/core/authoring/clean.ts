/**
 * A lab notebook made fit to publish: filled cells put back to their
 * templates, our progress records and JupyterLab's run timings removed,
 * outputs and execution counts cleared except where the author keeps them.
 *
 * Pure: text in, text out, written as nbformat writes it so a clean lab
 * diffs only where it changed. The author's work is never lost: a cell
 * edited after it was filled keeps its text, a record that cannot be read
 * is left as it is, and no cell, attachment, id or unknown field is dropped.
 */
import {
  describeProblem,
  ICellRecord,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord
} from '../metadata/format';
import { readNotebookFile, sourceText } from '../notebook/file';
import type { KnownValues } from './profile';
import { definitionsOf } from '../placeholders/authored';
import type { IPlaceholder } from '../placeholders/definitions';
import { planReset } from '../placeholders/engine';
import type { ITemplateValues } from '../placeholders/template';
import { errorText, isObject } from '../helpers';

export interface ICleanChanges {
  /** Filled cells put back to their template. */
  restored: number;
  /** Indices of cells filled and then edited by hand: their text is kept (the lint will show what is left). */
  editedAfterFill: number[];
  /**
   * Cells whose fill record's template is not their text with values turned
   * back into tokens (a crafted record): their text is kept, and the copy is
   * not called clean.
   */
  refusedTemplates: { cell: number; why: string }[];
  /** Cell records from which runs, ticks, fills or check results were removed (author's `step`/`keep`/`checks` stay). */
  records: number;
  /** Code cells whose outputs were cleared. */
  outputsCleared: number;
  /** Code cells whose execution count was cleared. */
  countsCleared: number;
  /** Whether the notebook's log/by were removed (author's placeholders/nodes/markers stay). */
  log: boolean;
  /** Other per-run metadata removed (JupyterLab's `execution` timings, `ExecuteTime`). */
  otherMetadata: number;
}

export interface ICleanResult {
  /** The cleaned notebook as nbformat writes it (indent 1, sources as lists of lines, trailing newline); null when unreadable. */
  text: string | null;
  changes: ICleanChanges;
  /** Why it could not be cleaned (not JSON, not a notebook, unreadable record: left as it is). */
  problem?: string;
}

/** Fields of a cell record that describe a student's use of the lab. */
const PROGRESS_FIELDS = ['run', 'ticks', 'fill', 'chk'];

/** Fields of the notebook record that describe a student's use of the lab. */
const LOG_FIELDS = ['log', 'by'];

/** Cell metadata other tools write on each run. */
const TIMING_FIELDS = ['execution', 'ExecuteTime'];

/**
 * Clean the text of a notebook file.
 *
 * @param known - the author's own placeholder values by field: a filled
 *   cell is restored only if the values of these fields in it are among them.
 */
export function cleanNotebookText(
  text: string,
  known: KnownValues = {}
): ICleanResult {
  const changes: ICleanChanges = {
    restored: 0,
    editedAfterFill: [],
    refusedTemplates: [],
    records: 0,
    outputsCleared: 0,
    countsCleared: 0,
    log: false,
    otherMetadata: 0
  };
  const failed = (problem: string): ICleanResult => ({
    text: null,
    changes,
    problem
  });
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    const reason = errorText(error);
    return failed(`not a notebook (not valid JSON: ${reason.slice(0, 80)})`);
  }
  const file = readNotebookFile(content);
  if (file.problem) {
    return failed(file.problem);
  }
  const notebook = content as { [key: string]: unknown; cells: unknown[] };
  const metadata = isObject(notebook.metadata) ? notebook.metadata : {};
  const read = readNotebookRecord(metadata[METADATA_KEY]);
  const problem = describeProblem(read);
  if (problem) {
    return failed(
      `its jupyterlab-testbed record cannot be read (${problem}); it is left as it is`
    );
  }
  const { placeholders } = definitionsOf(metadata[METADATA_KEY]);
  const restoring = {
    placeholders,
    values: {
      only: new Map(
        placeholders.map(p => [p.token, new Set(known[p.field] ?? [])])
      )
    }
  };
  notebook.cells.forEach((cell, index) => {
    if (isObject(cell)) {
      Private.cleanCell(cell, index, changes, restoring);
    }
  });
  if (read.status === 'ok') {
    const kept = Private.without(read.record, LOG_FIELDS);
    if (kept) {
      changes.log = true;
      Private.store(metadata, kept);
    }
  }
  try {
    return { text: JSON.stringify(content, null, 1) + '\n', changes };
  } catch {
    // JSON.parse reads any depth; writing it back needs a stack that deep.
    return failed('it is nested too deeply to be written back');
  }
}

/**
 * A source as nbformat writes it: lines keeping their line break, the last
 * without one (Python's `splitlines(keepends=True)`).
 */
export function sourceLines(text: string): string[] {
  return text
    .match(
      /[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g
    )!
    .filter(line => line !== '');
}

namespace Private {
  export function cleanCell(
    cell: { [key: string]: unknown },
    index: number,
    changes: ICleanChanges,
    restoring: { placeholders: IPlaceholder[]; values: ITemplateValues }
  ): void {
    const metadata = isObject(cell.metadata) ? cell.metadata : null;
    const read = readCellRecord(metadata?.[METADATA_KEY]);
    // An unreadable record is the lint's to report: cleaning leaves it.
    const record = read.status === 'ok' ? read.record : null;
    if (metadata && record) {
      const plan = planReset(
        sourceText(cell.source),
        record.fill,
        restoring.placeholders,
        restoring.values
      );
      if (plan.kind === 'write') {
        cell.source = sourceLines(plan.source);
        changes.restored++;
      } else if (plan.kind === 'edited' && plan.refused) {
        changes.refusedTemplates.push({ cell: index, why: plan.refused });
      } else if (plan.kind === 'edited') {
        changes.editedAfterFill.push(index);
      }
      const kept = without(record, PROGRESS_FIELDS);
      if (kept) {
        changes.records++;
        store(metadata, kept);
      }
    }
    if (metadata) {
      for (const field of TIMING_FIELDS) {
        if (field in metadata) {
          delete metadata[field];
          changes.otherMetadata++;
        }
      }
    }
    if (cell.cell_type !== 'code' || record?.keep === true) {
      return;
    }
    if (
      'outputs' in cell &&
      !(Array.isArray(cell.outputs) && !cell.outputs.length)
    ) {
      cell.outputs = [];
      changes.outputsCleared++;
    }
    if ('execution_count' in cell && cell.execution_count !== null) {
      cell.execution_count = null;
      changes.countsCleared++;
    }
  }

  /**
   * A copy of a record without some fields, in its order, or null when it
   * has none of them.
   */
  export function without<T extends { [key: string]: unknown }>(
    record: T,
    fields: string[]
  ): T | null {
    if (!fields.some(field => field in record)) {
      return null;
    }
    const copy = { ...record };
    fields.forEach(field => delete copy[field]);
    return copy;
  }

  /** Write a record back, or remove the key when only its version is left. */
  export function store(
    metadata: { [key: string]: unknown },
    record: ICellRecord | { [key: string]: unknown }
  ): void {
    if (Object.keys(record).every(key => key === 'v')) {
      delete metadata[METADATA_KEY];
    } else {
      metadata[METADATA_KEY] = record;
    }
  }
}
