import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { progressPlugin } from './progress/plugin';
import { sidebarPlugin } from './sidebar/plugin';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [sidebarPlugin, progressPlugin];
export default plugins;
