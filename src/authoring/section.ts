/**
 * The Author section of the sidebar: what the notebook on screen declares
 * (placeholders, nodes, manual steps, kept outputs, marker wordings),
 * edited and checked as it is typed, and the lab as a student will see it.
 *
 * Declarations are written into the notebook model, so they are saved with
 * the notebook; a record that cannot be read is shown, never written over.
 * Everything read from the notebook is set as text.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import type { IObservableList } from '@jupyterlab/observables';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import { writableRecord, storeRecord } from '../metadata/cell';
import {
  ICellRecord,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord,
  withKeptOutputs,
  withManualStep
} from '../metadata/format';
import { plainText } from '../notebook/markdown';
import { revealCell } from '../notebook/reveal';
import {
  commandLabel,
  DEFAULT_STEP_RULES,
  markdownLabel
} from '../notebook/steps';
import { CHAMELEON_PLACEHOLDERS } from '../placeholders/definitions';
import type { ICellInput, IOutlineOptions } from '../progress/outline';
import { wordingPattern } from '../terminals/markers';
import {
  checkDeclarations,
  DECLARATION_KINDS,
  DeclarationKind,
  IDeclarations,
  isValid,
  MAX_ROWS,
  NODE_FIELDS,
  PLACEHOLDER_FIELDS,
  readDeclarations,
  RowProblems,
  sameDeclarations,
  withDeclarations,
  withField
} from './declarations';
import {
  countMarked,
  IPreview,
  IPreviewBlock,
  previewBlocks,
  previewLab,
  settingsMarkers
} from './preview';
import { DeclarationRows } from './rows';

export namespace AuthorSection {
  export interface IOptions {
    translator?: ITranslator;
    /** The node names of the terminals' preset, used when the notebook declares none. */
    presetNodes: () => string[];
    /** The terminals' marker sources from the settings. */
    markers: () => string[];
    /** What Progress counts as sections and steps; default: its default settings. */
    outlineOptions?: () => IOutlineOptions;
    /** Write these declarations into the lab folder's other notebooks. */
    shareToFolder?: () => void;
  }
}

/** Quiet time after a keystroke before valid declarations are stored. */
const SAVE_DELAY = 400;

/** At most one preview per this many milliseconds while the notebook changes. */
const PREVIEW_DELAY = 300;

/** Blocks naming no node listed one by one; the rest are counted. */
const MAX_LISTED = 10;

export class AuthorSection extends Widget {
  constructor(options: AuthorSection.IOptions) {
    super();
    this._options = options;
    const trans = (this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    ));
    this.addClass('jp-testbed-author');
    this.title.label = trans.__('Author');

    this._notes = el('ul', 'jp-testbed-author-notes');
    const placeholders = this._part(trans.__('Placeholders'));
    const builtIn = el('p', 'jp-testbed-author-hint');
    builtIn.textContent = trans.__(
      'Built in: %1. A row with the same token replaces it.',
      CHAMELEON_PLACEHOLDERS.map(p => p.token).join(', ')
    );
    placeholders.append(builtIn, this._list('placeholders').node);

    const nodes = this._part(trans.__('Nodes'));
    this._nodesHint = el('p', 'jp-testbed-author-hint');
    nodes.append(this._nodesHint, this._list('nodes').node);

    const steps = this._part(trans.__('Manual steps'));
    const stepsHint = el('p', 'jp-testbed-author-hint');
    stepsHint.textContent = trans.__(
      'Select a markdown cell and use Manual Step: Done Outside the Notebook in its context menu.'
    );
    this._manual = el('ul', 'jp-testbed-author-cells');
    this._manual.setAttribute('aria-label', trans.__('Manual steps'));
    const kept = el('h4', 'jp-testbed-author-subheading');
    kept.textContent = trans.__('Outputs kept when publishing');
    const keptHint = el('p', 'jp-testbed-author-hint');
    keptHint.textContent = trans.__(
      'Select a code cell and use Keep This Cell’s Outputs When Publishing in its context menu.'
    );
    this._kept = el('ul', 'jp-testbed-author-cells');
    this._kept.setAttribute(
      'aria-label',
      trans.__('Outputs kept when publishing')
    );
    steps.append(stepsHint, this._manual, kept, keptHint, this._kept);

