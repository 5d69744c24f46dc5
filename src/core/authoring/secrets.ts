/**
 * Passwords, tokens, keys and application credentials in a line of text:
 * `NAME=value`, `name: value`, `"name": "value"` where the name ends in a
 * secret's word, and tokens of known services anywhere.
 *
 * A value that is a placeholder (secretvalue.ts) is no finding. A short
 * dictionary-like value given to a service's own setting
 * (`POSTGRES_PASSWORD: lab_demo`, `-e GF_SECURITY_ADMIN_PASSWORD=admin`),
 * or one that says it is a demo (`password: lab_demo`), is the credential
 * of a demo service the lab shows its students on purpose: a warning of its
 * own rule, `demo-credential`. The passwords of accounts people choose
 * (OpenStack, application credentials, logins, registries) are never a demo.
 */
import type { LintRule } from './findings';
import { shorten } from './findings';
import { serviceTokens, valueKind, wordsOf } from './secretvalue';

/** A secret found in a line. */
export interface ISecretFound {
  rule: Extract<LintRule, 'secret' | 'demo-credential'>;
  /** `name=value`, or the token; never shown whole for a secret. */
  value: string;
  start: number;
  end: number;
  /** What it is, as the subject of "… would be published." */
  what: string;
}

/**
 * The secrets and demo credentials of one line, in order.
 *
 * @param tokens - the lab's placeholder tokens: a value made of them is a template.
 */
