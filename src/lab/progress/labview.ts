/**
 * The lab's notebooks (the notebooks beside the current one) with their
 * progress, so a student sees which one is next: a notebook open here from
 * its live model, the others from their files. It reads only while visible,
 * and a file only when it changed since it was read (its modification time
 * in the folder's listing): opening a notebook costs one listing, not a
 * read of every notebook beside it.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { DeferredTask } from '../deferred';
import {
  compareNames,
  INotebookProgress,
  summarizeNotebook
} from '../../core/progress/lab';
import type { IOutlineOptions } from '../../core/progress/outline';

export namespace LabView {
  export interface IOptions {
    contents: Contents.IManager;
    outlineOptions: () => IOutlineOptions;
    /** Progress of a notebook open in this JupyterLab, fresher than its file. */
    live: (path: string) => INotebookProgress | null;
    open: (path: string) => void;
    translator?: ITranslator;
  }
}

/** A lab folder is small; a larger one is listed only in part. */
const MAX_NOTEBOOKS = 40;
/** Files larger than this are listed without reading them. */
const MAX_BYTES = 20 * 1024 * 1024;
/** Files read at once. */
const CONCURRENCY = 4;

export class LabView extends Widget {
  constructor(options: LabView.IOptions) {
    super();
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this.addClass('jp-testbed-Lab');
    this.title.label = this._trans.__('Lab notebooks');
    this._list = document.createElement('ul');
    this._list.className = 'jp-testbed-Lab-list';
    this._status = document.createElement('p');
    this._status.className = 'jp-testbed-Lab-status';
    this.node.append(this._list, this._status);
    options.contents.fileChanged.connect(this._onFileChanged, this);
  }

  /** The notebook on screen; its folder is the lab. */
  set currentPath(path: string | null) {
    const directory = path === null ? null : PathExt.dirname(path);
    this._currentPath = path;
    if (directory !== this._directory) {
      // What was read of a folder stays while no notebook is on screen, so
      // closing and opening one of it again reads nothing unchanged.
      if (directory !== null && directory !== this._readDirectory) {
        this._files = new Map();
        this._queue = [];
        this._readDirectory = directory;
      }
      this._directory = directory;
      this._invalidate();
    } else {
      this._render();
      this._readFiles();
    }
  }

  /**
   * A notebook was closed: without saving, its file was not read while it
   * was open, so it is read now.
   */
  notebookClosed(): void {
    this._readFiles();
  }

  /**
   * Re-read the lab's files (when visible; otherwise on next show).
   */
  refresh(): void {
    this._files = new Map();
    this._invalidate();
  }

  /**
   * Re-draw from what is known, for a change in an open notebook; at most
   * once a frame, since a run-all changes a step every few milliseconds.
   */
  redraw(): void {
    if (this.isVisible) {
      this._frame.schedule();
    }
  }

  dispose(): void {
    this._frame.dispose();
    this._options.contents.fileChanged.disconnect(this._onFileChanged, this);
    super.dispose();
  }

  protected onBeforeShow(msg: Message): void {
    super.onBeforeShow(msg);
    if (this._stale) {
      void this._read();
    } else {
      this._render();
    }
  }

  private _onFileChanged(_: unknown, change: Contents.IChangedArgs): void {
    const path = change.newValue?.path ?? change.oldValue?.path;
    if (typeof path !== 'string') {
      return;
    }
    const directory = PathExt.dirname(path);
    // What was read is kept while no notebook is on screen: forget it too.
    if (directory === this._readDirectory) {
      this._files.delete(path);
    }
    if (directory === this._directory) {
      this._invalidate();
    }
  }

  private _invalidate(): void {
    this._stale = true;
    if (this.isVisible) {
      void this._read();
    }
  }

  private async _read(): Promise<void> {
    this._stale = false;
    const directory = this._directory;
    const generation = ++this._generation;
    if (directory === null) {
      this._items = [];
      this._render();
      return;
    }
    let listing: Contents.IModel;
    try {
      listing = await this._options.contents.get(directory, { content: true });
    } catch (reason) {
      if (generation === this._generation) {
        this._items = [];
        this._status.textContent = this._trans.__(
          'Cannot list the lab folder: %1',
          String(reason)
        );
      }
      return;
    }
    if (generation !== this._generation) {
      return;
    }
    const items = (listing.content as Contents.IModel[])
      .filter(item => item.type === 'notebook')
      .sort((a, b) => compareNames(a.name, b.name));
    this._truncated = items.length > MAX_NOTEBOOKS;
    this._items = items.slice(0, MAX_NOTEBOOKS);
    // Renamed or deleted: nothing to keep.
    const listed = new Set(this._items.map(item => item.path));
    for (const path of this._files.keys()) {
      if (!listed.has(path)) {
        this._files.delete(path);
      }
    }
    this._render();
    this._readFiles();
  }

