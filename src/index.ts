import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { placeholdersPlugin } from './placeholders/plugin';
import { progressPlugin } from './progress/plugin';
import { sidebarPlugin } from './sidebar/plugin';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  sidebarPlugin,
  progressPlugin,
  placeholdersPlugin
];
export default plugins;
