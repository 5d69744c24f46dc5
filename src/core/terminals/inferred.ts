/**
 * The nodes of a lab that declares none, read from its own words: the
 * nodes are what its where-it-runs lines name, and their addresses come
 * from its `ssh` lines. Only the notebook's source text is read, never an
 * output: a published lab's outputs are someone else's run.
 *
 * A word of a where-it-runs line is a node when it is a node of the
 * settings' layout (`node1`), a node-like word (`node-data`, `server`,
 * `gpu-node`, `worker2`, `vm`) or the host an ssh line logs into; places
 * that are not nodes (the Jupyter side, the student's computer) and other
 * words (`host`, `alpine container`) are not. A lab naming no node, or
 * only nodes of the layout, keeps the layout as it is.
 *
 * An address comes from the ssh line nearest after the node's name in the
 * same cell (`log in to node-data:` then `ssh cc@A.B.C.D`), or, for the one
 * node of its own in a lab that logs into one host, from that host: the
 * floating-IP placeholder of a single-server lab. What the topology cannot
 * express, two addresses for one node or a host that is no placeholder of
 * the lab is a problem, named, and that node gets no address from the text.
 */
import { escapeRegExp } from '../helpers';
import { fencedBlocks } from './blocks';
import { ENGLISH, Trans, whereText } from './markers';
import { firstLine } from '../notebook/steps';
import { isNodeWord, Place, placesIn, whereWords } from './places';
import { readSshArguments } from './sshargs';
import { checkLab, INode } from './sshconfig';

/** A cell's type and source, as the notebook has it. */
export interface ILabCell {
  type: string;
  source: string;
}

/** Where a node's address came from. */
export type AddressSource =
  /** An ssh line of the lab, in cell `cell` (1-based); `token` its placeholder. */
  | { kind: 'ssh'; cell: number; token?: string }
  /** The layout of the settings (the Chameleon preset...). */
  | { kind: 'layout' }
  /** The student typed it in the node's card. */
  | { kind: 'entered' }
  /** Not found: the card asks for it. */
  | { kind: 'none' };

/** A node the lab names, with its address when one was found (`host` `''` otherwise). */
export interface IInferredNode extends INode {
  source: AddressSource;
}

/** The nodes a lab's text proposes (null: keep the layout) and what is wrong. */
export interface IInferredNodes {
  nodes: IInferredNode[] | null;
  problems: string[];
}

export interface IInferOptions {
  /** The marker patterns (settings and the notebook's own wordings). */
  markers: RegExp[];
  /** The settings' layout, hosts as written (`{floatingIp}`). */
  layout: INode[];
  /** The placeholders a host may be: token and field. */
  placeholders: { token: string; field: string }[];
  trans?: Trans;
}

/** At most this many nodes are read from a lab's text. */
export const MAX_INFERRED_NODES = 20;
/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 20;
/** Longer lines are neither markers nor ssh lines. */
const MAX_LINE = 1000;

/**
 * The nodes a lab's cells propose, or `nodes: null` when the settings'
 * layout stays (no node of its own is named). Linear in the text.
 */
