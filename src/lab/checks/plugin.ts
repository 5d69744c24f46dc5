/**
 * The checks capability: authors' checks on steps, run on the student's
 * click over the lab's ssh config, results recorded on the cells (Progress
 * counts them).
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { addToPalette } from '../palette';
import {
  CommandIDs,
  IGrading,
  IPlaceholders,
  IProgress,
  ITerminals
} from '../tokens';
import { CheckClient } from './client';
import { addCommands } from './commands';
import { ChecksController } from './controller';

export const checksPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-testbed:checks',
  description:
    'Runs the checks an author declares on a lab’s steps, on the student’s click.',
  autoStart: true,
  requires: [INotebookTracker, IProgress],
  optional: [ITranslator, IGrading, IPlaceholders, ITerminals, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    progress: IProgress,
    translator: ITranslator | null,
    grading: IGrading | null,
    placeholders: IPlaceholders | null,
    terminals: ITerminals | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    const controller = new ChecksController({
      client: new CheckClient(trans),
      progress,
      trans,
      grading,
      placeholders,
      terminals
    });
    addCommands(app, tracker, progress, controller, trans);
    addToPalette(palette, trans, [
      CommandIDs.checkStep,
      CommandIDs.checkSection,
      CommandIDs.checkAll
    ]);
  }
};
