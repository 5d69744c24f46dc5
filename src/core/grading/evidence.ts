/**
 * The summary of a handed-in notebook for a grader: its progress as recorded,
 * cross-checked against the notebook itself.
 *
 * The record is written by the student's JupyterLab, and a student can edit
 * the file, so every check compares two things the student could not easily
 * keep consistent by hand: fingerprints against sources, results and counts
 * against outputs, cell records against the notebook's log, times against
 * each other and against the file's save time.
 */
import {
  describeProblem,
  firstRun,
  ICellRecord,
  ICheckResult,
  IRunRecord,
  readCellRecord,
  readNotebookRecord
} from '../metadata/format';
import { IFileCell, IFileNotebook, parseNotebookFile } from '../notebook/file';
import { fingerprint } from '../notebook/hash';
import { buildOutline, IOutline, IOutlineOptions } from '../progress/outline';
import type {
  FlagCounts,
  FlagKind,
  IFlag,
  ISectionSummary,
  IStepSummary,
  ISubmissionSummary,
  ITimelineEntry
} from './types';

export interface ISubmissionOptions extends IOutlineOptions {
  /** When the file was last saved (ISO 8601): nothing can be recorded later. */
  savedAt?: string | null;
  /** This extension's version, compared with the version that wrote the record. */
  version: string;
}

/** What each kind of flag means, for the views, the grader guide and the exports. */
export const FLAG_MEANINGS: { [kind in FlagKind]: string } = {
  edited:
    'The cell’s source was changed after its last recorded run: what ran is not what is shown.',
  cleared:
    'The record says the cell ran, but its outputs and execution count are gone (cleared, or never saved).',
  result:
    'The recorded result differs from the outputs: a success with an error output, or a failure without one.',
  count:
    'The execution count differs from the one recorded with the run: the cell ran while recording was off, or one of them was edited.',
  unlogged:
    'The notebook’s log covers the time of this run, tick or check result but does not hold it: the record may have been written by hand.',
  time: 'A recorded time that cannot be: not a time, a first run after the last, a time after the file was saved, or a log out of order.',
  check:
    'A recorded check pass is of another check than the one the notebook declares: the check was changed after it passed, or the record was edited.',
  format:
    'A record that cannot be read, or was written by another format or version of jupyterlab-testbed.'
};

/** Recorded times may run this far ahead of the save time (clock skew). */
const SAVE_SLACK_MS = 5 * 60 * 1000;
/** A log entry and the record it matches are written within this of each other. */
const LOG_MATCH_MS = 2000;
/** Flags listed per notebook; the counts include the rest. */
export const MAX_FLAGS = 200;
/** Log events kept in the timeline (the newest). */
export const MAX_TIMELINE = 500;

/**
 * Summarize the text of a notebook file.
 */
export function summarizeText(
  text: string,
  options: ISubmissionOptions
): ISubmissionSummary {
  return summarizeFile(parseNotebookFile(text), options);
}

/**
 * Summarize a notebook read from a file.
 */
export function summarizeFile(
  file: IFileNotebook,
  options: ISubmissionOptions
): ISubmissionSummary {
  const summary: ISubmissionSummary = {
    notes: [],
    done: 0,
    total: 0,
    errors: 0,
    checksPassed: 0,
    checksTotal: 0,
    sections: [],
    steps: [],
    flags: [],
    flagCount: 0,
    flagKinds: {},
    timeline: []
  };
  if (file.problem) {
    summary.problem = file.problem;
    return summary;
  }
  const outline = buildOutline(file.cells, options);
  const checker = new Private.Checker(file, options, outline);
  checker.checkNotebookRecord(summary);
  file.cells.forEach((cell, index) => checker.checkCell(cell, index));
  if (file.cells.length && file.cells.every(cell => /^\d+$/.test(cell.id))) {
    summary.notes.push(
      `no cell ids (nbformat ${file.nbformat ?? 'unknown'}): cells are known by position`
    );
  }
  Private.fill(summary, outline, checker);
  return summary;
}

