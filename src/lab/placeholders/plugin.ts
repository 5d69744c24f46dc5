import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorExtensionRegistry } from '@jupyterlab/codemirror';
import {
  INotebookCellExecutor,
  INotebookTracker,
  NotebookPanel
} from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { isGraded } from '../readonly';
import {
  fetchPersistence,
  notSavedMessage,
  persistenceNote
} from '../persistence';
import { addToPalette } from '../palette';
import {
  CommandIDs,
  IGrading,
  IPlaceholders,
  ITestbedSidebar
} from '../tokens';
import { addCommands } from './commands';
import { fetchServerDefaults } from './environment';
import { PlaceholderForm } from './form';
import { TokenHighlighter } from './highlight';
import { PlaceholdersModel, RunCheck } from './model';
import { RenderedValues } from './rendered';
import { ValueSaver } from '../../core/placeholders/saving';
import { CheckingCellExecutor } from './runcheck';
import { unfilledInNotebook } from './unfilled';
import {
  folderOf,
  IStoredValues,
  Values
} from '../../core/placeholders/values';

const PLUGIN_ID = 'jupyterlab-testbed:placeholders';

/** Quiet time after an edit before the unfilled counts are taken again. */
const COUNT_DELAY = 300;

/**
 * Runs code cells through a check for unfilled placeholders. It has no
 * dependencies because the notebook tracker itself depends on the executor.
 */
export const runCheckPlugin: JupyterFrontEndPlugin<INotebookCellExecutor> = {
  id: 'jupyterlab-testbed:run-check',
  description:
    'Runs notebook cells, asking first when a code cell still holds a placeholder.',
  autoStart: true,
  provides: INotebookCellExecutor,
  activate: (): INotebookCellExecutor => new CheckingCellExecutor()
};

