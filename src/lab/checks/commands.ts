/**
 * The checks' commands: Check (a step), Check This Section, Check All.
 * Each acts on the current notebook; a step or section is named by its
 * Progress key or index, else the one of the active cell.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { allChecks, CheckedStep, sectionChecks } from '../../core/checks/plan';
import type { IOutline } from '../../core/progress/outline';
import { describeArguments } from '../commandargs';
import { CommandIDs, IProgress } from '../tokens';
import type { ChecksController } from './controller';

export function addCommands(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  progress: IProgress,
  controller: ChecksController,
  trans: TranslationBundle
): void {
  const current = (): { panel: NotebookPanel; outline: IOutline } | null => {
    const panel = tracker.currentWidget;
    const outline = panel ? progress.modelFor(panel).outline : null;
    return panel && outline ? { panel, outline } : null;
  };
  const activeStep = (outline: IOutline, panel: NotebookPanel) => {
    const id = panel.content.activeCell?.model.id;
    return outline.steps.find(step => step.cellId === id && step.check);
  };
  const hasChecks = () => {
    const lab = current();
    return !!lab && allChecks(lab.outline).length > 0;
  };

  app.commands.addCommand(CommandIDs.checkStep, {
    describedBy: describeArguments({
      step: {
        type: 'string',
        description:
          'The step’s key in Progress; default: the active cell’s step'
      }
    }),
    label: trans.__('Check'),
    caption: trans.__('Run this step’s check: did the step work?'),
    isEnabled: hasChecks,
    execute: async args => {
      const lab = current();
      if (!lab) {
        return;
      }
      const key = typeof args.step === 'string' ? args.step : null;
      const step = key
        ? lab.outline.steps.find(s => s.key === key && s.check)
        : activeStep(lab.outline, lab.panel);
      await controller.check(lab.panel, step ? [step as CheckedStep] : []);
    }
  });
  app.commands.addCommand(CommandIDs.checkSection, {
    describedBy: describeArguments({
      section: {
        type: 'number',
        description:
          'The section’s index in Progress; default: the active cell’s section'
      }
    }),
    label: trans.__('Check This Section'),
    caption: trans.__('Run the checks of this section’s steps'),
    isEnabled: hasChecks,
    execute: async args => {
      const lab = current();
      if (!lab) {
        return;
      }
      const index =
        typeof args.section === 'number'
          ? args.section
          : (activeStep(lab.outline, lab.panel)?.section ??
            lab.outline.steps.find(
              s => s.cellIndex >= lab.panel.content.activeCellIndex
            )?.section);
      const steps =
        index !== undefined && lab.outline.sections[index]
          ? sectionChecks(lab.outline, index)
          : [];
      await controller.check(lab.panel, steps);
    }
  });
  app.commands.addCommand(CommandIDs.checkAll, {
    describedBy: describeArguments(),
    label: trans.__('Check All'),
    caption: trans.__('Run the checks of every step of the notebook'),
    isEnabled: hasChecks,
    execute: async () => {
      const lab = current();
      if (lab) {
        await controller.check(lab.panel, allChecks(lab.outline));
      }
    }
  });
}
