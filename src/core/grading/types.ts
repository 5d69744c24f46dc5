/**
 * What a grader learns from one handed-in notebook: its progress as recorded,
 * and the flags where the record and the notebook disagree. Plain data, the
 * same in the sidebar, the class overview, the exports and the command line.
 */
import type { TickEnd } from '../metadata/format';
import type { StepStatus } from '../progress/outline';

/**
 * Where the record and the notebook disagree. The record is written by the
 * student's JupyterLab and can be edited by hand, so these are evidence to
 * look at, not proof of anything.
 */
export type FlagKind =
  /** The cell's source was edited after its last recorded run. */
  | 'edited'
  /** The record says the cell ran, but its outputs and execution count are gone. */
  | 'cleared'
  /** The recorded result (ok or error) differs from the cell's outputs. */
  | 'result'
  /** The execution count differs from the one recorded with the run. */
  | 'count'
  /** A run the notebook's log should hold, if it happened, is not in it. */
  | 'unlogged'
  /** Times that cannot be: first after last, after the file was saved, not a time. */
  | 'time'
  /** A recorded check pass of a check other than the one the notebook declares. */
  | 'check'
  /** A record of another format or extension version, or one that cannot be read. */
  | 'format';

export const FLAG_KINDS: FlagKind[] = [
  'edited',
  'cleared',
  'result',
  'count',
  'unlogged',
  'time',
  'check',
  'format'
];

/** How many flags of each kind; kinds without one are left out. */
export type FlagCounts = { [kind in FlagKind]?: number };

/** One flag on one cell (or the whole notebook). */
export interface IFlag {
  kind: FlagKind;
  /** 0-based cell index; -1 for the notebook as a whole. */
  cellIndex: number;
  /** The step it is about, when it is about one (its key in the outline). */
  step?: string;
  /** The specifics, in English: counts, times, versions. Rendered as text. */
  detail: string;
}

/** A step as a grader sees it. */
export interface IStepSummary {
  key: string;
  kind: 'code' | 'block' | 'manual';
  label: string;
  cellIndex: number;
  /** Index into `sections`. */
  section: number;
  status: StepStatus;
  /** Recorded runs of a code cell (0 for ticks). */
  runs: number;
  /** First and last recorded activity (run or tick), ISO 8601. */
  first?: string;
  last?: string;
  /** The error name of a failed last run. */
  error?: string;
  /** How a ticked step was done: `tick`, or the node a block was sent to. */
  via?: string;
  /** How a sent block ended, as its terminal reported (the tick's `end`). */
  end?: TickEnd;
  /** A step with a check: its last result for the current check (null: none). */
  check?: {
    result: 'pass' | 'fail' | 'timeout' | 'unreachable' | null;
    at?: string;
    exit?: number;
  };
  flags: FlagKind[];
}

/** A section (heading) as a grader sees it; counts include subsections. */
export interface ISectionSummary {
  index: number;
  title: string;
  level: number;
  depth: number;
  parent: number;
  cellIndex: number;
  done: number;
  total: number;
  /** Steps whose last run failed. */
  errors: number;
  /** Flags on its steps and cells. */
  flags: number;
  flagKinds: FlagCounts;
  /** Steps with a check, and those whose check last passed (current version). */
  checksPassed?: number;
  checksTotal?: number;
  /** Earliest and latest recorded activity in it. */
  first?: string;
  last?: string;
}

/** An event of the notebook's log, tied to its cell when it can be. */
export interface ITimelineEntry {
  at: string;
  /** `ok`, `error:<name>`, `tick:<via>`, `untick`, or a check's result `check:<result>`. */
  result: string;
  /** The code fingerprint of a run, the tick key, or the version of a check. */
  ref: string;
  /** The cell it belongs to, or -1 when no cell matches any more. */
  cellIndex: number;
  /** That cell's step label, or ''. */
  label: string;
}

/** Everything known about one handed-in notebook. */
export interface ISubmissionSummary {
  /** Why the file could not be summarized; everything else is then empty. */
  problem?: string;
  /** Things worth knowing that are not flags (`no cell ids: nbformat 4.4`). */
  notes: string[];
  done: number;
  total: number;
  /** Steps whose last run failed. */
  errors: number;
  /** Steps with a check, and those whose check last passed (current version). */
  checksPassed?: number;
  checksTotal?: number;
  first?: string;
  last?: string;
  sections: ISectionSummary[];
  steps: IStepSummary[];
  /** The flags listed (at most MAX_FLAGS); the counts below include the rest. */
  flags: IFlag[];
  flagCount: number;
  flagKinds: FlagCounts;
  timeline: ITimelineEntry[];
  /** The notebook record's format version and the extension version that wrote it. */
  format?: number;
  writer?: string;
}
