/**
 * What is typed into a node's terminal and what is read back from it, as
 * plain text functions.
 */

/** Interrupts what runs in the foreground (`watch`, `kubectl get -w`). */
export const INTERRUPT = '\x03';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/**
 * The keystrokes that run a block. Bracketed paste makes bash (readline 8,
 * as on Ubuntu and Debian) take a multi-line block as one edit that runs on
 * the final Enter, instead of line by line with each line's output mixed
 * into the rest of the block's input.
 */
export function keystrokes(block: string, bracketed: boolean): string {
  const text = block.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (!bracketed) {
    return `${text}\r`;
  }
  // The end marker inside the block would end the paste early.
  const safe = text.split(PASTE_END).join('');
  return `${PASTE_START}${safe}${PASTE_END}\r`;
}

/** Output that ends like a shell prompt waiting for input (`$ `, `# `). */
export function endsWithPrompt(output: string): boolean {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(
    /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g,
    ''
  );
  return /[$#%>] ?$/.test(plain);
}

/**
 * The host whose key ssh refused as changed ("REMOTE HOST IDENTIFICATION
 * HAS CHANGED"), as ssh names it (`10.0.0.5` or `[10.0.0.5]:2222`).
 */
export function changedHostKey(output: string): string | null {
  if (!/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(output)) {
    return null;
  }
  const named = /Host key for (\S+) has changed/.exec(output);
  return named ? named[1] : '';
}

/** `[host]:port` as ssh writes it, split; a bare host has port 22. */
export function splitHostPort(named: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(named);
  return bracketed
    ? { host: bracketed[1], port: Number(bracketed[2]) }
    : { host: named, port: 22 };
}