namespace Private {
  interface ILogEntry {
    at: string;
    ms: number;
    result: string;
    ref: string;
  }

  /** The checks, over one notebook; flags accumulate here. */
  export class Checker {
    constructor(
      file: IFileNotebook,
      options: ISubmissionOptions,
      outline: IOutline
    ) {
      this._file = file;
      this._options = options;
      this._stepKeys = new Set(outline.steps.map(step => step.key));
      const saved = options.savedAt ? Date.parse(options.savedAt) : NaN;
      this._latest = Number.isNaN(saved) ? null : saved + SAVE_SLACK_MS;
    }

    readonly flags: IFlag[] = [];
    log: ILogEntry[] = [];
    /**
     * The cell each log reference belongs to: a run's fingerprint, a tick's
     * key or a check's version (and time).
     */
    readonly refs = new Map<string, number>();

    /** The notebook's own record: format, writer, log. */
    checkNotebookRecord(summary: ISubmissionSummary): void {
      const read = readNotebookRecord(this._file.record);
      const problem = describeProblem(read);
      if (problem) {
        this._flag('format', -1, undefined, `notebook record: ${problem}`);
      }
      if (read.status !== 'ok') {
        return;
      }
      summary.format = read.record.v;
      summary.writer = read.record.by;
      if (
        read.record.by !== undefined &&
        read.record.by !== this._options.version
      ) {
        this._flag(
          'format',
          -1,
          undefined,
          `recorded by jupyterlab-testbed ${clip(read.record.by)}; this is ${this._options.version}`
        );
      }
      this._readLog(read.record.log ?? []);
    }

    /** One cell's record against the cell. */
    checkCell(cell: IFileCell, index: number): void {
      const read = readCellRecord(cell.record);
      const problem = describeProblem(read);
      if (problem) {
        this._flag(
          'format',
          index,
          undefined,
          `record cannot be read: ${problem}`
        );
      }
      if (read.status !== 'ok') {
        return;
      }
      const record = read.record;
      if (cell.type === 'code' && record.run) {
        this.refs.set(record.run.src, index);
        this._checkRun(cell, index, record.run);
      }
      this._checkTicks(cell, index, record);
      this._checkResults(cell, index, record.chk ?? {});
    }

    private _checkRun(cell: IFileCell, index: number, run: IRunRecord): void {
      const step = cell.id;
      if (run.src !== fingerprint(cell.source)) {
        this._flag(
          'edited',
          index,
          step,
          `source changed after its last recorded run (${clip(run.last)})`
        );
      }
      const ran = cell.executionCount !== null || cell.outputs > 0;
      if (!ran) {
        this._flag(
          'cleared',
          index,
          step,
          `recorded ${run.n} run(s), the last at ${clip(run.last)}, but it has no output and no execution count`
        );
      } else if (run.error === undefined && cell.errorOutput) {
        this._flag(
          'result',
          index,
          step,
          'recorded as a success, shows an error output'
        );
      } else if (run.error !== undefined && !cell.errorOutput) {
        this._flag(
          'result',
          index,
          step,
          `recorded as failed (${clip(run.error)}), shows no error output`
        );
      }
      if (
        run.c !== undefined &&
        cell.executionCount !== null &&
        run.c !== cell.executionCount
      ) {
        this._flag(
          'count',
          index,
          step,
          `execution count ${cell.executionCount}; the record of its last run says ${run.c}`
        );
      }
      const last = this._time(run.last, index, step, 'last run');
      const first = this._time(firstRun(run), index, step, 'first run');
      if (first !== null && last !== null && first > last) {
        this._flag(
          'time',
          index,
          step,
          `first run (${clip(firstRun(run))}) after the last (${clip(run.last)})`
        );
      }
      if (last !== null) {
        this._expectLogged(index, step, run.src, last + run.ms, 'run');
      }
    }

