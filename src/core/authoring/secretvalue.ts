/**
 * What the value given to a password, token or key is: a placeholder
 * standing for a secret (`REDACTED_…`, `YOUR_TOKEN_HERE`, `<password>`,
 * `xxxx`, `${PW}`, the lab's own tokens), a short dictionary-like word (a
 * demo service's password, when the name is a service's setting), or a
 * secret. Published labs show all three; only the last is a leak.
 *
 * The rule is kept tight: a value is a placeholder only when all of it is
 * one. A real-looking value that merely contains `x`, starts with
 * `REDACTED_` or sits in brackets is still a secret, and a value holding a
 * token of a known service (`ghp_…`, `AKIA…`) is never anything else.
 *
 * Every pattern has bounded repetition; values are at most a few hundred
 * characters (the caller's capture is bounded).
 */

/** What a value is, from the least to the most sensitive. */
export type ValueKind = 'placeholder' | 'word' | 'secret';

/** A token of a known service found in a text. */
export interface IServiceToken {
  value: string;
  start: number;
  /** Whose token, as the subject of "… would be published". */
  what: string;
}

/**
 * What a value is.
 *
 * @param tokens - the lab's placeholder tokens (`netID`, `A.B.C.D`,
 *   declared ones): a value made of them is a template.
 */
export function valueKind(value: string, tokens: Iterable<string>): ValueKind {
  const text = value.trim();
  if (!text || Private.NON_VALUES.has(text.toLowerCase())) {
    return 'placeholder';
  }
  if (serviceTokens(text).length) {
    return 'secret';
  }
  // A template: what is left once its tokens and references are taken out,
  // and what its references write themselves (`${PW:-lab_demo}`).
  let rest = text;
  for (const token of tokens) {
    if (token.length >= Private.MIN_TOKEN && rest.includes(token)) {
      rest = rest.split(token).join(' ');
    }
  }
  const literals: string[] = [];
  rest = rest.replace(Private.REFERENCE, (_reference, fallback, expression) => {
    literals.push(...Private.writtenIn(fallback, expression));
    return ' ';
  });
  if (rest === text) {
    return Private.kindOfLiteral(text);
  }
  rest = rest.replace(Private.PUNCTUATION_EDGES, '');
  const kinds: ValueKind[] = [
    !rest || Private.nameWords(rest) ? 'placeholder' : 'secret',
    ...literals.map(literal => valueKind(literal, []))
  ];
  return Private.KINDS.find(kind => kinds.includes(kind))!;
}

/** The words of a value that is a name (`lab_demo` → lab, demo), or null. */
export function wordsOf(value: string): string[] | null {
  return Private.nameWords(value.trim());
}

/**
 * The tokens of known services in a text (GitHub, GitLab, AWS, OpenAI-style
 * `sk-`, Slack, Hugging Face, Google), wherever they are: also after
 * `REDACTED_` or inside `<…>`. A token whose body is a mask (`ghp_XXXX…`)
 * is a placeholder, not a token.
 */
