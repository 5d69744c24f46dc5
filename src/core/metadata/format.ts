/**
 * The one metadata key this extension writes into notebooks, its versioned
 * format, and the validation every read goes through.
 *
 * Notebooks are handed in by students, so everything read here is untrusted:
 * a value that does not match the format is reported, never repaired or
 * overwritten behind the user's back. The format is documented in docs/format.md, with a JSON Schema in docs/format/metadata.schema.json.
 */
import { EXTENSION_VERSION } from '../version';
import { isObject } from '../helpers';

/** The metadata key, on the notebook and on cells. */
export const METADATA_KEY = 'jupyterlab-testbed';

/** The format version written by this release. */
export const FORMAT_VERSION = 1;

/**
 * The runs of a code cell. Kept small: it is written into every cell run,
 * and a notebook run again and again must not grow (under 200 bytes per
 * cell in the saved file, log share included).
 */
export interface IRunRecord {
  /** How many times the cell ran (successfully or not). */
  n: number;
  /** When its last run started (ISO 8601, UTC, seconds). */
  last: string;
  /**
   * When it first ran, once it ran more than once, as seconds before `last`
   * (the same fact as `first` in a third of the bytes).
   */
  f?: number;
  /** When it first ran, as records before `f` wrote it; still read. */
  first?: string;
  /** How long the last run took, in milliseconds. */
  ms: number;
  /** Present when the last run failed: the error name (`exit 1` for a shell status). */
  error?: string;
  /** Fingerprint of the source that last ran. */
  src: string;
  /** The execution count the kernel gave the last run, when it gave one. */
  c?: number;
}

/** When a cell first ran (ISO 8601, UTC, seconds). */
export function firstRun(run: IRunRecord): string {
  if (run.first !== undefined) {
    return run.first;
  }
  const last = Date.parse(run.last);
  if (run.f === undefined || Number.isNaN(last)) {
    return run.last;
  }
  // Out of the dates' range only in a crafted record: its `last` stands.
  const first = new Date(last - run.f * 1000);
  return Number.isNaN(first.getTime()) ? run.last : timestamp(first);
}

/** A step ticked off: a manual markdown step or a fenced command block. */
export interface ITick {
  /** When it was ticked (ISO 8601, UTC, seconds). */
  at: string;
  /** Who ticked it: `tick` by hand, or the node a block was sent to. */
  via: string;
  /**
   * How a block sent to a terminal ended, when its shell reports it: the
   * exit status (130: interrupted), `running` until then, `unknown` when
   * the terminal ended first. Absent: sent, with no report (not bash).
   */
  end?: TickEnd;
  /** How long the block ran, in milliseconds, once it ended. */
  ms?: number;
}

/** How a sent block ended: its exit status, or `running` / `unknown`. */
export type TickEnd = number | 'running' | 'unknown';

/** Whether a value is a tick's `end`. */
export function isTickEnd(value: unknown): value is TickEnd {
  return (
    value === 'running' ||
    value === 'unknown' ||
    (typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= 0 &&
      value <= 255)
  );
}

/** Where a check runs: a node's name, `all` the lab's nodes, or `jupyter`. */
export type CheckPlace = string;

/**
 * A check an author declares on a step: a command that proves the step
 * worked, run non-interactively where it says.
 */
export interface ICheck {
  /** The command (a shell command line). */
  cmd: string;
  /** A node's name, `all` for every node of the lab, or `jupyter`. */
  on: CheckPlace;
  /** Timeout in seconds (default `DEFAULT_CHECK_TIMEOUT`). */
  t?: number;
  /** Shown to the student when the check fails. */
  hint?: string;
  /** May run at the same time as the other `par` checks of its section. */
  par?: true;
}

/** How a check ended. */
export type CheckOutcome = 'pass' | 'fail' | 'timeout' | 'unreachable';

/** The last result of a step's check. */
export interface ICheckResult {
  /** When it ran (ISO 8601, UTC, seconds). */
  at: string;
  /** How it ended. */
  r: CheckOutcome;
  /** The exit status of a failed check. */
  x?: number;
  /** The version of the check that ran: `checkVersion` of its declaration. */
  ver: string;
}

