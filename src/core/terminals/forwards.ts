/**
 * SSH local forwards in a block meant for the student's computer
 * (`ssh -L 8443:127.0.0.1:8443 -i ~/.ssh/id_rsa_chameleon cc@A.B.C.D`), and
 * where the lab says to browse afterwards (`https://127.0.0.1:8443/...`).
 * Open in browser asks the server for the same forward over the lab's own
 * connection; the local port the lab names is not used (the server picks
 * one), so a privileged or busy local port is no problem.
 */

import { readSshArguments } from './sshargs';

/** One `-L [bind:]lport:host:rport` of an ssh line, and the line's target. */
export interface IForward {
  localPort: number;
  /** The host as the target node sees it. */
  host: string;
  remotePort: number;
  /** The ssh destination's host, as written (an address or a placeholder). */
  target: string;
}

/** Where to browse: the scheme and the path after the port. */
export interface IBrowse {
  scheme: 'http' | 'https';
  path: string;
}

/** A plain host: letters, digits, dots, dashes; or an IPv6 address in []. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])$/;
const PORT = /^[0-9]{1,5}$/;
/** Lines read at most, and the length of one: blocks are short. */
const MAX_LINES = 200;
const MAX_LINE = 2000;

function port(text: string): number | null {
  if (!PORT.test(text)) {
    return null;
  }
  const value = Number(text);
  return value >= 1 && value <= 65535 ? value : null;
}

/** `[bind:]lport:host:rport` (bind and host may be `[v6]`), or null. */
export function parseLocalForward(
  spec: string
): Omit<IForward, 'target'> | null {
  const parts = spec.match(/\[[^\]]*\]|[^:]+/g) ?? [];
  if (parts.join(':').length !== spec.length) {
    return null;
  }
  const [lport, host, rport] = parts.length === 4 ? parts.slice(1) : parts;
  if (parts.length < 3 || parts.length > 4) {
    return null;
  }
  const localPort = port(lport);
  const remotePort = port(rport);
  if (localPort === null || remotePort === null || !HOST.test(host)) {
    return null;
  }
  return { localPort, host: host.replace(/^\[|\]$/g, ''), remotePort };
}

/** The forwards of the block's `ssh ... -L ...` lines. */
export function localForwards(text: string): IForward[] {
  const found: IForward[] = [];
  for (const line of text.split('\n').slice(0, MAX_LINES)) {
    if (line.length > MAX_LINE) {
      continue;
    }
    const words = line.trim().split(/\s+/);
    const start = words.indexOf('ssh');
    if (start < 0) {
      continue;
    }
    const { options, destination } = readSshArguments(words.slice(start + 1));
    if (!destination) {
      continue;
    }
    const specs = options.filter(o => o.letter === 'L').map(o => o.value);
    const host = destination.slice(destination.lastIndexOf('@') + 1);
    for (const spec of specs) {
      const forward = parseLocalForward(spec);
      if (forward) {
        found.push({ ...forward, target: host });
      }
    }
  }
  return found;
}

/**
 * Where the lab says to browse the forward's local port, in any block or
 * sentence of the text: `http(s)://127.0.0.1:<port>/path` or localhost.
 * Without such a sentence, https when the remote port is 443 or 8443.
 */
export function browseTarget(
  text: string,
  forward: Pick<IForward, 'localPort' | 'remotePort'>
): IBrowse {
  const pattern = new RegExp(
    `\\b(https?)://(?:127\\.0\\.0\\.1|localhost):${forward.localPort}(/[^\\s"'<>)\\]\`]*)?`,
    'i'
  );
  const found = pattern.exec(text.slice(0, 100_000));
  if (found && Private.staysUnder(found[2] ?? '/')) {
    const path = (found[2] ?? '/').replace(/[.,;:]+$/, '');
    return {
      scheme: found[1].toLowerCase() as 'http' | 'https',
      path: path.slice(0, 500)
    };
  }
  const secure = forward.remotePort === 443 || forward.remotePort === 8443;
  return { scheme: secure ? 'https' : 'http', path: '/' };
}

/**
 * The lab node an ssh target names: the node whose address (or unfilled
 * placeholder) it is. `hosts` maps each node to what its address may be
 * written as; null when no node or more than one matches.
 */
export function forwardNode(
  target: string,
  hosts: { [node: string]: string[] }
): string | null {
  const matches = Object.keys(hosts).filter(node =>
    hosts[node].some(host => host && host === target)
  );
  return matches.length === 1 ? matches[0] : null;
}

namespace Private {
  /**
   * Whether a path stays under the forward's route once the browser reads
   * it: no `.` or `..` segment, however written (`%2e%2e`, `..\\`), which
   * would lead the tab to another page of the Jupyter server.
   */
  export function staysUnder(path: string): boolean {
    let plain = path;
    try {
      plain = decodeURIComponent(path);
    } catch {
      return false;
    }
    return !plain.split(/[/\\]/).some(part => part === '.' || part === '..');
  }
}
