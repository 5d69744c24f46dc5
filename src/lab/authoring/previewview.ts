/**
 * "As a student sees it", the last part of the Author section: the lab's
 * steps and sections, where each placeholder is used, its nodes and run
 * buttons, and the blocks naming no node, each linked to its cell. The
 * preview quotes the notebook, so it is set as text only.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { el } from '../dom';
import type { IPreview } from '../../core/authoring/preview';

export namespace PreviewView {
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * A button that shows a cell; given several, the next one after the
     * active cell.
     */
    cellLink: (cells: number | number[], text: string) => HTMLElement;
  }
}

/** Blocks naming no node listed one by one; the rest are counted. */
const MAX_LISTED = 10;

export class PreviewView {
  constructor(options: PreviewView.IOptions) {
    this._options = options;
    this.node = el('section', 'jp-testbed-author-preview');
    const heading = el('h3', 'jp-testbed-author-heading');
    heading.textContent = options.trans.__('As a student sees it');
    this._list = el('ul', 'jp-testbed-author-previewLines');
    this.node.append(heading, this._list);
  }

  readonly node: HTMLElement;

  render(preview: IPreview): void {
    const { trans, cellLink } = this._options;
    const lines: HTMLElement[] = [];
    const line = (text: string, kind = '') => {
      const item = el('li', `jp-testbed-author-line ${kind}`.trim());
      item.textContent = text;
      lines.push(item);
      return item;
    };
    line(
      trans.__(
        '%1 in %2',
        trans._n('%1 step', '%1 steps', preview.steps),
        trans._n('%1 section', '%1 sections', preview.sections)
      )
    );
    for (const placeholder of preview.placeholders) {
      if (!placeholder.cells.length) {
        line(
          trans.__('%1: not used in any cell', placeholder.token),
          'jp-mod-warning'
        );
        continue;
      }
      const item = el('li', 'jp-testbed-author-line');
      item.appendChild(
        cellLink(
          placeholder.cells,
          trans._n(
            '%2: %1 cell',
            '%2: %1 cells',
            placeholder.cells.length,
            placeholder.token
          )
        )
      );
      lines.push(item);
    }
    line(
      preview.nodesDeclared
        ? trans.__('Nodes (declared here): %1', preview.nodes.join(', '))
        : trans.__('Nodes (the preset’s): %1', preview.nodes.join(', '))
    );
    line(
      preview.runButtons.length
        ? trans.__(
            'Run buttons: %1',
            preview.runButtons
              .map(({ node, blocks }) => trans.__('%1 ×%2', node, blocks))
              .join(', ')
          )
        : trans.__('No block gets a run button.')
    );
    const unknown = preview.unknownTargets;
    for (const target of unknown.slice(0, MAX_LISTED)) {
      const item = el('li', 'jp-testbed-author-line jp-mod-warning');
      item.appendChild(
        cellLink(
          target.cell,
          trans.__(
            'Cell %1: %2 names no node of this lab',
            target.cell + 1,
            target.line
          )
        )
      );
      lines.push(item);
    }
    if (unknown.length > MAX_LISTED) {
      line(
        trans._n(
          '…and %1 more block names no node of this lab.',
          '…and %1 more blocks name no node of this lab.',
          unknown.length - MAX_LISTED
        ),
        'jp-mod-warning'
      );
    }
    for (const problem of preview.problems) {
      line(problem, 'jp-mod-warning');
    }
    this._list.replaceChildren(...lines);
  }

  private _options: PreviewView.IOptions;
  private _list: HTMLElement;
}