/** What a cell carries under the key. */
export interface ICellRecord {
  v: number;
  /** Set by an author: this markdown cell is a step done outside the notebook. */
  step?: 'manual';
  run?: IRunRecord;
  /** Ticks by step: `cell` for the cell itself, a block key for a fenced block. */
  ticks?: { [key: string]: ITick };
  /** A cell whose placeholders were filled: its template and what was filled in. */
  fill?: { tpl: string; out: string };
  /** Set by an author: this code cell's outputs are published with the lab. */
  keep?: true;
  /** Set by an author: checks by step key (like `ticks`). */
  checks?: { [key: string]: ICheck };
  /** The last result of each step's check, by step key. */
  chk?: { [key: string]: ICheckResult };
  /** Fields of a later minor revision are kept as they are. */
  [extra: string]: unknown;
}

/** What the notebook carries under the key. */
export interface INotebookRecord {
  v: number;
  /** The most recent events, oldest first: `<time> <result> <fingerprint>`. */
  log?: string[];
  /** The version of jupyterlab-testbed that last wrote the log. */
  by?: string;
  [extra: string]: unknown;
}

/** The tick key of a manual markdown step. */
export const CELL_TICK = 'cell';

/** At most this many ticks are kept per cell (the oldest are dropped). */
export const MAX_TICKS_PER_CELL = 500;

/** Checks a cell may declare (one per step). */
export const MAX_CHECKS_PER_CELL = 50;

/** The bounds of a check's timeout, in seconds. */
export const DEFAULT_CHECK_TIMEOUT = 30;
export const MAX_CHECK_TIMEOUT = 300;

/** The longest check command and hint. */
export const MAX_CHECK_COMMAND = 2000;
export const MAX_CHECK_HINT = 300;

const CHECK_OUTCOMES: CheckOutcome[] = [
  'pass',
  'fail',
  'timeout',
  'unreachable'
];

/** Longest error name kept. */
const MAX_ERROR_LENGTH = 60;

/**
 * The outcome of reading the key: the record (or null when absent), or why
 * it cannot be used. Unusable records are read-only: nothing writes over them.
 */
export type ReadResult<T> =
  | { status: 'absent'; record: null }
  | { status: 'ok'; record: T }
  | { status: 'newer'; version: number }
  | { status: 'corrupt'; problem: string };

/**
 * Read a cell's record.
 */
export function readCellRecord(value: unknown): ReadResult<ICellRecord> {
  const head = Private.readHead(value);
  if (head) {
    return head as ReadResult<ICellRecord>;
  }
  const record = value as ICellRecord;
  const problem =
    Private.checkStep(record.step) ??
    Private.checkRun(record.run) ??
    Private.checkTicks(record.ticks) ??
    Private.checkFill(record.fill) ??
    Private.checkKeep(record.keep) ??
    Private.checkChecks(record.checks) ??
    Private.checkResults(record.chk);
  return problem ? { status: 'corrupt', problem } : { status: 'ok', record };
}

/**
 * Read the notebook's record.
 */
export function readNotebookRecord(
  value: unknown
): ReadResult<INotebookRecord> {
  const head = Private.readHead(value);
  if (head) {
    return head as ReadResult<INotebookRecord>;
  }
  const { log, by } = value as INotebookRecord;
  if (by !== undefined && typeof by !== 'string') {
    return { status: 'corrupt', problem: '"by" is not a text' };
  }
  if (
    log !== undefined &&
    !(Array.isArray(log) && log.every(e => typeof e === 'string'))
  ) {
    return { status: 'corrupt', problem: '"log" is not a list of texts' };
  }
  return { status: 'ok', record: value as INotebookRecord };
}

/**
 * A plain sentence for a record that cannot be used.
 */
export function describeProblem(result: ReadResult<unknown>): string | null {
  switch (result.status) {
    case 'newer':
      return `written by a newer version of jupyterlab-testbed (format ${result.version})`;
    case 'corrupt':
      return result.problem;
    default:
      return null;
  }
}

/** Now, as stored: ISO 8601 in UTC to the second. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The short error name stored for a failed run.
 *
 * Shell kernels report a non-zero status with an empty name and the status
 * as value; that is stored as `exit N`.
 */
export function errorLabel(
  name: string | undefined,
  value: string | undefined
): string {
  let label = (name ?? '').trim();
  if (!label) {
    const status = (value ?? '').trim();
    label = /^\d{1,3}$/.test(status) ? `exit ${status}` : 'Error';
  }
  // Control characters would garble the sidebar and the event log.
  label = label.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim() || 'Error';
  return label.length > MAX_ERROR_LENGTH
    ? label.slice(0, MAX_ERROR_LENGTH)
    : label;
}

