import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { gradingNote, isGraded, refuseWhileGrading } from '../grading/readonly';
import {
  describeProblem,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord
} from '../../core/metadata/format';
import { describeArguments } from '../commandargs';
import { addToPalette } from '../palette';
import { CommandIDs, IGrading, IProgress, ITestbedSidebar } from '../tokens';
import { addCommands } from './commands';
import { ManualStepDecorator } from './decorations';
import { LabView } from './labview';
import { EventLog } from './log';
import { ProgressModel } from './model';
import { showSection, showStep } from './navigate';
import {
  DEFAULT_OUTLINE_OPTIONS,
  firstPending,
  IOutlineOptions,
  IStep
} from '../../core/progress/outline';
import { ExecutionRecorder } from './recorder';
import { ProgressStatus } from './statusbar';
import { ProgressView } from './view';

const PLUGIN_ID = 'jupyterlab-testbed:progress';

/** The settings of schema/progress.json. */
interface IProgressSettings extends IOutlineOptions {
  track: boolean;
  logLimit: number;
}

export const progressPlugin: JupyterFrontEndPlugin<IProgress> = {
  id: PLUGIN_ID,
  description:
    'Records what each cell and step of a lab notebook has done, in the notebook.',
  autoStart: true,
  provides: IProgress,
  requires: [ITestbedSidebar, INotebookTracker],
  optional: [
    ISettingRegistry,
    ITranslator,
    IStatusBar,
    ICommandPalette,
    IGrading
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null,
    grading: IGrading | null
  ): IProgress => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    const config: IProgressSettings = {
      track: true,
      logLimit: 100,
      ...DEFAULT_OUTLINE_OPTIONS
    };
    const outlineOptions = () => config;
    const models = new Map<NotebookPanel, ProgressModel>();
    let settings: ISettingRegistry.ISettings | null = null;

    const graded = (panel: NotebookPanel | null) => isGraded(grading, panel);
    /** Refuse a change to a graded notebook's record, saying why. */
    const refuseIfGraded = (panel: NotebookPanel | null) => {
      const refused = graded(panel);
      if (refused) {
        refuseWhileGrading(trans);
      }
      return refused;
    };

    const log = new EventLog({ limit: () => config.logLimit });
    new ExecutionRecorder({
      log,
      isTracked: notebook =>
        config.track && !graded(tracker.find(p => p.model === notebook) ?? null)
    });

    const modelFor = (panel: NotebookPanel): ProgressModel => {
      let model = models.get(panel);
      if (!model) {
        const created = new ProgressModel({
          model: panel.content.model!,
          outlineOptions,
          log
        });
        const decorator = new ManualStepDecorator(
          panel,
          created,
          trans,
          (step, ticked) => tick(panel, step, ticked)
        );
        models.set(panel, created);
        panel.disposed.connect(() => {
          decorator.dispose();
          created.dispose();
          models.delete(panel);
        });
        model = created;
      }
      return model;
    };

    const tick = (
      panel: NotebookPanel | null,
      step: IStep,
      ticked: boolean
    ) => {
      if (panel && refuseIfGraded(panel)) {
        // Puts the checkboxes back as the record has them.
        modelFor(panel).refresh();
        return;
      }
      if (panel && !modelFor(panel).setTicked(step, ticked)) {
        void showDialog({
          title: trans.__('Cannot record this step'),
          body: trans.__(
            'The progress record of this cell cannot be read (%1), so it is left as it is.',
            describeProblem(
              readCellRecord(
                Private.cellModel(panel, step)?.getMetadata(METADATA_KEY)
              )
            ) ?? ''
          ),
          buttons: [Dialog.okButton()]
        });
        view.rerender();
      }
    };

    const view = new ProgressView({
      translator: translator ?? nullTranslator,
      openStep: step => {
        const panel = tracker.currentWidget;
        if (panel) {
          void showStep(panel, step, config);
        }
      },
      openSection: section => {
        const panel = tracker.currentWidget;
        if (panel) {
          void showSection(panel, section);
        }
      },
      tick: (step, ticked) => tick(tracker.currentWidget, step, ticked),
      continue: () => void app.commands.execute(CommandIDs.continueLab)
    });
    view.id = 'jp-testbed-progress';
    const labView = new LabView({
      contents: app.serviceManager.contents,
      outlineOptions,
      translator: translator ?? nullTranslator,
      live: path => {
        for (const [panel, model] of models) {
          if (panel.context.path === path && model.outline) {
            return { done: model.outline.done, total: model.outline.total };
          }
        }
        return null;
      },
      open: path => void app.commands.execute('docmanager:open', { path })
    });
    labView.id = 'jp-testbed-lab';
    sidebar.addSection(view, 100, 4);
    sidebar.addSection(labView, 900, 1);

    app.commands.addCommand(CommandIDs.showProgress, {
      label: trans.__('Show Lab Progress'),
      caption: trans.__('Open the Progress section of the Testbed sidebar'),
      describedBy: describeArguments(),
      execute: () => sidebar.showSection(view)
    });
    const status = new ProgressStatus(
      trans,
      () => void app.commands.execute(CommandIDs.showProgress)
    );
    statusBar?.registerStatusItem(PLUGIN_ID, {
      item: status,
      align: 'left',
      rank: 5,
      isActive: () => !!tracker.currentWidget
    });

    /** What the student should know about the notebook on screen. */
    const notesFor = (panel: NotebookPanel | null): string[] => {
      const notes: string[] = [];
      if (!panel) {
        return notes;
      }
      if (graded(panel)) {
        notes.push(gradingNote(trans));
      }
      if (!config.track) {
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
    };

    let shown: ProgressModel | null = null;
    const onModelChanged = () => labView.redraw();
    const show = (model: ProgressModel | null) => {
      if (shown === model) {
        return;
      }
      if (shown) {
        shown.isActive = false;
        shown.outlineChanged.disconnect(onModelChanged);
        shown.stepsChanged.disconnect(onModelChanged);
      }
      shown = model;
      if (model) {
        model.outlineChanged.connect(onModelChanged);
        model.stepsChanged.connect(onModelChanged);
        model.isActive = true;
      }
      view.model = model;
      status.model = model;
    };
    const onCurrentChanged = async () => {
      const panel = tracker.currentWidget;
      if (!panel) {
        show(null);
        labView.currentPath = null;
        view.setNotes([]);
        return;
      }
      await panel.context.ready;
      if (panel !== tracker.currentWidget || panel.isDisposed) {
        return;
      }
      show(modelFor(panel));
      labView.currentPath = panel.context.path;
      view.setNotes(notesFor(panel));
    };
    tracker.currentChanged.connect(() => void onCurrentChanged());
    tracker.widgetAdded.connect((_, panel) => {
      // The file is serialized right after 'started': pending log events go in.
      panel.context.saveState.connect((_, state) => {
        if (state === 'started' && panel.model) {
          log.flush(panel.model);
        }
      });
      panel.context.fileChanged.connect(() => {
        if (panel === tracker.currentWidget) {
          view.setNotes(notesFor(panel));
        }
      });
    });
    void app.restored.then(() => onCurrentChanged());
    grading?.changed.connect(() =>
      view.setNotes(notesFor(tracker.currentWidget))
    );

    const applySettings = () => {
      if (settings) {
        const composite = settings.composite as Partial<IProgressSettings>;
        Object.assign(config, {
          track: composite.track ?? config.track,
          logLimit: composite.logLimit ?? config.logLimit,
          maxSectionLevel: composite.maxSectionLevel ?? config.maxSectionLevel,
          commandLanguages:
            composite.commandLanguages ?? config.commandLanguages
        });
      }
      models.forEach(model => model.invalidate());
      view.setNotes(notesFor(tracker.currentWidget));
      labView.refresh();
      app.commands.notifyCommandChanged(CommandIDs.toggleTracking);
    };
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          settings = loaded;
          loaded.changed.connect(applySettings);
          applySettings();
        })
        .catch(reason => {
          console.error(
            'jupyterlab-testbed: cannot load the progress settings.',
            reason
          );
        });
    }

    addCommands(app, tracker, trans, {
      modelFor,
      continueLab: () => {
        const panel = tracker.currentWidget;
        if (!panel) {
          return;
        }
        const model = modelFor(panel);
        if (!model.outline) {
          model.refresh();
        }
        const step = model.outline ? firstPending(model.outline) : null;
        app.shell.activateById(panel.id);
        if (step) {
          void showStep(panel, step, config);
        }
      },
      isTracking: () => config.track,
      setTracking: value => void settings?.set('track', value),
      refreshLab: () => labView.refresh(),
      tick: (step, ticked) => tick(tracker.currentWidget, step, ticked),
      refuseIfGraded: () => refuseIfGraded(tracker.currentWidget)
    });
    addToPalette(palette, trans, [
      CommandIDs.showProgress,
      CommandIDs.continueLab,
      CommandIDs.tickCell,
      CommandIDs.markManualStep,
      CommandIDs.toggleTracking,
      CommandIDs.refreshLab,
      CommandIDs.about
    ]);
    return { modelFor };
  }
};

namespace Private {
  export function cellModel(panel: NotebookPanel | null, step: IStep) {
    return panel?.content.widgets[step.cellIndex]?.model ?? null;
  }
}