    private _checkTicks(
      cell: IFileCell,
      index: number,
      record: ICellRecord
    ): void {
      for (const [key, tick] of Object.entries(record.ticks ?? {})) {
        this.refs.set(key, index);
        this.refs.set(`${key}@${tick.at}`, index);
        const step = stepOf(cell, key);
        const at = this._time(tick.at, index, step, 'tick');
        if (at !== null) {
          this._expectLogged(index, step, key, at, 'tick');
        }
      }
    }

    /**
     * The check results of a cell, each logged with its outcome (a log
     * entry of a failure does not vouch for a recorded pass).
     */
    private _checkResults(
      cell: IFileCell,
      index: number,
      results: { [key: string]: ICheckResult }
    ): void {
      for (const [key, result] of Object.entries(results)) {
        this.refs.set(result.ver, index);
        this.refs.set(`${result.ver}@${result.at}`, index);
        const step = stepOf(cell, key);
        const at = this._time(result.at, index, step, `check ${result.r}`);
        if (at !== null) {
          this._expectLogged(
            index,
            step,
            result.ver,
            at,
            `check ${result.r}`,
            `check:${result.r}`
          );
        }
      }
    }

    /** A recorded time as ms, flagging one that is not a time or comes after the save. */
    private _time(
      value: string,
      index: number,
      step: string,
      what: string
    ): number | null {
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) {
        this._flag(
          'time',
          index,
          step,
          `${what} "${clip(value)}" is not a time`
        );
        return null;
      }
      if (this._latest !== null && ms > this._latest) {
        this._flag(
          'time',
          index,
          step,
          `${what} at ${clip(value)}, after the file was saved (${clip(this._options.savedAt ?? '')})`
        );
      }
      return ms;
    }

    /**
     * The log keeps the newest events: one recorded after its oldest entry
     * must be in it (with `result`, when given), unless the notebook has no
     * log at all.
     */
    private _expectLogged(
      index: number,
      step: string,
      ref: string,
      at: number,
      what: string,
      result?: string
    ): void {
      if (!this.log.length || at <= this.log[0].ms + LOG_MATCH_MS) {
        return;
      }
      const found = this._loggedNear(ref, at, result);
      if (!found) {
        this._flag(
          'unlogged',
          index,
          step,
          `${what} at ${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')} is not in the notebook’s log`
        );
      }
    }

    /**
     * Whether the log holds `ref` (with `result`, when given) within
     * LOG_MATCH_MS of `at`. The log is in time order (else emptied), so
     * each reference's times are sorted and searched by halves: a scan of
     * the whole log per record was quadratic on a crafted file of thousands
     * of ticks and log lines.
     */
    private _loggedNear(ref: string, at: number, result?: string): boolean {
      if (!this._byRef) {
        // By reference, and by result and reference (a result has no space).
        this._byRef = new Map();
        for (const entry of this.log) {
          for (const key of [entry.ref, `${entry.result} ${entry.ref}`]) {
            const times = this._byRef.get(key);
            if (times) {
              times.push(entry.ms);
            } else {
              this._byRef.set(key, [entry.ms]);
            }
          }
        }
      }
      const times =
        this._byRef.get(result === undefined ? ref : `${result} ${ref}`) ?? [];
      let low = 0;
      let high = times.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (times[middle] < at - LOG_MATCH_MS) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      return low < times.length && times[low] <= at + LOG_MATCH_MS;
    }

    /** The log's times by reference (and by result and reference), built when first needed. */
    private _byRef: Map<string, number[]> | null = null;

    private _readLog(lines: string[]): void {
      let malformed = 0;
      let disorder: string | null = null;
      for (const line of lines) {
        const [at, result, ref, extra] = line.split(' ');
        const ms = Date.parse(at);
        if (!result || !ref || extra !== undefined || Number.isNaN(ms)) {
          malformed++;
          continue;
        }
        const previous = this.log[this.log.length - 1];
        if (previous && ms < previous.ms && disorder === null) {
          disorder = `log entry at ${clip(at)} follows one at ${clip(previous.at)}`;
        }
        this.log.push({ at, ms, result, ref });
      }
      if (malformed) {
        this._flag(
          'format',
          -1,
          undefined,
          `${malformed} log entr${malformed === 1 ? 'y is' : 'ies are'} not "<time> <result> <reference>"`
        );
      }
      if (disorder) {
        this._flag('time', -1, undefined, disorder);
        // Out of order, the oldest entry says nothing about what was dropped.
        this.log = [];
      }
    }

