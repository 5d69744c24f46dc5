/**
 * What an author declares for a notebook (placeholders, nodes, marker
 * wordings), as the Author section edits it: read from the notebook record,
 * checked row by row as it is typed, and put back into the record.
 *
 * Entries are edited in place, as the objects the notebook holds, so the
 * fields the section has no input for (a placeholder's `field`, anything a
 * later release adds) are kept; a node's `identityFile` or `forwardAgent`
 * is kept too but never used: keys come from the student's settings. Each row is
 * checked by the same readers the students' side uses, so a row accepted
 * here is one the lab will use.
 */
import {
  FORMAT_VERSION,
  INotebookRecord,
  readNotebookRecord,
  describeProblem
} from '../metadata/format';
import {
  definitionsOf,
  MAX_DEFINITIONS,
  readDefinition
} from '../placeholders/authored';
import { checkValue, safePattern } from '../placeholders/definitions';
import { checkWording, MAX_DECLARED_MARKERS } from '../terminals/markers';
import { checkLab } from '../terminals/sshconfig';
import { MAX_DECLARED_NODES, readNode } from '../terminals/topology';
import { isObject } from '../helpers';

/** The declared lists, by their key in the notebook record. */
export type DeclarationKind = 'placeholders' | 'nodes' | 'markers';

export const DECLARATION_KINDS: DeclarationKind[] = [
  'placeholders',
  'nodes',
  'markers'
];

/** The declarations being edited: the entries as the notebook holds them. */
export interface IDeclarations {
  placeholders: unknown[];
  nodes: unknown[];
  markers: unknown[];
  /**
   * Lists the notebook holds as something else than a list: that value is
   * their one entry, to be removed before anything is stored.
   */
  notLists: DeclarationKind[];
}

/** The declarations of a notebook, or why its record may not be written. */
export type EditableDeclarations =
  { ok: true; declarations: IDeclarations } | { ok: false; problem: string };

/** Per kind, one problem (or null) for each row. */
export type RowProblems = { [kind in DeclarationKind]: (string | null)[] };

/** How many rows each list may hold (the readers use no more). */
export const MAX_ROWS: { [kind in DeclarationKind]: number } = {
  placeholders: MAX_DEFINITIONS,
  nodes: MAX_DECLARED_NODES,
  markers: MAX_DECLARED_MARKERS
};

/** The text fields of the inputs; an empty optional one is left out. */
export const PLACEHOLDER_FIELDS = [
  'token',
  'label',
  'description',
  'pattern',
  'example'
] as const;
export const NODE_FIELDS = ['name', 'host', 'user', 'jump'] as const;
const REQUIRED = new Set(['token', 'name', 'host']);

/**
 * Read a notebook's declarations for editing (`notebookMetadata` is the
 * value under our key).
 */
export function readDeclarations(
  notebookMetadata: unknown
): EditableDeclarations {
  const read = readNotebookRecord(notebookMetadata);
  if (read.status === 'newer' || read.status === 'corrupt') {
    return {
      ok: false,
      problem: `The notebook’s record cannot be read (${describeProblem(read)}), so it is left as it is.`
    };
  }
  const declarations: IDeclarations = {
    placeholders: [],
    nodes: [],
    markers: [],
    notLists: []
  };
  for (const kind of DECLARATION_KINDS) {
    const value = read.record?.[kind];
    if (Array.isArray(value)) {
      declarations[kind] = [...value];
    } else if (value !== undefined) {
      declarations[kind] = [value];
      declarations.notLists.push(kind);
    }
  }
  return { ok: true, declarations };
}

