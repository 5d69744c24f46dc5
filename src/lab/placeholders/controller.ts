/**
 * The placeholders for the app: the student's values (the settings this
 * plugin owns, saved as they are typed), the server's defaults, the values
 * shown in rendered markdown, the highlighted tokens and the form of the
 * notebook on screen. The plugin only constructs it and wires it.
 */
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ValueSaver } from '../../core/placeholders/saving';
import {
  folderOf,
  IStoredValues,
  Values
} from '../../core/placeholders/values';
import type { IGrading, INotebookPlaceholders, IPlaceholders } from '../tokens';
import {
  fetchPersistence,
  notSavedMessage,
  persistenceNote
} from '../persistence';
import { afterNextPaint, QuietTask } from '../deferred';
import { declarationsMayChange } from '../metadata/notebook';
import { followCurrent } from '../notebook/current';
import { isGraded } from '../readonly';
import { fetchServerDefaults } from './environment';
import type { PlaceholderFiller } from './filler';
import type { PlaceholderForm } from './form';
import type { TokenHighlighter } from './highlight';
import { PlaceholdersModel, RunCheck } from './model';
import { RenderedValues } from './rendered';
import { unfilledInNotebook } from './unfilled';

/** Quiet time after an edit before the unfilled counts are taken again. */
const COUNT_DELAY = 300;

export namespace PlaceholdersController {
  export interface IOptions {
    tracker: INotebookTracker;
    grading: IGrading | null;
    trans: TranslationBundle;
    highlighter: TokenHighlighter;
    serverSettings: ServerConnection.ISettings;
  }

  /** What the controller drives once the plugin has made it. */
  export interface IParts {
    form: PlaceholderForm;
    filler: PlaceholderFiller;
  }
}

export class PlaceholdersController implements IPlaceholders {
  constructor(options: PlaceholdersController.IOptions) {
    this._options = options;
    const { tracker, grading } = options;
    this.saver = new ValueSaver({
      write: (field, value, folder) => this._write(field, value, folder),
      rewrite: async () => {
        if (this._settings) {
          await this._settings.save(this._settings.raw);
        }
      },
      // The settings API answers "Unhandled error" for a full disk: the
      // server's report of the work folder says what happened.
      explain: async reason =>
        notSavedMessage(
          await fetchPersistence(options.serverSettings),
          reason,
          options.trans
        ),
      report: (message, retry) => this._parts?.form.showNotSaved(message, retry)
    });
    tracker.widgetAdded.connect(this._onNotebookAdded, this);
    tracker.currentChanged.connect(
      () => followCurrent(tracker, () => this._updateForm()),
      this
    );
    this.model.changed.connect(() => {
      tracker.forEach(panel => this._showValues(panel));
      this._updateForm();
    });
    grading?.changed.connect(() =>
      tracker.forEach(panel => this._showValues(panel))
    );
  }

  readonly model = new PlaceholdersModel();

  /** Saves what the student types into the settings, retrying when asked. */
  readonly saver: ValueSaver;

  forPanel(panel: NotebookPanel): INotebookPlaceholders {
    return this.model.forNotebook(panel.content.model, panel.context.path);
  }

  isGraded(panel: NotebookPanel): boolean {
    return isGraded(this._options.grading, panel);
  }

  /**
   * Ask the server for the defaults of its environment, and whether values
   * outlive a restart (said once, in the form where values are entered).
   */
  async readServer(): Promise<void> {
    const { serverSettings, trans } = this._options;
    void fetchPersistence(serverSettings).then(status =>
      this._parts?.form.showPersistence(persistenceNote(status, trans))
    );
    const values = await fetchServerDefaults();
    if (Object.keys(values).length) {
      this.model.serverDefaults = values;
    }
  }

  /** Drive the form and fill through these from now on. */
  attach(parts: PlaceholdersController.IParts): void {
    this._parts = parts;
    this._updateForm();
  }

  /** Load the settings this plugin owns and follow them. */
  async loadSettings(registry: ISettingRegistry, id: string): Promise<void> {
    const settings = await registry.load(id);
    this._settings = settings;
    this._readSettings(settings);
    settings.changed.connect(() => {
      this._readSettings(settings);
      if (this.model.options.refillOnChange) {
        this._parts?.filler.refillSoon();
      }
    });
  }

  private _readSettings(settings: ISettingRegistry.ISettings): void {
    const composite = settings.composite as any;
    this.model.setSettings(
      {
        values: Private.texts(composite.values),
        folders: Private.folders(composite.folders)
      },
      {
        refillOnChange: composite.refillOnChange !== false,
        fillOnOpen: composite.fillOnOpen === true,
        checkBeforeRun: (['warn', 'block', 'off'].includes(
          composite.checkBeforeRun
        )
          ? composite.checkBeforeRun
          : 'warn') as RunCheck
      }
    );
  }

