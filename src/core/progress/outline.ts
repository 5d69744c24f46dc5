/**
 * The outline of a notebook as a lab: sections from headings, steps from
 * code cells, command blocks and manual markdown steps, each with its status
 * from the stored records. Plain data in, plain data out: the sidebar, the
 * lab listing and the tests all use it.
 */
import { fingerprint } from '../notebook/hash';
import { parseMarkdown } from '../notebook/markdown';
import {
  blockKeys,
  commandLabel,
  DEFAULT_STEP_RULES,
  isCommandBlock,
  IStepRules,
  markdownLabel,
  whereToRun
} from '../notebook/steps';
import {
  CELL_TICK,
  describeProblem,
  ICellRecord,
  ICheck,
  IRunRecord,
  ITick,
  readCellRecord
} from '../metadata/format';
import { CheckState, checkState } from '../checks/status';

/** A cell as the outline sees it. */
export interface ICellInput {
  /** Stable while the notebook is open (the model's id; the index in files). */
  id: string;
  type: string;
  source: string;
  /** The raw value under the metadata key, unvalidated. */
  record: unknown;
}

/** What the outline needs from a cell's text; cached per cell by source. */
export interface ICellAnalysis {
  source: string;
  headings: { level: number; text: string }[];
  /** Parts in document order: a heading (by ordinal) or a command block. */
  order: ({ heading: number } | { block: number })[];
  blocks: { key: string; body: string; label: string; where: string | null }[];
  /** Fingerprint of a code cell's source. */
  print: string;
}

export type StepStatus = 'todo' | 'ok' | 'error' | 'changed' | 'ticked';

export interface IStep {
  index: number;
  /** Unique in the notebook: the cell id, plus the tick key for ticks. */
  key: string;
  kind: 'code' | 'block' | 'manual';
  cellId: string;
  cellIndex: number;
  /** For blocks and manual steps: the key under the cell's `ticks`. */
  tickKey?: string;
  /** For blocks: which command block of the cell (0-based). */
  blockOrdinal?: number;
  label: string;
  /** Where a block says it runs (`node1 host`). */
  where?: string | null;
  section: number;
  status: StepStatus;
  run?: IRunRecord;
  tick?: ITick;
  /** The author's check on this step, and what its last result says. */
  check?: ICheck;
  checked?: CheckState;
}

export interface ISection {
  index: number;
  /** Heading level; 0 for the steps before the first heading. */
  level: number;
  title: string;
  cellIndex: number;
  /** Which heading of its cell starts the section (0-based). */
  headingOrdinal: number;
  parent: number;
  depth: number;
  /** Steps directly under this heading. */
  steps: number[];
  /** Steps under it and its subsections. */
  total: number;
  done: number;
}

export interface ICellIssue {
  cellId: string;
  cellIndex: number;
  problem: string;
}

export interface IOutline {
  sections: ISection[];
  steps: IStep[];
  /** Cells whose record cannot be read; they are shown but never written. */
  issues: ICellIssue[];
  /** The steps of each cell, by cell id, for updates of one cell. */
  cellSteps: Map<string, IStep[]>;
  total: number;
  done: number;
}

export interface IOutlineOptions extends IStepRules {
  /** Deepest heading level that starts a section (1-6). */
  maxSectionLevel: number;
}

/**
 * The outline options by default: the defaults of Progress's settings
 * (schema/progress.json; a test checks that the two agree).
 */
export const DEFAULT_OUTLINE_OPTIONS: Readonly<IOutlineOptions> = {
  ...DEFAULT_STEP_RULES,
  maxSectionLevel: 3
};

/**
 * The outline options of the progress settings, for the capabilities that
 * outline a notebook as Progress does; a missing value keeps its default.
 */
export function outlineOptionsOf(
  composite: Partial<IOutlineOptions>,
  defaults: IOutlineOptions
): IOutlineOptions {
  return {
    maxSectionLevel: composite.maxSectionLevel ?? defaults.maxSectionLevel,
    commandLanguages: composite.commandLanguages ?? defaults.commandLanguages
  };
}

/** Whether a status counts as done. */
export function isDone(status: StepStatus): boolean {
  return status === 'ok' || status === 'ticked';
}

/**
 * Whether a step is done: a step with a check when its check last passed
 * in its current version, any other by its status.
 */
export function stepDone(step: IStep): boolean {
  if (step.checked && step.checked.state !== 'none') {
    return step.checked.state === 'checked' && step.checked.result.r === 'pass';
  }
  return isDone(step.status);
}

/** The check fields of a step whose cell record declares one. */
function checkFields(
  record: ICellRecord | null,
  key: string
): Pick<IStep, 'check' | 'checked'> {
  const check = record?.checks?.[key];
  return check ? { check, checked: checkState(record, key) } : {};
}

