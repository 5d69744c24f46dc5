/**
 * Reading the parsed JSON of a `.ipynb` file that may be anything: a
 * student's hand-in, a broken download, a hostile file. Whatever is
 * unexpected becomes a note or a problem, never an exception, and nothing
 * here walks deeper than the fields it needs.
 */
import { METADATA_KEY } from '../metadata/format';
import { errorText, isObject } from '../helpers';

/** A cell as read from a file. */
export interface IFileCell {
  /** The cell's id, or its index as text when it has none (nbformat 4.4). */
  id: string;
  type: string;
  source: string;
  /** The raw value under the metadata key, unvalidated. */
  record: unknown;
  /** A code cell's execution count, when it has one. */
  executionCount: number | null;
  /** How many outputs a code cell has. */
  outputs: number;
  /** Whether one of them is an error output. */
  errorOutput: boolean;
}

/** A notebook as read from a file, or why it cannot be read. */
export interface IFileNotebook {
  cells: IFileCell[];
  /** The raw value under the metadata key on the notebook, unvalidated. */
  record: unknown;
  /** `4.4`, `4.5`... when stated. */
  nbformat: string | null;
  /** Why the file is not a usable notebook; `cells` is then empty. */
  problem?: string;
}

/** More cells than this is not a lab notebook: the file is not summarized. */
export const MAX_CELLS = 20000;

/**
 * Read the parsed content of a notebook file.
 */
export function readNotebookFile(content: unknown): IFileNotebook {
  const empty = (problem: string): IFileNotebook => ({
    cells: [],
    record: undefined,
    nbformat: null,
    problem
  });
  if (!isObject(content)) {
    return empty('not a notebook (not a JSON object)');
  }
  const cells = content.cells;
  if (!Array.isArray(cells)) {
    return empty('not a notebook (no list of cells)');
  }
  if (cells.length > MAX_CELLS) {
    return empty(
      `not summarized: ${cells.length} cells (more than ${MAX_CELLS})`
    );
  }
  const metadata = isObject(content.metadata) ? content.metadata : {};
  const major = content.nbformat;
  const minor = content.nbformat_minor;
  return {
    cells: cells.map(readCell),
    record: metadata[METADATA_KEY],
    nbformat:
      typeof major === 'number' && typeof minor === 'number'
        ? `${major}.${minor}`
        : null
  };
}

/**
 * Parse and read the text of a notebook file.
 */
export function parseNotebookFile(text: string): IFileNotebook {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    const reason = errorText(error);
    return {
      cells: [],
      record: undefined,
      nbformat: null,
      problem: `not a notebook (not valid JSON: ${reason.slice(0, 80)})`
    };
  }
  return readNotebookFile(content);
}

/** nbformat stores a source as a string or a list of lines. */
export function sourceText(source: unknown): string {
  if (typeof source === 'string') {
    return source;
  }
  return Array.isArray(source)
    ? source.filter(s => typeof s === 'string').join('')
    : '';
}

function readCell(cell: unknown, index: number): IFileCell {
  const value = isObject(cell) ? cell : {};
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const outputs = Array.isArray(value.outputs) ? value.outputs : [];
  const count = value.execution_count;
  return {
    id: typeof value.id === 'string' ? value.id : String(index),
    type: typeof value.cell_type === 'string' ? value.cell_type : 'unknown',
    source: sourceText(value.source),
    record: metadata[METADATA_KEY],
    executionCount:
      typeof count === 'number' && Number.isInteger(count) && count > 0
        ? count
        : null,
    outputs: outputs.length,
    errorOutput: outputs.some(
      output => isObject(output) && output.output_type === 'error'
    )
  };
}
