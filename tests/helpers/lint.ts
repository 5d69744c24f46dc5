/**
 * Notebooks written cell by cell for the lint's tests, and the lint of
 * them with nothing of the author's known unless a test gives it.
 */
import {
  ILintFinding,
  ILintOptions,
  LintRule,
  lintNotebook
} from '../../src/core/authoring/lint';
import { METADATA_KEY } from '../../src/core/metadata/format';

export type Json = { [key: string]: any };

export function codeCell(source: string, extra: Json = {}): Json {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source,
    ...extra
  };
}

export function markdownCell(source: string, extra: Json = {}): Json {
  return { cell_type: 'markdown', metadata: {}, source, ...extra };
}

/** A notebook of these cells, with our record when one is given. */
export function notebookOf(cells: Json[], record?: Json): Json {
  return {
    cells,
    metadata: record ? { [METADATA_KEY]: { v: 1, ...record } } : {},
    nbformat: 4,
    nbformat_minor: 5
  };
}

export function lintCells(
  cells: Json[],
  options: Partial<ILintOptions> = {},
  record?: Json
): ILintFinding[] {
  return lintNotebook(notebookOf(cells, record), 'lab.ipynb', {
    profileValues: [],
    ...options
  });
}

export const ofRule = (findings: ILintFinding[], rule: LintRule) =>
  findings.filter(f => f.rule === rule);

/** The messages of a rule's findings in one line of a code cell. */
export function foundIn(
  line: string,
  rule: LintRule,
  options: Partial<ILintOptions> = {},
  record?: Json
): string[] {
  return ofRule(lintCells([codeCell(line)], options, record), rule).map(
    f => f.message
  );
}
