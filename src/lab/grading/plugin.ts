/**
 * The grader's capability: grader mode (a notebook that is not one's own
 * shown read-only with its evidence) and the class overview. The
 * controller owns the state; this wires it.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { EXTENSION_VERSION } from '../../core/version';
import { addToPalette } from '../palette';
import { CommandIDs, IGrading, IProgress, ITestbedSidebar } from '../tokens';
import { GradingController } from './controller';
import { addOverview } from './overviewcommands';
import { describeArguments } from '../commandargs';
import { loadOnce, showLoadError } from '../lazy';

const PLUGIN_ID = 'jupyterlab-testbed:grading';

export const gradingPlugin: JupyterFrontEndPlugin<IGrading> = {
  id: PLUGIN_ID,
  description:
    'Grader mode: a notebook that is not one’s own shows its recorded progress read-only, cross-checked against the notebook.',
  autoStart: true,
  provides: IGrading,
  requires: [ITestbedSidebar, INotebookTracker],
  optional: [
    ISettingRegistry,
    ITranslator,
    ICommandPalette,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null
  ): IGrading => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    // Only graders need these: downloaded on first use (see lazy.ts).
    const views = loadOnce(
      () => import(/* webpackChunkName: "testbed-grading" */ './views'),
      showLoadError(trans, trans.__('The grading views'))
    );
    const controller: GradingController = new GradingController({
      app,
      sidebar,
      tracker,
      evidence: async () => {
        const loaded = await views();
        if (!loaded) {
          return null;
        }
        const evidence = new loaded.EvidenceSection({
          translator: translator ?? nullTranslator,
          options: () => ({
            ...controller.outlineOptions,
            version: EXTENSION_VERSION
          })
        });
        evidence.id = 'jp-testbed-evidence';
        return evidence;
      },
      trans,
      // Per server: JupyterHub users share the origin.
      storageKey: `${PLUGIN_ID}:${app.serviceManager.serverSettings.baseUrl}`
    });
    // Not awaited: Progress waits for this plugin to be activated first.
    void app
      .resolveOptionalService(IProgress)
      .then(progress => (controller.progress = progress));

    app.commands.addCommand(CommandIDs.gradingToggle, {
      describedBy: describeArguments(),
      label: trans.__('Grade This Notebook: Read-Only Progress and Evidence'),
      caption: trans.__(
        'Show the student’s recorded progress read-only, cross-checked against the notebook; your runs, ticks and values are not recorded'
      ),
      isEnabled: () => !!tracker.currentWidget,
      isToggled: () => {
        const panel = tracker.currentWidget;
        return !!panel && controller.isGrading(panel.context.path);
      },
      execute: async () => {
        const panel = tracker.currentWidget;
        if (!panel) {
          return;
        }
        const on = !controller.isGrading(panel.context.path);
        controller.setGrading(panel.context.path, on);
        if (on) {
          await controller.showEvidence();
        }
      }
    });
    addToPalette(palette, trans, [CommandIDs.gradingToggle]);

    if (settingRegistry) {
      controller
        .loadSettings(settingRegistry, PLUGIN_ID)
        .catch(reason =>
          console.error(
            'jupyterlab-testbed: cannot load the grading settings.',
            reason
          )
        );
    }
    addOverview(app, {
      grading: controller,
      translator: translator ?? nullTranslator,
      outlineOptions: () => controller.outlineOptions,
      browser,
      palette,
      views
    });
    return controller;
  }
};
