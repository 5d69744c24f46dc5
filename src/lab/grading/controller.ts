/**
 * Grader mode for the app: which notebooks are open for grading (kept over
 * a reload), the toolbar badge and class of a graded notebook, the Evidence
 * section shown for one, and opening a submission at a section or cell.
 * The plugin only constructs it and wires the commands to it.
 *
 * Which notebooks are graded is known from the start, so nothing is
 * recorded in one; the Evidence section is in the grading views, downloaded
 * when a graded notebook is first on screen, and joins the sidebar once it
 * is there.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import {
  INotebookModel,
  INotebookTracker,
  NotebookPanel
} from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import { readNotebookFile } from '../../core/notebook/file';
import {
  buildOutline,
  DEFAULT_OUTLINE_OPTIONS,
  IOutlineOptions
} from '../../core/progress/outline';
import { showSection } from '../notebook/navigate';
import { revealCell } from '../notebook/reveal';
import { CommandIDs, IGrading, IProgress, ITestbedSidebar } from '../tokens';
import { GradingMode } from './mode';
import type { EvidenceSection } from './section';

/** Above Progress: it is what a grader reads first. */
const EVIDENCE_RANK = 50;
const EVIDENCE_WEIGHT = 8;
const GRADED_CLASS = 'jp-testbed-mod-grading';
const BADGE_NAME = 'testbed-grading';

export namespace GradingController {
  export interface IOptions {
    app: JupyterFrontEnd;
    sidebar: ITestbedSidebar;
    tracker: INotebookTracker;
    /** The Evidence section, downloaded on first use (null: it could not be). */
    evidence: () => Promise<EvidenceSection | null>;
    trans: TranslationBundle;
    /** Where the choices are kept over a reload (per server). */
    storageKey: string;
  }
}

export class GradingController implements IGrading {
  constructor(options: GradingController.IOptions) {
    this._options = options;
    // Choices outlive a reload, so a notebook restored with the workspace
    // is graded again before anything can be recorded in it.
    try {
      this._mode.fromJSON(
        JSON.parse(localStorage.getItem(options.storageKey) ?? 'null')
      );
    } catch (reason) {
      console.warn('jupyterlab-testbed: grading choices not restored.', reason);
    }
    this._mode.changed.connect(this._onModeChanged, this);
    options.tracker.currentChanged.connect(this._update, this);
    options.tracker.widgetAdded.connect(this._onNotebookAdded, this);
  }

  get changed(): ISignal<IGrading, string> {
    return this._changed;
  }

  /** What counts as a section and a step: the progress settings, once known. */
  get outlineOptions(): IOutlineOptions {
    return this._progress?.outlineOptions ?? DEFAULT_OUTLINE_OPTIONS;
  }

  /**
   * Read the outline options from Progress from now on. Progress asks
   * grading whether a notebook is graded, so grading cannot require its
   * token when activated (a cycle); the plugin hands it over once resolved.
   */
  set progress(progress: IProgress | null) {
    this._progress = progress;
    progress?.settingsChanged.connect(() => this._evidence?.refresh());
    this._evidence?.refresh();
  }

  isGrading(path: string): boolean {
    return this._mode.isGrading(this._local(path));
  }

  setGrading(path: string, on: boolean): void {
    this._mode.setGrading(this._local(path), on);
  }

  /** Follow the submissions folders of the grading settings. */
  async loadSettings(registry: ISettingRegistry, id: string): Promise<void> {
    const settings = await registry.load(id);
    const read = () =>
      this._mode.setFolders(settings.composite.submissionsFolders);
    read();
    settings.changed.connect(read);
  }

  async open(
    path: string,
    at: { section?: number; cellIndex?: number } = {}
  ): Promise<void> {
    const { app } = this._options;
    this.setGrading(path, true);
    const widget = await app.commands.execute('docmanager:open', {
      path,
      factory: 'Notebook'
    });
    if (!(widget instanceof NotebookPanel)) {
      return;
    }
    await widget.context.ready;
    app.shell.activateById(widget.id);
    // The grader came for the evidence: show it beside the notebook.
    await this.showEvidence();
    if (at.section !== undefined && widget.model) {
      const cells = readNotebookFile(widget.model.toJSON()).cells;
      const section = buildOutline(cells, this.outlineOptions).sections[
        at.section
      ];
      if (section) {
        await showSection(widget, section);
      }
    } else if (at.cellIndex !== undefined) {
      await revealCell(widget, at.cellIndex);
    }
  }

