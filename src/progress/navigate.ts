/**
 * Bringing a step or a section into view. Windowed notebooks only render
 * cells near the viewport, so the cell is scrolled to first and the part
 * inside it is looked for once it has rendered.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { analyzeCell, IOutlineOptions, ISection, IStep } from './outline';

/** Frames to wait for a cell to render after scrolling to it. */
const RENDER_FRAMES = 30;

export async function showStep(
  panel: NotebookPanel,
  step: IStep,
  options: IOutlineOptions
): Promise<void> {
  let body: string | null = null;
  if (step.kind === 'block' && step.blockOrdinal !== undefined) {
    const cell = panel.content.model?.cells.get(step.cellIndex);
    body = cell
      ? (analyzeCell('markdown', cell.sharedModel.getSource(), options).blocks[
          step.blockOrdinal
        ]?.body ?? null)
      : null;
  }
  const wanted = body?.trim();
  await reveal(
    panel,
    step.cellIndex,
    wanted === undefined
      ? null
      : node => {
          return (
            Array.from(
              node.querySelectorAll<HTMLElement>('.jp-RenderedMarkdown pre')
            ).find(pre => pre.textContent?.trim() === wanted) ?? null
          );
        }
  );
}

export async function showSection(
  panel: NotebookPanel,
  section: ISection
): Promise<void> {
  await reveal(
    panel,
    section.cellIndex,
    section.level === 0
      ? null
      : node => {
          const headings = Array.from(
            node.querySelectorAll<HTMLElement>(
              '.jp-RenderedMarkdown :is(h1, h2, h3, h4, h5, h6)'
            )
          );
          return (
            headings.find(h => Private.headingText(h) === section.title) ??
            headings[section.headingOrdinal] ??
            null
          );
        }
  );
}

async function reveal(
  panel: NotebookPanel,
  cellIndex: number,
  find: ((node: HTMLElement) => HTMLElement | null) | null
): Promise<void> {
  const notebook = panel.content;
  if (cellIndex < 0 || cellIndex >= notebook.widgets.length) {
    return;
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
}

namespace Private {
  /** A rendered heading's words, without the anchor link JupyterLab adds. */
  export function headingText(heading: HTMLElement): string {
    const clone = heading.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.jp-InternalAnchorLink').forEach(a => a.remove());
    return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
  }
}