export function serviceTokens(text: string): IServiceToken[] {
  const found: IServiceToken[] = [];
  if (!Private.ANY_HINT.test(text)) {
    return found;
  }
  for (const kind of Private.SERVICE_TOKENS) {
    if (!kind.hints.some(hint => text.includes(hint))) {
      continue;
    }
    kind.pattern.lastIndex = 0;
    for (const match of text.matchAll(kind.pattern)) {
      const body = match[0].slice(kind.prefix.exec(match[0])![0].length);
      if (
        !Private.MASK_BODY.test(body) &&
        (!kind.generated || Private.looksGenerated(body))
      ) {
        found.push({ value: match[0], start: match.index!, what: kind.what });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

namespace Private {
  /** Shorter tokens are not looked for in a value: a declared `s` must not hide one. */
  export const MIN_TOKEN = 3;

  /** Values that are a type, a flag or nothing (`password: null`, `token: string`). */
  export const NON_VALUES = new Set(
    'true false null none nil undefined required optional string'.split(' ')
  );

  /**
   * `$NAME`, `${NAME}`, `${NAME:-default}`, `$(command)`, `{NAME}`,
   * `{{ expression }}`, `{% … %}`, `%(name)s`, `%{name}`, `%NAME%`; not inside a word
   * (`pa$word` is a password).
   */
  export const REFERENCE =
    /(?<![A-Za-z0-9])(?:\$\{[A-Za-z_][A-Za-z0-9_]{0,60}(?::?[-=+?]([^{}]{0,200}))?\}|\$[A-Za-z_][A-Za-z0-9_]{0,60}|\$\([^()]{0,200}\)|\{\{([^{}]{0,200})\}\}|\{%[^{}]{0,200}%\}|\{[A-Za-z_][A-Za-z0-9_.]{0,60}\}|%\([A-Za-z_][A-Za-z0-9_]{0,60}\)s|%\{[A-Za-z_][A-Za-z0-9_.]{0,60}\}|%[A-Za-z_][A-Za-z0-9_]{0,60}%)/g;

  const QUOTED = /"([^"]{0,200})"|'([^']{0,200})'/g;

  /**
   * What a reference leaves written in the notebook: its default
   * (`${PW:-lab_demo}`), and the quoted literals of a template expression
   * that look generated (`{{ 'x9F!k2' }}`; `lookup('env', 'PW')` names
   * where the value is).
   */
  export function writtenIn(
    fallback: string | undefined,
    expression: string | undefined
  ): string[] {
    if (fallback !== undefined) {
      return [fallback];
    }
    return [...(expression ?? '').matchAll(QUOTED)]
      .map(quoted => quoted[1] ?? quoted[2])
      .filter(literal => valueKind(literal, []) === 'secret');
  }

  /** The kinds, the most sensitive first. */
  export const KINDS: ValueKind[] = ['secret', 'word', 'placeholder'];

  /** What a value with no token or reference in it is. */
  export function kindOfLiteral(value: string): ValueKind {
    let text = value;
    const bracketed = inBrackets(text);
    if (bracketed === '' || CODE.test(text)) {
      // `password: {` or `token: [`: a structure opens, its values follow;
      // `password=os.environ["PW"]`, `token=getpass()`: code reads it.
      return 'placeholder';
    }
    if (bracketed !== null) {
      text = bracketed;
    }
    if (MASK.test(text) || isMaskedServiceToken(text)) {
      return 'placeholder';
    }
    const words = nameWords(text);
    if (!words) {
      return 'secret';
    }
    if (bracketed !== null || saysPlaceholder(words)) {
      return 'placeholder';
    }
    return isDictionaryLike(text, words) ? 'word' : 'secret';
  }

  export const PUNCTUATION_EDGES = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

  /** A call or a subscript: `getpass(`, `os.environ[`. */
  const CODE = /^[A-Za-z_][\w.]{0,100}[([]/;

  const CLOSING: { [open: string]: string } = {
    '<': '>',
    '[': ']',
    '(': ')',
    '{': '}'
  };

  /**
   * The text inside one pair of brackets around the whole value; '' for an
   * opening bracket with nothing closed after it (a structure: `{`, `[`,
   * `(`, not `<`); null when the value is not in brackets.
   */
  export function inBrackets(text: string): string | null {
    const close = CLOSING[text[0]];
    if (close === undefined) {
      return null;
    }
    if (text.length >= 2 && text.endsWith(close)) {
      return text.slice(1, -1).trim() || null;
    }
    return text[0] === '<' ? null : '';
  }

  /** One character repeated, or a few: `xxxx`, `XXXXXX`, `****`, `...`, `…`, `xxxx-xxxx`. */
  export const MASK = /^[xX*.…•#_\s-]{1,200}$/u;

  /** The body of a service token that is a mask: `ghp_XXXX…`, `sk-xxxx…`. */
  export const MASK_BODY = /^[xX*.…_-]+$/u;

  /** A known prefix and a mask: `sk-XXXX…`, `AKIAXXXXXXXXXXXXXXXX`. */
  function isMaskedServiceToken(text: string): boolean {
    return SERVICE_TOKENS.some(kind => {
      const prefix = kind.prefix.exec(text);
      return !!prefix && MASK_BODY.test(text.slice(prefix[0].length));
    });
  }

  /**
   * A part of a name: a word in lower case, UPPER case or Capitalized, of
   * at most 20 letters, with at most two digits after it (`node1`,
   * `hunter2`; never `ff524`, `Passw0rd`, `abcDEF123`). Between parts, one
   * or two of `_ - . ` and space; a Capitalized part of 3 letters or more
   * may also follow a word directly (`yourTokenHere`).
   */
  const PART = /([A-Z][a-z]{1,19}|[a-z]{1,20}|[A-Z]{1,20}(?![a-z]))(\d{0,2})/y;
  const SEPARATOR = /[-_. ]{1,2}/y;
  const MAX_PARTS = 8;
  const MAX_NAME = 60;

  /** The lower-case words of a name, or null when the text is no name. */
  export function nameWords(text: string): string[] | null {
    const name = text.replace(/(?:…|\.\.\.)$/, '');
    if (!name || name.length > MAX_NAME) {
      return null;
    }
    const words: string[] = [];
    let at = 0;
    let separated = true;
    while (at < name.length) {
      SEPARATOR.lastIndex = at;
      if (SEPARATOR.exec(name)) {
        at = SEPARATOR.lastIndex;
        separated = true;
        continue;
      }
      PART.lastIndex = at;
      const part = PART.exec(name);
      const camel = part && /^[A-Z][a-z]{2,}$/.test(part[1]);
      if (!part || (!separated && !camel) || words.length === MAX_PARTS) {
        return null;
      }
      // A word ends where its digits do: `node1x` is no name.
      separated = false;
      if (part[2] && PART.lastIndex < name.length) {
        SEPARATOR.lastIndex = PART.lastIndex;
        if (!SEPARATOR.test(name)) {
          return null;
        }
      }
      words.push(part[1].toLowerCase());
      at = PART.lastIndex;
    }
    return words.length ? words : null;
  }

  /** Words that say "put the real value here". */
  const MARKERS = new Set(
    (
      'your here redacted placeholder replace replaceme insert enter fill ' +
      'todo fixme tbd changeme changeit dummy fake'
    ).split(' ')
  );

  export function saysPlaceholder(words: string[]): boolean {
    const joined = words.join('');
    return (
      words.some(word => MARKERS.has(word)) ||
      /change(?:me|it)|replaceme/.test(joined)
    );
  }

  /** At most this long, a word is a password a lab hands out, not a generated one. */
  const MAX_WORD_VALUE = 24;

  /**
   * Short, and every word pronounceable: a vowel in each word of four
   * letters or more, never five consonants in a row (`kqzxvbnm` is
   * generated, `mysecretpassword` is not).
   */
  export function isDictionaryLike(text: string, words: string[]): boolean {
    return (
      text.length <= MAX_WORD_VALUE &&
      words.every(
        word =>
          !/[b-df-hj-np-tv-xz]{5}/.test(word) &&
          (word.replace(/\d+$/, '').length < 4 || /[aeiouy]/.test(word))
      )
    );
  }

  /** Digits, upper and lower case letters together: a generated key's body. */
  export function looksGenerated(body: string): boolean {
    return /\d/.test(body) && /[A-Z]/.test(body) && /[a-z]/.test(body);
  }

  /**
   * Tokens with a known prefix. `prefix` finds where the body starts;
   * `generated` asks for a body that looks generated, where the prefix
   * alone is common text (`sk-`, `hf_`). `hints`: texts one of which a
   * line must hold for the pattern to be tried (a quick test first).
   */
  export const SERVICE_TOKENS: {
    pattern: RegExp;
    prefix: RegExp;
    hints: string[];
    what: string;
    generated?: boolean;
  }[] = [
    {
      pattern:
        /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9])/g,
      prefix: /^(?:gh[pousr]_|github_pat_)/,
      hints: ['gh', 'github_pat_'],
      what: 'a GitHub token'
    },
    {
      pattern: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,255}/g,
      prefix: /^glpat-/,
      hints: ['glpat-'],
      what: 'a GitLab token'
    },
    {
      pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/g,
      prefix: /^(?:AKIA|ASIA)/,
      hints: ['AKIA', 'ASIA'],
      what: 'an AWS access key'
    },
    {
      pattern: /(?<![A-Za-z0-9])sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,255}/g,
      prefix: /^sk-(?:proj-|ant-)?/,
      hints: ['sk-'],
      what: 'an API key (sk-)',
      generated: true
    },
    {
      pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,255}/g,
      prefix: /^xox[abposr]-/,
      hints: ['xox'],
      what: 'a Slack token'
    },
    {
      pattern: /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,255}/g,
      prefix: /^hf_/,
      hints: ['hf_'],
      what: 'a Hugging Face token',
      generated: true
    },
    {
      pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
      prefix: /^AIza/,
      hints: ['AIza'],
      what: 'a Google API key'
    }
  ];

  /** Any of the hints: most lines hold none, and are done with one test. */
  export const ANY_HINT = new RegExp(
    SERVICE_TOKENS.flatMap(kind => kind.hints).join('|')
  );
}
