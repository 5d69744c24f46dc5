/**
 * Bringing a cell, or a part of it, into view. Windowed notebooks only
 * render cells near the viewport, so the cell is scrolled to first and the
 * part inside it is looked for once it has rendered.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

/** Frames to wait for a cell to render after scrolling to it. */
const RENDER_FRAMES = 30;

/** The attribute of an element shown in place of a token of the source. */
export const SHOWN_FOR_TOKEN = 'data-testbed-token';

/**
 * A rendered element's text as the author wrote it: values shown in place
 * of tokens read as their tokens, JupyterLab's anchor links are left out.
 */
export function authoredText(node: Element): string {
  const clone = node.cloneNode(true) as Element;
  clone.querySelectorAll('.jp-InternalAnchorLink').forEach(a => a.remove());
  clone
    .querySelectorAll(`[${SHOWN_FOR_TOKEN}]`)
    .forEach(shown =>
      shown.replaceWith(shown.getAttribute(SHOWN_FOR_TOKEN) ?? '')
    );
  return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Make a cell the active one and scroll to it, then to the part `find`
 * returns once the cell has rendered; resolves to the cell.
 */
export async function revealCell(
  panel: NotebookPanel,
  cellIndex: number,
  find: ((node: HTMLElement) => HTMLElement | null) | null = null
): Promise<Cell | null> {
  const notebook = panel.content;
  if (cellIndex < 0 || cellIndex >= notebook.widgets.length) {
    return null;
  }
  notebook.activeCellIndex = cellIndex;
  notebook.deselectAll();
  await notebook.scrollToItem(cellIndex, 'start');
  const cell = notebook.widgets[cellIndex];
  for (let frame = 0; find && frame < RENDER_FRAMES; frame++) {
    const target = find(cell.node);
    if (target) {
      target.scrollIntoView({ block: 'start' });
      break;
    }
    await new Promise(resolve => requestAnimationFrame(resolve));
  }
  notebook.node.focus();
  return cell;
}
