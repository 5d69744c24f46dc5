/**
 * The lab as a student will see it, from its cells and what the notebook
 * declares: the steps and sections the Progress section counts, the cells
 * each placeholder fills, and the run buttons the Terminals put on blocks.
 * Pure: the same readers as the students' side, on plain cell data.
 */
import { parseMarkdown } from '../notebook/markdown';
import { commandLabel, firstLine } from '../notebook/steps';
import { describeProblem, readNotebookRecord } from '../metadata/format';
import { definitionsOf } from '../placeholders/authored';
import { CHAMELEON_PLACEHOLDERS } from '../placeholders/definitions';
import { countTokens } from '../placeholders/engine';
import { TokenScanner } from '../placeholders/tokenscan';
import { buildOutline, ICellInput, IOutlineOptions } from '../progress/outline';
import {
  compileMarkers,
  declaredMarkers,
  DEFAULT_MARKERS,
  targetNodes,
  whereText
} from '../terminals/markers';
import { placesIn } from '../terminals/places';
import { declaredNodes } from '../terminals/topology';

export interface IPreviewOptions {
  outline: IOutlineOptions;
  /** The node names of the terminals' preset, used when the notebook declares none. */
  presetNodes: string[];
  /** The terminals' marker sources from the settings ([]: the default ones). */
  markers: string[];
}

/** A block that may get run buttons: a code cell or a fenced block of markdown. */
export interface IPreviewBlock {
  /** 0-based index of its cell. */
  cell: number;
  text: string;
}

export interface IPreview {
  steps: number;
  sections: number;
  /** Placeholders found in cells, and every one the author declared. */
  placeholders: {
    token: string;
    label: string;
    authored: boolean;
    /** 0-based indexes of the code and markdown cells holding the token. */
    cells: number[];
  }[];
  /** The lab's nodes, and whether the notebook declares them. */
  nodes: string[];
  nodesDeclared: boolean;
  /** How many blocks get a run button for each node, in the lab's order. */
  runButtons: { node: string; blocks: number }[];
  /** Blocks whose first line is a marker naming none of the lab's nodes. */
  unknownTargets: { cell: number; line: string }[];
  /** What the notebook declares that the lab cannot use, as the students' side reports it. */
  problems: string[];
}

/**
 * The code cells and fenced markdown blocks of a notebook: where run
 * buttons may go.
 */
export function previewBlocks(cells: ICellInput[]): IPreviewBlock[] {
  const blocks: IPreviewBlock[] = [];
  cells.forEach((cell, index) => {
    if (cell.type === 'code') {
      blocks.push({ cell: index, text: cell.source });
    } else if (cell.type === 'markdown') {
      for (const part of parseMarkdown(cell.source)) {
        if (part.kind === 'block') {
          blocks.push({ cell: index, text: part.body });
        }
      }
    }
  });
  return blocks;
}

/** How many blocks have a first line that one of the patterns matches. */
export function countMarked(
  blocks: IPreviewBlock[],
  patterns: RegExp[]
): number {
  return blocks.filter(block => whereText(block.text, patterns) !== null)
    .length;
}

/** The compiled marker patterns of the settings (the default when none). */
export function settingsMarkers(sources: string[]): RegExp[] {
  return compileMarkers(sources.length ? sources : DEFAULT_MARKERS).patterns;
}

/**
 * What a student sees of the lab. `notebookMetadata` is the value under
 * our key on the notebook.
 */
export function previewLab(
  cells: ICellInput[],
  notebookMetadata: unknown,
  options: IPreviewOptions,
  blocks: IPreviewBlock[] = previewBlocks(cells)
): IPreview {
  const outline = buildOutline(cells, options.outline);
  const definitions = definitionsOf(notebookMetadata);
  const declared = declaredNodes(notebookMetadata);
  const wordings = declaredMarkers(notebookMetadata);
  const problems = [
    ...[describeProblem(readNotebookRecord(notebookMetadata))]
      .filter((problem): problem is string => problem !== null)
      .map(
        problem =>
          `The notebook’s record cannot be read (${problem}), so nothing it declares applies.`
      ),
    ...definitions.problems,
    ...declared.problems,
    ...wordings.problems,
    ...outline.issues.map(
      issue =>
        `Cell ${issue.cellIndex + 1}: its record cannot be read (${issue.problem}).`
    )
  ];

  const tokens = definitions.placeholders.map(p => p.token);
  const found = new Map<string, number[]>();
  const scanner = new TokenScanner(tokens);
  cells.forEach((cell, index) => {
    if (cell.type !== 'code' && cell.type !== 'markdown') {
      return;
    }
    for (const token of countTokens(cell.source, scanner).keys()) {
      found.set(token, [...(found.get(token) ?? []), index]);
    }
  });
  const builtIn = new Set(CHAMELEON_PLACEHOLDERS);
  const placeholders = definitions.placeholders
    .filter(p => !builtIn.has(p) || found.has(p.token))
    .map(p => ({
      token: p.token,
      label: p.label,
      authored: !builtIn.has(p),
      cells: found.get(p.token) ?? []
    }));

  const nodes = declared.nodes?.map(node => node.name) ?? options.presetNodes;
  const patterns = [...settingsMarkers(options.markers), ...wordings.patterns];
  const perNode = new Map(nodes.map(name => [name, 0]));
  const unknownTargets: IPreview['unknownTargets'] = [];
  for (const block of blocks) {
    const where = whereText(block.text, patterns);
    if (where === null) {
      continue;
    }
    const targets = targetNodes(block.text, patterns, nodes);
    // The Jupyter side and the student's computer are places, not unknown
    // nodes (a line naming a node too is the lint's to report).
    if (!targets.length && !placesIn(where).length) {
      unknownTargets.push({
        cell: block.cell,
        line: commandLabel(firstLine(block.text))
      });
    }
    for (const name of targets) {
      perNode.set(name, (perNode.get(name) ?? 0) + 1);
    }
  }

  return {
    steps: outline.steps.length,
    sections: outline.sections.length,
    placeholders,
    nodes,
    nodesDeclared: declared.nodes !== null,
    runButtons: [...perNode]
      .filter(([, count]) => count > 0)
      .map(([node, count]) => ({ node, blocks: count })),
    unknownTargets,
    problems
  };
}
