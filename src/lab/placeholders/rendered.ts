/**
 * The student's values shown in rendered instructions: each token in a
 * rendered markdown cell is displayed as the value, marked, while the
 * markdown source stays as the author wrote it.
 *
 * Values are inserted as text nodes, so nothing typed becomes HTML.
 */
import { DeferredTask } from '../deferred';
import { SHOWN_FOR_TOKEN } from '../notebook/reveal';
import { tokenPattern } from '../../core/placeholders/engine';

const MARK_CLASS = 'jp-testbed-FilledValue';
const RENDERED = '.jp-MarkdownCell .jp-RenderedMarkdown';
const CODE_CELL = '.jp-CodeCell';
const CODE_CELL_OR_RENDERED = `${CODE_CELL}, ${RENDERED}`;

/** Put back the tokens in place of the values shown in a node. */
export function clearValues(node: Element): void {
  const marks = node.querySelectorAll(`mark.${MARK_CLASS}`);
  if (!marks.length) {
    return;
  }
  marks.forEach(mark =>
    mark.replaceWith(
      document.createTextNode(mark.getAttribute(SHOWN_FOR_TOKEN) ?? '')
    )
  );
  node.normalize();
}

/**
 * Show the values in place of their tokens in a node's text, replacing
 * values shown before.
 */
export function showValues(
  node: Element,
  values: Map<string, string>,
  describe: (token: string) => string,
  pattern = tokenPattern([...values.keys()])
): void {
  clearValues(node);
  // Most cells name no token: one look at their text, no walk.
  if (!pattern || !matches(pattern, node.textContent ?? '')) {
    return;
  }
  // Only text is walked, with no filter called per node: on a long lab's
  // instructions the per-node call was most of the cost. Text inside a
  // control another capability adds (a run button) is not an instruction.
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (matches(pattern, (text as Text).data) && !inButton(text, node)) {
      texts.push(text as Text);
    }
  }
  // One title per token, however often it is named.
  const titles = new Map<string, string>();
  const title = (token: string) => {
    if (!titles.has(token)) {
      titles.set(token, describe(token));
    }
    return titles.get(token)!;
  };
  for (const text of texts) {
    const parts: Node[] = [];
    let last = 0;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text.data); m; m = pattern.exec(text.data)) {
      parts.push(document.createTextNode(text.data.slice(last, m.index)));
      const mark = document.createElement('mark');
      mark.className = MARK_CLASS;
      mark.setAttribute(SHOWN_FOR_TOKEN, m[0]);
      mark.title = title(m[0]);
      mark.textContent = values.get(m[0]) ?? m[0];
      parts.push(mark);
      last = m.index + m[0].length;
    }
    parts.push(document.createTextNode(text.data.slice(last)));
    text.replaceWith(...parts);
  }
}

/** Whether a text is inside a button within a node. */
function inButton(text: Node, node: Element): boolean {
  const button = text.parentElement?.closest('button');
  return !!button && node.contains(button);
}

/** Whether two sets of values name the same tokens with the same values. */
function sameValues(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) {
    return false;
  }
  for (const [token, value] of a) {
    if (b.get(token) !== value) {
      return false;
    }
  }
  return true;
}

/** Whether a global pattern matches a text, from its start. */
function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/**
 * Keeps the values shown in a notebook's rendered markdown cells as they
 * are rendered, re-rendered, scrolled into view or the values change.
 *
 * A render arrives in steps (the HTML, then its heading anchors, then its
 * links resolved): the cells it touched are shown once, at the next frame,
 * rather than walked again at each step. That frame comes before the page
 * paints, unless the render ran in a frame's own callbacks (then one frame
 * shows the tokens). A cell attached whole, already rendered (scrolled back
 * into view), is shown at once: it may hold values that changed meanwhile.
 */
export class RenderedValues {
  constructor(
    private _root: HTMLElement,
    private _describe: (token: string) => string
  ) {
    this._observer = new MutationObserver(records =>
      this._onMutations(records)
    );
    this._observer.observe(this._root, { childList: true, subtree: true });
  }

  /** Show these values (token → value) from now on. */
  setValues(values: Map<string, string>): void {
    // Any change to the notebook's declarations asks again; the walk is
    // only for values that changed.
    if (sameValues(values, this._values)) {
      return;
    }
    this._values = values;
    this._pattern = tokenPattern([...values.keys()]);
    this._frame.cancel();
    this._dirty.clear();
    this._root.querySelectorAll(RENDERED).forEach(node => this._show(node));
    this._observer.takeRecords();
  }

  dispose(): void {
    this._observer.disconnect();
    this._frame.dispose();
    this._dirty.clear();
  }

  private _onMutations(records: MutationRecord[]): void {
    // No values: nothing to show (setValues clears what was shown).
    if (!this._values.size) {
      return;
    }
    const attached = new Set<Element>();
    for (const record of records) {
      const target = record.target as Element;
      // One walk up: a run writes outputs and counts in code cells, never
      // markdown, and is skipped at the first code cell found.
      const nearest = target.closest?.(CODE_CELL_OR_RENDERED);
      if (nearest?.matches(CODE_CELL)) {
        continue;
      }
      if (nearest) {
        this._dirty.add(nearest);
      }
      record.addedNodes.forEach(node => {
        if (node instanceof Element) {
          if (node.matches(RENDERED)) {
            attached.add(node);
          }
          node.querySelectorAll(RENDERED).forEach(n => attached.add(n));
        }
      });
    }
    attached.forEach(node => {
      this._dirty.delete(node);
      this._show(node);
    });
    // Our own changes are not to be seen as renders.
    this._observer.takeRecords();
    if (this._dirty.size) {
      this._frame.schedule();
    }
  }

  private _flush(): void {
    const dirty = this._dirty;
    this._dirty = new Set();
    // A cell taken out of the notebook meanwhile is shown when it comes
    // back; one in a notebook that is itself off the page is shown now.
    dirty.forEach(node => {
      if (this._root.contains(node)) {
        this._show(node);
      }
    });
    // Our own changes are not to be seen as renders.
    this._observer.takeRecords();
  }

  private _show(node: Element): void {
    showValues(node, this._values, this._describe, this._pattern);
  }

  private _observer: MutationObserver;
  private _frame = new DeferredTask(() => this._flush());
  /** Rendered cells changed since the last frame. */
  private _dirty = new Set<Element>();
  private _values = new Map<string, string>();
  /** The tokens of `_values`, compiled once for every cell. */
  private _pattern: RegExp | null = null;
}
