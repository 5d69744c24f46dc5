import { compilePattern, ISafePattern } from './pattern';

/**
 * What a placeholder is, the built-in Chameleon set, and the validation of
 * a student's values. A value ends up inside shell commands, so anything
 * that could change what a command means is refused, with the reason.
 */

/** A token as written in a lab's cells, and how to fill it. */
export interface IPlaceholder {
  /** The text to replace, exactly as the lab writes it (`netID`, `A.B.C.D`). */
  token: string;
  /** The setting that holds the student's value. */
  field: string;
  label: string;
  description: string;
  /** A regular expression a value must match in full. */
  pattern: string;
  example: string;
}

const IPV4 =
  '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}';

/** The tokens of the Chameleon cloud lab. */
export const CHAMELEON_PLACEHOLDERS: IPlaceholder[] = [
  {
    token: 'netID',
    field: 'netID',
    label: 'Net ID',
    description:
      'Your university net ID; it names your networks, ports and servers.',
    pattern: '[A-Za-z][A-Za-z0-9_-]{0,31}',
    example: 'ff524'
  },
  {
    token: 'CHI-XXXXXX',
    field: 'project',
    label: 'Chameleon project',
    description:
      'The project your resources are charged to, as shown in Horizon.',
    pattern: 'CHI-\\d{1,12}',
    example: 'CHI-231095'
  },
  {
    token: 'A.B.C.D',
    field: 'floatingIp',
    label: 'Floating IP of node1',
    description: 'The public address you associated with node1.',
    pattern: IPV4,
    example: '129.114.25.134'
  },
  {
    token: '10.56.X.Y',
    field: 'sharednetIp',
    label: 'Sharednet address of node1',
    description: "node1's address on the sharednet1 network.",
    pattern: IPV4,
    example: '10.56.2.117'
  }
];

/**
 * Characters a shell would read as more than text, and why each is refused.
 */
const SHELL_MEANINGS: [RegExp, string][] = [
  [/\s/, 'a space or line break would split the command'],
  [/[;&|]/, 'it would end the command or start another'],
  [/[$`]/, 'the shell would substitute something in its place'],
  [/['"\\]/, 'it would change the quoting of the command'],
  [/#/, 'it would start a comment'],
  [/[*?[\]{}~]/, 'the shell would expand it into file names'],
  [/[<>()!]/, 'the shell would read it as a redirection, subshell or history']
];

/** Patterns compiled so far (a notebook declares at most fifty). */
const compiled = new Map<string, ISafePattern | string>();

/**
 * A placeholder pattern compiled to the linear-time matcher, or why it is
 * outside the subset it supports (./pattern.ts).
 */
export function safePattern(pattern: string): ISafePattern | string {
  let result = compiled.get(pattern);
  if (result === undefined) {
    result = compilePattern(pattern);
    if (compiled.size >= 500) {
      compiled.clear();
    }
    compiled.set(pattern, result);
  }
  return result;
}

/** The longest value a placeholder takes. */
export const MAX_VALUE_LENGTH = 200;

/**
 * The first character of a value a shell would read as more than text, and
 * why, or null when there is none.
 */
export function shellMeaning(
  value: string
): { found: string; why: string } | null {
  for (const [pattern, why] of SHELL_MEANINGS) {
    const found = pattern.exec(value);
    if (found) {
      return { found: found[0], why };
    }
  }
  return null;
}

/**
 * Why a value cannot be used for a placeholder, or null when it can.
 * An empty value is allowed: it leaves the token as it is.
 */
export function checkValue(
  placeholder: IPlaceholder,
  value: string,
  all: IPlaceholder[]
): string | null {
  if (value === '') {
    return null;
  }
  if (value.length > MAX_VALUE_LENGTH) {
    return `${placeholder.label} is longer than ${MAX_VALUE_LENGTH} characters.`;
  }
  const meaning = shellMeaning(value);
  if (meaning) {
    const shown = /\s/.test(meaning.found)
      ? 'a space or line break'
      : `“${meaning.found}”`;
    return `${placeholder.label} cannot contain ${shown}: ${meaning.why}.`;
  }
  const inner = all.find(other => value.includes(other.token));
  if (inner) {
    return `${placeholder.label} cannot contain the placeholder “${inner.token}”.`;
  }
  // A pattern outside the subset was dropped when the definition was read.
  const pattern = safePattern(placeholder.pattern);
  const matches = typeof pattern === 'string' || pattern.test(value);
  return matches
    ? null
    : `“${value}” is not a valid ${placeholder.label.toLowerCase()} (for example ${placeholder.example}).`;
}