  /**
   * Open the Evidence section of the notebook on screen, when it is graded,
   * loading it first if need be (again after a failed download).
   */
  async showEvidence(): Promise<void> {
    this._evidenceFailed = false;
    const evidence = await this._placeEvidence();
    if (evidence) {
      this._options.sidebar.showSection(evidence);
    }
  }

  /** A path may carry a drive (`RTC:`); the mode and the folders have none. */
  private _local(path: string): string {
    return this._options.app.serviceManager.contents.localPath(path);
  }

  private _onModeChanged(_: GradingMode, path: string): void {
    try {
      localStorage.setItem(
        this._options.storageKey,
        JSON.stringify(this._mode.toJSON())
      );
    } catch (reason) {
      console.warn('jupyterlab-testbed: grading choices not kept.', reason);
    }
    this._changed.emit(path);
    this._update();
  }

  /** The class and the toolbar badge that say a notebook is graded. */
  private _mark(panel: NotebookPanel): void {
    const { trans } = this._options;
    const on = this.isGrading(panel.context.path);
    panel.toggleClass(GRADED_CLASS, on);
    const badge = this._badges.get(panel);
    if (on && !badge) {
      const created = new ToolbarButton({
        label: trans.__('Grading: read-only'),
        tooltip: trans.__(
          'Open for grading: the student’s record is shown as saved and nothing you do is recorded. Click for the evidence.'
        ),
        onClick: () => void this.showEvidence()
      });
      created.addClass('jp-testbed-GradingBadge');
      this._badges.set(panel, created);
      if (!panel.toolbar.insertAfter('spacer', BADGE_NAME, created)) {
        panel.toolbar.addItem(BADGE_NAME, created);
      }
    } else if (!on && badge) {
      badge.dispose();
      this._badges.delete(panel);
    }
  }

  private _update(): void {
    const { app, tracker } = this._options;
    tracker.forEach(panel => this._mark(panel));
    void this._placeEvidence();
    app.commands.notifyCommandChanged(CommandIDs.gradingToggle);
  }

  /** The notebook on screen when it is graded, else null. */
  private _gradedPanel(): NotebookPanel | null {
    const panel = this._options.tracker.currentWidget;
    return panel && this.isGrading(panel.context.path) ? panel : null;
  }

  /**
   * The Evidence section is in the sidebar only for a graded notebook.
   * After a failed download it is loaded again only when asked for
   * (`showEvidence`), so switching notebooks does not repeat the error.
   */
  private async _placeEvidence(): Promise<EvidenceSection | null> {
    if (!this._evidence && this._gradedPanel() && !this._evidenceFailed) {
      const loaded = await (this._loadingEvidence ??= this._options.evidence());
      this._loadingEvidence = null;
      this._evidence ??= loaded;
      this._evidenceFailed = !loaded;
    }
    const evidence = this._evidence;
    if (!evidence) {
      return null;
    }
    // Read again: the notebook on screen may have changed while it loaded.
    const panel = this._gradedPanel();
    evidence.panel = panel;
    if (panel && !evidence.parent) {
      this._options.sidebar.addSection(
        evidence,
        EVIDENCE_RANK,
        EVIDENCE_WEIGHT
      );
    } else if (!panel && evidence.parent) {
      evidence.parent = null;
    }
    return panel ? evidence : null;
  }

  private _onNotebookAdded(_: INotebookTracker, panel: NotebookPanel): void {
    // One context per file, shared by its views: a rename is seen once.
    const context = panel.context;
    if (!this._paths.has(context)) {
      this._paths.set(context, context.path);
      context.pathChanged.connect((_, path) => {
        const before = this._paths.get(context) ?? path;
        this._paths.set(context, path);
        this._mode.rename(this._local(before), this._local(path));
      });
    }
    panel.disposed.connect(() => this._badges.delete(panel));
    this._mark(panel);
  }

  private _options: GradingController.IOptions;
  private _mode = new GradingMode();
  private _progress: IProgress | null = null;
  private _evidence: EvidenceSection | null = null;
  private _loadingEvidence: Promise<EvidenceSection | null> | null = null;
  private _evidenceFailed = false;
  private _badges = new Map<NotebookPanel, ToolbarButton>();
  private _paths = new WeakMap<
    DocumentRegistry.IContext<INotebookModel>,
    string
  >();
  private _changed = new Signal<IGrading, string>(this);
}
