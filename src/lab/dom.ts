/** A new element with its class names. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/**
 * Set a node's text only when it differs: writing the same text still
 * replaces the text node and leaves layout to be done again.
 */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/**
 * Put `children` in `parent` in this order. Those already there stay
 * attached (a focused button keeps the focus); the others are removed.
 */
export function placeChildren(
  parent: Element,
  children: readonly Node[]
): void {
  const wanted = new Set(children);
  for (const child of Array.from(parent.childNodes)) {
    if (!wanted.has(child)) {
      parent.removeChild(child);
    }
  }
  let at = parent.firstChild;
  for (const child of children) {
    if (child === at) {
      at = at.nextSibling;
    } else {
      parent.insertBefore(child, at);
    }
  }
}

/**
 * Make `kept` show what `fresh` shows, keeping each element whose tag and
 * classes (other than `jp-mod-` states) agree, with its listeners and the
 * focus; the others are replaced. Only for trees whose listeners depend on
 * nothing but where they are (a node card's buttons act on its node).
 */
export function morph(kept: Element, fresh: Element): void {
  for (const name of kept.getAttributeNames()) {
    if (!fresh.hasAttribute(name)) {
      kept.removeAttribute(name);
    }
  }
  for (const name of fresh.getAttributeNames()) {
    const value = fresh.getAttribute(name)!;
    if (kept.getAttribute(name) !== value) {
      kept.setAttribute(name, value);
    }
  }
  const before = Array.from(kept.childNodes);
  const after = Array.from(fresh.childNodes).map((child, i) => {
    const old = before[i];
    if (
      old instanceof Element &&
      child instanceof Element &&
      Private.sameKind(old, child)
    ) {
      morph(old, child);
      return old;
    }
    if (old?.nodeType === Node.TEXT_NODE && child.nodeType === Node.TEXT_NODE) {
      if (old.textContent !== child.textContent) {
        old.textContent = child.textContent;
      }
      return old;
    }
    return child;
  });
  placeChildren(kept, after);
}

namespace Private {
  export function sameKind(a: Element, b: Element): boolean {
    const kind = (e: Element) =>
      [
        e.tagName,
        ...Array.from(e.classList).filter(c => !c.startsWith('jp-mod-'))
      ].join(' ');
    return kind(a) === kind(b);
  }
}
