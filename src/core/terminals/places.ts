/**
 * Places a where-it-runs line may name that are not lab nodes: the Jupyter
 * side (this server: its notebook, its terminals) and the student's own
 * computer. Published labs say both in many wordings (`# runs in Chameleon
 * Jupyter environment`, `# runs in *your local terminal*`), so words are
 * matched, not whole phrases.
 */

/** Where a block runs when it is not on a lab node. */
export type Place = 'jupyter' | 'local';

/** Words that name the Jupyter side. */
const JUPYTER = /\b(?:jupyter(?:hub|lab)?|notebook|this server)\b/i;

/** Words that name the student's own computer. */
const LOCAL =
  /\b(?:local(?:ly|host)?|laptop|(?:your|own) (?:computer|machine|terminal|pc|mac|desktop))\b/i;

/** Markdown emphasis and code marks around words (`*local*`, `` `node1` ``). */
const EMPHASIS = /[*_`~]+/g;

/**
 * The place a where-it-runs text names, or null when it names neither the
 * Jupyter side nor the student's computer (then it may name nodes). A text
 * naming both is not a place: it is reported where nodes are checked.
 */
export function placeOf(where: string): Place | null {
  const text = plainWords(where);
  const jupyter = JUPYTER.test(text);
  const local = LOCAL.test(text);
  if (jupyter === local) {
    return null;
  }
  return jupyter ? 'jupyter' : 'local';
}

/** The text with emphasis marks removed and spaces made single. */
export function plainWords(text: string): string {
  return text.replace(EMPHASIS, '').replace(/\s+/g, ' ').trim();
}
