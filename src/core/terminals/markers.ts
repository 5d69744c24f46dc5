/**
 * Where a shell block says it runs: its first non-blank line is a marker
 * such as `# run on node1 host` or `# run on node1, node2, and node3`, and
 * the lab's node names found in it are the terminals it is meant for.
 *
 * Pure text, no DOM. Marker patterns may come from settings, so they are
 * compiled here with their problems reported instead of thrown.
 */
import { readNotebookRecord } from '../metadata/format';
import { firstLine } from '../notebook/steps';
import type { ITrans } from '../i18n';
import { errorText, escapeRegExp } from '../helpers';
import { placesIn, plainWords } from './places';

/**
 * The markers of the labs, as regular expression sources (flag `i` is
 * added when compiled). Each has one capture group: the text naming where
 * the block runs.
 */
export const DEFAULT_MARKERS: string[] = [
  '^#\\s*runs?\\s+(?:on|in|inside)\\s+(.+?)\\s*$'
];

/** The longest marker source compiled. */
export const MAX_MARKER_LENGTH = 500;

/** Longer first lines are not markers (and never meet a slow pattern). */
const MAX_LINE_LENGTH = 1000;

/**
 * The part of a translation bundle used here, so callers and tests may
 * pass a JupyterLab `TranslationBundle` or nothing.
 */
export type Trans = Pick<ITrans, '__'>;

/** `%1`-style substitution, for callers without a translator. */
export const ENGLISH: Trans = {
  __: (msgid: string, ...args: any[]) =>
    msgid.replace(/%(\d+)/g, (whole, n) =>
      Number(n) <= args.length ? String(args[Number(n) - 1]) : whole
    )
};

/** Marker patterns compiled, and why some sources were left out. */
export interface ICompiledMarkers {
  patterns: RegExp[];
  problems: string[];
}

/**
 * Compile marker sources with flag `i`. A source that is not a valid
 * regular expression, has no capture group or is longer than 500
 * characters is left out, with a problem naming it.
 */
export function compileMarkers(
  sources: string[],
  trans: Trans = Private.english
): ICompiledMarkers {
  const patterns: RegExp[] = [];
  const problems: string[] = [];
  for (const source of sources) {
    const shown = Private.shorten(source);
    if (source.length > MAX_MARKER_LENGTH) {
      problems.push(
        trans.__(
          'The marker “%1” is longer than %2 characters.',
          shown,
          MAX_MARKER_LENGTH
        )
      );
      continue;
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(source, 'i');
    } catch (reason) {
      problems.push(
        trans.__(
          'The marker “%1” is not a valid regular expression: %2',
          shown,
          errorText(reason)
        )
      );
      continue;
    }
    if (Private.groupCount(source) < 1) {
      problems.push(
        trans.__(
          'The marker “%1” has no capture group ( … ) for the node names.',
          shown
        )
      );
      continue;
    }
    patterns.push(pattern);
  }
  return { patterns, problems };
}

/** At most this many wordings are read from one notebook. */
export const MAX_DECLARED_MARKERS = 10;

/** The longest wording read from a notebook. */
const MAX_WORDING_LENGTH = 100;

/**
 * The marker wordings an author declared under `jupyterlab-testbed.markers`
 * (`# exec on`), compiled. A notebook is handed in by students, so a
 * wording is matched as text, never as a regular expression: any run of
 * spaces matches any run of spaces, and the rest of the line names nodes.
 */
export function declaredMarkers(
  notebookMetadata: unknown,
  trans: Trans = Private.english
): ICompiledMarkers & { wordings: string[] } {
  const read = readNotebookRecord(notebookMetadata);
  const none = { patterns: [], problems: [], wordings: [] };
  if (read.status !== 'ok' || read.record.markers === undefined) {
    return none;
  }
  const declared = read.record.markers;
  if (!Array.isArray(declared)) {
    return {
      ...none,
      problems: [trans.__('The notebook’s marker wordings are not a list.')]
    };
  }
  const result: ICompiledMarkers & { wordings: string[] } = {
    patterns: [],
    problems: [],
    wordings: []
  };
  declared.slice(0, MAX_DECLARED_MARKERS).forEach((wording, index) => {
    const problem = checkWording(wording, trans);
    if (problem) {
      result.problems.push(
        trans.__('Marker wording %1 of the notebook %2', index + 1, problem)
      );
      return;
    }
    result.wordings.push(wording as string);
    result.patterns.push(wordingPattern(wording as string));
  });
  if (declared.length > MAX_DECLARED_MARKERS) {
    result.problems.push(
      trans.__(
        'Only the first %1 marker wordings are used.',
        MAX_DECLARED_MARKERS
      )
    );
  }
  return result;
}

/**
 * Why a wording cannot be used (to follow "Marker wording N of the
 * notebook"), or null.
 */
