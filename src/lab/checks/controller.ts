/**
 * Running a notebook's checks on the student's click, and recording their
 * results through Progress: on the cells and in the notebook's log.
 *
 * A check is code from the notebook, so it runs only here, on a click, and
 * only after: the notebook is not open for grading; its declared nodes were
 * accepted (the Terminals section's consent); the student saw, once per
 * notebook and set of commands, the commands its checks run; and a command
 * that still holds a placeholder was confirmed, like a run.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  batches,
  CheckedStep,
  checkRequest,
  describeChecks,
  resultOf
} from '../../core/checks/plan';
import { describeResult } from '../../core/checks/status';
import { CELL_TICK } from '../../core/metadata/format';
import { countTokens, substitute } from '../../core/placeholders/engine';
import type { IGrading, IPlaceholders, IProgress, ITerminals } from '../tokens';
import type { CheckClient } from './client';

export namespace ChecksController {
  export interface IOptions {
    client: CheckClient;
    /** Records each result, in the cell and the notebook's log. */
    progress: IProgress;
    trans: TranslationBundle;
    grading: IGrading | null;
    placeholders: IPlaceholders | null;
    /** Without the terminals, nothing says a notebook's nodes were accepted. */
    terminals: ITerminals | null;
  }
}

export class ChecksController {
  constructor(options: ChecksController.IOptions) {
    this._options = options;
  }

  /** Whether a step's check is running now. */
  isRunning(panel: NotebookPanel, step: CheckedStep): boolean {
    return this._running.has(this._key(panel, step));
  }

  /**
   * Run the checks of these steps (in batches), after the questions the
   * module comment names; results are written as each one ends.
   */
  async check(panel: NotebookPanel, steps: CheckedStep[]): Promise<void> {
    const { trans } = this._options;
    if (!steps.length) {
      Notification.info(trans.__('No step here has a check.'), {
        autoClose: 4000
      });
      return;
    }
    const path = panel.context.path;
    if (this._options.grading?.isGrading(path)) {
      Notification.warning(
        trans.__(
          'Grader mode never runs checks: the results shown are the student’s.'
        ),
        { autoClose: 6000 }
      );
      return;
    }
    if (
      steps.some(step => step.check.on !== 'jupyter') &&
      !this._options.terminals?.nodesAccepted(panel)
    ) {
      Notification.warning(
        trans.__(
          'Accept this notebook’s nodes in the Terminals section first: its checks run on them.'
        ),
        { autoClose: 8000 }
      );
      return;
    }
    if (!(await this._consent(panel, steps))) {
      return;
    }
    const commands = new Map<CheckedStep, string>();
    for (const step of steps) {
      const command = await this._fill(panel, step);
      if (command === null) {
        return;
      }
      commands.set(step, command);
    }
    for (const batch of batches(steps)) {
      await Promise.all(
        batch.map(step => this._checkOne(panel, step, commands.get(step)!))
      );
    }
  }

  private async _checkOne(
    panel: NotebookPanel,
    step: CheckedStep,
    command: string
  ): Promise<void> {
    const { trans } = this._options;
    const key = this._key(panel, step);
    if (this._running.has(key)) {
      return;
    }
    this._running.add(key);
    try {
      const reply = await this._options.client.run(
        checkRequest(panel.context.path, step, command)
      );
      // Timed as it ends, like a run: the log, written as events come, stays
      // in time order though other events came while the check ran.
      const result = resultOf(reply, step.check, new Date());
      const recorded = this._options.progress
        .modelFor(panel)
        .recordCheck(step.cellId, step.tickKey ?? CELL_TICK, result);
      if (!recorded) {
        throw new Error(
          trans.__('The step’s cell is gone or its record cannot be read.')
        );
      }
      if (result.r !== 'pass') {
        const output = reply.places
          .filter(place => place.result !== 'pass' && place.output.trim())
          .map(place => `${place.place}: ${place.output.trim().split('\n')[0]}`)
          .slice(0, 3);
        Notification.warning(
          [
            trans.__('Check of “%1” %2.', step.label, describeResult(result)),
            step.check.hint ?? '',
            ...output
          ]
            .filter(Boolean)
            .join(' '),
          { autoClose: 10000 }
        );
      }
    } catch (reason) {
      Notification.error(
        trans.__('Check of “%1”: %2', step.label, (reason as Error).message),
        { autoClose: 8000 }
      );
    } finally {
      this._running.delete(key);
    }
  }

  /**
   * The first Check of a notebook shows the commands it will run; a later
   * one asks again only for commands not shown yet (a changed check).
   */
  private async _consent(
    panel: NotebookPanel,
    steps: CheckedStep[]
  ): Promise<boolean> {
    const { trans } = this._options;
    const path = panel.context.path;
    const shown = this._consented.get(path) ?? new Set<string>();
    const lines = describeChecks(steps).filter(line => !shown.has(line));
    if (!lines.length) {
      return true;
    }
    const body = document.createElement('div');
    const intro = document.createElement('p');
    intro.textContent = trans.__(
      'These checks come from the notebook and run these commands (where: command):'
    );
    const list = document.createElement('pre');
    list.className = 'jp-testbed-Checks-commands';
    list.textContent = lines.join('\n');
    body.append(intro, list);
    const result = await showDialog({
      title: trans.__('Run the notebook’s checks?'),
      body: new Widget({ node: body }),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Run Checks') })
      ]
    });
    if (!result.button.accept) {
      return false;
    }
    lines.forEach(line => shown.add(line));
    this._consented.set(path, shown);
    return true;
  }

  /** A check's command with the student's values; null when they would rather not. */
  private async _fill(
    panel: NotebookPanel,
    step: CheckedStep
  ): Promise<string | null> {
    const { trans, placeholders } = this._options;
    const state = placeholders?.forPanel(panel);
    if (!state) {
      return step.check.cmd;
    }
    const command = substitute(step.check.cmd, state.values);
    const unfilled = [
      ...countTokens(
        command,
        state.placeholders.map(p => p.token)
      ).keys()
    ];
    if (!unfilled.length) {
      return command;
    }
    const result = await showDialog({
      title: trans.__('This check still holds a placeholder'),
      body: trans.__(
        'The check of “%1” holds %2, not yet filled: run as it is, it would use the placeholder text itself.',
        step.label,
        unfilled.map(t => `“${t}”`).join(', ')
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Do Not Check') }),
        Dialog.warnButton({ label: trans.__('Check Anyway') })
      ]
    });
    return result.button.accept ? command : null;
  }

  private _key(panel: NotebookPanel, step: CheckedStep): string {
    return `${panel.context.path}\n${step.key}`;
  }

  private _options: ChecksController.IOptions;
  private _running = new Set<string>();
  /** By notebook path, the check commands the student was shown and accepted. */
  private _consented = new Map<string, Set<string>>();
}