export function inferNodes(
  cells: ILabCell[],
  options: IInferOptions
): IInferredNodes {
  const trans = options.trans ?? Private.english;
  const problems: string[] = [];
  const lines: Private.ISshLine[] = [];
  const wheres: { cell: number; text: string }[] = [];
  // Labs repeat their where-it-runs lines: each distinct one is read once.
  const memo = new Map<string, string | null>();
  cells.forEach((cell, index) => {
    const number = index + 1;
    if (cell.type === 'code') {
      Private.addWhere(wheres, number, cell.source, options.markers, memo);
    } else if (cell.type === 'markdown') {
      for (const first of Private.blockFirstLines(cell.source)) {
        Private.addWhere(wheres, number, first, options.markers, memo);
      }
    } else {
      return;
    }
    Private.readSshLines(cell.source, number, lines);
  });
  const layout = new Map(options.layout.map(n => [n.name.toLowerCase(), n]));
  const targets = new Set(lines.map(line => line.host.toLowerCase()));
  const named = new Map<string, string>();
  const read = new Map<string, Private.IWhereRead>();
  for (const where of wheres) {
    let words = read.get(where.text);
    if (!words) {
      words = Private.whereRead(where.text, layout, targets);
      read.set(where.text, words);
    }
    Private.readWhere(where, words, layout, named, problems, trans);
  }
  const own = [...named.values()].filter(
    n => n && !layout.has(n.toLowerCase())
  );
  if (!own.length) {
    return { nodes: null, problems: Private.bounded(problems, trans) };
  }
  let names = [...named.values()].filter(name => name);
  if (names.length > MAX_INFERRED_NODES) {
    problems.push(
      trans.__(
        'The lab names %1 nodes; only the first %2 are used.',
        names.length,
        MAX_INFERRED_NODES
      )
    );
    names = names.slice(0, MAX_INFERRED_NODES);
  }
  Private.mentions(lines, names);
  const nodes: IInferredNode[] = [];
  const byName = new Map<string, IInferredNode>();
  const add = (node: IInferredNode) => {
    if (!byName.has(node.name.toLowerCase())) {
      byName.set(node.name.toLowerCase(), node);
      nodes.push(node);
    }
  };
  // Layout nodes first, with the hops they jump through.
  for (const name of names) {
    let entry = layout.get(name.toLowerCase());
    const chain: INode[] = [];
    while (entry && !chain.includes(entry)) {
      chain.unshift(entry);
      entry = entry.jump ? layout.get(entry.jump.toLowerCase()) : undefined;
    }
    chain.forEach(node =>
      add({
        name: node.name,
        host: node.host,
        user: node.user,
        jump: node.jump,
        source: { kind: 'layout' }
      })
    );
  }
  const ownNames = names.filter(name => !layout.has(name.toLowerCase()));
  for (const name of ownNames) {
    add(
      Private.addressOf(
        name,
        ownNames.length === 1,
        lines,
        byName,
        {
          ...options,
          trans
        },
        problems
      )
    );
  }
  return { nodes, problems: Private.bounded(problems, trans) };
}

/** The inferred nodes with the addresses the student entered for those without one. */
export function withEntered(
  nodes: IInferredNode[],
  entered: { [name: string]: string }
): IInferredNode[] {
  return nodes.map(node =>
    !node.host && entered[node.name]
      ? { ...node, host: entered[node.name], source: { kind: 'entered' } }
      : node
  );
}

/**
 * Why an address typed for a node cannot be used, or null: the checks of
 * the ssh config it becomes a line of.
 */
export function checkAddress(
  name: string,
  host: string,
  trans: Trans = Private.english
): string | null {
  if (!host.trim()) {
    return trans.__('Enter the address of %1.', name);
  }
  const problems = checkLab({
    nodes: [{ name, host: host.trim(), user: 'cc' }],
    knownHostsFile: '/known_hosts',
    controlDir: '/tmp'
  });
  return problems.length ? problems[0] : null;
}

/** Where a node's address came from, as its card says it. */
export function sourceText(
  source: AddressSource,
  layoutLabel: string,
  trans: Trans = Private.english
): string {
  switch (source.kind) {
    case 'ssh':
      return source.token
        ? trans.__(
            'from the ssh line in cell %1 (%2)',
            source.cell,
            source.token
          )
        : trans.__('from the ssh line in cell %1', source.cell);
    case 'layout':
      return trans.__('from %1', layoutLabel);
    case 'entered':
      return trans.__('entered by you');
    default:
      return trans.__('not found in the lab: enter it');
  }
}

namespace Private {
  /** An ssh line of the lab's text, read. */
  export interface ISshLine {
    cell: number;
    user: string;
    /** As written: an address, a name or a placeholder token. */
    host: string;
    /** `user@host` of a `-J` jump, as written. */
    jump?: string;
    /** What the topology cannot express in it, or null. */
    problem: string | null;
    /** The node named last before it in its cell, if any. */
    mentioned?: string;
    /** The cell's text before the line, where a node may be named. */
    before: string;
  }

  /** Words that mean every node, or join names: they name none. */
  const ALL = /^(?:all|every|each|the|nodes|and|or|of|on|in|a|an)$/i;

