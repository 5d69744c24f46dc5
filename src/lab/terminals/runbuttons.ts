/**
 * Run and copy buttons on the shell blocks of a notebook: a small bar just
 * before every fenced block of rendered markdown (never inside the `pre`,
 * whose text other code reads), and on code cells whose first line says
 * where they run.
 *
 * What is run is what is shown: a block's text is always its source (the
 * fenced block of the cell's markdown, or the code cell's source), and a
 * `<pre>` gets a bar only when it shows exactly a fenced block of its cell,
 * wholly visible; one that holds invisible characters or is partly hidden
 * gets the reason on its bar instead of buttons.
 *
 * Cells attach and detach as a windowed notebook scrolls, and a re-render
 * replaces a markdown cell's HTML, so the notebook's DOM is watched and
 * only the cells that changed are looked at again, once per frame. Cell
 * contents are untrusted: the bars are built from text nodes only.
 */
import type { Cell, ICellModel, MarkdownCell } from '@jupyterlab/cells';
import type { INotebookModel, Notebook } from '@jupyterlab/notebook';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import { el } from '../dom';
import { DeferredTask } from '../deferred';
import { METADATA_KEY } from '../../core/metadata/format';
import { declarationsMayChange, IMetadataChange } from '../metadata/notebook';
import { SHOWN_FOR_TOKEN } from '../notebook/reveal';
import { firstLine } from '../../core/notebook/steps';
import {
  fencedBlocks,
  matchBlocks,
  normaliseBlock
} from '../../core/terminals/blocks';
import {
  declaredMarkers,
  nodeList,
  runLabel,
  targetNodes
} from '../../core/terminals/markers';
import { unsafeCharacter } from '../../core/terminals/typing';
import {
  JUPYTER_RUN_CLASS,
  jupyterRunLabels,
  runsInJupyter,
  showJupyterRun
} from './jupyterrun';
import { SourceWatch } from '../notebook/sourcewatch';

/** A block to run or copy, read when its button is clicked. */
export interface IRunTarget {
  /**
   * The lab's nodes the block names, as the lab spells them; `[]` for an
   * inert block: copy only.
   */
  nodes: string[];
  /**
   * The block as the author wrote it (tokens, not the values shown), its
   * lines kept.
   */
  text: string;
  /** The id of the cell's model. */
  cellId: string;
  kind: 'markdown' | 'code';
  /** A fenced block for the Jupyter side: run in a Jupyter terminal. */
  place?: 'jupyter';
}

export namespace RunButtons {
  export interface IOptions {
    notebook: Notebook;
    /**
     * The marker patterns of the settings; the wordings the notebook
     * declares are added to them.
     */
    markers: () => RegExp[];
    /** The current lab's node names. */
    nodeNames: () => string[];
    onRun: (target: IRunTarget) => void;
    onCopy: (target: IRunTarget) => void;
    /** Add a capability's own button to a markdown block's bar (tunnelbutton.ts). */
    decorate?: (bar: HTMLElement, text: string, cell: MarkdownCell) => void;
    /** Whether blocks may be run from here now (not in a graded notebook); Copy stays. */
    canRun?: () => boolean;
    translator?: ITranslator;
  }
}

export const RUN_BAR_CLASS = 'jp-testbed-RunBar';
export const RUN_BUTTON_CLASS = 'jp-testbed-RunButton';
export const COPY_BUTTON_CLASS = 'jp-testbed-CopyButton';
/** The reason shown on a bar instead of buttons. */
export const REFUSED_CLASS = 'jp-testbed-RunBar-refused';
/** The attribute of a run button holding its nodes, joined with `,`. */
export const RUN_ATTRIBUTE = 'data-testbed-run';

/**
 * The markers of a notebook: the settings' patterns, then those of the
 * wordings its metadata declares (`# exec on`).
 */
export function notebookMarkers(
  settings: RegExp[],
  model: INotebookModel | null
): RegExp[] {
  return [
    ...settings,
    ...declaredMarkers(model?.getMetadata(METADATA_KEY)).patterns
  ];
}

