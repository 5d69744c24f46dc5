/**
 * What a step's check says about the step: whether its last result is for
 * the check as the notebook declares it now, and whether it passed.
 *
 * The version is a fingerprint of where the check runs and of its command,
 * so an author's change to either makes old results stale (a timeout or a
 * hint changed does not). A result whose version differs is never a pass:
 * a grader sees it flagged, a student sees the step unchecked.
 */
import type { ITrans } from '../i18n';
import { fingerprint } from '../notebook/hash';
import {
  DEFAULT_CHECK_TIMEOUT,
  ICellRecord,
  ICheck,
  ICheckResult
} from '../metadata/format';

/** The version of a check a result records. */
export function checkVersion(check: ICheck): string {
  return fingerprint(`${check.on}\n${check.cmd}`);
}

/** A check's timeout in seconds. */
export function checkTimeout(check: ICheck): number {
  return check.t ?? DEFAULT_CHECK_TIMEOUT;
}

/**
 * The state of a step's check:
 * - `none`: the step declares no check;
 * - `unchecked`: never checked, or only an older version of it was;
 * - the outcome of its latest result for the current version.
 */
export type CheckState =
  | { state: 'none' }
  | { state: 'unchecked'; stale: ICheckResult | null }
  | { state: 'checked'; result: ICheckResult };

/** The state of the check on a cell's step `key`. */
export function checkState(
  record: ICellRecord | null,
  key: string
): CheckState {
  const check = record?.checks?.[key];
  if (!check) {
    return { state: 'none' };
  }
  const result = record?.chk?.[key] ?? null;
  if (!result || result.ver !== checkVersion(check)) {
    return { state: 'unchecked', stale: result };
  }
  return { state: 'checked', result };
}

/** Whether the step's check last passed, in its current version. */
export function checkPassed(record: ICellRecord | null, key: string): boolean {
  const state = checkState(record, key);
  return state.state === 'checked' && state.result.r === 'pass';
}

/** The words a result is shown with: `passed`, `failed (exit 3)`… */
export function describeResult(result: ICheckResult): string {
  switch (result.r) {
    case 'pass':
      return 'passed';
    case 'fail':
      return result.x === undefined ? 'failed' : `failed (exit ${result.x})`;
    case 'timeout':
      return 'timed out';
    default:
      return 'node unreachable';
  }
}

/**
 * What Progress shows of a step's check: a symbol, a short note, and the
 * hint when it did not pass. Null for a step without a check.
 */
export function checkNote(
  checked: CheckState | undefined,
  hint: string | undefined,
  trans: ITrans
): { symbol: string; text: string; hint: string } | null {
  if (!checked || checked.state === 'none') {
    return null;
  }
  if (checked.state === 'unchecked') {
    return {
      symbol: '○',
      text: checked.stale
        ? trans.__('check changed since it last ran')
        : trans.__('not checked yet'),
      hint: ''
    };
  }
  const result = checked.result;
  const passed = result.r === 'pass';
  return {
    symbol: passed ? '✓' : '✗',
    text: trans.__('check %1', describeResult(result)),
    hint: passed ? '' : (hint ?? '')
  };
}

/** A step's check note as one line: symbol, note and hint; null without a check. */
export function checkNoteText(
  checked: CheckState | undefined,
  hint: string | undefined,
  trans: ITrans
): string | null {
  const note = checkNote(checked, hint, trans);
  return note
    ? [`${note.symbol} ${note.text}`, note.hint].filter(Boolean).join(' — ')
    : null;
}