    private _flag(
      kind: FlagKind,
      cellIndex: number,
      step: string | undefined,
      detail: string
    ): void {
      const flag: IFlag = { kind, cellIndex, detail };
      if (step !== undefined && this._stepKeys.has(step)) {
        flag.step = step;
      }
      this.flags.push(flag);
    }

    private _file: IFileNotebook;
    private _options: ISubmissionOptions;
    private _stepKeys: Set<string>;
    private _latest: number | null;
  }

  /** Steps, sections, totals, flags and the timeline, from the outline. */
  export function fill(
    summary: ISubmissionSummary,
    outline: IOutline,
    checker: Checker
  ): void {
    for (const step of outline.steps) {
      if (
        step.checked?.state === 'unchecked' &&
        step.checked.stale?.r === 'pass'
      ) {
        checker.flags.push({
          kind: 'check',
          cellIndex: step.cellIndex,
          step: step.key,
          detail: `a pass of check version ${step.checked.stale.ver.slice(0, 8)} is recorded; the notebook's check is another`
        });
      }
    }
    const flagsByStep = new Map<string, FlagKind[]>();
    for (const flag of checker.flags) {
      if (flag.step) {
        const kinds = flagsByStep.get(flag.step) ?? [];
        if (!kinds.includes(flag.kind)) {
          kinds.push(flag.kind);
        }
        flagsByStep.set(flag.step, kinds);
      }
    }
    summary.steps = outline.steps.map(step => {
      const runTimes = step.run ? [firstRun(step.run), step.run.last] : [];
      const times = [...runTimes, ...(step.tick ? [step.tick.at] : [])]
        .filter(t => !Number.isNaN(Date.parse(t)))
        .sort();
      const summaryStep: IStepSummary = {
        key: step.key,
        kind: step.kind,
        label: step.label,
        cellIndex: step.cellIndex,
        section: step.section,
        status: step.status,
        runs: step.run?.n ?? 0,
        flags: flagsByStep.get(step.key) ?? []
      };
      if (times.length) {
        summaryStep.first = times[0];
        summaryStep.last = times[times.length - 1];
      }
      if (step.status === 'error' && step.run?.error) {
        summaryStep.error = step.run.error;
      }
      if (step.tick) {
        summaryStep.via = step.tick.via;
        if (step.tick.end !== undefined) {
          summaryStep.end = step.tick.end;
        }
      }
      if (step.checked && step.checked.state !== 'none') {
        const result =
          step.checked.state === 'checked' ? step.checked.result : null;
        summaryStep.check = { result: result?.r ?? null };
        if (result) {
          summaryStep.check.at = result.at;
          if (result.x !== undefined) {
            summaryStep.check.exit = result.x;
          }
        }
      }
      return summaryStep;
    });

    summary.sections = outline.sections.map(section => ({
      index: section.index,
      title: section.title,
      level: section.level,
      depth: section.depth,
      parent: section.parent,
      cellIndex: section.cellIndex,
      done: section.done,
      total: section.total,
      errors: 0,
      flags: 0,
      flagKinds: {},
      checksPassed: 0,
      checksTotal: 0
    }));
    const sectionOfCell = (cellIndex: number): number => {
      let found = -1;
      for (const section of summary.sections) {
        if (section.cellIndex > cellIndex) {
          break;
        }
        found = section.index;
      }
      return found;
    };
    const addUp = (
      section: number,
      apply: (s: ISectionSummary) => void
    ): void => {
      for (let s = section; s >= 0; s = summary.sections[s].parent) {
        apply(summary.sections[s]);
      }
    };
    for (const step of summary.steps) {
      const { first, last } = step;
      addUp(step.section, s => {
        if (step.status === 'error') {
          s.errors++;
        }
        if (step.check) {
          s.checksTotal = (s.checksTotal ?? 0) + 1;
          s.checksPassed =
            (s.checksPassed ?? 0) + (step.check.result === 'pass' ? 1 : 0);
        }
        if (first && (!s.first || first < s.first)) {
          s.first = first;
        }
        if (last && (!s.last || last > s.last)) {
          s.last = last;
        }
      });
    }
    const stepByKey = new Map(summary.steps.map(step => [step.key, step]));
    for (const flag of checker.flags) {
      const step = flag.step ? stepByKey.get(flag.step) : undefined;
      const section = step ? step.section : sectionOfCell(flag.cellIndex);
      addUp(section, s => {
        s.flags++;
        count(s.flagKinds, flag.kind);
      });
      count(summary.flagKinds, flag.kind);
    }
    summary.flagCount = checker.flags.length;

    summary.done = outline.done;
    summary.total = outline.total;
    summary.errors = summary.steps.filter(s => s.status === 'error').length;
    summary.checksTotal = summary.steps.filter(s => s.check).length;
    summary.checksPassed = summary.steps.filter(
      s => s.check?.result === 'pass'
    ).length;
    const firsts = summary.steps
      .map(s => s.first)
      .filter(isText)
      .sort();
    const lasts = summary.steps
      .map(s => s.last)
      .filter(isText)
      .sort();
    if (firsts.length) {
      summary.first = firsts[0];
      summary.last = lasts[lasts.length - 1];
    }
    if (checker.flags.length > MAX_FLAGS) {
      summary.notes.push(
        `${checker.flags.length} flags; the first ${MAX_FLAGS} are listed`
      );
    }
    summary.flags = checker.flags.slice(0, MAX_FLAGS);
    summary.timeline = timeline(checker, outline);
    if (checker.log.length > MAX_TIMELINE) {
      summary.notes.push(
        `${checker.log.length} events in the log; the last ${MAX_TIMELINE} are shown`
      );
    }
  }

  /** The log's newest events, each tied to the cell it was about. */
  function timeline(checker: Checker, outline: IOutline): ITimelineEntry[] {
    const labels = new Map<number, string>();
    for (const step of outline.steps) {
      if (!labels.has(step.cellIndex)) {
        labels.set(step.cellIndex, step.label);
      }
    }
    const logged = checker.log.map(entry => {
      const cellIndex =
        checker.refs.get(`${entry.ref}@${entry.at}`) ??
        checker.refs.get(entry.ref) ??
        -1;
      return {
        at: entry.at,
        result: entry.result,
        ref: entry.ref,
        cellIndex,
        label: labels.get(cellIndex) ?? ''
      };
    });
    // Each step's last check result that the log does not hold (recorded
    // before results were logged), in time order with the log (stable).
    const event = (entry: { at: string; result: string; ref: string }) =>
      `${entry.at} ${entry.result} ${entry.ref}`;
    const inLog = new Set(logged.map(event));
    const checks = outline.steps.flatMap(step => {
      if (step.checked?.state !== 'checked') {
        return [];
      }
      const entry = {
        at: step.checked.result.at,
        result: `check:${step.checked.result.r}`,
        ref: step.checked.result.ver,
        cellIndex: step.cellIndex,
        label: step.label
      };
      return inLog.has(event(entry)) ? [] : [entry];
    });
    const all = checks.length
      ? [...logged, ...checks].sort((a, b) => a.at.localeCompare(b.at))
      : logged;
    return all.slice(-MAX_TIMELINE);
  }

  /** The key of a cell's step, as the outline keys it: a tick's or a check's key on a markdown cell. */
  function stepOf(cell: IFileCell, key: string): string {
    return cell.type === 'code' ? cell.id : `${cell.id}/${key}`;
  }

  function count(counts: FlagCounts, kind: FlagKind): void {
    counts[kind] = (counts[kind] ?? 0) + 1;
  }

  function isText(value: string | undefined): value is string {
    return typeof value === 'string';
  }

  /** Values from the file go into details shortened. */
  export function clip(value: string, max = 40): string {
    const text = String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ');
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }
}
