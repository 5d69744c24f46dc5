/**
 * Progress of a notebook file as read through the contents API, for the
 * listing of a lab's notebooks. The file is untrusted: anything unexpected
 * becomes a note, never an exception.
 */
import { buildOutline, ICellInput, IOutlineOptions } from './outline';
import { METADATA_KEY } from '../metadata/format';

export interface INotebookProgress {
  done: number;
  total: number;
  /** Why the file could not be read, if it could not. */
  problem?: string;
}

/**
 * Summarize the parsed content of a `.ipynb` file.
 */
export function summarizeNotebook(
  content: unknown,
  options: IOutlineOptions
): INotebookProgress {
  const cells = (content as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) {
    return { done: 0, total: 0, problem: 'not a notebook (no list of cells)' };
  }
  const inputs: ICellInput[] = cells.map((cell, index) => {
    const value = (typeof cell === 'object' && cell !== null ? cell : {}) as {
      id?: unknown;
      cell_type?: unknown;
      source?: unknown;
      metadata?: { [key: string]: unknown };
    };
    return {
      id: typeof value.id === 'string' ? value.id : String(index),
      type: typeof value.cell_type === 'string' ? value.cell_type : 'unknown',
      source: sourceText(value.source),
      record:
        typeof value.metadata === 'object' && value.metadata !== null
          ? value.metadata[METADATA_KEY]
          : undefined
    };
  });
  const outline = buildOutline(inputs, options);
  return { done: outline.done, total: outline.total };
}

/** nbformat stores a source as a string or a list of lines. */
function sourceText(source: unknown): string {
  if (typeof source === 'string') {
    return source;
  }
  return Array.isArray(source)
    ? source.filter(s => typeof s === 'string').join('')
    : '';
}

/**
 * Notebook names in a lab's order: `2_x` before `10_x`.
 */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}
