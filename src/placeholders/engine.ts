/**
 * Filling placeholders into cell sources, reversibly. A filled cell keeps
 * its template and a fingerprint of what was filled in, so a refill or a
 * reset happens only while the cell still holds exactly that text: an edit
 * made by hand is never overwritten.
 */
import { fingerprint } from '../notebook/hash';

/** Stored on a filled cell, under the metadata key as `fill`. */
export interface IFillRecord {
  /** The cell's source before any fill: the author's template. */
  tpl: string;
  /** Fingerprint of the source as last filled. */
  out: string;
}

/** What to do with one cell. */
export type CellPlan =
  | { kind: 'write'; source: string; fill: IFillRecord | null }
  | { kind: 'unchanged' }
  | { kind: 'edited' };

/**
 * Replace every token by its value in one pass, longest token first, so a
 * token that is a prefix of another (`A.B.C.D` in `A.B.C.D.E`) and a value
 * that looks like a token are never replaced twice or in part.
 */
export function substitute(text: string, values: Map<string, string>): string {
  const pattern = tokenPattern([...values.keys()]);
  return pattern
    ? text.replace(pattern, token => values.get(token) ?? token)
    : text;
}

/**
 * How many times each token occurs in a text (matched as `substitute` does).
 */
export function countTokens(
  text: string,
  tokens: string[]
): Map<string, number> {
  const counts = new Map<string, number>();
  const pattern = tokenPattern(tokens);
  for (let match = pattern?.exec(text); match; match = pattern!.exec(text)) {
    counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  }
  return counts;
}

/**
 * Fill a cell, or refill it from its template after a value changed.
 */
export function planFill(
  source: string,
  record: IFillRecord | undefined,
  values: Map<string, string>
): CellPlan {
  if (record && fingerprint(source) !== record.out) {
    return { kind: 'edited' };
  }
  const template = record?.tpl ?? source;
  const filled = substitute(template, values);
  if (filled === source) {
    return { kind: 'unchanged' };
  }
  return {
    kind: 'write',
    source: filled,
    fill:
      filled === template ? null : { tpl: template, out: fingerprint(filled) }
  };
}

/**
 * Put a filled cell back to its exact template.
 */
export function planReset(
  source: string,
  record: IFillRecord | undefined
): CellPlan {
  if (!record) {
    return { kind: 'unchanged' };
  }
  if (fingerprint(source) !== record.out) {
    return { kind: 'edited' };
  }
  return { kind: 'write', source: record.tpl, fill: null };
}

/**
 * One global pattern matching any of the tokens, longest first.
 */
export function tokenPattern(tokens: string[]): RegExp | null {
  const sorted = tokens.filter(t => t).sort((a, b) => b.length - a.length);
  if (!sorted.length) {
    return null;
  }
  return new RegExp(
    sorted.map(t => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g'
  );
}