/**
 * A cell record with one more run counted.
 */
export function withRun(
  previous: ICellRecord | null,
  run: {
    start: Date;
    ms: number;
    ok: boolean;
    error?: string;
    src: string;
    count?: number | null;
  }
): ICellRecord {
  const started = timestamp(run.start);
  const before = previous?.run;
  const next: IRunRecord = {
    n: (before?.n ?? 0) + 1,
    last: started,
    ms: Math.max(0, Math.round(run.ms)),
    src: run.src
  };
  if (before) {
    const first = firstRun(before);
    const since = Date.parse(first);
    if (Number.isNaN(since)) {
      // An old record's time that does not parse is kept as it was written.
      next.first = first;
    } else {
      next.f = Math.round((Date.parse(started) - since) / 1000);
    }
  }
  if (!run.ok) {
    next.error = run.error || 'Error';
  }
  if (typeof run.count === 'number' && run.count > 0) {
    next.c = run.count;
  }
  return { ...(previous ?? {}), v: previous?.v ?? FORMAT_VERSION, run: next };
}

/**
 * A cell record with a step ticked (`tick`) or unticked (`null`).
 */
export function withTick(
  previous: ICellRecord | null,
  key: string,
  tick: ITick | null
): ICellRecord {
  const ticks = { ...(previous?.ticks ?? {}) };
  delete ticks[key];
  if (tick) {
    ticks[key] = tick;
  }
  const keys = Object.keys(ticks);
  if (keys.length > MAX_TICKS_PER_CELL) {
    keys
      .sort((a, b) => ticks[a].at.localeCompare(ticks[b].at))
      .slice(0, keys.length - MAX_TICKS_PER_CELL)
      .forEach(k => delete ticks[k]);
  }
  const next: ICellRecord = {
    ...(previous ?? {}),
    v: previous?.v ?? FORMAT_VERSION
  };
  if (Object.keys(ticks).length) {
    next.ticks = ticks;
  } else {
    delete next.ticks;
  }
  return next;
}

/**
 * A cell record with its fill template set, or removed with null.
 */
export function withFill(
  previous: ICellRecord | null,
  fill: { tpl: string; out: string } | null
): ICellRecord {
  return Private.withField(previous, 'fill', fill ?? undefined);
}

/**
 * A cell record whose outputs are (or are no longer) kept when publishing.
 */
export function withKeptOutputs(
  previous: ICellRecord | null,
  keep: boolean
): ICellRecord {
  return Private.withField(previous, 'keep', keep ? true : undefined);
}

/**
 * A cell record marked (or no longer marked) as a manual step.
 */
export function withManualStep(
  previous: ICellRecord | null,
  manual: boolean
): ICellRecord {
  return Private.withField(previous, 'step', manual ? 'manual' : undefined);
}

/**
 * A notebook record with more events, keeping only the `limit` newest.
 */
export function withLogEntries(
  previous: INotebookRecord | null,
  entries: { at: Date; result: string; ref: string }[],
  limit: number
): INotebookRecord {
  const lines = entries.map(
    entry =>
      `${timestamp(entry.at)} ${entry.result.replace(/\s+/g, '_')} ${entry.ref}`
  );
  const log = [...(previous?.log ?? []), ...lines];
  const keep = Math.max(0, Math.floor(limit));
  return {
    ...(previous ?? {}),
    v: previous?.v ?? FORMAT_VERSION,
    by: EXTENSION_VERSION,
    log: log.slice(Math.max(0, log.length - keep))
  };
}

/**
 * Whether two notebook records differ at most in their log (and who wrote
 * it). The log is rewritten about once a second while cells run; what
 * reads the rest (nodes, wordings) need not read it again then. Anything
 * else counts as a difference, so that it is read again: a record added or
 * removed, one that cannot be read (a bad log hides every declaration, so
 * mending the log changes what is read), one JSON cannot write.
 */
