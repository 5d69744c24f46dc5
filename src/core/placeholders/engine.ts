/**
 * Filling placeholders into cell sources, reversibly. A filled cell keeps
 * its template and a fingerprint of what was filled in, so a refill or a
 * reset happens only while the cell still holds exactly that text: an edit
 * made by hand is never overwritten. The record is the notebook's, which
 * anyone may have written: its template is put back only when it is the
 * cell's text with values turned back into tokens (./template.ts).
 */
import { fingerprint } from '../notebook/hash';
import { checkValue, IPlaceholder } from './definitions';
import { ITemplateValues, refuseTemplate } from './template';
import { TokenScanner } from './tokenscan';
import { escapeRegExp } from '../helpers';

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
  /** Left as it is: edited by hand, or (`refused`) its template is not its text. */
  | { kind: 'edited'; refused?: string };

/**
 * Replace every token by its value in one pass, longest token first, so a
 * token that is a prefix of another (`A.B.C.D` in `A.B.C.D.E`) and a value
 * that looks like a token are never replaced twice or in part.
 */
export function substitute(text: string, values: Map<string, string>): string {
  const scanner = new TokenScanner(values.keys());
  let filled = '';
  let from = 0;
  for (const { token, at } of scanner.scan(text)) {
    filled += text.slice(from, at) + values.get(token)!;
    from = at + token.length;
  }
  return from ? filled + text.slice(from) : text;
}

/**
 * How many times each token occurs in a text (matched as `substitute` does).
 * Counting in many texts, give a scanner made once: building it is most of
 * the work for a short cell.
 */
export function countTokens(
  text: string,
  tokens: string[] | TokenScanner
): Map<string, number> {
  const scanner =
    tokens instanceof TokenScanner ? tokens : new TokenScanner(tokens);
  const counts = new Map<string, number>();
  for (const { token } of scanner.scan(text)) {
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

/**
 * Fill a cell, or refill it from its template after a value changed.
 *
 * @param placeholders - every placeholder of the notebook, filled or not.
 */
export function planFill(
  source: string,
  record: IFillRecord | undefined,
  values: Map<string, string>,
  placeholders: IPlaceholder[] = []
): CellPlan {
  const believed = recordedTemplate(source, record, placeholders, {
    hints: values
  });
  if (typeof believed !== 'string') {
    return believed;
  }
  const filled = substitute(believed, values);
  if (filled === source) {
    return { kind: 'unchanged' };
  }
  return {
    kind: 'write',
    source: filled,
    fill:
      filled === believed ? null : { tpl: believed, out: fingerprint(filled) }
  };
}

/**
 * Put a filled cell back to its exact template.
 */
export function planReset(
  source: string,
  record: IFillRecord | undefined,
  placeholders: IPlaceholder[],
  values: ITemplateValues = {}
): CellPlan {
  if (!record) {
    return { kind: 'unchanged' };
  }
  const believed = recordedTemplate(source, record, placeholders, values);
  return typeof believed === 'string'
    ? { kind: 'write', source: believed, fill: null }
    : believed;
}

/**
 * The template a cell is filled from: its record's when the cell was not
 * edited since and the template is its text with values turned back into
 * tokens, the source itself when there is no record, else why not.
 */
function recordedTemplate(
  source: string,
  record: IFillRecord | undefined,
  placeholders: IPlaceholder[],
  values: ITemplateValues
): string | CellPlan {
  if (!record) {
    return source;
  }
  if (fingerprint(source) !== record.out) {
    return { kind: 'edited' };
  }
  const byToken = new Map(placeholders.map(p => [p.token, p]));
  const tokens = [...(values.hints?.keys() ?? []), ...byToken.keys()];
  const refused = refuseTemplate(source, record.tpl, new TokenScanner(tokens), {
    ...values,
    check: (token, value) => {
      const placeholder = byToken.get(token);
      return placeholder ? checkValue(placeholder, value, placeholders) : null;
    }
  });
  return refused === null ? record.tpl : { kind: 'edited', refused };
}

/**
 * One global pattern matching any of the tokens, longest first.
 */
export function tokenPattern(tokens: string[]): RegExp | null {
  const sorted = tokens.filter(t => t).sort((a, b) => b.length - a.length);
  if (!sorted.length) {
    return null;
  }
  return new RegExp(sorted.map(t => escapeRegExp(t)).join('|'), 'g');
}
