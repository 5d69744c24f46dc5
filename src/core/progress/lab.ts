/**
 * Progress of a notebook file as read through the contents API, for the
 * listing of a lab's notebooks. The file is untrusted: anything unexpected
 * becomes a note, never an exception.
 */
import { buildOutline, IOutlineOptions } from './outline';
import { readNotebookFile } from '../notebook/file';

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
  const file = readNotebookFile(content);
  if (file.problem) {
    return { done: 0, total: 0, problem: file.problem };
  }
  const outline = buildOutline(file.cells, options);
  return { done: outline.done, total: outline.total };
}

/**
 * Notebook names in a lab's order: `2_x` before `10_x`.
 */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}