export function differsInLogOnly(before: unknown, after: unknown): boolean {
  if (
    readNotebookRecord(before).status !== 'ok' ||
    readNotebookRecord(after).status !== 'ok'
  ) {
    return false;
  }
  // Inherited keys too, as the readers' copy of the metadata has them; into
  // an object without a prototype, where `__proto__` is a key like any other.
  const rest = (record: { [key: string]: unknown }) => {
    const others: { [key: string]: unknown } = Object.create(null);
    for (const key in record) {
      if (key !== 'log' && key !== 'by') {
        others[key] = record[key];
      }
    }
    return others;
  };
  try {
    return (
      JSON.stringify(rest(before as INotebookRecord)) ===
      JSON.stringify(rest(after as INotebookRecord))
    );
  } catch {
    return false;
  }
}

/** Why a declared check cannot be used, or null when it can. */
export function checkDeclarationProblem(check: unknown): string | null {
  return Private.checkProblem(check);
}

/**
 * A cell record with a step's check declared, or removed with null (its
 * result goes with it).
 */
export function withCheck(
  previous: ICellRecord | null,
  key: string,
  check: ICheck | null
): ICellRecord {
  const checks = { ...(previous?.checks ?? {}) };
  const results = { ...(previous?.chk ?? {}) };
  delete checks[key];
  if (check) {
    checks[key] = check;
  } else {
    delete results[key];
  }
  const next = Private.withField(
    previous,
    'checks',
    Object.keys(checks).length ? checks : undefined
  );
  return Private.withField(
    next,
    'chk',
    Object.keys(results).length ? results : undefined
  );
}

/** A cell record with the latest result of a step's check. */
export function withCheckResult(
  previous: ICellRecord | null,
  key: string,
  result: ICheckResult
): ICellRecord {
  return Private.withField(previous, 'chk', {
    ...(previous?.chk ?? {}),
    [key]: result
  });
}

namespace Private {
  /** A copy of a cell record with one optional field set or removed. */
  export function withField<
    K extends 'fill' | 'step' | 'keep' | 'checks' | 'chk'
  >(
    previous: ICellRecord | null,
    key: K,
    value: ICellRecord[K] | undefined
  ): ICellRecord {
    const next: ICellRecord = {
      ...(previous ?? {}),
      v: previous?.v ?? FORMAT_VERSION
    };
    if (value === undefined) {
      delete next[key];
    } else {
      next[key] = value;
    }
    return next;
  }

  /**
   * The checks common to both records: an object with a supported version.
   * Returns null when the body still has to be checked.
   */
  export function readHead(value: unknown): ReadResult<never> | null {
    if (value === undefined || value === null) {
      return { status: 'absent', record: null };
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      return {
        status: 'corrupt',
        problem: `the record is ${describe(value)}, not an object`
      };
    }
    const version = (value as { v?: unknown }).v;
    if (
      typeof version !== 'number' ||
      !Number.isInteger(version) ||
      version < 1
    ) {
      return {
        status: 'corrupt',
        problem: 'the record has no valid format version ("v")'
      };
    }
    if (version > FORMAT_VERSION) {
      return { status: 'newer', version };
    }
    return null;
  }

  export function checkStep(step: unknown): string | null {
    return step === undefined || step === 'manual'
      ? null
      : '"step" must be "manual"';
  }

  export function checkKeep(keep: unknown): string | null {
    return keep === undefined || keep === true ? null : '"keep" must be true';
  }

  export function checkRun(run: unknown): string | null {
    if (run === undefined) {
      return null;
    }
    if (!isObject(run)) {
      return '"run" is not an object';
    }
    if (typeof run.n !== 'number' || !(run.n >= 1)) {
      return '"run.n" is not a positive number';
    }
    for (const field of ['last', 'src']) {
      if (typeof run[field] !== 'string') {
        return `"run.${field}" is not a text`;
      }
    }
    for (const field of ['first', 'error']) {
      if (run[field] !== undefined && typeof run[field] !== 'string') {
        return `"run.${field}" is not a text`;
      }
    }
    if (typeof run.ms !== 'number' || !(run.ms >= 0)) {
      return '"run.ms" is not a duration';
    }
    if (
      run.c !== undefined &&
      !(typeof run.c === 'number' && Number.isInteger(run.c) && run.c > 0)
    ) {
      return '"run.c" is not an execution count';
    }
    if (
      run.f !== undefined &&
      !(typeof run.f === 'number' && Number.isInteger(run.f))
    ) {
      return '"run.f" is not a number of seconds';
    }
    return null;
  }

