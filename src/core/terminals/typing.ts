/**
 * What is typed into a node's terminal and what is read back from it, as
 * plain text functions.
 */

/** Interrupts what runs in the foreground (`watch`, `kubectl get -w`). */
export const INTERRUPT = '\x03';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/**
 * Characters a block may not hold: C0 controls but tab and line ends,
 * DEL and C1 controls (an ESC can end a bracketed paste or drive the
 * terminal, and removing one sequence can join the rest into another,
 * as `\x1b[20\x1b[201~1~` does), and characters a reader cannot see or
 * that reorder what is shown (zero-width, soft hyphen, bidi controls).
 * A lab's shell block has no use for them: an escape in a command is
 * written as the text `\e` or `\033`.
 */
const UNSAFE =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/**
 * Why a block cannot be sent as it is (a control or invisible character,
 * named by its code point), or null. Such a block is refused, never
 * cleaned: what runs must be what the student reads.
 */
export function unsafeCharacter(block: string): string | null {
  const found = UNSAFE.exec(block);
  if (!found) {
    return null;
  }
  const code = found[0].charCodeAt(0).toString(16).toUpperCase();
  const line = block.slice(0, found.index).split('\n').length;
  return `line ${line} holds the invisible or control character U+${code.padStart(4, '0')}`;
}

/** A block refused by `unsafeCharacter`. */
export class UnsafeBlockError extends Error {}

/**
 * The keystrokes that run a block. Bracketed paste makes bash (readline 8,
 * as on Ubuntu and Debian) take a multi-line block as one edit that runs on
 * the final Enter, instead of line by line with each line's output mixed
 * into the rest of the block's input. A block holding a control character
 * is refused (it could end the paste and type the rest as keys).
 */
export function keystrokes(block: string, bracketed: boolean): string {
  const text = block.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const unsafe = unsafeCharacter(text);
  if (unsafe) {
    throw new UnsafeBlockError(`The block was not sent: ${unsafe}.`);
  }
  return bracketed ? `${PASTE_START}${text}${PASTE_END}\r` : `${text}\r`;
}

/** Output that ends like a shell prompt waiting for input (`$ `, `# `). */
export function endsWithPrompt(output: string): boolean {
  const plain = output.replace(
    /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g,
    ''
  );
  return /[$#%>] ?$/.test(plain);
}

/**
 * Whether ssh refused a host as changed ("REMOTE HOST IDENTIFICATION HAS
 * CHANGED"). Only that: which key to forget comes from the lab's nodes,
 * never from output, which anything running in the terminal can print.
 */
export function hostKeyChanged(output: string): boolean {
  return output.includes('REMOTE HOST IDENTIFICATION HAS CHANGED');
}
