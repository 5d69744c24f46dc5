/**
 * Values in a line of text that belong to a person and would be published
 * with a lab: the author's own placeholder values, public addresses,
 * Chameleon projects, private keys, passwords and tokens, e-mail addresses.
 *
 * Every pattern has bounded repetition or starts on a short literal, so a
 * hostile megabyte-long line is read in linear time.
 */
import type { LintRule } from './findings';
import { shorten } from './findings';
import { findSecrets } from './secrets';
import { escapeRegExp } from '../helpers';

/** The rules of values that would be published. */
export type LeakRule = Extract<
  LintRule,
  | 'profile-value'
  | 'address'
  | 'project'
  | 'private-key'
  | 'secret'
  | 'demo-credential'
  | 'email'
>;

/** One value found in a line. */
export interface ILeak {
  rule: LeakRule;
  /** The value as found (for de-duplication; never shown for secrets). */
  value: string;
  start: number;
  end: number;
  /** What it is, as the subject of "… would be published." */
  what: string;
}

/** What the detectors need to know about the lab and its author. */
export interface ILeakContext {
  /** Matches any of the author's values: case-insensitive words, and the rest. */
  profile: RegExp[];
  /** Public addresses the lab documents (declared examples and node hosts). */
  allowedAddresses: Set<string>;
  /** Placeholder tokens: a "secret" that is one is a template. */
  tokens: Set<string>;
}

/** Profile values shorter than this are ignored (`cc` would be everywhere). */
const MIN_PROFILE_VALUE = 3;

/** At most this many profile values are used, each at most this long. */
const MAX_PROFILE_VALUES = 200;
const MAX_PROFILE_LENGTH = 200;

/**
 * The detectors' context.
 *
 * @param profileValues - the author's own values; those that are a token or
 *   shorter than 3 characters are ignored.
 * @param tokens - the lab's placeholder tokens.
 * @param documented - texts whose IPv4 addresses the lab may show
 *   (declared placeholders' examples, declared nodes' hosts).
 */
export function leakContext(
  profileValues: string[],
  tokens: string[],
  documented: string[]
): ILeakContext {
  const tokenSet = new Set(tokens);
  const values = [
    ...new Set(
      profileValues
        .filter(v => typeof v === 'string')
        .map(v => v.trim())
        .filter(
          v =>
            v.length >= MIN_PROFILE_VALUE &&
            v.length <= MAX_PROFILE_LENGTH &&
            !tokenSet.has(v)
        )
    )
  ].slice(0, MAX_PROFILE_VALUES);
  const words = values.filter(v => Private.WORD_LIKE.test(v));
  const others = values.filter(v => !Private.WORD_LIKE.test(v));
  const profile = [
    Private.alternation(words, 'giu'),
    Private.alternation(others, 'gu')
  ].filter((p): p is RegExp => p !== null);
  const allowedAddresses = new Set<string>();
  for (const text of documented) {
    for (const address of addressesIn(text)) {
      allowedAddresses.add(address);
    }
  }
  return { profile, allowedAddresses, tokens: tokenSet };
}

/**
 * The values of one line that would be published, in order. An address or
 * project that is one of the author's values is reported once, as theirs;
 * so is a "demo" password that is one of them (a leak, not a warning).
 */
export function findLeaks(line: string, context: ILeakContext): ILeak[] {
  const found: ILeak[] = [];
  for (const pattern of context.profile) {
    pattern.lastIndex = 0;
    for (const match of line.matchAll(pattern)) {
      found.push(
        Private.leak(
          'profile-value',
          match[0],
          match.index!,
          `“${shorten(match[0])}”, one of your own placeholder values,`
        )
      );
    }
  }
  const own = new Set(found.map(leak => leak.value.toLowerCase()));
  const more = [
    ...Private.addresses(line, context),
    ...Private.projects(line),
    ...Private.privateKeys(line),
    ...findSecrets(line, context.tokens),
    ...Private.emails(line)
  ].filter(
    leak =>
      !(
        ((leak.rule === 'address' || leak.rule === 'project') &&
          own.has(leak.value.toLowerCase())) ||
        (leak.rule === 'demo-credential' &&
          found.some(mine => mine.start < leak.end && leak.start < mine.end))
      )
  );
  return [...found, ...more].sort((a, b) => a.start - b.start);
}

/** The IPv4 addresses written in a text (not versions like `v1.2.3.4`). */
export function addressesIn(text: string): string[] {
  return [...text.matchAll(Private.IPV4)]
    .filter(match => Private.octets(match) !== null)
    .map(match => match[1]);
}

namespace Private {
  /** A value with no punctuation but `_` and `-` is matched as a word, in any case. */
  export const WORD_LIKE = /^[\p{L}\p{N}_-]+$/u;