export function findSecrets(
  line: string,
  tokens: Iterable<string>
): ISecretFound[] {
  const found = [...Private.assigned(line, tokens)];
  for (const token of serviceTokens(line)) {
    found.push({
      rule: 'secret',
      value: token.value,
      start: token.start,
      end: token.start + token.value.length,
      what: `${token.what} (${mask(token.value)})`
    });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A secret shown without giving it away: its first few characters. */
function mask(value: string): string {
  const shown = Math.min(4, Math.max(1, Math.floor(value.length / 3)));
  return `${value.slice(0, shown)}…`;
}

namespace Private {
  /** The end of a name that holds a secret: `OS_PASSWORD`, `api_key`, `"token"`, `AWS_SECRET_ACCESS_KEY`. */
  const SECRET_NAME =
    /(password|passwd|secret(?:[_-]?(?:access[_-]?)?key)?|token|api[_-]?key|apikey|credential[_-]id)(?![\p{L}\p{N}_-])/giu;
  /**
   * After the name: `=`, `:` (not `==`), with a quote closing a JSON key;
   * or a shell default, `${PASSWORD:-value}`.
   */
  const ASSIGN = /(["']?)([ \t]{0,5})(=|:-|:)(?![=:])([ \t]{0,5})/y;
  /** Quoted, or up to a space or the end of an expression (`{{ … }}`, `${…}` and `$(…)` are read whole). */
  const VALUE =
    /"([^"\n]{0,200})"|'([^'\n]{0,200})'|((?:\$?\{\{[^{}\n]{0,200}\}\}|\$\{[^{}\s"'`]{0,200}\}|\$\([^()\n]{0,200}\)|[^\s"'`,;)}\]]){1,200})/y;
  const NAME_CHAR = /[\p{L}\p{N}_.-]/u;
  const MAX_NAME = 60;

  export function* assigned(
    line: string,
    tokens: Iterable<string>
  ): Generator<ISecretFound> {
    // Where the last value read ends: a name inside it is part of it.
    let reach = 0;
    for (const match of line.matchAll(SECRET_NAME)) {
      if (match.index! < reach) {
        continue;
      }
      const nameEnd = match.index! + match[0].length;
      ASSIGN.lastIndex = nameEnd;
      const assign = ASSIGN.exec(line);
      if (!assign) {
        continue;
      }
      VALUE.lastIndex = ASSIGN.lastIndex;
      const found = VALUE.exec(line);
      if (!found) {
        continue;
      }
      reach = VALUE.lastIndex;
      const quoted = found[3] === undefined;
      const value = found[1] ?? found[2] ?? found[3];
      const spaced = !!(assign[2] || assign[4]);
      let start = match.index!;
      while (
        start > 0 &&
        match.index! - start < MAX_NAME &&
        NAME_CHAR.test(line[start - 1])
      ) {
        start--;
      }
      const name = line.slice(start, nameEnd).replace(/^["']/, '');
      const setting = settingOf(name.slice(0, -match[0].length));
      if (
        !value ||
        // `password = getpass()` is code; a shell assignment has no spaces.
        (!quoted && assign[3] === '=' && spaced) ||
        // `token: see below` is prose; a secret has digits or symbols, or length.
        (!quoted &&
          assign[3] === ':' &&
          setting === 'plain' &&
          !looksSecret(value))
      ) {
        continue;
      }
      // `API_KEY=API_KEY`, `token: TOKEN`: the value only repeats its name.
      const repeated = [name, match[0]].some(
        named => bare(named) === bare(value)
      );
      const kind = repeated ? 'placeholder' : valueKind(value, tokens);
      if (kind === 'placeholder') {
        continue;
      }
      const demo =
        kind === 'word' &&
        setting !== 'account' &&
        (setting === 'service' || saysDemo(value));
      const end = VALUE.lastIndex;
      yield demo
        ? {
            rule: 'demo-credential',
            value: `${name}=${value}`,
            start,
            end,
            what: `the demo credential ${shorten(name)}=${value} (a password of the lab’s own service, shown to students on purpose?)`
          }
        : {
            rule: 'secret',
            value: `${name}=${value}`,
            start,
            end,
            what: `a secret (${shorten(name)}=${mask(value)})`
          };
    }
  }

  /** A name or value in lower case, without separators. */
  function bare(text: string): string {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  }

  function looksSecret(value: string): boolean {
    return /[\d\W_]/u.test(value) || value.length >= 12;
  }

  /**
   * Whose setting a name is, by the words before its secret's word:
   * `account` for clouds and accounts (never a demo), `service` for a
   * service's own setting (`POSTGRES_`, `GF_SECURITY_ADMIN_`), `plain`
   * when nothing or only a kind of secret is named (`password`, `api_`).
   */
  function settingOf(prefix: string): 'account' | 'service' | 'plain' {
    const words = prefix
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(word => word);
    if (
      words.some(word => ACCOUNTS.has(word)) ||
      /application_?credential|app_?cred/.test(words.join('_'))
    ) {
      return 'account';
    }
    return words.some(word => !GENERIC.has(word)) ? 'service' : 'plain';
  }

  /**
   * Accounts whose passwords people choose (OpenStack and its application
   * credentials, logins, registries, mail): a word may be someone's real
   * one. Services that only issue generated keys (AWS, GitHub…) are not
   * here: a word is no key of theirs, so `AWS_SECRET_ACCESS_KEY=password`
   * is the lab's own S3-compatible store's.
   */
  const ACCOUNTS = new Set(
    (
      'os openstack keystone nova chameleon chi trovi azure bitbucket ' +
      'dockerhub npm pypi twine smtp mail email ssh sudo ldap vault cloud'
    ).split(' ')
  );

  /** Words naming a kind of secret, not whose it is. */
  const GENERIC = new Set(
    (
      'api auth access bearer refresh session client private user personal ' +
      'app my the your login account secret key'
    ).split(' ')
  );

  /** Words that say a value is a demo's (`lab_demo`, `example`, `admin`). */
  const DEMO_WORDS = new Set(
    'demo example sample test lab student guest admin default password secret'.split(
      ' '
    )
  );

  function saysDemo(value: string): boolean {
    return (wordsOf(value) ?? []).some(word =>
      DEMO_WORDS.has(word.replace(/\d+$/, ''))
    );
  }
}