  /** Options with a value that says nothing of where the node is. */
  const HARMLESS = new Set('iLDc');
  /** `-o` keywords about this machine's checks, not the node's address. */
  const HARMLESS_O =
    /^(?:stricthostkeychecking|userknownhostsfile|serveraliveinterval|serveralivecountmax|connecttimeout|identitiesonly|identityfile|forwardagent|loglevel)$/i;
  /** A placeholder-looking host that no placeholder of the lab matches. */
  const PLACEHOLDERISH =
    /^<.*>$|^\{.*\}$|^\[.*\]$|X\.X|\bX{1,3}\b|^your[-_]|[-_]here$|^(?:ip|host|hostname|address|floating[-_]?ip)$/i;

  export function addWhere(
    wheres: { cell: number; text: string }[],
    cell: number,
    text: string,
    markers: RegExp[],
    memo: Map<string, string | null>
  ): void {
    const first = firstLine(text);
    let where = memo.get(first);
    if (where === undefined) {
      where = whereText(first, markers);
      memo.set(first, where);
    }
    if (where !== null) {
      wheres.push({ cell, text: where });
    }
  }

  /** A fence line: up to three spaces, then three or more backticks or tildes. */
  const FENCE = /^ {0,3}(`{3,}|~{3,})/;

  /**
   * The first non-blank line of each fenced block of a markdown source:
   * all a where-it-runs line needs, without parsing the whole markdown
   * (this runs over every cell of a lab at each change).
   */
  export function blockFirstLines(source: string): string[] {
    // An HTML comment hides the blocks in it: for such a cell the parser the
    // Run buttons use decides, so text the page does not show names no node.
    if (source.includes('<!--')) {
      return fencedBlocks(source).map(block => firstLine(block));
    }
    const firsts: string[] = [];
    let fence = '';
    let at = nextFence(source, 0);
    // Only the lines holding a fence, and the line after an opening one, are read.
    while (at >= 0) {
      const end = lineEnd(source, at);
      const line = source.slice(source.lastIndexOf('\n', at) + 1, end);
      const match = FENCE.exec(line);
      if (match && !fence) {
        fence = match[1];
        let next = end + 1;
        while (next < source.length) {
          const text = source.slice(next, lineEnd(source, next));
          if (text.trim()) {
            if (!FENCE.test(text)) {
              firsts.push(text);
            }
            break;
          }
          next += text.length + 1;
        }
      } else if (
        match &&
        match[1][0] === fence[0] &&
        match[1].length >= fence.length &&
        !line.slice(match[0].length).trim()
      ) {
        fence = '';
      }
      at = nextFence(source, end + 1);
    }
    return firsts;
  }

  function nextFence(source: string, from: number): number {
    const ticks = source.indexOf('```', from);
    const tildes = source.indexOf('~~~', from);
    return ticks < 0 ? tildes : tildes < 0 ? ticks : Math.min(ticks, tildes);
  }

  function lineEnd(source: string, from: number): number {
    const end = source.indexOf('\n', from);
    return end < 0 ? source.length : end;
  }

  /** What a where-it-runs text names: places, and words that are nodes. */
  export interface IWhereRead {
    places: Place[];
    nodes: string[];
  }

  export function whereRead(
    text: string,
    layout: Map<string, INode>,
    targets: Set<string>
  ): IWhereRead {
    return {
      places: placesIn(text),
      nodes: whereWords(text).filter(
        word =>
          !ALL.test(word) &&
          (layout.has(word.toLowerCase()) ||
            isNodeWord(word) ||
            targets.has(word.toLowerCase()))
      )
    };
  }

  /** Add the nodes a where-it-runs text names; a place and a node at once is a problem. */
  export function readWhere(
    where: { cell: number; text: string },
    { places, nodes }: IWhereRead,
    layout: Map<string, INode>,
    named: Map<string, string>,
    problems: string[],
    trans: Trans
  ): void {
    if (places.length === 2) {
      problems.push(
        trans.__(
          'Cell %1 says its block runs in “%2”: both the Jupyter side and your computer. It gets no Run button; say one place.',
          where.cell,
          shorten(where.text)
        )
      );
      return;
    }
    if (places.length === 1) {
      if (nodes.length) {
        problems.push(
          trans.__(
            'Cell %1 says its block runs in “%2”: a node (%3) and %4 at once. It gets no Run button; say one place.',
            where.cell,
            shorten(where.text),
            shorten(nodes[0]),
            places[0] === 'jupyter'
              ? trans.__('the Jupyter side')
              : trans.__('your computer')
          )
        );
      }
      return;
    }
    for (const word of nodes) {
      const key = word.toLowerCase();
      if (named.has(key)) {
        continue;
      }
      const problem = checkLab({
        nodes: [{ name: word, host: '127.0.0.1', user: 'cc' }],
        knownHostsFile: '/known_hosts',
        controlDir: '/tmp'
      });
      if (problem.length) {
        problems.push(
          trans.__(
            'Cell %1 names “%2”, which cannot be a node’s name: %3',
            where.cell,
            shorten(word),
            problem[0]
          )
        );
        // Named once, reported once.
        named.set(key, '');
        continue;
      }
      named.set(key, layout.get(key)?.name ?? word);
    }
  }

