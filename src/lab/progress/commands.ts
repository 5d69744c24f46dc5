/**
 * The progress commands (palette, context menu, shortcut, Help menu).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  METADATA_KEY,
  readCellRecord,
  withManualStep
} from '../../core/metadata/format';
import { recordOrSay, storeRecord } from '../metadata/cell';
import { CommandIDs } from '../tokens';
import type { ProgressModel } from './model';
import type { IStep } from '../../core/progress/outline';
import { describeArguments } from '../commandargs';

export interface IProgressActions {
  modelFor: (panel: NotebookPanel) => ProgressModel;
  continueLab: () => void;
  isTracking: () => boolean;
  setTracking: (value: boolean) => void;
  refreshLab: () => void;
  tick: (step: IStep, ticked: boolean) => void;
  /** True, after saying why, when the current notebook is open for grading. */
  refuseIfGraded: () => boolean;
  /** Open the Progress section, expanded and focused. */
  show: () => void;
}

/** The manual step of the active cell, if it is one. */
function activeManualStep(
  tracker: INotebookTracker,
  actions: IProgressActions
): IStep | null {
  const panel = tracker.currentWidget;
  const cell = tracker.activeCell;
  if (!panel || !cell) {
    return null;
  }
  const outline = actions.modelFor(panel).outline;
  return (
    outline?.steps.find(
      s => s.kind === 'manual' && s.cellId === cell.model.id
    ) ?? null
  );
}

export function addCommands(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  trans: TranslationBundle,
  actions: IProgressActions
): void {
  const { commands } = app;
  commands.addCommand(CommandIDs.showProgress, {
    describedBy: describeArguments(),
    label: trans.__('Show Lab Progress'),
    caption: trans.__('Open the Progress section of the Testbed sidebar'),
    execute: () => actions.show()
  });
  commands.addCommand(CommandIDs.continueLab, {
    describedBy: describeArguments(),
    label: trans.__('Continue the Lab: Go to the First Step Not Done'),
    caption: trans.__(
      'Scroll to the first step of this notebook that is not done yet'
    ),
    isEnabled: () => !!tracker.currentWidget,
    execute: () => actions.continueLab()
  });
  commands.addCommand(CommandIDs.tickCell, {
    describedBy: describeArguments(),
    label: trans.__('Manual Step Done'),
    caption: trans.__('Tick or untick the manual step of the active cell'),
    isEnabled: () => activeManualStep(tracker, actions) !== null,
    isToggled: () => activeManualStep(tracker, actions)?.status === 'ticked',
    execute: () => {
      const step = activeManualStep(tracker, actions);
      if (step) {
        actions.tick(step, step.status !== 'ticked');
      }
    }
  });
  commands.addCommand(CommandIDs.markManualStep, {
    describedBy: describeArguments(),
    label: trans.__('Manual Step: Done Outside the Notebook'),
    caption: trans.__(
      'Mark the active markdown cell as a step that students tick off'
    ),
    isEnabled: () => tracker.activeCell?.model.type === 'markdown',
    isToggled: () => {
      const read = readCellRecord(
        tracker.activeCell?.model.getMetadata(METADATA_KEY)
      );
      return read.status === 'ok' && read.record.step === 'manual';
    },
    execute: () => {
      const cell = tracker.activeCell?.model;
      if (!cell || cell.type !== 'markdown' || actions.refuseIfGraded()) {
        return;
      }
      const record = recordOrSay(
        cell,
        trans.__('Cannot mark this cell'),
        trans
      );
      if (record === undefined) {
        return;
      }
      storeRecord(cell, withManualStep(record, record?.step !== 'manual'));
    }
  });
  commands.addCommand(CommandIDs.toggleTracking, {
    describedBy: describeArguments(),
    label: trans.__('Record Cell Runs and Ticks in Notebooks'),
    isToggled: () => actions.isTracking(),
    execute: () => actions.setTracking(!actions.isTracking())
  });
  commands.addCommand(CommandIDs.refreshLab, {
    describedBy: describeArguments(),
    label: trans.__('Refresh the Lab Notebooks List'),
    execute: () => actions.refreshLab()
  });
  commands.addCommand(CommandIDs.about, {
    describedBy: describeArguments(),
    label: trans.__('What Lab Progress Records'),
    execute: () =>
      showDialog({
        title: trans.__('What lab progress records'),
        body: aboutBody(trans),
        buttons: [Dialog.okButton()]
      })
  });
  tracker.activeCellChanged.connect(() => {
    commands.notifyCommandChanged(CommandIDs.tickCell);
    commands.notifyCommandChanged(CommandIDs.markManualStep);
  });
}

function aboutBody(trans: TranslationBundle): Widget {
  const body = new Widget();
  body.addClass('jp-testbed-About');
  const paragraphs = [
    trans.__(
      'While you work, this extension writes a small record into the notebook file itself, under the metadata key "%1":',
      METADATA_KEY
    ),
    trans.__(
      '• for each code cell you run: how many times it ran, when it first and last ran, how long the last run took, whether it failed and the error name, and a fingerprint of the code that ran;'
    ),
    trans.__('• the steps you tick off, with the time;'),
    trans.__(
      '• a short log of the latest runs and ticks (the oldest entries are dropped).'
    ),
    trans.__(
      'It stays in the notebook: nothing is sent anywhere. Whoever gets the file (for example a grader, when you hand it in) can see it. No outputs, values or keystrokes are recorded.'
    ),
    trans.__(
      'You can turn recording off with the command "Record Cell Runs and Ticks in Notebooks" or in the settings (Testbed: progress).'
    )
  ];
  for (const text of paragraphs) {
    const p = document.createElement('p');
    p.textContent = text;
    body.node.appendChild(p);
  }
  return body;
}
