/**
 * The progress of the open notebooks for the app: the settings, one model
 * per notebook (with its manual-step checkboxes), the event log and the
 * recorder of runs, and which notebook the views show. The plugin only
 * constructs it and wires the views and commands to it.
 */
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import {
  describeProblem,
  METADATA_KEY,
  readNotebookRecord
} from '../../core/metadata/format';
import {
  DEFAULT_OUTLINE_OPTIONS,
  firstPending,
  IOutlineOptions,
  ISection,
  IStep,
  outlineOptionsOf
} from '../../core/progress/outline';
import { showUnreadable } from '../metadata/cell';
import { showSection, showStep } from '../notebook/navigate';
import { gradingNote, isGraded, refuseWhileGrading } from '../readonly';
import type { IGrading, IProgress } from '../tokens';
import { ManualStepDecorator } from './decorations';
import type { LabView } from './labview';
import { EventLog } from './log';
import { ProgressModel } from './model';
import { ExecutionRecorder } from './recorder';
import type { ProgressStatus } from './statusbar';
import type { ProgressView } from './view';

/** The settings of schema/progress.json. */
export interface IProgressSettings extends IOutlineOptions {
  track: boolean;
  logLimit: number;
}

/**
 * The schema's defaults, until the settings load (a test holds them equal);
 * the loaded settings carry the schema's own.
 */
export const DEFAULT_PROGRESS_SETTINGS: IProgressSettings = {
  track: true,
  logLimit: 100,
  ...DEFAULT_OUTLINE_OPTIONS
};

export namespace ProgressController {
  export interface IOptions {
    tracker: INotebookTracker;
    grading: IGrading | null;
    trans: TranslationBundle;
  }

  /** The views that show the progress of the notebook on screen. */
  export interface IViews {
    view: ProgressView;
    labView: LabView;
    status: ProgressStatus;
  }
}

export class ProgressController implements IProgress {
  constructor(options: ProgressController.IOptions) {
    this._options = options;
    const { tracker, grading } = options;
    // Follows the executions of every notebook for as long as the page lives.
    this._recorder = new ExecutionRecorder({
      log: this._log,
      isTracked: notebook =>
        this._config.track &&
        !this.isGraded(tracker.find(p => p.model === notebook) ?? null),
      kernelOf: notebook =>
        tracker.find(p => p.model === notebook)?.sessionContext.session
          ?.kernel ?? null
    });
    tracker.currentChanged.connect(() => void this.showCurrent());
    tracker.widgetAdded.connect(this._onNotebookAdded, this);
    grading?.changed.connect(this._updateNotes, this);
  }

  get outlineOptions(): IOutlineOptions {
    return this._config;
  }

  get settingsChanged(): ISignal<IProgress, void> {
    return this._settingsChanged;
  }

  /** Whether runs and ticks are recorded (the setting). */
  get isTracking(): boolean {
    return this._config.track;
  }

  /** The progress of every open notebook, by its path, for the lab listing. */
  live(path: string): { done: number; total: number } | null {
    for (const [panel, model] of this._models) {
      if (panel.context.path === path && model.outline) {
        return { done: model.outline.done, total: model.outline.total };
      }
    }
    return null;
  }

  isGraded(panel: NotebookPanel | null): boolean {
    return isGraded(this._options.grading, panel);
  }

  /** Refuse a change to a graded notebook's record, saying why. */
  refuseIfGraded(panel: NotebookPanel | null): boolean {
    const refused = this.isGraded(panel);
    if (refused) {
      refuseWhileGrading(this._options.trans);
    }
    return refused;
  }

  /** Show the progress of the notebook on screen in these views. */
  attach(views: ProgressController.IViews): void {
    this._views = views;
    void this.showCurrent();
  }

  /** The progress of an open notebook, created on first use. */
  modelFor(panel: NotebookPanel): ProgressModel {
    let model = this._models.get(panel);
    if (!model) {
      const created = new ProgressModel({
        model: panel.content.model!,
        outlineOptions: () => this._config,
        log: this._log
      });
      const decorator = new ManualStepDecorator(
        panel,
        created,
        this._options.trans,
        (step, ticked) => this.tick(panel, step, ticked)
      );
      this._models.set(panel, created);
      panel.disposed.connect(() => {
        decorator.dispose();
        created.dispose();
        this._models.delete(panel);
        this._views?.labView.notebookClosed();
      });
      model = created;
    }
    return model;
  }

  /** Tick or untick a step of a notebook, saying why when it cannot be. */
  tick(panel: NotebookPanel | null, step: IStep, ticked: boolean): void {
    if (panel && this.refuseIfGraded(panel)) {
      // Puts the checkboxes back as the record has them.
      this.modelFor(panel).refresh();
      return;
    }
    if (panel && !this.modelFor(panel).setTicked(step, ticked)) {
      const trans = this._options.trans;
      const record =
        panel.content.widgets[step.cellIndex]?.model.getMetadata(METADATA_KEY);
      void showUnreadable(trans.__('Cannot record this step'), record, trans);
      this._views?.view.refreshStep(step);
    }
  }

