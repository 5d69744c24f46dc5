/**
 * Finding placeholder tokens in a text in time linear in the text: the
 * tokens come from the notebook (an author may declare fifty of up to 100
 * characters each), so an alternation of them handed to the regular
 * expression engine could try every token at every position.
 *
 * A trie of the tokens is walked from each position, so the work is at most
 * the text's length times the longest token's. Matches are found as the
 * fill has always found them: leftmost first, and at one position the
 * longest token, never overlapping.
 */

/** One token found in a text. */
export interface ITokenAt {
  token: string;
  /** Offset of its first character. */
  at: number;
}

interface ITrieNode {
  next: Map<string, ITrieNode>;
  /** The token ending here, if any. */
  token: string | null;
}

/** A reusable finder for a set of tokens. */
export class TokenScanner {
  constructor(tokens: Iterable<string>) {
    for (const token of tokens) {
      if (!token) {
        continue;
      }
      let node = this._root;
      for (let i = 0; i < token.length; i++) {
        const char = token[i];
        let child = node.next.get(char);
        if (!child) {
          child = { next: new Map(), token: null };
          node.next.set(char, child);
        }
        node = child;
      }
      node.token = token;
      this._empty = false;
    }
  }

  /** Whether there is no token to find. */
  get empty(): boolean {
    return this._empty;
  }

  /** The longest token starting at `at`, or null. */
  tokenAt(text: string, at: number): string | null {
    let node: ITrieNode | undefined = this._root;
    let found: string | null = null;
    for (let i = at; i < text.length && node; i++) {
      node = node.next.get(text[i]);
      if (node?.token) {
        found = node.token;
      }
    }
    return found;
  }

  /** Every token in the text, leftmost first, never overlapping. */
  *scan(text: string): Generator<ITokenAt> {
    if (this._empty) {
      return;
    }
    for (let at = 0; at < text.length;) {
      const token = this._root.next.has(text[at])
        ? this.tokenAt(text, at)
        : null;
      if (token) {
        yield { token, at };
        at += token.length;
      } else {
        at++;
      }
    }
  }

  /** Whether the text contains any of the tokens. */
  occursIn(text: string): boolean {
    return !this.scan(text).next().done;
  }

  private _root: ITrieNode = { next: new Map(), token: null };
  private _empty = true;
}
