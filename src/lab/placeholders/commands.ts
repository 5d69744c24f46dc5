/**
 * What a student does with placeholders, as commands: enter values, fill,
 * restore, undo a fill, and go to the next unfilled one. The filler does
 * the work; a graded notebook is refused before anything is changed.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandIDs } from '../tokens';
import type { PlaceholderFiller } from './filler';
import { describeArguments } from '../commandargs';

export function addCommands(options: {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  filler: PlaceholderFiller;
  trans: TranslationBundle;
  openForm: () => void;
}): void {
  const { app, tracker, filler, trans, openForm } = options;
  const current = () => tracker.currentWidget;

  app.commands.addCommand(CommandIDs.showPlaceholders, {
    label: trans.__('Enter Your Placeholder Values'),
    caption: trans.__('Open the Placeholders section of the Testbed sidebar'),
    describedBy: describeArguments(),
    execute: openForm
  });
  app.commands.addCommand(CommandIDs.fillPlaceholders, {
    label: trans.__('Fill Placeholders in This Notebook'),
    caption: trans.__(
      'Put your net ID, project and IP addresses into the code cells, keeping each cell’s original to restore'
    ),
    describedBy: describeArguments(),
    isEnabled: () => !!current(),
    execute: () => {
      const panel = filler.writable();
      if (panel) {
        filler.fill(panel);
      }
    }
  });
  app.commands.addCommand(CommandIDs.resetPlaceholders, {
    label: trans.__('Restore Placeholders in This Notebook'),
    caption: trans.__('Put back the original text of every filled cell'),
    describedBy: describeArguments(),
    isEnabled: () => !!current(),
    execute: () => {
      const panel = filler.writable();
      if (panel) {
        filler.reset(panel);
      }
    }
  });
  app.commands.addCommand(CommandIDs.undoFill, {
    label: trans.__('Undo the Last Fill or Restore'),
    caption: trans.__(
      'Put back the cells the last fill, refill or restore changed, except those edited since'
    ),
    describedBy: describeArguments(),
    isEnabled: () => filler.canUndo(current()),
    execute: () => {
      const panel = filler.writable();
      if (panel) {
        filler.undo(panel);
      }
    }
  });
  app.commands.addCommand(CommandIDs.nextPlaceholder, {
    label: trans.__('Go to the Next Unfilled Placeholder'),
    caption: trans.__('Show the next code cell that still holds a placeholder'),
    describedBy: describeArguments({
      token: {
        type: 'string',
        description: 'Go to this placeholder token; default: any unfilled one'
      }
    }),
    isEnabled: () => !!current(),
    execute: async args => {
      const panel = current();
      if (panel) {
        await filler.next(
          panel,
          typeof args.token === 'string' ? args.token : undefined
        );
      }
    }
  });
}
