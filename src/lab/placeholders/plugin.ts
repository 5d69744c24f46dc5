/**
 * The placeholders capability: the student's values, filled into the
 * notebooks reversibly, and the check before a cell that still holds one
 * runs. The controller and the filler own the state; this wires them.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorExtensionRegistry } from '@jupyterlab/codemirror';
import { INotebookCellExecutor, INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { addToPalette } from '../palette';
import {
  CommandIDs,
  IGrading,
  IPlaceholders,
  ITestbedSidebar
} from '../tokens';
import { runApproval } from './approval';
import { addCommands } from './commands';
import { PlaceholdersController } from './controller';
import { PlaceholderFiller } from './filler';
import { PlaceholderForm } from './form';
import { TokenHighlighter } from './highlight';
import { CheckingCellExecutor } from './runcheck';

const PLUGIN_ID = 'jupyterlab-testbed:placeholders';

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
    const highlighter = new TokenHighlighter();
    if (editorExtensions) {
      highlighter.register(editorExtensions);
    }
    const controller = new PlaceholdersController({
      tracker,
      grading,
      trans,
      highlighter,
      serverSettings: app.serviceManager.serverSettings
    });
    const form = new PlaceholderForm({
      translator: translator ?? nullTranslator,
      save: (field, value, folder) =>
        controller.saver.save(field, value, folder),
      fill: () => void app.commands.execute(CommandIDs.fillPlaceholders),
      reset: () => void app.commands.execute(CommandIDs.resetPlaceholders),
      next: token =>
        void app.commands.execute(CommandIDs.nextPlaceholder, { token })
    });
    form.id = 'jp-testbed-placeholders';
    sidebar.addSection(form, 200, 2);
    const openForm = () =>
      sidebar.showSection(form, form.node.querySelector('input'));
    const filler = new PlaceholderFiller({
      tracker,
      forPanel: panel => controller.forPanel(panel),
      isGraded: panel => controller.isGraded(panel),
      trans,
      openForm,
      undoChanged: () => app.commands.notifyCommandChanged(CommandIDs.undoFill)
    });
    controller.attach({ form, filler });
    addCommands({ app, tracker, filler, trans, openForm });
    addToPalette(palette, trans, [
      CommandIDs.showPlaceholders,
      CommandIDs.fillPlaceholders,
      CommandIDs.resetPlaceholders,
      CommandIDs.nextPlaceholder,
      CommandIDs.undoFill
    ]);
    if (executor instanceof CheckingCellExecutor) {
      executor.approve = runApproval(tracker, controller, filler, trans);
    } else {
      console.warn(
        'jupyterlab-testbed: another extension runs the cells; unfilled placeholders are not checked before a run.'
      );
    }

    void controller.readServer();
    if (settingRegistry) {
      controller.loadSettings(settingRegistry, PLUGIN_ID).catch(reason => {
        console.error(
          'jupyterlab-testbed: cannot load the placeholder settings.',
          reason
        );
      });
    }
    return controller;
  }
};