  export function checkTicks(ticks: unknown): string | null {
    if (ticks === undefined) {
      return null;
    }
    if (!isObject(ticks)) {
      return '"ticks" is not an object';
    }
    for (const [key, tick] of Object.entries(ticks)) {
      if (
        !isObject(tick) ||
        typeof tick.at !== 'string' ||
        typeof tick.via !== 'string'
      ) {
        return `tick "${key.slice(0, 20)}" is not {at, via}`;
      }
      if (tick.end !== undefined && !isTickEnd(tick.end)) {
        return `tick "${key.slice(0, 20)}" has an "end" that is no exit status`;
      }
      if (
        tick.ms !== undefined &&
        !(
          typeof tick.ms === 'number' &&
          Number.isFinite(tick.ms) &&
          tick.ms >= 0
        )
      ) {
        return `tick "${key.slice(0, 20)}" has an "ms" that is no duration`;
      }
    }
    return null;
  }

  export function checkFill(fill: unknown): string | null {
    if (fill === undefined) {
      return null;
    }
    return isObject(fill) &&
      typeof fill.tpl === 'string' &&
      typeof fill.out === 'string'
      ? null
      : '"fill" is not {tpl, out}';
  }

  export function checkChecks(checks: unknown): string | null {
    if (checks === undefined) {
      return null;
    }
    if (!isObject(checks)) {
      return '"checks" is not an object';
    }
    const keys = Object.keys(checks);
    if (keys.length > MAX_CHECKS_PER_CELL) {
      return `"checks" has more than ${MAX_CHECKS_PER_CELL} steps`;
    }
    for (const key of keys) {
      const problem = checkProblem(checks[key]);
      if (problem) {
        return `check "${key.slice(0, 20)}" ${problem}`;
      }
    }
    return null;
  }

  /** Half of a UTF-16 pair without its other half: no character the server can send. */
  const LONE_SURROGATE =
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  /** Why a declared check cannot be used, or null. */
  export function checkProblem(check: unknown): string | null {
    if (!isObject(check)) {
      return 'is not an object';
    }
    const { cmd, on, t, hint, par } = check;
    if (typeof cmd !== 'string' || !cmd.trim()) {
      return 'has no command ("cmd")';
    }
    if (cmd.length > MAX_CHECK_COMMAND) {
      return `has a command longer than ${MAX_CHECK_COMMAND} characters`;
    }
    if (/[\u0000\r]/.test(cmd)) {
      return 'has a NUL or carriage return in its command';
    }
    if (LONE_SURROGATE.test(cmd)) {
      return 'has a character in its command that is not one (a lone surrogate)';
    }
    if (typeof on !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(on)) {
      return 'does not say where it runs ("on": a node\'s name, all or jupyter)';
    }
    if (
      t !== undefined &&
      !(
        typeof t === 'number' &&
        Number.isInteger(t) &&
        t >= 1 &&
        t <= MAX_CHECK_TIMEOUT
      )
    ) {
      return `has a timeout ("t") that is not 1 to ${MAX_CHECK_TIMEOUT} seconds`;
    }
    if (
      hint !== undefined &&
      (typeof hint !== 'string' || hint.length > MAX_CHECK_HINT)
    ) {
      return `has a hint that is not a text of at most ${MAX_CHECK_HINT} characters`;
    }
    if (par !== undefined && par !== true) {
      return 'has "par" other than true';
    }
    return null;
  }

  export function checkResults(results: unknown): string | null {
    if (results === undefined) {
      return null;
    }
    if (!isObject(results)) {
      return '"chk" is not an object';
    }
    if (Object.keys(results).length > MAX_CHECKS_PER_CELL) {
      return `"chk" has more than ${MAX_CHECKS_PER_CELL} steps`;
    }
    for (const [key, result] of Object.entries(results)) {
      if (
        !isObject(result) ||
        typeof result.at !== 'string' ||
        typeof result.ver !== 'string' ||
        !CHECK_OUTCOMES.includes(result.r as CheckOutcome) ||
        (result.x !== undefined &&
          !(typeof result.x === 'number' && Number.isInteger(result.x)))
      ) {
        return `check result "${key.slice(0, 20)}" is not {at, r, x, ver}`;
      }
    }
    return null;
  }

  function describe(value: unknown): string {
    return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  }
}