/**
 * Read what the outline needs from a cell's text.
 */
export function analyzeCell(
  type: string,
  source: string,
  rules: IStepRules
): ICellAnalysis {
  const analysis: ICellAnalysis = {
    source,
    headings: [],
    order: [],
    blocks: [],
    print: ''
  };
  if (type === 'code') {
    analysis.print = fingerprint(source);
  } else if (type === 'markdown') {
    const bodies: string[] = [];
    for (const part of parseMarkdown(source)) {
      if (part.kind === 'heading') {
        analysis.order.push({ heading: analysis.headings.length });
        analysis.headings.push({ level: part.level, text: part.text });
      } else if (isCommandBlock(part, rules)) {
        const body = normalizeBlock(part.body);
        analysis.order.push({ block: bodies.length });
        bodies.push(body);
        analysis.blocks.push({
          key: '',
          body,
          label: commandLabel(body),
          where: whereToRun(body)
        });
      }
    }
    blockKeys(bodies.map(fingerprint)).forEach((key, i) => {
      analysis.blocks[i].key = key;
    });
  }
  return analysis;
}

/**
 * Build the outline of a notebook.
 *
 * @param analyze - returns the (possibly cached) analysis of a cell.
 */
export function buildOutline(
  cells: ICellInput[],
  options: IOutlineOptions,
  analyze: (cell: ICellInput) => ICellAnalysis = cell =>
    analyzeCell(cell.type, cell.source, options)
): IOutline {
  const outline: IOutline = {
    sections: [],
    steps: [],
    issues: [],
    cellSteps: new Map(),
    total: 0,
    done: 0
  };
  let current = -1;
  const addStep = (step: Omit<IStep, 'index' | 'section'>) => {
    if (current < 0) {
      current = Private.addSection(outline, 0, '', step.cellIndex, 0);
    }
    const full: IStep = {
      ...step,
      index: outline.steps.length,
      section: current
    };
    outline.steps.push(full);
    outline.sections[current].steps.push(full.index);
    const ofCell = outline.cellSteps.get(full.cellId);
    if (ofCell) {
      ofCell.push(full);
    } else {
      outline.cellSteps.set(full.cellId, [full]);
    }
  };

  cells.forEach((cell, cellIndex) => {
    const analysis = analyze(cell);
    const read = readCellRecord(cell.record);
    const record = read.status === 'ok' ? read.record : null;
    const problem = describeProblem(read);
    if (problem) {
      outline.issues.push({ cellId: cell.id, cellIndex, problem });
    }
    if (cell.type === 'code') {
      if (cell.source.trim()) {
        addStep({
          key: cell.id,
          kind: 'code',
          cellId: cell.id,
          cellIndex,
          label: commandLabel(cell.source),
          ...codeStatus(
            record?.run,
            analysis.print,
            record?.ticks?.[CELL_TICK]
          ),
          ...checkFields(record, CELL_TICK)
        });
      }
      return;
    }
    if (cell.type !== 'markdown') {
      return;
    }
    const manual = record?.step === 'manual';
    let manualPlaced = !manual;
    const placeManual = () => {
      manualPlaced = true;
      addStep({
        key: `${cell.id}/${CELL_TICK}`,
        kind: 'manual',
        cellId: cell.id,
        cellIndex,
        tickKey: CELL_TICK,
        label: markdownLabel(cell.source),
        ...tickStatus(record?.ticks?.[CELL_TICK]),
        ...checkFields(record, CELL_TICK)
      });
    };
    analysis.order.forEach((part, position) => {
      if ('heading' in part) {
        const heading = analysis.headings[part.heading];
        if (heading.level <= options.maxSectionLevel) {
          current = Private.addSection(
            outline,
            heading.level,
            heading.text,
            cellIndex,
            part.heading
          );
        }
        // A manual cell that opens with its heading belongs under it.
        if (!manualPlaced && position === 0) {
          placeManual();
        }
        return;
      }
      if (!manualPlaced) {
        placeManual();
      }
      const block = analysis.blocks[part.block];
      addStep({
        key: `${cell.id}/${block.key}`,
        kind: 'block',
        cellId: cell.id,
        cellIndex,
        tickKey: block.key,
        blockOrdinal: part.block,
        label: block.label,
        where: block.where,
        ...tickStatus(record?.ticks?.[block.key]),
        ...checkFields(record, block.key)
      });
    });
    if (!manualPlaced) {
      placeManual();
    }
  });

  for (const step of outline.steps) {
    Private.count(outline, step.section, 1, stepDone(step) ? 1 : 0);
  }
  return outline;
}

