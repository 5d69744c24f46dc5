/**
 * Which checks a click runs and in what order, and what a server reply
 * becomes in the record. Plain data: the lab layer runs the plan.
 */
import type { ICheck, ICheckResult } from '../metadata/format';
import { timestamp } from '../metadata/format';
import { fieldText } from '../invisible';
import type { IOutline, IStep } from '../progress/outline';
import { checkTimeout, checkVersion } from './status';

/** A step with its check, as a plan holds it. */
export type CheckedStep = IStep & { check: ICheck };

/** The steps with a check of a section and its subsections, in order. */
export function sectionChecks(
  outline: IOutline,
  section: number
): CheckedStep[] {
  const within = new Set<number>([section]);
  for (const candidate of outline.sections) {
    if (within.has(candidate.parent)) {
      within.add(candidate.index);
    }
  }
  return outline.steps.filter(
    (step): step is CheckedStep => !!step.check && within.has(step.section)
  );
}

/**
 * The sections with a check among their steps or their subsections', in
 * one pass: asking `sectionChecks` of every section costs sections times
 * steps, which a 2,000-cell lab pays on opening.
 */
export function sectionsWithChecks(outline: IOutline): Set<number> {
  const found = new Set<number>();
  for (const step of outline.steps) {
    // A parent already found has its own parents found too.
    for (
      let section = step.check ? step.section : -1;
      section >= 0 && !found.has(section);
      section = outline.sections[section]?.parent ?? -1
    ) {
      found.add(section);
    }
  }
  return found;
}

/** Every step with a check, in notebook order. */
export function allChecks(outline: IOutline): CheckedStep[] {
  return outline.steps.filter((step): step is CheckedStep => !!step.check);
}

/**
 * The steps in batches that run one after the other; the checks of a batch
 * run at the same time. Consecutive `par` checks of one section share a
 * batch; any other check is a batch of its own.
 */
export function batches(steps: CheckedStep[]): CheckedStep[][] {
  const planned: CheckedStep[][] = [];
  for (const step of steps) {
    const last = planned[planned.length - 1];
    if (
      step.check.par &&
      last?.[0].check.par &&
      last[0].section === step.section
    ) {
      last.push(step);
    } else {
      planned.push([step]);
    }
  }
  return planned;
}

/** The commands a notebook's checks would run, for the first Check's dialog. */
export function describeChecks(steps: CheckedStep[]): string[] {
  const lines = new Set<string>();
  for (const step of steps) {
    // A command's own lines are indented under it, and marks that reorder
    // text are shown as such: `ls\nnode1: …` must not read as a node1 check.
    const indent = '\n' + ' '.repeat(step.check.on.length + 2);
    lines.add(
      fieldText(`${step.check.on}: ${step.check.cmd}`).replace(/\n/g, indent)
    );
  }
  return [...lines];
}

/** What the server is asked for one step. */
export interface ICheckRequest {
  key: string;
  command: string;
  where: string;
  timeout: number;
}

/** The request for a step's check of the notebook at `path`. */
export function checkRequest(
  path: string,
  step: CheckedStep,
  command: string
): ICheckRequest {
  return {
    key: `${path}\n${step.key}`.slice(-200),
    command,
    where: step.check.on,
    timeout: checkTimeout(step.check)
  };
}

/** One place's result as the server replies it. */
export interface IPlaceReply {
  place: string;
  result: ICheckResult['r'];
  exit?: number;
  ms: number;
  output: string;
}

/** The server's reply to a check. */
export interface ICheckReply {
  result: { result: ICheckResult['r']; exit?: number };
  places: IPlaceReply[];
}

/** Whether a value is a reply the server would send (it is not trusted). */
export function isCheckReply(value: unknown): value is ICheckReply {
  const outcomes = ['pass', 'fail', 'timeout', 'unreachable'];
  const reply = value as ICheckReply;
  return (
    !!reply &&
    typeof reply === 'object' &&
    !!reply.result &&
    outcomes.includes(reply.result.result) &&
    (reply.result.exit === undefined || Number.isInteger(reply.result.exit)) &&
    Array.isArray(reply.places) &&
    reply.places.every(
      p =>
        !!p &&
        typeof p.place === 'string' &&
        outcomes.includes(p.result) &&
        typeof p.output === 'string'
    )
  );
}

/** The record of a reply to the check as it ran. */
export function resultOf(
  reply: ICheckReply,
  check: ICheck,
  at: Date
): ICheckResult {
  const result: ICheckResult = {
    at: timestamp(at),
    r: reply.result.result,
    ver: checkVersion(check)
  };
  if (result.r === 'fail' && reply.result.exit !== undefined) {
    result.x = reply.result.exit;
  }
  return result;
}
