/**
 * The Author section of the sidebar: what the notebook on screen declares
 * (placeholders, nodes, manual steps, kept outputs, marker wordings),
 * edited and checked as it is typed, and the lab as a student will see it.
 *
 * Declarations are written into the notebook model, so they are saved with
 * the notebook; a record that cannot be read is shown, never written over.
 * Everything read from the notebook is set as text.
 */
import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import { METADATA_KEY, readNotebookRecord } from '../../core/metadata/format';
import { revealCell } from '../notebook/reveal';
import { CHAMELEON_PLACEHOLDERS } from '../../core/placeholders/definitions';
import {
  DEFAULT_OUTLINE_OPTIONS,
  ICellInput,
  IOutlineOptions
} from '../../core/progress/outline';
import { wordingPattern } from '../../core/terminals/markers';
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
} from '../../core/authoring/declarations';
import { MarkedCells } from './markedcells';
import { NotebookWatch } from './notebookwatch';
import {
  countMarked,
  IPreviewBlock,
  previewBlocks,
  previewLab,
  settingsMarkers
} from '../../core/authoring/preview';
import { PreviewView } from './previewview';
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
    /** Edit the check of a step: its cell and its key in the cell's record. */
    editCheck: (cellId: string, key: string) => void;
  }
}

/** Quiet time after a keystroke before valid declarations are stored. */
const SAVE_DELAY = 400;

/** At most one preview per this many milliseconds while the notebook changes. */
const PREVIEW_DELAY = 300;

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
    this._markedCells = new MarkedCells({
      trans,
      model: () => this._model,
      cellLink: (cell, text) => this._cellLink(cell, text),
      unmarked: () => this._refreshPreview(),
      editCheck: options.editCheck
    });
    steps.append(...this._markedCells.nodes);

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

    this._preview = new PreviewView({
      trans,
      cellLink: (cells, text) => this._cellLink(cells, text)
    });

    this._parts = [placeholders, nodes, steps, markers, this._preview.node];
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
      this._notebook.watch(panel);
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

  private _unwatch(): void {
    const panel = this._panel;
    if (!panel) {
      return;
    }
    this._notebook.unwatch(panel);
    this._externalChange = false;
  }

  private _onRecordChanged(): void {
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
        outline: this._options.outlineOptions?.() ?? DEFAULT_OUTLINE_OPTIONS,
        presetNodes: this._options.presetNodes(),
        markers: this._options.markers()
      },
      this._blocks
    );
    this._markedCells.render(cells);
    this._preview.render(preview);
    this._check();
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
  private _notebook = new NotebookWatch({
    recordChanged: () => this._onRecordChanged(),
    cellsChanged: () => this._schedulePreview(),
    closed: () => (this.panel = null)
  });
  private _rows: { [kind in DeclarationKind]?: DeclarationRows } = {};
  private _notes: HTMLElement;
  private _nodesHint: HTMLElement;
  private _markedCells: MarkedCells;
  private _builtInMarkers: HTMLElement;
  private _preview: PreviewView;
  private _parts: HTMLElement[];
}