  /**
   * One pattern for many values. A value is found only where it does not
   * continue a longer word or number: `zz9999` in `net_zz9999` but not in
   * `zz99991`, since `_` and `-` join names in the labs' commands.
   */
  export function alternation(values: string[], flags: string): RegExp | null {
    if (!values.length) {
      return null;
    }
    const sorted = [...values].sort((a, b) => b.length - a.length);
    const parts = sorted.map(value => {
      const escaped = escapeRegExp(value);
      const before = /^[\p{L}\p{N}]/u.test(value) ? '(?<![\\p{L}\\p{N}])' : '';
      const after = /[\p{L}\p{N}]$/u.test(value) ? '(?![\\p{L}\\p{N}])' : '';
      return `${before}${escaped}${after}`;
    });
    return new RegExp(parts.join('|'), flags);
  }

  export function leak(
    rule: LeakRule,
    value: string,
    start: number,
    what: string,
    length = value.length
  ): ILeak {
    return { rule, value, start, end: start + length, what };
  }

  /**
   * An IPv4 address, optionally with a prefix length. Not inside a longer
   * dotted sequence (`1.2.3.4.5`) or after a letter (`v1.2.3.4`).
   */
  export const IPV4 =
    /(?<![\p{L}\p{N}_.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\/(\d{1,2}))?(?![\p{L}\p{N}_]|\.\d)/gu;

  export function octets(match: RegExpMatchArray): number[] | null {
    const parts = match[1].split('.').map(Number);
    return parts.every(n => n <= 255) ? parts : null;
  }

  /** Public resolvers labs ping and query: nobody's own address. */
  const WELL_KNOWN = new Set([
    '1.1.1.1',
    '1.0.0.1',
    '8.8.8.8',
    '8.8.4.4',
    '9.9.9.9',
    '149.112.112.112',
    '208.67.222.222',
    '208.67.220.220'
  ]);

  /** Private, loopback, link-local, CGNAT, documentation, multicast and reserved ranges. */
  function isPublic([a, b, c, d]: number[]): boolean {
    const inverse = ~((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    // 255.255.255.0, 255.255.0.0…: a netmask, not a machine.
    const netmask = inverse !== 0xffffffff && (inverse & (inverse + 1)) === 0;
    return !(
      a === 0 ||
      a === 10 ||
      a === 127 ||
      a >= 224 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 192 && b === 0 && c === 2) ||
      (a === 198 && b === 51 && c === 100) ||
      (a === 203 && b === 0 && c === 113) ||
      netmask
    );
  }

  export function* addresses(
    line: string,
    context: ILeakContext
  ): Generator<ILeak> {
    IPV4.lastIndex = 0;
    for (const match of line.matchAll(IPV4)) {
      const parts = octets(match);
      const address = match[1];
      // A network of /24 or wider is a documented range, not one machine.
      const network = match[2] !== undefined && Number(match[2]) <= 24;
      if (
        parts &&
        !network &&
        isPublic(parts) &&
        !WELL_KNOWN.has(address) &&
        !context.allowedAddresses.has(address)
      ) {
        yield leak(
          'address',
          address,
          match.index!,
          `the public address ${address} (a student’s floating IP?)`
        );
      }
    }
  }

  const PROJECT = /(?<![\p{L}\p{N}])CHI-\d{1,12}(?!\p{N})/gu;

  export function* projects(line: string): Generator<ILeak> {
    for (const match of line.matchAll(PROJECT)) {
      yield leak(
        'project',
        match[0],
        match.index!,
        `the Chameleon project ${match[0]}`
      );
    }
  }

  const PRIVATE_KEY =
    /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;

  export function* privateKeys(line: string): Generator<ILeak> {
    for (const match of line.matchAll(PRIVATE_KEY)) {
      yield leak(
        'private-key',
        match[0],
        match.index!,
        `a private key (${match[0]})`
      );
    }
  }

  const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
  const DOMAIN =
    /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24})(?![A-Za-z0-9-])/y;
  /** Names of no public domain, and file types (`logo@2x.png`). */
  const NOT_A_DOMAIN = new Set(
    (
      'local localdomain novalocal internal lan home test example invalid localhost ' +
      'png jpg jpeg gif svg webp pdf html htm py ipynb md txt json yaml yml sh js css'
    ).split(' ')
  );

  export function* emails(line: string): Generator<ILeak> {
    for (let at = line.indexOf('@'); at >= 0; at = line.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && at - start < 64 && LOCAL_CHAR.test(line[start - 1])) {
        start--;
      }
      while (line[start] === '.') {
        start++;
      }
      DOMAIN.lastIndex = at + 1;
      const domain = DOMAIN.exec(line);
      if (start === at || !domain) {
        continue;
      }
      const local = line.slice(start, at).toLowerCase();
      const host = domain[0].toLowerCase();
      if (
        NOT_A_DOMAIN.has(domain[1].toLowerCase()) ||
        /(?:^|\.)example\.(?:com|org|net)$/.test(host) ||
        /no-?reply/.test(local) ||
        /no-?reply/.test(host) ||
        local === 'git'
      ) {
        continue;
      }
      const address = line.slice(start, DOMAIN.lastIndex);
      yield leak(
        'email',
        address,
        start,
        `the e-mail address ${shorten(address)}`
      );
    }
  }
}