export function checkWording(
  wording: unknown,
  trans: Trans = Private.english
): string | null {
  if (typeof wording !== 'string' || !wording.trim()) {
    return trans.__('is not a text');
  }
  if (wording.length > MAX_WORDING_LENGTH || /[\r\n]/.test(wording)) {
    return trans.__(
      'is longer than %1 characters or spans lines',
      MAX_WORDING_LENGTH
    );
  }
  return null;
}

/** The pattern of a wording: the text, then the node names. */
export function wordingPattern(wording: string): RegExp {
  const text = wording
    .trim()
    .split(/\s+/)
    .map(word => escapeRegExp(word))
    .join('\\s+');
  return new RegExp(`^${text}\\s+(.+?)\\s*$`, 'i');
}

/**
 * The nodes a block is for, read from its first non-blank line: the first
 * pattern that matches gives the target text, whose words are matched to
 * the lab's node names without regard to case. Names are returned as the
 * lab spells them, once each, in the lab's order; `all`, `all nodes`,
 * `every node` and `each node` mean every node. Other words (`host`,
 * `container`) are ignored, and no known node gives `[]`. A text naming a
 * place that is no node (the Jupyter side, the student's computer) gives
 * `[]` even when it names a node too: such a block is for no node.
 */
export function targetNodes(
  text: string,
  patterns: RegExp[],
  nodeNames: string[]
): string[] {
  if (!nodeNames.length) {
    return [];
  }
  const target = whereText(text, patterns);
  if (target === null || placesIn(target).length) {
    return [];
  }
  const byName = new Map<string, string>();
  nodeNames.forEach(name => {
    const key = name.toLowerCase();
    if (!byName.has(key)) {
      byName.set(key, name);
    }
  });
  const phrase = target.replace(/\s+/g, ' ').trim().toLowerCase();
  if (Private.ALL.test(phrase) && !byName.has(phrase)) {
    return [...byName.values()];
  }
  const wanted = new Set<string>();
  for (const word of target.split(Private.SEPARATORS)) {
    if (!word || word.toLowerCase() === 'and') {
      continue;
    }
    const name =
      byName.get(word.toLowerCase()) ??
      byName.get(word.replace(Private.PUNCTUATION, '').toLowerCase());
    if (name !== undefined) {
      wanted.add(name);
    }
  }
  return [...byName.values()].filter(name => wanted.has(name));
}

/**
 * The target text of a block's marker (`node1 host`), or null when its
 * first non-blank line is no marker.
 */
export function whereText(text: string, patterns: RegExp[]): string | null {
  const first = firstLine(text);
  if (!first || first.length > MAX_LINE_LENGTH) {
    return null;
  }
  // The markers end in `(.+?)\s*$`, which backtracks over every run of
  // spaces: one space each keeps a crafted line linear (words stay words).
  // Emphasis goes too: published labs write `# runs *in* your terminal`.
  const line = plainWords(first);
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    const match = pattern.exec(line);
    if (match) {
      const group = match.slice(1).find(part => part !== undefined);
      return group ?? '';
    }
  }
  return null;
}

/**
 * The label of a run button: `Run on node1`, `Run on node1 and node2`,
 * `Run on node1, node2 and node3`, or `Run on all 3` when the nodes are all
 * of the lab's nodes and there are three or more. Pass the widget's
 * translation bundle (`translator.load('jupyterlab_testbed')`); the
 * messages are `Run on %1`, `Run on all %1` and `%1 and %2`.
 */
export function runLabel(
  nodes: string[],
  allNodes: string[],
  trans: Trans = Private.english
): string {
  if (nodes.length >= 3 && Private.isAll(nodes, allNodes)) {
    return trans.__('Run on all %1', nodes.length);
  }
  return trans.__('Run on %1', nodeList(nodes, trans));
}

/** Node names as a sentence: `node1`, `node1 and node2`, `a, b and c`. */
export function nodeList(nodes: string[], trans: Trans = Private.english) {
  if (nodes.length <= 1) {
    return nodes.join('');
  }
  return trans.__(
    '%1 and %2',
    nodes.slice(0, -1).join(', '),
    nodes[nodes.length - 1]
  );
}

namespace Private {
  /** Words that mean every node, alone in the target. */
  export const ALL = /^(?:all(?: (?:the )?nodes)?|every node|each node)[.:]?$/;

  /** Between node names: commas, `&`, `/` and spaces (and `and`, a word). */
  export const SEPARATORS = /[\s,&/]+/;

  /** Quotes and punctuation around a name: `node1:`, `(node2)`. */
  export const PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

  export const english = ENGLISH;

  export function isAll(nodes: string[], allNodes: string[]): boolean {
    const all = new Set(allNodes.map(name => name.toLowerCase()));
    const chosen = new Set(nodes.map(name => name.toLowerCase()));
    return all.size === chosen.size && [...all].every(n => chosen.has(n));
  }

  /** Capture groups of a source (assumed to compile). */
  export function groupCount(source: string): number {
    const match = new RegExp('|' + source).exec('');
    return match ? match.length - 1 : 0;
  }

  export function shorten(source: string, max = 60): string {
    return source.length > max ? `${source.slice(0, max - 1)}…` : source;
  }
}