  /** Show a step of the notebook on screen. */
  openStep(step: IStep): void {
    const panel = this._options.tracker.currentWidget;
    if (panel) {
      void showStep(panel, step, this._config);
    }
  }

  /** Show a section of the notebook on screen. */
  openSection(section: ISection): void {
    const panel = this._options.tracker.currentWidget;
    if (panel) {
      void showSection(panel, section);
    }
  }

  /** Scroll the notebook on screen to its first step not done. */
  continueLab(activate: (panel: NotebookPanel) => void): void {
    const panel = this._options.tracker.currentWidget;
    if (!panel) {
      return;
    }
    const model = this.modelFor(panel);
    if (!model.outline) {
      model.refresh();
    }
    const step = model.outline ? firstPending(model.outline) : null;
    activate(panel);
    if (step) {
      void showStep(panel, step, this._config);
    }
  }

  /** Turn the recording of runs and ticks on or off (the setting). */
  setTracking(value: boolean): void {
    void this._settings?.set('track', value);
  }

  /** Load the settings this plugin owns and follow them. */
  async loadSettings(registry: ISettingRegistry, id: string): Promise<void> {
    const settings = await registry.load(id);
    this._settings = settings;
    settings.changed.connect(this._applySettings, this);
    this._applySettings(settings);
  }

  private _applySettings(settings: ISettingRegistry.ISettings): void {
    // The composite holds every setting, with the schema's defaults.
    const composite = settings.composite as Partial<IProgressSettings>;
    Object.assign(this._config, {
      track: composite.track ?? this._config.track,
      logLimit: composite.logLimit ?? this._config.logLimit,
      ...outlineOptionsOf(composite, this._config)
    });
    this._models.forEach(model => model.invalidate());
    this._updateNotes();
    this._views?.labView.refresh();
    this._settingsChanged.emit();
  }

  /** What the student should know about the notebook on screen. */
  private _notesFor(panel: NotebookPanel | null): string[] {
    const trans = this._options.trans;
    const notes: string[] = [];
    if (!panel) {
      return notes;
    }
    if (this.isGraded(panel)) {
      notes.push(gradingNote(trans));
    }
    if (!this._config.track) {
      notes.push(
        trans.__('Runs are not recorded: tracking is off in the settings.')
      );
    }
    if (panel.context.contentsModel?.writable === false) {
      notes.push(
        trans.__(
          'This notebook is read-only: its progress is shown but cannot be saved.'
        )
      );
    }
    const problem = describeProblem(
      readNotebookRecord(panel.content.model?.getMetadata(METADATA_KEY))
    );
    if (problem) {
      notes.push(
        trans.__(
          'The notebook’s progress log cannot be read (%1); it is left as it is.',
          problem
        )
      );
    }
    return notes;
  }

  private _updateNotes(): void {
    this._views?.view.setNotes(
      this._notesFor(this._options.tracker.currentWidget)
    );
  }

  private _show(model: ProgressModel | null): void {
    if (this._shown === model) {
      return;
    }
    if (this._shown) {
      this._shown.isActive = false;
      this._shown.outlineChanged.disconnect(this._onShownChanged, this);
      this._shown.stepsChanged.disconnect(this._onShownChanged, this);
    }
    this._shown = model;
    if (model) {
      model.outlineChanged.connect(this._onShownChanged, this);
      model.stepsChanged.connect(this._onShownChanged, this);
      model.isActive = true;
    }
    if (this._views) {
      this._views.view.model = model;
      this._views.status.model = model;
    }
  }

  private _onShownChanged(): void {
    this._views?.labView.redraw();
  }

  /** Show the notebook on screen, once its context is ready. */
  async showCurrent(): Promise<void> {
    const panel = this._options.tracker.currentWidget;
    if (!panel) {
      this._show(null);
      if (this._views) {
        this._views.labView.currentPath = null;
        this._views.view.setNotes([]);
      }
      return;
    }
    await panel.context.ready;
    if (panel !== this._options.tracker.currentWidget || panel.isDisposed) {
      return;
    }
    this._show(this.modelFor(panel));
    if (this._views) {
      this._views.labView.currentPath = panel.context.path;
      this._views.view.setNotes(this._notesFor(panel));
    }
  }

  private _onNotebookAdded(_: INotebookTracker, panel: NotebookPanel): void {
    // The file is serialized right after 'started': the records of the runs
    // just ended and the pending log events go in.
    panel.context.saveState.connect((_, state) => {
      if (state === 'started' && panel.model) {
        this._recorder.flush(panel.model);
        this._log.flush(panel.model);
      }
    });
    panel.context.fileChanged.connect(() => {
      if (panel === this._options.tracker.currentWidget) {
        this._updateNotes();
      }
    });
  }

  private _options: ProgressController.IOptions;
  private _config: IProgressSettings = { ...DEFAULT_PROGRESS_SETTINGS };
  private _log = new EventLog({ limit: () => this._config.logLimit });
  private _recorder: ExecutionRecorder;
  private _models = new Map<NotebookPanel, ProgressModel>();
  private _settings: ISettingRegistry.ISettings | null = null;
  private _shown: ProgressModel | null = null;
  private _views: ProgressController.IViews | null = null;
  private _settingsChanged = new Signal<IProgress, void>(this);
}
