import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { authoringPlugin } from './lab/authoring/plugin';
import { checksPlugin } from './lab/checks/plugin';
import { gradingPlugin } from './lab/grading/plugin';
import { placeholdersPlugin, runCheckPlugin } from './lab/placeholders/plugin';
import { progressPlugin } from './lab/progress/plugin';
import { sidebarPlugin } from './lab/sidebar/plugin';
import { terminalsPlugin } from './lab/terminals/plugin';

export * from './lab/tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  sidebarPlugin,
  gradingPlugin,
  progressPlugin,
  placeholdersPlugin,
  runCheckPlugin,
  terminalsPlugin,
  authoringPlugin,
  checksPlugin
];
export default plugins;