  /**
   * Queue the listed notebooks that are not open here and were not read
   * since they last changed; while hidden, wait to be shown.
   */
  private _readFiles(): void {
    if (!this.isVisible) {
      this._stale = true;
      return;
    }
    const queued = new Set(this._queue.map(item => item.path));
    for (const item of this._items) {
      if (
        !queued.has(item.path) &&
        !this._reading.has(item.path) &&
        !this._isRead(item) &&
        this._options.live(item.path) === null
      ) {
        this._queue.push(item);
      }
    }
    this._pump();
  }

  /** Whether a notebook's file was read for this listing or since it changed. */
  private _isRead(item: Contents.IModel): boolean {
    const read = this._files.get(item.path);
    if (!read) {
      return false;
    }
    // A listing without modification times: read once per listing.
    const modified =
      typeof item.last_modified === 'string' && item.last_modified !== '';
    return (
      read.listing === this._generation ||
      (modified && read.modified === item.last_modified)
    );
  }

  /** Start reads from the queue, no more than CONCURRENCY at once. */
  private _pump(): void {
    while (this._reading.size < CONCURRENCY && this._queue.length) {
      const item = this._queue.shift()!;
      const directory = this._readDirectory;
      const listing = this._generation;
      this._reading.add(item.path);
      void this._readOne(item).then(progress => {
        this._reading.delete(item.path);
        if (directory === this._readDirectory) {
          this._files.set(item.path, {
            modified: item.last_modified,
            listing,
            progress
          });
          this._frame.schedule();
          // Listed again while it was read: the listing may name a newer one.
          if (listing !== this._generation) {
            this._readFiles();
          }
        }
        this._pump();
      });
    }
  }

  private async _readOne(item: Contents.IModel): Promise<INotebookProgress> {
    if (typeof item.size === 'number' && item.size > MAX_BYTES) {
      return {
        done: 0,
        total: 0,
        problem: this._trans.__('too large to read')
      };
    }
    try {
      const file = await this._options.contents.get(item.path, {
        type: 'notebook',
        content: true
      });
      return summarizeNotebook(file.content, this._options.outlineOptions());
    } catch (reason) {
      return { done: 0, total: 0, problem: this._trans.__('cannot be read') };
    }
  }

  private _render(): void {
    this._list.textContent = '';
    let nextMarked = false;
    for (const { path } of this._items) {
      const progress =
        this._options.live(path) ?? this._files.get(path)?.progress ?? null;
      const item = document.createElement('li');
      item.className = 'jp-testbed-Lab-notebook';
      const complete =
        !!progress &&
        !progress.problem &&
        progress.total > 0 &&
        progress.done === progress.total;
      let state = complete ? 'complete' : '';
      if (
        !complete &&
        !nextMarked &&
        progress &&
        !progress.problem &&
        progress.total > 0
      ) {
        state = 'next';
        nextMarked = true;
      }
      item.dataset.state = state;
      if (path === this._currentPath) {
        item.classList.add('jp-mod-current');
      }
      const name = document.createElement('button');
      name.className = 'jp-testbed-Lab-name';
      name.textContent = PathExt.basename(path);
      name.title = this._trans.__('Open %1', path);
      name.addEventListener('click', () => this._options.open(path));
      const count = document.createElement('span');
      count.className = 'jp-testbed-Lab-count';
      if (!progress) {
        count.textContent = '…';
      } else if (progress.problem) {
        count.textContent = progress.problem;
      } else {
        count.textContent = progress.total
          ? `${progress.done}/${progress.total}`
          : '–';
      }
      const badge = document.createElement('span');
      badge.className = 'jp-testbed-Lab-badge';
      badge.textContent = state === 'next' ? this._trans.__('next') : '';
      item.append(name, badge, count);
      this._list.appendChild(item);
    }
    this._status.textContent = this._truncated
      ? this._trans.__(
          'Only the first %1 notebooks of this folder are listed.',
          MAX_NOTEBOOKS
        )
      : '';
  }

  private _options: LabView.IOptions;
  private _trans: TranslationBundle;
  private _list: HTMLUListElement;
  private _status: HTMLParagraphElement;
  private _currentPath: string | null = null;
  private _directory: string | null = null;
  /** The listed notebooks, with their modification times. */
  private _items: Contents.IModel[] = [];
  /**
   * What was read of each notebook of `_readDirectory`: of which version
   * (modification time) and for which listing (`_generation`).
   */
  private _files = new Map<
    string,
    { modified: string; listing: number; progress: INotebookProgress }
  >();
  /** The folder `_files` is about; kept while no notebook is on screen. */
  private _readDirectory: string | null = null;
  /** Notebooks waiting to be read, and those being read. */
  private _queue: Contents.IModel[] = [];
  private _reading = new Set<string>();
  private _truncated = false;
  private _stale = true;
  private _generation = 0;
  private _frame = new DeferredTask(() => this._render());
}