/**
 * Refresh the statuses of one cell's steps in place, when its record or a
 * code cell's source changed (a markdown source change needs a rebuild). Returns the steps whose status changed, or null when
 * the cell's steps themselves changed and the outline must be rebuilt.
 */
export function updateCellSteps(
  outline: IOutline,
  cell: ICellInput,
  analysis: ICellAnalysis,
  options: IOutlineOptions
): IStep[] | null {
  const fresh = buildOutline([cell], options, () => analysis);
  const mine = outline.cellSteps.get(cell.id) ?? [];
  const hadIssue = outline.issues.some(i => i.cellId === cell.id);
  if (
    fresh.steps.length !== mine.length ||
    hadIssue !== fresh.issues.length > 0 ||
    // A check declared or removed changes what the step and its section offer.
    fresh.steps.some(
      (s, i) => s.key !== mine[i].key || !!s.check !== !!mine[i].check
    )
  ) {
    return null;
  }
  const changed: IStep[] = [];
  fresh.steps.forEach((next, i) => {
    const step = mine[i];
    const wasDone = stepDone(step);
    if (
      step.status !== next.status ||
      step.run !== next.run ||
      step.tick !== next.tick ||
      !Private.sameData(step.check, next.check) ||
      !Private.sameData(step.checked, next.checked)
    ) {
      changed.push(step);
    }
    step.status = next.status;
    step.run = next.run;
    step.tick = next.tick;
    step.label = next.label;
    step.check = next.check;
    step.checked = next.checked;
    const delta = (stepDone(step) ? 1 : 0) - (wasDone ? 1 : 0);
    if (delta) {
      Private.count(outline, step.section, 0, delta);
    }
  });
  return changed;
}

/**
 * The first step not done, in notebook order.
 */
export function firstPending(outline: IOutline): IStep | null {
  return outline.steps.find(step => !stepDone(step)) ?? null;
}

/**
 * Status of a code cell from its last run, or from its last sending to a
 * node's terminal when that came later (its result is on the node, not here).
 */
export function codeStatus(
  run: IRunRecord | undefined,
  print: string,
  sent?: ITick
): { status: StepStatus; run?: IRunRecord; tick?: ITick } {
  if (sent && (!run || sent.at > run.last)) {
    return { status: 'ticked', tick: sent };
  }
  if (!run) {
    return { status: 'todo' };
  }
  if (run.src !== print) {
    return { status: 'changed', run };
  }
  return { status: run.error === undefined ? 'ok' : 'error', run };
}

function tickStatus(tick: ITick | undefined): {
  status: StepStatus;
  tick?: ITick;
} {
  return tick ? { status: 'ticked', tick } : { status: 'todo' };
}

/**
 * The tick key under which sending a cell's text to a node is recorded: the
 * cell itself for a code cell, the matching command block for markdown.
 */
export function sentTickKey(
  type: string,
  analysis: ICellAnalysis,
  text: string
): string | null {
  if (type === 'code') {
    return CELL_TICK;
  }
  const body = normalizeBlock(text);
  return analysis.blocks.find(block => block.body === body)?.key ?? null;
}

/** Block text as keyed: without trailing spaces and surrounding blank lines. */
function normalizeBlock(body: string): string {
  // Trimmed by hand: `\s+$` and `\n+$` backtrack quadratically over a
  // crafted block of a few hundred KB of spaces or blank lines.
  const text = body
    .split('\n')
    .map(line => line.trimEnd())
    .join('\n');
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === '\n') {
    start++;
  }
  while (end > start && text[end - 1] === '\n') {
    end--;
  }
  return text.slice(start, end);
}

namespace Private {
  /** The same value, without serialising steps that have no check (most). */
  export function sameData(a: unknown, b: unknown): boolean {
    return a === b || JSON.stringify(a) === JSON.stringify(b);
  }

  export function addSection(
    outline: IOutline,
    level: number,
    title: string,
    cellIndex: number,
    headingOrdinal: number
  ): number {
    let parent = outline.sections.length - 1;
    while (parent >= 0 && outline.sections[parent].level >= level) {
      parent = outline.sections[parent].parent;
    }
    const index = outline.sections.length;
    outline.sections.push({
      index,
      level,
      title,
      cellIndex,
      headingOrdinal,
      parent,
      depth: parent >= 0 ? outline.sections[parent].depth + 1 : 0,
      steps: [],
      total: 0,
      done: 0
    });
    return index;
  }

  /** Add to a section's counts and to every section above it. */
  export function count(
    outline: IOutline,
    section: number,
    total: number,
    done: number
  ): void {
    for (let s = section; s >= 0; s = outline.sections[s].parent) {
      outline.sections[s].total += total;
      outline.sections[s].done += done;
    }
    outline.total += total;
    outline.done += done;
  }
}