/**
 * A rendered block's text as the author wrote it: values shown in place of
 * tokens read as their tokens. Unlike `authoredText`, line breaks and
 * indentation are kept (a block is sent to a shell line by line); blank
 * lines before and whitespace after the block are left out.
 */
export function blockText(node: Element): string {
  const clone = node.cloneNode(true) as Element;
  clone
    .querySelectorAll(`[${SHOWN_FOR_TOKEN}]`)
    .forEach(shown =>
      shown.replaceWith(shown.getAttribute(SHOWN_FOR_TOKEN) ?? '')
    );
  return normaliseBlock(clone.textContent ?? '');
}

/** Elements in one block beyond which it is not checked, only refused. */
const MAX_BLOCK_ELEMENTS = 5000;

/**
 * Why part of a rendered block cannot be seen (hidden, transparent, tiny
 * or cut off by a box around it), or null. Raw HTML and its inline styles
 * reach the page through the sanitizer; the text of a hidden part would
 * still be in the block.
 */
export function hiddenPart(pre: HTMLElement, host: Element): string | null {
  if (!pre.isConnected) {
    return null;
  }
  const seen = { opacityProperty: true, visibilityProperty: true };
  let laidOut = true;
  if (typeof pre.checkVisibility === 'function' && !pre.checkVisibility(seen)) {
    if (host.checkVisibility(seen)) {
      return 'the block is hidden on the page';
    }
    // A notebook in a tab behind another (a block just sent to a terminal
    // ticks it there, a command may run it): its layout cannot be judged
    // now, its styles can, and a box the notebook styles around it is refused.
    laidOut = false;
    for (let up = pre.parentElement; up && up !== host; up = up.parentElement) {
      if (up.hasAttribute('style')) {
        return 'part of the block is styled by the notebook';
      }
    }
  }
  const elements = [pre, ...Array.from(pre.querySelectorAll('*'))];
  if (elements.length > MAX_BLOCK_ELEMENTS) {
    return 'the block has too many parts to check';
  }
  for (const element of elements) {
    const style = getComputedStyle(element);
    if (
      style.display === 'none' ||
      style.visibility === 'hidden' ||
      style.visibility === 'collapse' ||
      style.opacity === '0' ||
      parseFloat(style.fontSize) < 4 ||
      /^transparent$|^rgba\(.*,\s*0(\.0*)?\)$/.test(style.color)
    ) {
      return 'part of the block is hidden on the page';
    }
  }
  // Markdown and the highlighter write no inline style into a block; raw
  // HTML can, and the sanitizer lets through styles (a zero max-height with
  // overflow hidden, a text indent) that hide text no computed-style test
  // here would catch.
  if (elements.some(element => element.hasAttribute('style'))) {
    return 'part of the block is styled by the notebook';
  }
  if (!laidOut) {
    return null;
  }
  const box = pre.getBoundingClientRect();
  for (
    let ancestor = pre.parentElement;
    ancestor && ancestor !== host.parentElement;
    ancestor = ancestor.parentElement
  ) {
    const style = getComputedStyle(ancestor);
    if (style.overflow === 'visible' || !style.overflow) {
      continue;
    }
    const frame = ancestor.getBoundingClientRect();
    if (
      frame.bottom < box.bottom - 1 ||
      frame.right < box.right - 1 ||
      frame.top > box.top + 1 ||
      frame.left > box.left + 1
    ) {
      return 'part of the block is cut off on the page';
    }
  }
  return null;
}

/**
 * Keeps run and copy buttons on the blocks of one notebook widget.
 */
