/**
 * A lab notebook used as a student would use it, for the tests of what a
 * used lab holds and of how it is made fit to publish again.
 */
import type * as nbformat from '@jupyterlab/nbformat';
import type { PartialJSONObject } from '@lumino/coreutils';
import { sourceLines } from '../../src/core/authoring/clean';
import {
  CELL_TICK,
  describeProblem,
  ICellRecord,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord,
  timestamp,
  withFill,
  withKeptOutputs,
  withLogEntries,
  withRun,
  withTick
} from '../../src/core/metadata/format';
import { sourceText } from '../../src/core/notebook/file';
import { fingerprint } from '../../src/core/notebook/hash';
import { DEFAULT_STEP_RULES } from '../../src/core/notebook/steps';
import { definitionsOf } from '../../src/core/placeholders/authored';
import { planFill } from '../../src/core/placeholders/engine';
import type { Values } from '../../src/core/placeholders/values';
import { analyzeCell } from '../../src/core/progress/outline';
import { fillable } from './';

/** A fake student's values, as entered in the Placeholders form. */
export const STUDENT = {
  netID: 'zq9981',
  project: 'CHI-777123',
  floatingIp: '129.114.30.77',
  sharednetIp: '10.56.3.4'
};

export interface IStudentOptions {
  /** The values filled in, by field: `STUDENT` unless given. */
  values?: Values;
  /** When the first code cell ran; each of the others a minute after the one before. */
  start?: Date;
  /** Whether each run leaves outputs showing every value (default), or none. */
  outputs?: boolean;
  /** Whether manual steps and command blocks are ticked (default). */
  ticks?: boolean;
  /** Whether the runs are written to the notebook's event log (default). */
  log?: boolean;
  /**
   * A code cell, by index, whose outputs the author marked to keep, and
   * what its run shows (what every cell shows unless given).
   */
  keep?: { cell: number; outputs?: nbformat.IOutput[] };
}

export interface IUsedNotebook<T> {
  /** A copy of the notebook, as the extension and JupyterLab save it. */
  used: T;
  /** Indices of the cells the values were filled into. */
  filled: number[];
  /** Indices of the code cells (all of them ran). */
  code: number[];
}

/**
 * A notebook as a student leaves it: every code cell filled the way the Fill
 * command does (template and fingerprint kept, the notebook's own
 * placeholders included), then run in order, with outputs and JupyterLab's
 * timings; manual steps and command blocks ticked; the runs logged. The
 * notebook given is not changed.
 */
export function useAsStudent<T extends nbformat.INotebookContent>(
  notebook: T,
  options: IStudentOptions = {}
): IUsedNotebook<T> {
  const used: T = JSON.parse(JSON.stringify(notebook));
  const studentValues = options.values ?? STUDENT;
  const { values, problems } = fillable(
    studentValues,
    definitionsOf(used.metadata?.[METADATA_KEY]).placeholders
  );
  if (problems.length) {
    throw new Error(`the values cannot be filled: ${problems.join(' ')}`);
  }
  const start = options.start ?? new Date('2026-11-20T10:00:00Z');
  const { keep } = options;
  if (keep && used.cells[keep.cell]?.cell_type !== 'code') {
    throw new Error(`cell ${keep.cell} is not a code cell to keep`);
  }
  const filled: number[] = [];
  const code: number[] = [];
  const events: { at: Date; result: string; ref: string }[] = [];
  used.cells.forEach((cell, index) => {
    const read = readCellRecord(cell.metadata[METADATA_KEY]);
    if (read.status !== 'ok' && read.status !== 'absent') {
      throw new Error(`cell ${index}: ${describeProblem(read)}`);
    }
    let record: ICellRecord | null = read.record;
    const at = new Date(start.getTime() + index * 60000);
    if (cell.cell_type === 'code') {
      const run = cell as nbformat.ICodeCell;
      code.push(index);
      const plan = planFill(sourceText(run.source), record?.fill, values);
      if (plan.kind === 'write') {
        run.source = sourceLines(plan.source);
        record = withFill(record, plan.fill);
        filled.push(index);
      }
      const src = fingerprint(sourceText(run.source));
      const count = code.length;
      record = withRun(record, { start: at, ms: 800, ok: true, src, count });
      events.push({ at, result: 'ok', ref: src });
      run.execution_count = count;
      run.outputs =
        options.outputs === false ? [] : Private.shown(studentValues, count);
      run.metadata.execution = {
        'iopub.status.busy': at.toISOString(),
        'iopub.status.idle': new Date(at.getTime() + 800).toISOString()
      };
      if (index === keep?.cell) {
        record = withKeptOutputs(record, true);
        run.outputs = keep.outputs ?? run.outputs;
      }
    } else if (cell.cell_type === 'markdown' && options.ticks !== false) {
      const tick = { at: timestamp(at), via: 'tick' };
      if (record?.step === 'manual') {
        record = withTick(record, CELL_TICK, tick);
      }
      const source = sourceText(cell.source);
      for (const block of analyzeCell('markdown', source, DEFAULT_STEP_RULES)
        .blocks) {
        record = withTick(record, block.key, { ...tick, via: 'node1' });
      }
    }
    if (record) {
      cell.metadata[METADATA_KEY] = record as PartialJSONObject;
    }
  });
  if (options.log !== false) {
    const read = readNotebookRecord(used.metadata[METADATA_KEY]);
    if (read.status !== 'ok' && read.status !== 'absent') {
      throw new Error(`the notebook: ${describeProblem(read)}`);
    }
    used.metadata[METADATA_KEY] = withLogEntries(
      read.record,
      events,
      100
    ) as PartialJSONObject;
  }
  return { used, filled, code };
}

namespace Private {
  /** What a run shows: each value, on stdout and as the cell's result. */
  export function shown(values: Values, count: number): nbformat.IOutput[] {
    const printed = Object.values(values).filter(value => value);
    return [
      {
        output_type: 'stream',
        name: 'stdout',
        text: printed.map(value => `${value}\n`)
      },
      {
        output_type: 'execute_result',
        execution_count: count,
        metadata: {},
        data: { 'text/plain': [printed.join(' ')] }
      }
    ];
  }
}
