/**
 * A check as an author types it in the check editor: the form's fields read
 * into a declaration, with a message for each field that cannot be stored.
 * Nothing is stored while a field has a problem, so a check in a notebook is
 * always one the students' side can run.
 */
import type { ITrans } from '../i18n';
import {
  checkDeclarationProblem,
  DEFAULT_CHECK_TIMEOUT,
  ICheck,
  MAX_CHECK_COMMAND,
  MAX_CHECK_HINT,
  MAX_CHECK_TIMEOUT
} from '../metadata/format';

/** Where a check may run besides a node. */
export const ALL_NODES = 'all';
export const JUPYTER_SIDE = 'jupyter';

/** The editor's fields, as typed. */
export interface ICheckDraft {
  cmd: string;
  on: string;
  /** Seconds as typed; blank for the default. */
  timeout: string;
  hint: string;
  par: boolean;
}

/** A field of the editor that can have a problem. */
export type DraftField = 'cmd' | 'on' | 'timeout' | 'hint';

/** The declaration the fields make, or the problems that keep it out. */
export type DraftResult =
  | { ok: true; check: ICheck }
  | { ok: false; problems: Partial<Record<DraftField, string>> };

/** The fields of a declared check, or of a new one (on the first node). */
export function draftOf(
  check: ICheck | undefined,
  nodes: string[]
): ICheckDraft {
  return {
    cmd: check?.cmd ?? '',
    on: check?.on ?? nodes[0] ?? JUPYTER_SIDE,
    timeout: check?.t === undefined ? '' : String(check.t),
    hint: check?.hint ?? '',
    par: check?.par === true
  };
}

/**
 * Where a check may run in this lab: its nodes, every node, the Jupyter
 * side; and the place a check already names when it is none of them, so
 * opening the editor never changes a check behind the author's back.
 */
export function checkPlaces(nodes: string[], current?: string): string[] {
  const places = [...new Set(nodes), ALL_NODES, JUPYTER_SIDE];
  if (current && !places.includes(current)) {
    places.push(current);
  }
  return places;
}

/**
 * Read the fields into a check. `nodes` are the lab's nodes: a check on
 * another node would only ever end as “not a node of the lab”.
 */
export function readDraft(
  draft: ICheckDraft,
  nodes: string[],
  trans: ITrans
): DraftResult {
  const problems: Partial<Record<DraftField, string>> = {};
  const cmd = draft.cmd.replace(/\r\n?/g, '\n').trim();
  if (!cmd) {
    problems.cmd = trans.__('Write the command that proves the step worked.');
  } else if (cmd.length > MAX_CHECK_COMMAND) {
    problems.cmd = trans.__(
      'The command is %1 characters long; at most %2.',
      cmd.length,
      MAX_CHECK_COMMAND
    );
  } else if (cmd.includes('\0')) {
    problems.cmd = trans.__('The command holds a NUL character.');
  }
  if (!checkPlaces(nodes).includes(draft.on)) {
    problems.on = nodes.length
      ? trans.__(
          '“%1” is not a node of this lab (%2): choose where the check runs.',
          draft.on,
          nodes.join(', ')
        )
      : trans.__(
          '“%1” is not a node of this lab, which names none: run the check on the Jupyter side.',
          draft.on
        );
  }
  const timeout = draft.timeout.trim();
  const seconds = Number(timeout);
  if (
    timeout &&
    !(/^\d+$/.test(timeout) && seconds >= 1 && seconds <= MAX_CHECK_TIMEOUT)
  ) {
    problems.timeout = trans.__(
      'The timeout is a whole number of seconds from 1 to %1 (blank: %2).',
      MAX_CHECK_TIMEOUT,
      DEFAULT_CHECK_TIMEOUT
    );
  }
  const hint = draft.hint.trim();
  if (hint.length > MAX_CHECK_HINT) {
    problems.hint = trans.__(
      'The hint is %1 characters long; at most %2.',
      hint.length,
      MAX_CHECK_HINT
    );
  }
  if (Object.keys(problems).length) {
    return { ok: false, problems };
  }
  const check: ICheck = { cmd, on: draft.on };
  if (timeout && seconds !== DEFAULT_CHECK_TIMEOUT) {
    check.t = seconds;
  }
  if (hint) {
    check.hint = hint;
  }
  if (draft.par) {
    check.par = true;
  }
  // The format's own reading is the last word: what it refuses is not stored.
  const refused = checkDeclarationProblem(check);
  return refused
    ? { ok: false, problems: { cmd: trans.__('The check %1.', refused) } }
    : { ok: true, check };
}