  /** The ssh lines of a cell's source, read (prose `ssh into node2` is not one). */
  export function readSshLines(
    source: string,
    cell: number,
    lines: ISshLine[]
  ): void {
    let from = 0;
    let at = source.indexOf('ssh ');
    while (at >= 0) {
      // Only the lines holding `ssh ` are looked at.
      const start = source.lastIndexOf('\n', at) + 1;
      let end = source.indexOf('\n', at);
      if (end === -1) {
        end = source.length;
      }
      const line = source.slice(start, end);
      const command = line.length <= MAX_LINE ? commandStart(line) : -1;
      if (command >= 0) {
        const read = readSsh(line.slice(command), cell);
        if (read) {
          read.before = source.slice(from, start);
          lines.push(read);
          from = end;
        }
      }
      at = source.indexOf('ssh ', end);
    }
  }

  /** Where `ssh ` starts a command in a line (`$ ssh`, `` `ssh ``, `!ssh`), or -1. */
  function commandStart(line: string): number {
    const match = /(?:^\s*(?:[$>!]\s*|sudo\s+)?|`)ssh\s/.exec(line);
    return match ? match.index + match[0].indexOf('ssh') : -1;
  }

  /** An ssh command line, or null when it logs into no `user@host`. */
  function readSsh(text: string, cell: number): ISshLine | null {
    const words = text.replace(/`.*$/s, '').trim().split(/\s+/).slice(1);
    const { options, unknown, destination } = readSshArguments(words);
    const unsupported = unknown.map(letter => `-${letter}`);
    let user: string | undefined;
    let jump: string | undefined;
    for (const { letter, value } of options) {
      if (letter === 'J') {
        jump = value;
      } else if (letter === 'l') {
        user = value;
      } else if (letter === 'p') {
        if (value !== '22') {
          unsupported.push(`-p ${shorten(value, 20)}`);
        }
      } else if (letter === 'o') {
        const key = value.split(/[=\s]/)[0];
        if (!HARMLESS_O.test(key)) {
          unsupported.push(`-o ${shorten(key, 40)}`);
        }
      } else if (!HARMLESS.has(letter)) {
        unsupported.push(`-${letter}`);
      }
    }
    if (!destination) {
      return null;
    }
    const at = destination.lastIndexOf('@');
    if (at < 0 && user === undefined) {
      // `ssh into node2`: prose, or a host alias the lab's config defines.
      return null;
    }
    const host = destination.slice(at + 1);
    if (!host) {
      return null;
    }
    if (jump !== undefined && jump.includes(',')) {
      unsupported.push('-J a,b');
    }
    return {
      cell,
      user: at > 0 ? destination.slice(0, at) : (user ?? 'cc'),
      host,
      jump,
      problem: unsupported.length ? unsupported.join(', ') : null,
      before: ''
    };
  }

