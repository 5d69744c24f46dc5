/**
 * The question before a code cell that still holds a placeholder runs:
 * do not run, run anyway (unless the setting blocks it), or fill, then run.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { errorText } from '../../core/helpers';
import { countTokens } from '../../core/placeholders/engine';
import { TokenScanner } from '../../core/placeholders/tokenscan';
import type { PlaceholdersController } from './controller';
import type { PlaceholderFiller } from './filler';
import type { RunApproval } from './runcheck';

export function runApproval(
  tracker: INotebookTracker,
  placeholders: PlaceholdersController,
  filler: PlaceholderFiller,
  trans: TranslationBundle
): RunApproval {
  const ask = Private.askBeforeRun(tracker, placeholders, filler, trans);
  return async (notebook, cells) => {
    const check = placeholders.model.options.checkBeforeRun;
    try {
      return await ask(notebook, cells);
    } catch (reason) {
      // "block" promises that nothing holding a placeholder runs: a check
      // that could not be made must not let the cells through.
      if (check === 'block') {
        Notification.error(
          trans.__(
            'Not run: the placeholder check failed (%1), and the setting says to block such runs.',
            errorText(reason)
          ),
          { autoClose: false }
        );
        return false;
      }
      console.error('jupyterlab-testbed: the run check failed.', reason);
      return true;
    }
  };
}

namespace Private {
  export function askBeforeRun(
    tracker: INotebookTracker,
    placeholders: PlaceholdersController,
    filler: PlaceholderFiller,
    trans: TranslationBundle
  ): RunApproval {
    return async (notebook, cells) => {
      const check = placeholders.model.options.checkBeforeRun;
      const panel = tracker.find(p => p.content.model === notebook);
      // A grader runs the student's cells as handed in; a notebook not shown
      // in a notebook panel has no placeholders of this lab.
      if (check === 'off' || !panel || placeholders.isGraded(panel)) {
        return true;
      }
      const state = placeholders.forPanel(panel);
      const tokens = state.placeholders.map(p => p.token);
      const holding = Private.cellsHolding(panel, cells, tokens);
      if (!holding.length) {
        return true;
      }
      const canFill =
        !state.invalid.length &&
        holding.every(h => h.tokens.every(token => state.values.has(token)));
      const body = [
        Private.describeHolding(holding, trans),
        trans.__(
          'Run as it is, the command would use the placeholder text itself, not your value.'
        )
      ].join(' ');
      const fillButton = Dialog.okButton({ label: trans.__('Fill, Then Run') });
      const buttons =
        check === 'block'
          ? [Dialog.cancelButton({ label: trans.__('Do Not Run') })]
          : [
              Dialog.cancelButton({ label: trans.__('Do Not Run') }),
              Dialog.warnButton({ label: trans.__('Run Anyway') })
            ];
      if (canFill) {
        buttons.push(fillButton);
      }
      const result = await showDialog({
        title: trans.__('This cell still holds a placeholder'),
        body,
        buttons,
        defaultButton: buttons.length - 1
      });
      if (!result.button.accept) {
        return false;
      }
      if (result.button.label !== fillButton.label) {
        return true;
      }
      filler.fillAndReport(panel, state.values, true);
      const left = Private.cellsHolding(panel, cells, tokens);
      if (left.length) {
        Notification.warning(
          `${trans.__('Not run.')} ${Private.describeHolding(left, trans)}`,
          { autoClose: false }
        );
        return false;
      }
      return true;
    };
  }

  export interface IHolding {
    /** 1-based, as the student counts cells. */
    number: number;
    tokens: string[];
  }

  export function cellsHolding(
    panel: NotebookPanel,
    cells: Cell[],
    tokens: string[]
  ): IHolding[] {
    const holding: IHolding[] = [];
    const scanner = new TokenScanner(tokens);
    for (const cell of cells) {
      const found = [
        ...countTokens(cell.model.sharedModel.getSource(), scanner).keys()
      ];
      if (found.length) {
        holding.push({
          number: panel.content.widgets.indexOf(cell) + 1,
          tokens: found
        });
      }
    }
    return holding;
  }

  export function describeHolding(
    holding: IHolding[],
    trans: TranslationBundle
  ): string {
    if (holding.length === 1) {
      return trans.__(
        'Cell %1 still holds %2.',
        holding[0].number,
        holding[0].tokens.map(t => `“${t}”`).join(', ')
      );
    }
    const tokens = [...new Set(holding.flatMap(h => h.tokens))];
    return trans.__(
      'Cells %1 still hold %2.',
      holding.map(h => h.number).join(', '),
      tokens.map(t => `“${t}”`).join(', ')
    );
  }
}