    const markers = this._part(trans.__('Markers'));
    this._builtInMarkers = el('p', 'jp-testbed-author-hint');
    markers.append(this._builtInMarkers, this._list('markers').node);
    if (options.shareToFolder) {
      const share = el('button', 'jp-mod-styled jp-testbed-author-share');
      share.type = 'button';
      share.textContent = trans.__('Use in Every Notebook of the Folder');
      share.title = trans.__(
        'Write these placeholders, nodes and marker wordings into the other notebooks of this lab folder'
      );
      share.addEventListener('click', options.shareToFolder);
      markers.append(share);
    }

    this._preview = el('section', 'jp-testbed-author-preview');
    const heading = el('h3', 'jp-testbed-author-heading');
    heading.textContent = trans.__('As a student sees it');
    this._previewList = el('ul', 'jp-testbed-author-previewLines');
    this._preview.append(heading, this._previewList);

    this._parts = [placeholders, nodes, steps, markers, this._preview];
    this.node.append(this._notes, ...this._parts);
    this._update();
  }

  /** The notebook being authored, or null. */
  get panel(): NotebookPanel | null {
    return this._panel;
  }
  set panel(panel: NotebookPanel | null) {
    if (panel === this._panel) {
      return;
    }
    this._store();
    this._unwatch();
    this._panel = panel;
    this._declarations = null;
    this._dirty = false;
    if (panel) {
      this._watch(panel);
      // A notebook still loading fills its model later.
      panel.context.ready
        .then(() => {
          if (this._panel === panel && !this._dirty) {
            this._reload();
          }
        })
        .catch(() => undefined);
    }
    this._update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._store();
    this._unwatch();
    this._clearTimer('_saveTimer');
    this._clearTimer('_previewTimer');
    super.dispose();
  }

  /** Read everything again and redraw (a new notebook). */
  private _update(): void {
    const panel = this._panel;
    this._parts.forEach(part => (part.hidden = !panel));
    this._reload();
  }

  /** Read the declarations again and rebuild the rows, then the rest. */
  private _reload(): void {
    const model = this._model;
    if (model) {
      const read = readDeclarations(model.getMetadata(METADATA_KEY));
      this._readProblem = read.ok ? null : read.problem;
      this._declarations = read.ok ? read.declarations : null;
    } else {
      this._readProblem = null;
      this._declarations = null;
    }
    this._dirty = false;
    this._externalChange = false;
    this._renderRows();
    this._refreshPreview();
  }

  private get _model(): INotebookModel | null {
    const model = this._panel?.content.model ?? null;
    return model && !model.isDisposed ? model : null;
  }

  private get _editable(): boolean {
    return this._declarations !== null;
  }

  private _part(title: string): HTMLElement {
    const part = el('section', 'jp-testbed-author-part');
    const heading = el('h3', 'jp-testbed-author-heading');
    heading.textContent = title;
    part.appendChild(heading);
    return part;
  }

  private _list(kind: DeclarationKind): DeclarationRows {
    const trans = this._trans;
    const labels: { [key: string]: string } = {
      token: trans.__('Token'),
      label: trans.__('Label'),
      description: trans.__('Help'),
      pattern: trans.__('Pattern'),
      example: trans.__('Example'),
      name: trans.__('Name'),
      host: trans.__('Host'),
      user: trans.__('User'),
      jump: trans.__('Jump')
    };
    const hints: { [key: string]: string } = {
      token: trans.__('<your-ip>'),
      pattern: trans.__('any value'),
      name: trans.__('node1'),
      host: trans.__('10.0.0.5 or {floatingIp}'),
      user: 'cc',
      jump: trans.__('none')
    };
    const fields =
      kind === 'markers'
        ? null
        : (kind === 'placeholders' ? PLACEHOLDER_FIELDS : NODE_FIELDS).map(
            key => ({ key, label: labels[key], hint: hints[key] })
          );
    const texts = {
      placeholders: [
        trans.__('Add Placeholder'),
        trans.__('Remove placeholder')
      ],
      nodes: [trans.__('Add Node'), trans.__('Remove node')],
      markers: [trans.__('Add Wording'), trans.__('Remove wording')]
    }[kind];
    const rows = new DeclarationRows({
      trans,
      fields,
      addLabel: texts[0],
      removeLabel: texts[1],
      entries: () => this._declarations?.[kind] ?? [],
      edit: (index, key, text) => {
        const entries = this._declarations?.[kind];
        if (!entries) {
          return;
        }
        entries[index] =
          key === null ? text : withField(entries[index], key, text);
        this._edited();
      },
      commit: () => this._store(),
      add: () => {
        const declarations = this._declarations;
        if (!declarations) {
          return;
        }
        declarations[kind].push(kind === 'markers' ? '' : {});
        this._renderRows();
        rows.focusLast();
        this._edited();
      },
      remove: index => {
        const declarations = this._declarations;
        if (!declarations) {
          return;
        }
        declarations[kind].splice(index, 1);
        if (!declarations[kind].length) {
          declarations.notLists = declarations.notLists.filter(k => k !== kind);
        }
        this._renderRows();
        this._edited();
        this._store();
      }
    });
    this._rows[kind] = rows;
    return rows;
  }

  private _renderRows(): void {
    const declarations = this._declarations;
    for (const kind of DECLARATION_KINDS) {
      this._rows[kind]?.render(
        this._editable,
        (declarations?.[kind].length ?? 0) < MAX_ROWS[kind]
      );
    }
    this._check();
  }

  /** Show every row's problem; true when all rows can be stored. */
  private _check(): boolean {
    const declarations = this._declarations;
    const problems: RowProblems = declarations
      ? checkDeclarations(declarations)
      : { placeholders: [], nodes: [], markers: [] };
    for (const kind of DECLARATION_KINDS) {
      this._rows[kind]?.showProblems(problems[kind]);
    }
    this._showWordingCounts();
    this._showNodesHint();
    const ok = isValid(problems);
    this._renderNotes(ok);
    return ok;
  }

  /** An entry changed: check all rows, and store a little later if they are valid. */
  private _edited(): void {
    this._dirty = true;
    this._clearTimer('_saveTimer');
    if (this._check()) {
      this._saveTimer = setTimeout(() => {
        this._saveTimer = null;
        this._store();
      }, SAVE_DELAY);
    }
  }

  /** Store the edited declarations now, if they are all valid. */
  private _store(): void {
    this._clearTimer('_saveTimer');
    const model = this._model;
    const declarations = this._declarations;
    if (!this._dirty || !model || !declarations) {
      return;
    }
    if (!isValid(checkDeclarations(declarations))) {
      return;
    }
    const value = model.getMetadata(METADATA_KEY);
    const read = readNotebookRecord(value);
    if (read.status === 'newer' || read.status === 'corrupt') {
      // It became unreadable since it was read: show why, write nothing.
      this._reload();
      return;
    }
    const current = readDeclarations(value);
    this._dirty = false;
    this._externalChange = false;
    if (current.ok && sameDeclarations(current.declarations, declarations)) {
      return;
    }
    const record = withDeclarations(read.record, declarations);
    this._writing = true;
    try {
      if (record) {
        model.setMetadata(METADATA_KEY, record as any);
      } else {
        model.deleteMetadata(METADATA_KEY);
      }
    } finally {
      this._writing = false;
    }
    this._renderNotes(true);
  }

  private _renderNotes(valid: boolean): void {
    const trans = this._trans;
    const notes: [string, 'info' | 'warning'][] = [];
    if (!this._panel) {
      notes.push([
        trans.__('Open a lab notebook to declare what it needs.'),
        'info'
      ]);
    } else if (this._readProblem) {
      notes.push([
        trans.__('%1 The declarations below are read-only.', this._readProblem),
        'warning'
      ]);
    } else if (!valid) {
      notes.push([
        trans.__('Not saved: fix the rows marked below first.'),
        'warning'
      ]);
    } else if (this._externalChange) {
      notes.push([
        trans.__(
          'The notebook’s declarations were changed elsewhere; your edits here replace them.'
        ),
        'info'
      ]);
    }
    this._notes.replaceChildren(
      ...notes.map(([text, kind]) => {
        const item = el('li', `jp-testbed-author-notice jp-mod-${kind}`);
        item.textContent = text;
        return item;
      })
    );
  }

  private _showNodesHint(): void {
    const trans = this._trans;
    const declared = this._declarations?.nodes.length ?? 0;
    const preset = this._options.presetNodes();
    this._nodesHint.textContent = declared
      ? trans.__('These nodes replace the preset’s for this notebook.')
      : preset.length
        ? trans.__('None declared: the preset’s %1 apply.', preset.join(', '))
        : trans.__('None declared, and the preset has no nodes.');
  }

  /** How many blocks the built-in markers and each wording match. */
  private _showWordingCounts(): void {
    const trans = this._trans;
    const blocks = this._blocks;
    const count = (n: number) =>
      trans._n('matches %1 block', 'matches %1 blocks', n);
    const sources = this._options.markers();
    const builtIn = countMarked(blocks, settingsMarkers(sources));
    this._builtInMarkers.textContent = sources.length
      ? trans.__(
          'From the settings: %1 (%2).',
          sources.join(', '),
          count(builtIn)
        )
      : trans.__(
          'Built in: # run on … (also runs, in, inside) (%1).',
          count(builtIn)
        );
    const wordings = this._declarations?.markers ?? [];
    this._rows.markers?.showNotes(
      wordings.map(wording =>
        typeof wording === 'string' && wording.trim()
          ? count(countMarked(blocks, [wordingPattern(wording)]))
          : ''
      )
    );
  }

  private _watch(panel: NotebookPanel): void {
    const model = panel.content.model;
    panel.disposed.connect(this._onPanelDisposed, this);
    if (!model) {
      return;
    }
    model.metadataChanged.connect(this._onMetadataChanged, this);
    model.cells.changed.connect(this._onCellsChanged, this);
    for (let i = 0; i < model.cells.length; i++) {
      this._watchCell(model.cells.get(i));
    }
  }

  private _unwatch(): void {
    const panel = this._panel;
    if (!panel) {
      return;
    }
    panel.disposed.disconnect(this._onPanelDisposed, this);
    const model = panel.content.model;
    if (model && !model.isDisposed) {
      model.metadataChanged.disconnect(this._onMetadataChanged, this);
      model.cells.changed.disconnect(this._onCellsChanged, this);
      for (let i = 0; i < model.cells.length; i++) {
        const cell = model.cells.get(i);
        cell.contentChanged.disconnect(this._schedulePreview, this);
        cell.metadataChanged.disconnect(this._schedulePreview, this);
      }
    }
    this._watched = new WeakSet();
    this._externalChange = false;
  }

  private _watchCell(cell: ICellModel): void {
    if (this._watched.has(cell)) {
      return;
    }
    this._watched.add(cell);
    cell.contentChanged.connect(this._schedulePreview, this);
    cell.metadataChanged.connect(this._schedulePreview, this);
  }

  private _onPanelDisposed(): void {
    this.panel = null;
  }

  private _onCellsChanged(
    _: unknown,
    change: IObservableList.IChangedArgs<ICellModel>
  ): void {
    change.newValues.forEach(cell => this._watchCell(cell));
    this._schedulePreview();
  }

  private _onMetadataChanged(_: unknown, change: { key: string }): void {
    if (change.key !== METADATA_KEY) {
      return;
    }
    if (!this._writing) {
      const read = readDeclarations(this._model?.getMetadata(METADATA_KEY));
      const changed =
        !read.ok ||
        !this._declarations ||
        !sameDeclarations(read.declarations, this._declarations);
      if (changed && !this._dirty) {
        this._reload();
        return;
      }
      // Edits not stored yet win; the log written on runs changes nothing here.
      this._externalChange = changed && this._dirty;
      if (!read.ok) {
        this._reload();
        return;
      }
    }
    this._schedulePreview();
  }

  private _schedulePreview(): void {
    if (this._previewTimer === null) {
      this._previewTimer = setTimeout(() => {
        this._previewTimer = null;
        this._refreshPreview();
      }, PREVIEW_DELAY);
    }
  }

  private _refreshPreview(): void {
    this._clearTimer('_previewTimer');
    const model = this._model;
    if (!model) {
      this._blocks = [];
      this._check();
      return;
    }
    const cells: ICellInput[] = [];
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      cells.push({
        id: cell.id,
        type: cell.type,
        source: cell.sharedModel.getSource(),
        record: cell.getMetadata(METADATA_KEY)
      });
    }
    this._blocks = previewBlocks(cells);
    const preview = previewLab(
      cells,
      model.getMetadata(METADATA_KEY),
      {
        outline: this._options.outlineOptions?.() ?? Private.OUTLINE,
        presetNodes: this._options.presetNodes(),
        markers: this._options.markers()
      },
      this._blocks
    );
    this._renderMarkedCells(cells);
    this._renderPreview(preview);
    this._check();
  }

  /** The manual steps and the code cells whose outputs are kept. */
  private _renderMarkedCells(cells: ICellInput[]): void {
    const trans = this._trans;
    const manual: HTMLElement[] = [];
    const kept: HTMLElement[] = [];
    cells.forEach((cell, index) => {
      const read = readCellRecord(cell.record);
      if (read.status !== 'ok') {
        return;
      }
      if (cell.type === 'markdown' && read.record.step === 'manual') {
        manual.push(
          this._markedCell(
            index,
            cell.id,
            plainText(markdownLabel(cell.source)),
            trans.__('Not a manual step'),
            trans.__('Unmark this manual step'),
            record => withManualStep(record, false)
          )
        );
      } else if (cell.type === 'code' && read.record.keep === true) {
        kept.push(
          this._markedCell(
            index,
            cell.id,
            commandLabel(cell.source),
            trans.__('Do not keep'),
            trans.__('Clear this cell’s outputs when publishing'),
            record => withKeptOutputs(record, false)
          )
        );
      }
    });
    const none = (text: string) => {
      const item = el('li', 'jp-testbed-author-none');
      item.textContent = text;
      return [item];
    };
    this._manual.replaceChildren(
      ...(manual.length ? manual : none(trans.__('No manual steps.')))
    );
    this._kept.replaceChildren(
      ...(kept.length ? kept : none(trans.__('No cell keeps its outputs.')))
    );
  }

  private _markedCell(
    index: number,
    id: string,
    label: string,
    unmark: string,
    unmarkTitle: string,
    without: (record: ICellRecord) => ICellRecord
  ): HTMLElement {
    const item = el('li', 'jp-testbed-author-cell');
    item.appendChild(
      this._cellLink(
        index,
        this._trans.__(
          'Cell %1: %2',
          index + 1,
          label || this._trans.__('(empty)')
        )
      )
    );
    const button = el('button', 'jp-mod-styled jp-testbed-author-unmark');
    button.type = 'button';
    // A short word leaves the narrow sidebar to the cell's text.
    button.textContent = this._trans.__('Unmark');
    button.setAttribute('aria-label', unmark);
    button.title = unmarkTitle;
    button.addEventListener('click', () => {
      const cell = this._cellById(id);
      const record = cell ? writableRecord(cell) : undefined;
      if (cell && record) {
        storeRecord(cell, without(record));
        this._refreshPreview();
      }
    });
    item.appendChild(button);
    return item;
  }

  private _renderPreview(preview: IPreview): void {
    const trans = this._trans;
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
        this._cellLink(
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
        this._cellLink(
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
    this._previewList.replaceChildren(...lines);
  }

  /**
   * A button that shows a cell; given several, the next one after the
   * active cell.
   */
  private _cellLink(cells: number | number[], text: string): HTMLElement {
    const button = el('button', 'jp-testbed-author-cellLink');
    button.type = 'button';
    button.textContent = text;
    button.title = text;
    button.addEventListener('click', () => {
      const panel = this._panel;
      if (!panel) {
        return;
      }
      const list = typeof cells === 'number' ? [cells] : cells;
      const active = panel.content.activeCellIndex;
      const next = list.find(index => index > active) ?? list[0];
      void revealCell(panel, next);
    });
    return button;
  }

  private _cellById(id: string): ICellModel | null {
    const model = this._model;
    for (let i = 0; model && i < model.cells.length; i++) {
      if (model.cells.get(i).id === id) {
        return model.cells.get(i);
      }
    }
    return null;
  }

  private _clearTimer(name: '_saveTimer' | '_previewTimer'): void {
    const timer = this[name];
    if (timer !== null) {
      clearTimeout(timer);
      this[name] = null;
    }
  }

  private _options: AuthorSection.IOptions;
  private _trans: TranslationBundle;
  private _panel: NotebookPanel | null = null;
  private _declarations: IDeclarations | null = null;
  private _readProblem: string | null = null;
  /** Edits not stored yet. */
  private _dirty = false;
  /** The record was changed elsewhere while edits were not stored yet. */
  private _externalChange = false;
  /** Our own write is under way: its change event is no news. */
  private _writing = false;
  private _saveTimer: ReturnType<typeof setTimeout> | null = null;
  private _previewTimer: ReturnType<typeof setTimeout> | null = null;
  private _blocks: IPreviewBlock[] = [];
  private _watched = new WeakSet<ICellModel>();
  private _rows: { [kind in DeclarationKind]?: DeclarationRows } = {};
  private _notes: HTMLElement;
  private _nodesHint: HTMLElement;
  private _manual: HTMLElement;
  private _kept: HTMLElement;
  private _builtInMarkers: HTMLElement;
  private _preview: HTMLElement;
  private _previewList: HTMLElement;
  private _parts: HTMLElement[];
}

namespace Private {
  /** Progress's default settings. */
  export const OUTLINE: IOutlineOptions = {
    ...DEFAULT_STEP_RULES,
    maxSectionLevel: 3
  };
}
