/**
 * Text in a command that looks like something a student should replace
 * (`<your-ip>`, `YOUR_KEY`, `X.X.X.X`, `sk-XXXX`), so the lint can name the
 * ones no placeholder declares: a student would never be asked for them.
 *
 * Every pattern here has bounded repetition or is anchored on a short
 * literal, so a hostile megabyte-long line is read in linear time.
 */

/** A piece of a line that looks like a placeholder. */
export interface ITokenLike {
  value: string;
  /** Where it is in the line: `start` inclusive, `end` exclusive. */
  start: number;
  end: number;
}

/**
 * The token-like texts of one line of a command, in order, leaving out any
 * that overlaps a known token (`known`: a global pattern such as
 * `tokenPattern` gives, or null).
 */
export function findTokenLike(
  line: string,
  known: RegExp | null
): ITokenLike[] {
  const taken = Private.spans(line, known);
  // Longest first where two start together, so `<your-ip>` wins over `your-ip`.
  const candidates = [...Private.candidates(line)].sort(
    (a, b) => a.start - b.start || b.end - a.end
  );
  const found: ITokenLike[] = [];
  let reach = 0;
  let next = 0;
  for (const candidate of candidates) {
    while (next < taken.length && taken[next].end <= candidate.start) {
      next++;
    }
    const inKnown = next < taken.length && taken[next].start < candidate.end;
    if (!inKnown && candidate.start >= reach) {
      found.push(candidate);
      reach = candidate.end;
    }
  }
  return found;
}

namespace Private {
  /**
   * HTML elements (`<details>` in a command is markup an `echo` writes) and
   * words tools print in brackets (`docker images | grep "<none>"`).
   */
  const NOT_TOKENS = new Set(
    (
      'html head body title meta link script style div span br hr img code pre ' +
      'ul ol li dl dt dd table thead tbody tfoot tr td th caption details summary ' +
      'figure figcaption section article header footer nav main aside label form ' +
      'input button select option textarea iframe video audio source svg center ' +
      'sup sub small strong em kbd blockquote p a b i u s h1 h2 h3 h4 h5 h6 tt ' +
      'abbr cite mark del ins q var samp picture canvas noscript template ' +
      'none stdin stdout stderr eof defunct unknown nil null'
    ).split(' ')
  );

  /** `<name>`, `<your-ip>`, `<vm_name>`: not after a letter (`List<int>`) or `<` (`<<eof`). */
  const ANGLE =
    /(?<![\p{L}\p{N}_<])<([a-z][a-z0-9]{0,39}(?:[-_][a-z0-9]{1,39}){0,8})>/gu;

  /** `<your IP>`, `<Your key name>`. */
  const ANGLE_YOUR = /<your[ \t][^<>\n]{1,40}>/giu;

  /** `YOUR_KEY`, `your-ip`, `Your_Name`. */
  const YOUR = /(?<![\p{L}\p{N}_-])your[_-][\p{L}\p{N}_-]{1,40}/giu;

  /** `X.X.X.X`, `192.168.1.X`, `A.B.C.D`: four parts, capitals or numbers, one capital at least. */
  const DOTTED =
    /(?<![\p{L}\p{N}_.])(?:\d{1,3}|[A-Z]|XXX?)(?:\.(?:\d{1,3}|[A-Z]|XXX?)){3}(?![\p{L}\p{N}_]|\.[\p{L}\p{N}])/gu;

  /** A run of three or more X, found first and then widened to its word. */
  const XRUN = /X{3,}/g;
  const WORD_CHAR = /[\p{L}\p{N}_-]/u;
  const MAX_WORD = 60;

  export function* candidates(line: string): Generator<ITokenLike> {
    for (const match of line.matchAll(ANGLE)) {
      if (
        match[1].length >= 2 &&
        match[1].length <= 40 &&
        !NOT_TOKENS.has(match[1])
      ) {
        yield at(line, match.index!, match.index! + match[0].length);
      }
    }
    for (const match of line.matchAll(ANGLE_YOUR)) {
      yield at(line, match.index!, match.index! + match[0].length);
    }
    for (const match of line.matchAll(YOUR)) {
      yield widened(line, match.index!, match.index! + match[0].length);
    }
    for (const match of line.matchAll(DOTTED)) {
      if (/[A-Z]/.test(match[0])) {
        yield widened(line, match.index!, match.index! + match[0].length);
      }
    }
    for (const match of line.matchAll(XRUN)) {
      let start = match.index!;
      let end = start + match[0].length;
      while (
        start > 0 &&
        end - start < MAX_WORD &&
        WORD_CHAR.test(line[start - 1])
      ) {
        start--;
      }
      while (
        end < line.length &&
        end - start < MAX_WORD &&
        WORD_CHAR.test(line[end])
      ) {
        end++;
      }
      yield widened(line, start, end);
    }
  }

  /** Known tokens' places in the line. */
  export function spans(
    line: string,
    known: RegExp | null
  ): { start: number; end: number }[] {
    if (!known) {
      return [];
    }
    const found: { start: number; end: number }[] = [];
    known.lastIndex = 0;
    for (const match of line.matchAll(known)) {
      found.push({ start: match.index!, end: match.index! + match[0].length });
    }
    return found;
  }

  function at(line: string, start: number, end: number): ITokenLike {
    return { value: line.slice(start, end), start, end };
  }

  /** `<YOUR_KEY>` is reported with its brackets. */
  function widened(line: string, start: number, end: number): ITokenLike {
    return line[start - 1] === '<' && line[end] === '>'
      ? at(line, start - 1, end + 1)
      : at(line, start, end);
  }
}