export class RunButtons implements IDisposable {
  constructor(options: RunButtons.IOptions) {
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this._observer = new MutationObserver(records =>
      this._onMutations(records)
    );
    this._observer.observe(options.notebook.node, {
      childList: true,
      subtree: true
    });
    options.notebook.model?.metadataChanged.connect(this._onMetadata, this);
    this._wordings = this._readWordings();
    this.refresh();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Redo the bars of every cell in the notebook's DOM, as when the markers
   * or the node names changed. Cells out of the DOM are redone when they
   * are attached again.
   */
  refresh(): void {
    if (this._isDisposed) {
      return;
    }
    const root = this._options.notebook.node;
    for (const cell of this._options.notebook.widgets) {
      if (root.contains(cell.node)) {
        this._update(cell);
      }
    }
  }

  /** Stop watching and remove every bar. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._observer.disconnect();
    this._flushFrame.dispose();
    this._sources.dispose();
    Signal.disconnectReceiver(this);
    const { notebook } = this._options;
    const remove = (root: Element | null | undefined) =>
      root?.querySelectorAll(`.${RUN_BAR_CLASS}`).forEach(bar => bar.remove());
    // Cells out of the DOM and hidden renderers keep their bars too.
    for (const cell of notebook.widgets) {
      remove(cell.node);
      if (cell.model.type === 'markdown') {
        remove((cell as MarkdownCell).renderer?.node);
      }
    }
    remove(notebook.node);
    this._dirtyNodes.clear();
    this._dirtyModels.clear();
  }

  /** The settings' markers and the notebook's own wordings. */
  private _markers(): RegExp[] {
    // Called per cell: no copy for the usual notebook without wordings.
    const declared = this._wordings.patterns;
    return declared.length
      ? [...this._options.markers(), ...declared]
      : this._options.markers();
  }

  private _readWordings(): { key: string; patterns: RegExp[] } {
    const model = this._options.notebook.model;
    const declared = declaredMarkers(model?.getMetadata(METADATA_KEY));
    return { key: declared.wordings.join('\n'), patterns: declared.patterns };
  }

  /** The notebook's wordings may have changed: redo the bars if they did. */
  private _onMetadata(_: unknown, change: IMetadataChange): void {
    if (!declarationsMayChange(change)) {
      return;
    }
    const wordings = this._readWordings();
    if (wordings.key !== this._wordings.key) {
      this._wordings = wordings;
      this.refresh();
    }
  }

  private _onMutations(records: MutationRecord[]): void {
    const root = this._options.notebook.node;
    let dirty = false;
    for (const record of records) {
      const target =
        record.target instanceof Element
          ? record.target
          : record.target.parentElement;
      // One walk up per record: opening a long notebook or running it
      // brings thousands (editors, outputs), and the cell is found first.
      const nearest = target?.closest(Private.WATCHED);
      if (!target || (nearest && !nearest.matches(Private.CELL))) {
        continue;
      }
      if (nearest) {
        if (!this._dirtyNodes.has(nearest) && !Private.onlyBars(record)) {
          const cell = Private.cellIn(root, nearest);
          if (cell && !this._dirtyNodes.has(cell)) {
            this._dirtyNodes.add(cell);
            dirty = true;
          }
        }
        continue;
      }
      // Cells attached by the windowed list, or a whole list.
      record.addedNodes.forEach(node => {
        if (!(node instanceof Element)) {
          return;
        }
        // Cells are not nested: what a cell holds with a cell's class is
        // its markdown's, and is not looked for.
        const found = node.matches(Private.CELL)
          ? [node]
          : Array.from(node.querySelectorAll(Private.CELL));
        for (const inner of found) {
          const cell = Private.cellIn(root, inner);
          if (cell) {
            this._dirtyNodes.add(cell);
            dirty = true;
          }
        }
      });
    }
    if (dirty) {
      this._flushFrame.schedule();
    }
  }

  private _onSourceChanged(model: ICellModel): void {
    const first = firstLine(model.sharedModel.getSource());
    if (this._firstLines.get(model) === first) {
      return;
    }
    this._firstLines.set(model, first);
    this._dirtyModels.add(model);
    this._flushFrame.schedule();
  }

  private _flush(): void {
    if (this._isDisposed) {
      return;
    }
    const nodes = this._dirtyNodes;
    const models = this._dirtyModels;
    this._dirtyNodes = new Set();
    this._dirtyModels = new Set();
    const root = this._options.notebook.node;
    for (const cell of this._cellsOf(nodes, models)) {
      if (root.contains(cell.node)) {
        this._update(cell);
      }
    }
  }

  /**
   * The cell widgets of these nodes and models. A long notebook renders
   * over many frames, a few cells at a time: the widgets are walked only
   * when one is not known yet, not at every frame.
   */
  private _cellsOf(nodes: Set<Element>, models: Set<ICellModel>): Set<Cell> {
    const known = () => [
      ...Array.from(nodes, node => this._byNode.get(node)),
      ...Array.from(models, model => this._byModel.get(model))
    ];
    let cells = known();
    if (cells.some(cell => !cell || cell.isDisposed)) {
      for (const cell of this._options.notebook.widgets) {
        this._byNode.set(cell.node, cell);
        this._byModel.set(cell.model, cell);
      }
      cells = known();
    }
    return new Set(
      cells.filter((cell): cell is Cell => !!cell && !cell.isDisposed)
    );
  }

  private _update(cell: Cell): void {
    if (cell.isDisposed) {
      return;
    }
    if (cell.model.type === 'markdown') {
      this._updateMarkdown(cell as MarkdownCell);
    } else if (cell.model.type === 'code') {
      this._updateCode(cell);
    }
  }

  private _updateMarkdown(cell: MarkdownCell): void {
    const host = cell.renderer?.node;
    if (!host) {
      return;
    }
    // Bars whose block is gone (the rest of a re-render).
    Array.from(host.getElementsByClassName(RUN_BAR_CLASS)).forEach(bar => {
      if (!Private.isBlock(bar.nextElementSibling)) {
        bar.remove();
      }
    });
    const markers = this._markers();
    const names = this._options.nodeNames();
    const fenced = fencedBlocks(cell.model.sharedModel.getSource());
    const blocks = Array.from(host.getElementsByTagName('pre')).filter(
      pre => !pre.closest(`.${RUN_BAR_CLASS}`)
    );
    const candidates = blocks.filter(Private.isFencedShape);
    const matched = matchBlocks(candidates.map(blockText), fenced);
    blocks.forEach(pre => {
      const at = candidates.indexOf(pre);
      const index = at < 0 ? null : matched[at];
      let bar = pre.previousElementSibling;
      if (index === null) {
        // Not a block of this cell's markdown: no bar at all.
        if (bar instanceof HTMLElement && Private.isBar(bar)) {
          bar.remove();
        }
        return;
      }
      const text = fenced[index];
      const refusal = this._refusal(text, pre, host);
      if (!(bar instanceof HTMLElement) || !Private.isBar(bar)) {
        bar = this._createBar(cell, 'markdown');
        pre.before(bar);
      }
      this._blocks.set(bar as HTMLElement, index);
      const nodes = refusal ? [] : targetNodes(text, markers, names);
      this._render(bar as HTMLElement, nodes, names, refusal);
      const jupyter = !refusal && !nodes.length && runsInJupyter(text, markers);
      showJupyterRun(bar as HTMLElement, jupyter && this._canRun(), () => {
        const { label, title } = jupyterRunLabels(this._trans);
        return this._button(
          bar as HTMLElement,
          JUPYTER_RUN_CLASS,
          label,
          title,
          'run'
        );
      });
      this._options.decorate?.(bar as HTMLElement, text, cell);
    });
  }

  /** Why a block may be neither run nor copied, for its bar; or null. */
  private _refusal(
    text: string,
    pre: HTMLElement | null,
    host: Element | null
  ): string | null {
    const reason =
      unsafeCharacter(text) ?? (pre && host ? hiddenPart(pre, host) : null);
    return reason ? this._trans.__('Not run or copied: %1.', reason) : null;
  }

  private _updateCode(cell: Cell): void {
    const model = cell.model;
    this._sources.add(model);
    const source = model.sharedModel.getSource();
    this._firstLines.set(model, firstLine(source));
    const host = cell.inputArea?.node;
    if (!host) {
      return;
    }
    const names = this._options.nodeNames();
    const nodes = targetNodes(source, this._markers(), names);
    let bar = Array.from(host.children).find(Private.isBar) as
      HTMLElement | undefined;
    if (!nodes.length) {
      bar?.remove();
      return;
    }
    if (!bar) {
      bar = this._createBar(cell, 'code');
      host.appendChild(bar);
    }
    const refusal = this._refusal(source, null, null);
    this._render(bar, refusal ? [] : nodes, names, refusal);
  }

  private _createBar(cell: Cell, kind: IRunTarget['kind']): HTMLElement {
    const bar = el('div', `${RUN_BAR_CLASS} ${RUN_BAR_CLASS}-${kind}`);
    this._cells.set(bar, cell);
    return bar;
  }

  /**
   * Show the buttons for these nodes, or the reason there are none,
   * unless they are shown already.
   */
  private _render(
    bar: HTMLElement,
    nodes: string[],
    names: string[],
    refusal: string | null = null
  ): void {
    const trans = this._trans;
    const canRun = this._canRun();
    const label = nodes.length ? runLabel(nodes, names, trans) : '';
    const state = `${nodes.join('\n')}\n${label}\n${canRun}\n${refusal}`;
    if (this._shown.get(bar) === state) {
      return;
    }
    this._shown.set(bar, state);
    bar.textContent = '';
    if (refusal !== null) {
      const reason = el('span', REFUSED_CLASS);
      reason.textContent = refusal;
      bar.appendChild(reason);
      return;
    }
    if (nodes.length && canRun) {
      const run = this._button(
        bar,
        RUN_BUTTON_CLASS,
        label,
        trans._n(
          'Send this block to the %2 terminal, opening it first if needed',
          'Send this block to the %2 terminals, opening them first if needed',
          nodes.length,
          nodeList(nodes, trans)
        ),
        'run'
      );
      run.setAttribute(RUN_ATTRIBUTE, nodes.join(','));
      // The names are read out even when the label counts them.
      run.setAttribute(
        'aria-label',
        trans.__('%1 (%2)', label, nodes.join(', '))
      );
    }
    this._button(
      bar,
      COPY_BUTTON_CLASS,
      trans.__('Copy'),
      trans.__('Copy this block with your placeholder values filled in'),
      'copy'
    );
  }

  private _canRun(): boolean {
    return this._options.canRun?.() ?? true;
  }

  private _button(
    bar: HTMLElement,
    className: string,
    label: string,
    title: string,
    action: 'run' | 'copy'
  ): HTMLButtonElement {
    const button = el('button', className);
    button.type = 'button';
    button.textContent = label;
    button.title = title;
    // Neither select the cell, start a drag nor take the focus from an
    // editor; a double click does not open the markdown for editing.
    button.addEventListener('mousedown', event => {
      event.stopPropagation();
      event.preventDefault();
    });
    button.addEventListener('dblclick', event => event.stopPropagation());
    // Enter and Space press the button, not a notebook shortcut.
    button.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.stopPropagation();
      }
    });
    button.addEventListener('click', event => {
      event.stopPropagation();
      this._activate(bar, action);
    });
    bar.appendChild(button);
    return button;
  }

  private _activate(bar: HTMLElement, action: 'run' | 'copy'): void {
    const cell = this._cells.get(bar);
    if (this._isDisposed || !cell || cell.isDisposed) {
      return;
    }
    const target = this._targetOf(bar, cell);
    if (!target) {
      return;
    }
    if (action === 'copy') {
      this._options.onCopy(target);
    } else if (target.nodes.length || target.place) {
      this._options.onRun(target);
    } else {
      // The marker or the lab changed since the bar was drawn.
      this._update(cell);
    }
  }

  private _targetOf(bar: HTMLElement, cell: Cell): IRunTarget | null {
    const kind = cell.model.type === 'markdown' ? 'markdown' : 'code';
    const source = cell.model.sharedModel.getSource();
    let text = source;
    if (kind === 'markdown') {
      // The source's block, still the one on the page and all of it seen.
      const pre = bar.nextElementSibling;
      const index = this._blocks.get(bar);
      const fenced =
        index === undefined ? undefined : fencedBlocks(source)[index];
      const host = (cell as MarkdownCell).renderer?.node ?? null;
      if (!Private.isBlock(pre) || fenced !== blockText(pre)) {
        this._update(cell);
        return null;
      }
      text = fenced;
      const refusal = this._refusal(text, pre, host);
      if (refusal) {
        this._render(bar, [], [], refusal);
        return null;
      }
    } else if (this._refusal(text, null, null)) {
      this._update(cell);
      return null;
    }
    const markers = this._markers();
    const nodes = targetNodes(text, markers, this._options.nodeNames());
    const jupyter =
      kind === 'markdown' && !nodes.length && runsInJupyter(text, markers);
    return {
      nodes,
      text,
      cellId: cell.model.id,
      kind,
      ...(jupyter ? { place: 'jupyter' as const } : {})
    };
  }

  private _options: RunButtons.IOptions;
  private _trans: TranslationBundle;
  private _wordings: { key: string; patterns: RegExp[] };
  private _observer: MutationObserver;
  private _isDisposed = false;
  private _flushFrame = new DeferredTask(() => this._flush());
  private _dirtyNodes = new Set<Element>();
  private _dirtyModels = new Set<ICellModel>();
  private _sources = new SourceWatch(model => this._onSourceChanged(model));
  private _firstLines = new WeakMap<ICellModel, string>();
  private _cells = new WeakMap<HTMLElement, Cell>();
  private _byNode = new WeakMap<Element, Cell>();
  private _byModel = new WeakMap<ICellModel, Cell>();
  private _shown = new WeakMap<HTMLElement, string>();
  /** The index of a markdown bar's block among its cell's fenced blocks. */
  private _blocks = new WeakMap<HTMLElement, number>();
}

