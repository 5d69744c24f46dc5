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
  for (const [pattern, why] of SHELL_MEANINGS) {
    const found = pattern.exec(value);
    if (found) {
      const shown = /\s/.test(found[0])
        ? 'a space or line break'
        : `“${found[0]}”`;
      return `${placeholder.label} cannot contain ${shown}: ${why}.`;
    }
  }
  const inner = all.find(other => value.includes(other.token));
  if (inner) {
    return `${placeholder.label} cannot contain the placeholder “${inner.token}”.`;
  }
  let matches = false;
  try {
    matches = new RegExp(`^(?:${placeholder.pattern})$`).test(value);
  } catch {
    return `${placeholder.label} has an invalid pattern in the lab's definition.`;
  }
  return matches
    ? null
    : `“${value}” is not a valid ${placeholder.label.toLowerCase()} (for example ${placeholder.example}).`;
}
