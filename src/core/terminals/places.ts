/**
 * Places a where-it-runs line may name that are not lab nodes: the Jupyter
 * side (this server: its notebook, its terminals) and the student's own
 * computer. Published labs say both in many wordings (`# runs in Chameleon
 * Jupyter environment`, `# runs in *your local terminal*`), so words are
 * matched, not whole phrases.
 */

/** Where a block runs when it is not on a lab node. */
export type Place = 'jupyter' | 'local';

/** Words that name the Jupyter side (`Jupyter server` is one place, no node). */
const JUPYTER =
  /\b(?:jupyter(?:hub|lab)?(?: (?:server|notebook|environment|terminal|container))?|notebook(?: server)?|this server)\b/gi;

/** Words that name the student's own computer. */
const LOCAL =
  /\b(?:local(?:ly|host)?(?: (?:machine|computer|terminal|host))?|laptop|(?:your|own) (?:computer|machine|terminal|pc|mac|desktop))\b/gi;

/** Node nouns, alone or joined to a name: `node-data`, `server`, `worker2`, `gpu-node`. */
const NOUNS =
  'node|server|vm|worker|master|head|controller|client|compute|gpu|instance|machine|router';
const NODE_WORD = new RegExp(
  `^(?:(?:${NOUNS})(?:[-_]?[\\p{L}\\p{N}][\\p{L}\\p{N}_-]*)?|[\\p{L}\\p{N}][\\p{L}\\p{N}_-]*[-_](?:${NOUNS})[\\p{N}]*)$`,
  'iu'
);
const SEPARATORS = /[\s,&/]+/;
const PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/**
 * Markdown emphasis and code marks around words (`*local*`, `` `node1` ``,
 * `_local_`): `*`, `` ` `` and `~` anywhere, `_` only at a word's edge, so
 * a name such as `node_data` keeps its own.
 */
const EMPHASIS = /[*`~]+|(^|[\s(["'])_+|_+(?=[\s)\]"'.,:;!?]|$)/g;

/**
 * The place a where-it-runs text names, or null when it names neither the
 * Jupyter side nor the student's computer (then it may name nodes). A text
 * naming both, or a place and a node-like word (`node1 or your laptop`),
 * is not a place: it is reported where nodes are checked.
 */
export function placeOf(where: string): Place | null {
  const named = placesIn(where);
  return named.length === 1 && !nodeWords(where).length ? named[0] : null;
}

/** Every place a where-it-runs text names, none, one or both. */
export function placesIn(where: string): Place[] {
  const text = plainWords(where);
  const named: Place[] = [];
  if (text.search(JUPYTER) >= 0) {
    named.push('jupyter');
  }
  if (text.search(LOCAL) >= 0) {
    named.push('local');
  }
  return named;
}

/**
 * The words of a where-it-runs text, places left out (`Jupyter server` is
 * no node), with punctuation around them removed.
 */
export function whereWords(where: string): string[] {
  return plainWords(where)
    .replace(JUPYTER, ' ')
    .replace(LOCAL, ' ')
    .split(SEPARATORS)
    .map(word => word.replace(PUNCTUATION, ''))
    .filter(word => word);
}

/** Whether a word reads as a node's name: `node-data`, `server`, `worker2`. */
export function isNodeWord(word: string): boolean {
  return NODE_WORD.test(word);
}

/** The node-like words of a where-it-runs text (places left out). */
export function nodeWords(where: string): string[] {
  return whereWords(where).filter(isNodeWord);
}

/** The text with emphasis marks removed and spaces made single. */
export function plainWords(text: string): string {
  // Most lines have no mark: the unicode pattern is skipped for them.
  const plain = /[*`~_]/.test(text) ? text.replace(EMPHASIS, '$1') : text;
  return plain.replace(/\s+/g, ' ').trim();
}
