/**
 * The progress capability: what each cell and step of a lab notebook has
 * done, recorded in the notebook. The controller owns the state; this wires
 * the views and commands to it.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { addToPalette } from '../palette';
import { CommandIDs, IGrading, IProgress, ITestbedSidebar } from '../tokens';
import { addCommands } from './commands';
import { ProgressController } from './controller';
import { LabView } from './labview';
import { ProgressStatus } from './statusbar';
import { ProgressView } from './view';

const PLUGIN_ID = 'jupyterlab-testbed:progress';

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
    const controller = new ProgressController({ tracker, grading, trans });
    const view = new ProgressView({
      translator: translator ?? nullTranslator,
      openStep: step => controller.openStep(step),
      openSection: section => controller.openSection(section),
      tick: (step, ticked) =>
        controller.tick(tracker.currentWidget, step, ticked),
      continue: () => void app.commands.execute(CommandIDs.continueLab),
      check: ({ step, section }) =>
        void app.commands.execute(
          step
            ? CommandIDs.checkStep
            : section
              ? CommandIDs.checkSection
              : CommandIDs.checkAll,
          step ? { step: step.key } : section ? { section: section.index } : {}
        )
    });
    view.id = 'jp-testbed-progress';
    const labView = new LabView({
      contents: app.serviceManager.contents,
      outlineOptions: () => controller.outlineOptions,
      translator: translator ?? nullTranslator,
      live: path => controller.live(path),
      open: path => void app.commands.execute('docmanager:open', { path })
    });
    labView.id = 'jp-testbed-lab';
    sidebar.addSection(view, 100, 4);
    sidebar.addSection(labView, 900, 1);
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
    controller.attach({ view, labView, status });
    void app.restored.then(() => controller.showCurrent());

    controller.settingsChanged.connect(() =>
      app.commands.notifyCommandChanged(CommandIDs.toggleTracking)
    );
    if (settingRegistry) {
      controller.loadSettings(settingRegistry, PLUGIN_ID).catch(reason => {
        console.error(
          'jupyterlab-testbed: cannot load the progress settings.',
          reason
        );
      });
    }

    addCommands(app, tracker, trans, {
      modelFor: panel => controller.modelFor(panel),
      continueLab: () =>
        controller.continueLab(panel => app.shell.activateById(panel.id)),
      isTracking: () => controller.isTracking,
      setTracking: value => controller.setTracking(value),
      refreshLab: () => labView.refresh(),
      tick: (step, ticked) =>
        controller.tick(tracker.currentWidget, step, ticked),
      refuseIfGraded: () => controller.refuseIfGraded(tracker.currentWidget),
      show: () => sidebar.showSection(view)
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
    return controller;
  }
};