  private async _write(
    field: string,
    value: string,
    folder: string | null
  ): Promise<void> {
    const settings = this._settings;
    if (!settings) {
      return;
    }
    const user = settings.user as { values?: unknown; folders?: unknown };
    if (folder === null) {
      await settings.set(
        'values',
        Private.withValue(Private.texts(user.values), field, value)
      );
    } else {
      await settings.set(
        'folders',
        Private.withFolderValue(
          Private.folders(user.folders),
          folder,
          field,
          value
        )
      );
    }
  }

  /**
   * Show the form for the notebook on screen; only its tokens are counted,
   * so edits in notebooks in the background cost nothing.
   */
  private _updateForm(): void {
    const panel = this._options.tracker.currentWidget;
    const notebook = panel?.content.model;
    const state = panel
      ? this.forPanel(panel)
      : this.model.forNotebook(null, '');
    const tokens = this._highlight(state);
    this._parts?.form.setState({
      folder: panel ? folderOf(panel.context.path) : null,
      placeholders: state,
      stored: this.model.stored,
      unfilled: notebook ? unfilledInNotebook(notebook, tokens) : new Map()
    });
  }

  /** Highlight the tokens of the notebook on screen in its editors. */
  private _highlight(state: { placeholders: { token: string }[] }): string[] {
    const tokens = state.placeholders.map(p => p.token);
    this._options.highlighter.setTokens(tokens);
    return tokens;
  }

  /** A graded notebook shows the student's text, not the grader's values. */
  private _showValues(panel: NotebookPanel): void {
    this._rendered
      .get(panel)
      ?.setValues(
        this.isGraded(panel) ? new Map() : this.forPanel(panel).values
      );
  }

  private _onNotebookAdded(_: INotebookTracker, panel: NotebookPanel): void {
    const { trans, tracker } = this._options;
    const describe = (token: string) =>
      trans.__('Your value for “%1” (the notebook’s text is unchanged)', token);
    void panel.context.ready.then(() => {
      if (panel.isDisposed) {
        return;
      }
      const values = new RenderedValues(panel.content.node, describe);
      this._rendered.set(panel, values);
      const recount = new QuietTask(() => {
        if (panel === tracker.currentWidget && !panel.isDisposed) {
          this._updateForm();
        }
      }, COUNT_DELAY);
      panel.disposed.connect(() => {
        values.dispose();
        recount.dispose();
        this._rendered.delete(panel);
      });
      const notebook = panel.content.model!;
      // Every change of the notebook, its metadata's too, recounts.
      notebook.contentChanged.connect(() => recount.schedule());
      notebook.metadataChanged.connect((_, change) => {
        if (declarationsMayChange(change)) {
          this._showValues(panel);
        }
      });
      this._showValues(panel);
      if (this.model.options.fillOnOpen && !this.isGraded(panel)) {
        this._parts?.filler.fillOnOpen(panel);
      }
      // Its tokens are highlighted as it is first painted; the form's counts
      // read every cell, and follow once it is painted.
      if (panel === tracker.currentWidget) {
        this._highlight(this.forPanel(panel));
      }
      afterNextPaint(() => {
        if (!panel.isDisposed && panel === tracker.currentWidget) {
          this._updateForm();
        }
      });
    });
  }

  private _options: PlaceholdersController.IOptions;
  private _settings: ISettingRegistry.ISettings | null = null;
  private _parts: PlaceholdersController.IParts | null = null;
  private _rendered = new Map<NotebookPanel, RenderedValues>();
}

namespace Private {
  /** The string values of a settings object; anything else is dropped. */
  export function texts(value: unknown): Values {
    const result: Values = {};
    if (value && typeof value === 'object') {
      for (const [key, text] of Object.entries(value)) {
        if (typeof text === 'string') {
          result[key] = text;
        }
      }
    }
    return result;
  }

  export function folders(value: unknown): IStoredValues['folders'] {
    const result: IStoredValues['folders'] = {};
    if (value && typeof value === 'object') {
      for (const [folder, values] of Object.entries(value)) {
        result[folder] = texts(values);
      }
    }
    return result;
  }

  /** The values with one set, or removed when empty. */
  export function withValue(
    values: Values,
    field: string,
    value: string
  ): Values {
    const next = { ...values, [field]: value };
    if (!value) {
      delete next[field];
    }
    return next;
  }

  export function withFolderValue(
    all: IStoredValues['folders'],
    folder: string,
    field: string,
    value: string
  ): IStoredValues['folders'] {
    const next = {
      ...all,
      [folder]: withValue(all[folder] ?? {}, field, value)
    };
    if (!Object.keys(next[folder]).length) {
      delete next[folder];
    }
    return next;
  }
}
