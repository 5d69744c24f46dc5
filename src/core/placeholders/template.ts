/**
 * Whether a fill record's template may be put back into a cell.
 *
 * The record travels in the notebook, which anyone may have written, and
 * the fingerprint it keeps of the filled text is public: a record whose
 * fingerprint matches proves nothing about its template. So a template is
 * believed only when it is the cell's current source with the filled values
 * turned back into their tokens: outside its tokens the template's text is
 * the source's, and where a token stands the source holds a value that
 * token could have (the token itself when it was left unfilled; otherwise a
 * single word without anything a shell reads, at most MAX_VALUE_LENGTH
 * long, holding no token, passing the placeholder's own check (its
 * pattern), the same for every occurrence of the token, and one of the
 * known values when they are given for the token). Putting such a template
 * back changes nothing but values into tokens.
 *
 * The check walks the template and the source once, left to right, without
 * going back: each token's value is chosen where the token first occurs,
 * from a bounded set of candidates, and every later character is compared
 * once. Time is linear in the two texts (times the longest token and value,
 * both capped). A value chosen wrongly where two choices fit can only make
 * an honest template look refused, never a crafted one honoured: refused is
 * the safe answer (the cell is kept as it is and named).
 */
import { MAX_VALUE_LENGTH, shellMeaning } from './definitions';
import { TokenScanner } from './tokenscan';

/** What is known of the values a template's tokens stood for. */
export interface ITemplateValues {
  /** A value to try first for each token (the student's current ones). */
  hints?: ReadonlyMap<string, string>;
  /** For a token, the only values it may stand for when filled (the author's own). */
  only?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Why a value cannot be a token's (its placeholder's check), or null. */
  check?: (token: string, value: string) => string | null;
}

/** Candidates that fit are checked in full at most this many times a token. */
const MAX_CHECKED = 4;

type Piece = string | { token: string };

/**
 * Why a template cannot be believed for a source, or null when it can.
 *
 * @param tokens - the placeholder tokens of the notebook (a scanner of them).
 */
export function refuseTemplate(
  source: string,
  template: string,
  tokens: TokenScanner,
  values: ITemplateValues = {}
): string | null {
  const pieces = Private.split(template, tokens);
  const assigned = new Map<string, string>();
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (typeof piece === 'string') {
      if (!source.startsWith(piece, at)) {
        return 'its text outside the placeholders is not the cell’s';
      }
      at += piece.length;
      continue;
    }
    const { token } = piece;
    let value = assigned.get(token);
    if (value === undefined) {
      const chosen = Private.choose(source, at, token, pieces[i + 1], {
        assigned,
        values,
        tokens
      });
      if (chosen === null) {
        return `the cell holds no value of “${token}” where the template has it`;
      }
      value = chosen;
      assigned.set(token, value);
    } else if (!source.startsWith(value, at)) {
      return `“${token}” would stand for two different values`;
    }
    at += value.length;
  }
  return at === source.length
    ? null
    : 'the cell goes on after the template ends';
}

namespace Private {
  /** The template as literal text and tokens, found as the fill finds them. */
  export function split(template: string, tokens: TokenScanner): Piece[] {
    const pieces: Piece[] = [];
    let from = 0;
    for (const { token, at } of tokens.scan(template)) {
      if (at > from) {
        pieces.push(template.slice(from, at));
      }
      pieces.push({ token });
      from = at + token.length;
    }
    if (from < template.length) {
      pieces.push(template.slice(from));
    }
    return pieces;
  }

  interface IChoice {
    assigned: Map<string, string>;
    values: ITemplateValues;
    tokens: TokenScanner;
  }

  /**
   * The value a token's first occurrence at `at` stands for, or null: the
   * hint, the token itself, then the known values or, unknown, the words
   * of value characters starting there, longest first; the first that
   * fits what follows in the template.
   */
  export function choose(
    source: string,
    at: number,
    token: string,
    next: Piece | undefined,
    choice: IChoice
  ): string | null {
    const { values, tokens } = choice;
    const only = values.only?.get(token)?.size ? values.only.get(token)! : null;
    const fits = (value: string) =>
      source.startsWith(value, at) &&
      followedBy(source, at + value.length, next, choice);
    const allowed = (value: string) =>
      value.length > 0 &&
      value.length <= MAX_VALUE_LENGTH &&
      !shellMeaning(value) &&
      (!only || only.has(value));
    let checked = 0;
    // A value never holds a token: filling it would have filled that too.
    const valid = (value: string) =>
      checked++ < MAX_CHECKED &&
      !tokens.occursIn(value) &&
      (values.check?.(token, value) ?? null) === null;
    const hint = values.hints?.get(token);
    if (hint !== undefined && allowed(hint) && fits(hint) && valid(hint)) {
      return hint;
    }
    if (fits(token)) {
      return token;
    }
    const candidates = only ? [...only].filter(allowed) : wordsAt(source, at);
    return candidates.find(value => fits(value) && valid(value)) ?? null;
  }

  /** The runs of value characters starting at `at`, longest first. */
  function wordsAt(source: string, at: number): string[] {
    let end = at;
    while (
      end < source.length &&
      end - at < MAX_VALUE_LENGTH &&
      !shellMeaning(source[end])
    ) {
      end++;
    }
    const words: string[] = [];
    for (; end > at; end--) {
      words.push(source.slice(at, end));
    }
    return words;
  }

  /**
   * Whether what follows a value could be the template's next piece; only
   * the next piece's head is compared, so choosing stays bounded (the
   * whole piece is compared once, when its turn comes).
   */
  function followedBy(
    source: string,
    end: number,
    next: Piece | undefined,
    { assigned, values }: IChoice
  ): boolean {
    if (next === undefined) {
      return end === source.length;
    }
    if (typeof next === 'string') {
      return source.startsWith(next.slice(0, MAX_VALUE_LENGTH + 1), end);
    }
    const known = assigned.get(next.token);
    if (known !== undefined) {
      return source.startsWith(known, end);
    }
    const hint = values.hints?.get(next.token);
    // Two tokens side by side: without a known value the split is a guess.
    return (
      hint === undefined ||
      source.startsWith(hint, end) ||
      source.startsWith(next.token, end)
    );
  }
}
