/**
 * Where placeholders are still unfilled: the code cells that hold each
 * token, and the next one to visit.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import { countTokens } from '../../core/placeholders/engine';
import { TokenScanner } from '../../core/placeholders/tokenscan';

/** For each token found, the indexes of the cells holding it, in order. */
export function unfilledCells(
  sources: { index: number; source: string }[],
  tokens: string[]
): Map<string, number[]> {
  const cells = new Map<string, number[]>();
  const scanner = new TokenScanner(tokens);
  for (const { index, source } of sources) {
    for (const token of countTokens(source, scanner).keys()) {
      const list = cells.get(token);
      if (list) {
        list.push(index);
      } else {
        cells.set(token, [index]);
      }
    }
  }
  return cells;
}

/** The same, for the code cells of a live notebook. */
export function unfilledInNotebook(
  notebook: INotebookModel,
  tokens: string[]
): Map<string, number[]> {
  const sources: { index: number; source: string }[] = [];
  for (let i = 0; i < notebook.cells.length; i++) {
    const cell = notebook.cells.get(i);
    if (cell.type === 'code') {
      sources.push({ index: i, source: cell.sharedModel.getSource() });
    }
  }
  return unfilledCells(sources, tokens);
}

/**
 * The first cell after `from` holding the token (any token when none is
 * given), starting over from the top after the last one.
 */
export function nextUnfilled(
  cells: Map<string, number[]>,
  from: number,
  token?: string
): number | null {
  const indexes = token
    ? (cells.get(token) ?? [])
    : [...new Set([...cells.values()].flat())].sort((a, b) => a - b);
  if (!indexes.length) {
    return null;
  }
  return indexes.find(index => index > from) ?? indexes[0];
}
