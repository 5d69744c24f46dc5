/**
 * Which rendered blocks of a markdown cell are fenced blocks of its source.
 * Run and Copy send a block's source, never text read from the page, and
 * only for a `<pre>` that shows exactly a fenced block of the cell: raw
 * HTML in markdown gets through the sanitizer, so a `<pre>` on the page may
 * say one thing and hold another.
 */
import { parseMarkdown } from '../notebook/markdown';

/** A block as compared and sent: no blank lines before, no space after. */
export function normaliseBlock(text: string): string {
  return text.replace(/^\s*\n/, '').replace(/\s+$/, '');
}

/** The bodies of the cell source's fenced blocks, in order, normalised. */
export function fencedBlocks(source: string): string[] {
  return parseMarkdown(source)
    .filter(part => part.kind === 'block')
    .map(part => normaliseBlock((part as { body: string }).body));
}

/**
 * For each block shown (its text as on the page, in document order), the
 * index of the fenced block of the source it shows, or null: blocks are
 * matched in order, each fenced block at most once, only when the texts
 * are equal. Linear in the number of blocks, however many are crafted.
 */
export function matchBlocks(
  shown: string[],
  fenced: string[]
): (number | null)[] {
  const positions = new Map<string, { at: number[]; seen: number }>();
  fenced.forEach((text, index) => {
    const entry = positions.get(text) ?? { at: [], seen: 0 };
    entry.at.push(index);
    positions.set(text, entry);
  });
  let next = 0;
  return shown.map(text => {
    const entry = positions.get(normaliseBlock(text));
    if (!entry) {
      return null;
    }
    // `next` only grows, so indices passed once are never looked at again.
    while (entry.seen < entry.at.length && entry.at[entry.seen] < next) {
      entry.seen++;
    }
    if (entry.seen === entry.at.length) {
      return null;
    }
    next = entry.at[entry.seen++] + 1;
    return next - 1;
  });
}
