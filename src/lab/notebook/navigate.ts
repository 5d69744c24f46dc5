/**
 * Bringing a step or a section into view: its cell, then the fenced block
 * or heading inside it.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { authoredText, revealCell } from './reveal';
import {
  analyzeCell,
  IOutlineOptions,
  ISection,
  IStep
} from '../../core/progress/outline';

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
  const wanted = body?.replace(/\s+/g, ' ').trim();
  await revealCell(
    panel,
    step.cellIndex,
    wanted === undefined
      ? null
      : node => {
          return (
            Array.from(
              node.querySelectorAll<HTMLElement>('.jp-RenderedMarkdown pre')
            ).find(pre => authoredText(pre) === wanted) ?? null
          );
        }
  );
}

export async function showSection(
  panel: NotebookPanel,
  section: ISection
): Promise<void> {
  await revealCell(
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
            headings.find(h => authoredText(h) === section.title) ??
            headings[section.headingOrdinal] ??
            null
          );
        }
  );
}