/** The text an input shows for a field of an entry. */
export function fieldText(entry: unknown, key: string): string {
  if (!isObject(entry)) {
    return '';
  }
  const value = entry[key];
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/**
 * An entry with one field set to what the author typed: a copy, with the
 * field left out when an optional one is emptied (its default applies).
 */
export function withField(
  entry: unknown,
  key: string,
  text: string
): { [key: string]: unknown } {
  const next = isObject(entry) ? { ...entry } : {};
  if (text === '' && !REQUIRED.has(key)) {
    delete next[key];
  } else {
    next[key] = text;
  }
  return next;
}

/**
 * Check every row; a list is only stored while all of its rows, and those
 * of the other lists, are null here.
 */
export function checkDeclarations(declarations: IDeclarations): RowProblems {
  const fields = definitionsOf({
    v: FORMAT_VERSION,
    placeholders: declarations.placeholders
  }).placeholders.map(p => p.field);
  return {
    placeholders: checkList(declarations, 'placeholders', checkPlaceholders),
    nodes: checkList(declarations, 'nodes', entries =>
      checkNodes(entries, fields)
    ),
    markers: checkList(declarations, 'markers', checkMarkers)
  };
}

/** Whether no row has a problem. */
export function isValid(problems: RowProblems): boolean {
  return DECLARATION_KINDS.every(kind =>
    problems[kind].every(problem => problem === null)
  );
}

/**
 * The notebook record holding these declarations, keeping every other
 * field of `previous`; null when it would hold nothing but its version
 * (the key is then removed). An empty list is left out: no nodes means the
 * preset applies.
 */
export function withDeclarations(
  previous: INotebookRecord | null,
  declarations: IDeclarations
): INotebookRecord | null {
  const next: INotebookRecord = {
    ...(previous ?? {}),
    v: previous?.v ?? FORMAT_VERSION
  };
  for (const kind of DECLARATION_KINDS) {
    if (declarations[kind].length) {
      next[kind] = [...declarations[kind]];
    } else {
      delete next[kind];
    }
  }
  return Object.keys(next).every(key => key === 'v') ? null : next;
}

/**
 * Another notebook's record with these declarations instead of its own
 * (its log and other fields kept), or why it is left as it is: a record
 * that cannot be read is never written over.
 */
export function sharedDeclarations(
  notebookMetadata: unknown,
  declarations: IDeclarations
):
  | { ok: true; record: INotebookRecord | null }
  | { ok: false; problem: string } {
  const read = readNotebookRecord(notebookMetadata);
  if (read.status === 'newer' || read.status === 'corrupt') {
    return {
      ok: false,
      problem: `its record cannot be read (${describeProblem(read)})`
    };
  }
  return { ok: true, record: withDeclarations(read.record, declarations) };
}

/** Whether two sets of declarations would be stored alike. */
export function sameDeclarations(a: IDeclarations, b: IDeclarations): boolean {
  return DECLARATION_KINDS.every(
    kind => JSON.stringify(a[kind]) === JSON.stringify(b[kind])
  );
}

/** The problems common to every list, then the list's own check. */
function checkList(
  declarations: IDeclarations,
  kind: DeclarationKind,
  check: (entries: unknown[]) => (string | null)[]
): (string | null)[] {
  const entries = declarations[kind];
  if (declarations.notLists.includes(kind)) {
    return entries.map(
      () =>
        `The notebook’s ${kind} are not a list; remove this entry to start one.`
    );
  }
  const problems = check(entries.slice(0, MAX_ROWS[kind]));
  for (let i = MAX_ROWS[kind]; i < entries.length; i++) {
    problems.push(
      `Only the first ${MAX_ROWS[kind]} ${kind} are used; remove this one.`
    );
  }
  return problems;
}

function checkPlaceholders(entries: unknown[]): (string | null)[] {
  const tokens = new Set<string>();
  return entries.map(entry => {
    if (isObject(entry) && (entry.token === undefined || entry.token === '')) {
      return 'Type the token exactly as the cells write it.';
    }
    const read = readDefinition(entry);
    if (typeof read === 'string') {
      return `This placeholder ${read}.`;
    }
    if (tokens.has(read.token)) {
      return `Another placeholder above has the token “${read.token}”.`;
    }
    tokens.add(read.token);
    if (read.example) {
      const pattern = safePattern(read.pattern);
      if (typeof pattern !== 'string' && !pattern.test(read.example)) {
        return `The example “${read.example}” does not match the pattern.`;
      }
      const problem = checkValue(read, read.example, []);
      if (problem) {
        return `A student could not enter the example: ${problem}`;
      }
    }
    return null;
  });
}

function checkNodes(entries: unknown[], fields: string[]): (string | null)[] {
  const known = new Set(fields);
  const read = entries.map(readNode);
  const names = new Map<string, number>();
  read.forEach((node, index) => {
    if (typeof node !== 'string' && !names.has(node.name.toLowerCase())) {
      names.set(node.name.toLowerCase(), index);
    }
  });
  const jumpOf = new Map<string, string | undefined>();
  read.forEach(node => {
    if (typeof node !== 'string') {
      jumpOf.set(node.name, node.jump);
    }
  });
  return read.map((node, index) => {
    if (typeof node === 'string') {
      return `This node ${node}.`;
    }
    if (names.get(node.name.toLowerCase()) !== index) {
      return `Another node above is named “${node.name}”.`;
    }
    const unknown = [...node.host.matchAll(/\{([^{}]*)\}/g)]
      .map(match => match[1])
      .find(field => !known.has(field));
    if (unknown !== undefined) {
      return `The host names {${unknown}}, which is no placeholder’s field (${[...known].join(', ')}).`;
    }
    // Hosts taken from a placeholder are checked when the student fills it.
    const config = checkLab({
      nodes: [
        {
          ...node,
          host: node.host.replace(/\{[^{}]*\}/g, 'a'),
          jump: undefined
        }
      ],
      knownHostsFile: '/known_hosts',
      controlDir: '/tmp'
    });
    if (config.length) {
      return config[0];
    }
    if (node.jump !== undefined) {
      if (node.jump === node.name) {
        return 'A node cannot jump through itself.';
      }
      if (!jumpOf.has(node.jump)) {
        return `It jumps through “${node.jump}”, which is not a node declared here.`;
      }
      const chain = [node.name];
      for (
        let next: string | undefined = node.jump;
        next !== undefined;
        next = jumpOf.get(next)
      ) {
        if (next === node.name) {
          return `The jumps go round in a circle: ${[...chain, next].join(' → ')}.`;
        }
        if (chain.includes(next)) {
          break;
        }
        chain.push(next);
      }
    }
    return null;
  });
}

function checkMarkers(entries: unknown[]): (string | null)[] {
  const seen = new Set<string>();
  return entries.map(entry => {
    if (entry === '') {
      return 'Type the words before the node names, for example “# exec on”.';
    }
    const problem = checkWording(entry);
    if (problem) {
      return `This wording ${problem}.`;
    }
    const key = (entry as string).trim().replace(/\s+/g, ' ').toLowerCase();
    if (seen.has(key)) {
      return 'This wording is already listed above.';
    }
    seen.add(key);
    return null;
  });
}
