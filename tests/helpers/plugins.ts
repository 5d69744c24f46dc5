/**
 * The capabilities' plugins activated as JupyterLab activates them, without
 * a settings registry, for tests that need them working together.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { GradingController } from '../../src/lab/grading/controller';
import { gradingPlugin } from '../../src/lab/grading/plugin';
import type { PlaceholdersController } from '../../src/lab/placeholders/controller';
import { placeholdersPlugin } from '../../src/lab/placeholders/plugin';
import type { ProgressController } from '../../src/lab/progress/controller';
import { progressPlugin } from '../../src/lab/progress/plugin';
import type { ITestbedSidebar } from '../../src/lab/tokens';

export function activateCapabilities(
  app: JupyterFrontEnd,
  sidebar: ITestbedSidebar,
  tracker: INotebookTracker
): {
  grading: GradingController;
  progress: ProgressController;
  placeholders: PlaceholdersController;
} {
  const grading = gradingPlugin.activate(
    app,
    sidebar,
    tracker,
    null,
    null,
    null,
    null
  ) as GradingController;
  const progress = progressPlugin.activate(
    app,
    sidebar,
    tracker,
    null,
    null,
    null,
    null,
    grading
  ) as ProgressController;
  const placeholders = placeholdersPlugin.activate(
    app,
    sidebar,
    tracker,
    null,
    null,
    null,
    null,
    null,
    grading
  ) as PlaceholdersController;
  return { grading, progress, placeholders };
}