namespace Private {
  /**
   * Changes that are no render: editors, and where a run writes (outputs,
   * the prompt's count), which is never a block's.
   */
  export const IGNORED = '.cm-editor, .jp-OutputArea, .jp-InputPrompt';

  export const CELL = '.jp-Cell';

  /** A cell, or what in it is no render: the nearest tells which. */
  export const WATCHED = `${CELL}, ${IGNORED}, .${RUN_BAR_CLASS}`;

  /**
   * The notebook's cell an element with a cell's class is, or is in; null
   * outside the notebook. A notebook's markdown may carry JupyterLab's
   * class names, so the outermost is the cell: an element posing as one
   * is never taken for a cell widget (nor sends the notebook's widgets to
   * be walked again at each of its changes).
   */
  export function cellIn(root: Element, node: Element): Element | null {
    let cell = node;
    let up = node.parentElement;
    for (; up && up !== root; up = up.parentElement) {
      if (up.matches(CELL)) {
        cell = up;
      }
    }
    return up === root ? cell : null;
  }

  export function isBar(node: Element): boolean {
    return node.classList.contains(RUN_BAR_CLASS);
  }

  export function isBlock(node: Element | null): node is HTMLPreElement {
    return node?.localName === 'pre';
  }

  /**
   * A `<pre>` shaped as markdown renders a fenced block: one `<code>` in
   * it and nothing else. Raw HTML may take this shape too; its text is
   * then compared with the source's blocks and its parts' visibility
   * checked.
   */
  export function isFencedShape(pre: HTMLElement): boolean {
    const children = Array.from(pre.childNodes).filter(
      node => !(node.nodeType === Node.TEXT_NODE && !node.textContent?.trim())
    );
    return (
      children.length === 1 && (children[0] as Element).localName === 'code'
    );
  }

  /** Whether a record only added or removed bars: the bars' own doing. */
  export function onlyBars(record: MutationRecord): boolean {
    const changed = [
      ...Array.from(record.addedNodes),
      ...Array.from(record.removedNodes)
    ];
    return (
      changed.length > 0 &&
      changed.every(node => node instanceof Element && isBar(node))
    );
  }
}