export const placeholdersPlugin: JupyterFrontEndPlugin<IPlaceholders> = {
  id: PLUGIN_ID,
  description:
    'Fills the student’s values into the placeholders of bash and Python cells, reversibly.',
  autoStart: true,
  provides: IPlaceholders,
  requires: [ITestbedSidebar, INotebookTracker],
  optional: [
    ISettingRegistry,
    ITranslator,
    ICommandPalette,
    IEditorExtensionRegistry,
    INotebookCellExecutor,
    IGrading
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    editorExtensions: IEditorExtensionRegistry | null,
    executor: INotebookCellExecutor | null,
    grading: IGrading | null
  ): IPlaceholders => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    const model = new PlaceholdersModel();
    const forPanel = (panel: NotebookPanel) =>
      model.forNotebook(panel.content.model, panel.context.path);
    const placeholders: IPlaceholders = { model, forPanel };
    let settings: ISettingRegistry.ISettings | null = null;
    const graded = (panel: NotebookPanel) => isGraded(grading, panel);

    const highlighter = new TokenHighlighter();
    if (editorExtensions) {
      highlighter.register(editorExtensions);
    }

    const commands = addCommands({
      app,
      tracker,
      placeholders,
      trans,
      openForm: () => showForm(),
      isGraded: graded
    });
    if (executor instanceof CheckingCellExecutor) {
      executor.approve = commands.approveRun;
    } else {
      console.warn(
        'jupyterlab-testbed: another extension runs the cells; unfilled placeholders are not checked before a run.'
      );
    }
    addToPalette(palette, trans, [
      CommandIDs.showPlaceholders,
      CommandIDs.fillPlaceholders,
      CommandIDs.resetPlaceholders,
      CommandIDs.nextPlaceholder,
      CommandIDs.undoFill
    ]);

    const serverSettings = app.serviceManager.serverSettings;
    const saver = new ValueSaver({
      write: async (field, value, folder) => {
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
      },
      rewrite: async () => {
        if (settings) {
          await settings.save(settings.raw);
        }
      },
      // The settings API answers "Unhandled error" for a full disk: the
      // server's report of the work folder says what happened.
      explain: async reason =>
        notSavedMessage(await fetchPersistence(serverSettings), reason, trans),
      report: (message, retry) => form.showNotSaved(message, retry)
    });

    const form = new PlaceholderForm({
      translator: translator ?? nullTranslator,
      save: (field, value, folder) => saver.save(field, value, folder),
      fill: () => void app.commands.execute(CommandIDs.fillPlaceholders),
      reset: () => void app.commands.execute(CommandIDs.resetPlaceholders),
      next: token =>
        void app.commands.execute(CommandIDs.nextPlaceholder, { token })
    });
    form.id = 'jp-testbed-placeholders';
    sidebar.addSection(form, 200, 2);
    // Said once, here where values are entered: whether a restart keeps them.
    void fetchPersistence(serverSettings).then(status =>
      form.showPersistence(persistenceNote(status, trans))
    );
    const showForm = () => {
      app.shell.activateById(sidebar.id);
      form.node.querySelector('input')?.focus();
    };

    const rendered = new Map<NotebookPanel, RenderedValues>();
    const describe = (token: string) =>
      trans.__('Your value for “%1” (the notebook’s text is unchanged)', token);

    /**
     * Show the form for the notebook on screen; only its tokens are counted,
     * so edits in notebooks in the background cost nothing.
     */
    const updateForm = () => {
      const panel = tracker.currentWidget;
      const notebook = panel?.content.model;
      const state = panel ? forPanel(panel) : model.forNotebook(null, '');
      const tokens = state.placeholders.map(p => p.token);
      highlighter.setTokens(tokens);
      form.setState({
        folder: panel ? folderOf(panel.context.path) : null,
        placeholders: state,
        stored: model.stored,
        unfilled: notebook ? unfilledInNotebook(notebook, tokens) : new Map()
      });
    };
    const recountSoon = Private.debounce((panel: NotebookPanel) => {
      if (panel === tracker.currentWidget && !panel.isDisposed) {
        updateForm();
      }
    }, COUNT_DELAY);

    /** A graded notebook shows the student's text, not the grader's values. */
    const showValues = (panel: NotebookPanel) => {
      rendered
        .get(panel)
        ?.setValues(graded(panel) ? new Map() : forPanel(panel).values);
    };

    tracker.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        if (panel.isDisposed) {
          return;
        }
        const values = new RenderedValues(panel.content.node, describe);
        rendered.set(panel, values);
        panel.disposed.connect(() => {
          values.dispose();
          rendered.delete(panel);
        });
        const notebook = panel.content.model!;
        notebook.contentChanged.connect(() => recountSoon(panel));
        notebook.metadataChanged.connect(() => {
          showValues(panel);
          recountSoon(panel);
        });
        showValues(panel);
        if (model.options.fillOnOpen && !graded(panel)) {
          commands.fillOnOpen(panel);
        }
        if (panel === tracker.currentWidget) {
          updateForm();
        }
      });
    });
    tracker.currentChanged.connect(updateForm);

    model.changed.connect(() => {
      tracker.forEach(showValues);
      updateForm();
    });
    grading?.changed.connect(() => tracker.forEach(showValues));
    updateForm();

    void fetchServerDefaults().then(values => {
      if (Object.keys(values).length) {
        model.serverDefaults = values;
      }
    });

    settingRegistry
      ?.load(PLUGIN_ID)
      .then(loaded => {
        settings = loaded;
        const read = () => {
          const composite = loaded.composite as any;
          model.setSettings(
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
        };
        read();
        loaded.changed.connect(() => {
          read();
          if (model.options.refillOnChange) {
            commands.refillSoon();
          }
        });
      })
      .catch(reason => {
        console.error(
          'jupyterlab-testbed: cannot load the placeholder settings.',
          reason
        );
      });

    return placeholders;
  }
};

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

  /** Call once things have been quiet for `delay` ms, per argument. */
  export function debounce<T>(call: (arg: T) => void, delay: number) {
    const timers = new Map<T, ReturnType<typeof setTimeout>>();
    return (arg: T) => {
      clearTimeout(timers.get(arg));
      timers.set(
        arg,
        setTimeout(() => {
          timers.delete(arg);
          call(arg);
        }, delay)
      );
    };
  }
}
