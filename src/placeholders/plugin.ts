import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs } from '../tokens';
import { applyPlans, IApplied } from './apply';
import { CHAMELEON_PLACEHOLDERS, usableValues } from './definitions';
import { planFill, planReset } from './engine';

const PLUGIN_ID = 'jupyterlab-testbed:placeholders';

/** Quiet time after a value changes before open notebooks are refilled. */
const REFILL_DELAY = 500;

export const placeholdersPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Fills the student’s values into the placeholders of bash and Python cells, reversibly.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    let values: { [field: string]: string } = {};
    let refillOnChange = true;

    const report = (applied: IApplied, done: string) => {
      const parts = [done];
      if (applied.edited.length) {
        parts.push(
          trans.__(
            'Cells edited by hand since they were filled were left as they are: %1.',
            applied.edited.join(', ')
          )
        );
      }
      if (applied.unreadable.length) {
        parts.push(
          trans.__(
            'Cells whose record cannot be read were left as they are: %1.',
            applied.unreadable.join(', ')
          )
        );
      }
      const message = parts.join(' ');
      if (applied.edited.length || applied.unreadable.length) {
        Notification.warning(message, { autoClose: false });
      } else {
        Notification.success(message);
      }
    };

    /** The values to fill, or null after telling the student why not. */
    const checkedValues = (): Map<string, string> | null => {
      const usable = usableValues(CHAMELEON_PLACEHOLDERS, values);
      if (usable.problems.length) {
        Notification.error(
          trans.__('Nothing was filled. %1', usable.problems.join(' ')),
          { autoClose: false }
        );
        return null;
      }
      if (!usable.values.size) {
        Notification.info(
          trans.__(
            'Enter your values first: Settings ▸ Testbed: placeholders (net ID, project, floating IP…).'
          ),
          {
            actions: [
              {
                label: trans.__('Open Settings'),
                callback: () =>
                  void app.commands.execute('settingeditor:open', {
                    query: 'Testbed: placeholders'
                  })
              }
            ]
          }
        );
        return null;
      }
      return usable.values;
    };

    const fill = (
      panel: NotebookPanel,
      usable: Map<string, string>,
      onlyFilled: boolean
    ) => {
      const model = panel.content.model;
      if (!model) {
        return;
      }
      const applied = applyPlans(
        model,
        (source, record) => planFill(source, record, usable),
        onlyFilled
      );
      if (applied.written.length || !onlyFilled) {
        report(
          applied,
          trans._n(
            'Filled %1 cell of %2.',
            'Filled %1 cells of %2.',
            applied.written.length,
            panel.context.path
          )
        );
      }
    };

    app.commands.addCommand(CommandIDs.fillPlaceholders, {
      label: trans.__('Fill Placeholders in This Notebook'),
      caption: trans.__(
        'Put your net ID, project and IP addresses into the code cells, keeping each cell’s original to restore'
      ),
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const panel = tracker.currentWidget;
        const usable = panel ? checkedValues() : null;
        if (panel && usable) {
          fill(panel, usable, false);
        }
      }
    });
    app.commands.addCommand(CommandIDs.resetPlaceholders, {
      label: trans.__('Restore Placeholders in This Notebook'),
      caption: trans.__('Put back the original text of every filled cell'),
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const model = tracker.currentWidget?.content.model;
        if (model) {
          const applied = applyPlans(model, planReset, true);
          report(
            applied,
            trans._n(
              'Restored %1 cell.',
              'Restored %1 cells.',
              applied.written.length
            )
          );
        }
      }
    });
    if (palette) {
      const category = trans.__('Testbed');
      palette.addItem({ command: CommandIDs.fillPlaceholders, category });
      palette.addItem({ command: CommandIDs.resetPlaceholders, category });
    }

    let timer: ReturnType<typeof setTimeout> | null = null;
    let refillProblem: string | null = null;
    /**
     * After a value changed: the values are checked once, and while they
     * are invalid one notice says why (replaced, not repeated, as the
     * student types); filled cells keep their last values meanwhile.
     */
    const refillOpenNotebooks = () => {
      if (timer !== null) {
        clearTimeout(timer);
      }
      timer = setTimeout(() => {
        timer = null;
        if (refillProblem !== null) {
          Notification.dismiss(refillProblem);
          refillProblem = null;
        }
        const usable = usableValues(CHAMELEON_PLACEHOLDERS, values);
        if (usable.problems.length) {
          refillProblem = Notification.error(
            trans.__(
              'Filled cells were not refilled. %1',
              usable.problems.join(' ')
            ),
            { autoClose: false }
          );
        } else if (usable.values.size) {
          tracker.forEach(panel => fill(panel, usable.values, true));
        }
      }, REFILL_DELAY);
    };

    settingRegistry
      ?.load(PLUGIN_ID)
      .then(settings => {
        const read = () => {
          values = { ...(settings.composite.values as any) };
          refillOnChange = settings.composite.refillOnChange !== false;
        };
        read();
        settings.changed.connect(() => {
          read();
          if (refillOnChange) {
            refillOpenNotebooks();
          }
        });
      })
      .catch(reason => {
        console.error(
          'jupyterlab-testbed: cannot load the placeholder settings.',
          reason
        );
      });
  }
};