  /** Set each line's node: the one named last before it in its cell. */
  export function mentions(lines: ISshLine[], names: string[]): void {
    if (!lines.length) {
      return;
    }
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}_-])(?:${names.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_-])`,
      'giu'
    );
    const byKey = new Map(names.map(name => [name.toLowerCase(), name]));
    for (const line of lines) {
      let last: string | undefined;
      for (const match of line.before.matchAll(pattern)) {
        last = match[0];
      }
      line.mentioned = last ? byKey.get(last.toLowerCase()) : undefined;
      line.before = '';
    }
  }

  /** A node of the lab's own, with the address its ssh lines give, or none. */
  export function addressOf(
    name: string,
    only: boolean,
    lines: ISshLine[],
    known: Map<string, IInferredNode>,
    options: IInferOptions & { trans: Trans },
    problems: string[]
  ): IInferredNode {
    const { trans } = options;
    const none: IInferredNode = {
      name,
      host: '',
      user: 'cc',
      source: { kind: 'none' }
    };
    const key = name.toLowerCase();
    let candidates = lines.filter(line => line.mentioned === name);
    if (!candidates.length && only) {
      // The one node of its own: the host the lab logs into, when one.
      candidates = lines.filter(
        line =>
          line.mentioned === undefined &&
          line.jump === undefined &&
          !known.has(line.host.toLowerCase())
      );
    }
    candidates = candidates.filter(line => line.host.toLowerCase() !== key);
    const usable: { line: ISshLine; node: IInferredNode }[] = [];
    for (const line of candidates) {
      if (line.problem) {
        problems.push(
          trans.__(
            '%1: the ssh line in cell %2 uses %3, which the lab’s terminals cannot express; it is not used.',
            name,
            line.cell,
            line.problem
          )
        );
        continue;
      }
      const node = nodeOf(name, line, known, options, problems);
      if (node) {
        usable.push({ line, node });
      }
    }
    const addresses = new Map<
      string,
      { line: ISshLine; node: IInferredNode }
    >();
    for (const found of usable) {
      const where = `${found.line.user}@${found.line.host}${found.node.jump ? ` via ${found.node.jump}` : ''}`;
      if (!addresses.has(where)) {
        addresses.set(where, found);
      }
    }
    if (addresses.size > 1) {
      const [a, b] = [...addresses.entries()];
      problems.push(
        trans.__(
          '%1: the lab gives two addresses, %2 (cell %3) and %4 (cell %5); enter the right one in its card.',
          name,
          shorten(a[0], 60),
          a[1].line.cell,
          shorten(b[0], 60),
          b[1].line.cell
        )
      );
      return none;
    }
    return addresses.size ? [...addresses.values()][0].node : none;
  }

  /** The node an ssh line logs into, or null with a problem. */
  function nodeOf(
    name: string,
    line: ISshLine,
    known: Map<string, IInferredNode>,
    options: IInferOptions & { trans: Trans },
    problems: string[]
  ): IInferredNode | null {
    const { trans } = options;
    const host = hostOf(line.host, options);
    if (host === null) {
      problems.push(
        trans.__(
          '%1: the ssh line in cell %2 logs into “%3”, which is no placeholder of this lab; enter the address in its card.',
          name,
          line.cell,
          shorten(line.host)
        )
      );
      return null;
    }
    let jump: string | undefined;
    if (line.jump !== undefined) {
      const at = line.jump.lastIndexOf('@');
      const jumpHost = hostOf(line.jump.slice(at + 1), options);
      const via = [...known.values()].find(
        node =>
          node.name.toLowerCase() === line.jump!.toLowerCase() ||
          (jumpHost !== null && node.host === jumpHost.host)
      );
      if (!via) {
        problems.push(
          trans.__(
            '%1: the ssh line in cell %2 jumps through %3, which is none of the lab’s nodes; it is not used.',
            name,
            line.cell,
            shorten(line.jump)
          )
        );
        return null;
      }
      jump = via.name;
    }
    return {
      name,
      host: host.host,
      user: line.user,
      jump,
      source: { kind: 'ssh', cell: line.cell, token: host.token }
    };
  }

  /** A host as the topology writes it: a placeholder `{field}`, a literal, or null. */
  function hostOf(
    host: string,
    options: IInferOptions
  ): { host: string; token?: string } | null {
    const placeholder = options.placeholders.find(p => p.token === host);
    if (placeholder) {
      return { host: `{${placeholder.field}}`, token: host };
    }
    return PLACEHOLDERISH.test(host) ? null : { host };
  }

  export function bounded(problems: string[], trans: Trans): string[] {
    return problems.length > MAX_PROBLEMS
      ? [
          ...problems.slice(0, MAX_PROBLEMS),
          trans.__('… and %1 more.', problems.length - MAX_PROBLEMS)
        ]
      : problems;
  }

  export function shorten(text: string, max = 40): string {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  export const english = ENGLISH;
}
