import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { authoringPlugin } from './authoring/plugin';
import { gradingPlugin } from './grading/plugin';
import { placeholdersPlugin, runCheckPlugin } from './placeholders/plugin';
import { progressPlugin } from './progress/plugin';
import { sidebarPlugin } from './sidebar/plugin';
import { terminalsPlugin } from './terminals/plugin';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  sidebarPlugin,
  gradingPlugin,
  progressPlugin,
  placeholdersPlugin,
  runCheckPlugin,
  terminalsPlugin,
  authoringPlugin
];
export default plugins;
