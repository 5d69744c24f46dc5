import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs, ITestbedSidebar } from '../tokens';
import { EXTENSION_VERSION } from '../../core/version';
import { TestbedSidebar } from './panel';
import {
  isSupportedJupyterLab,
  SUPPORTED_JUPYTERLAB
} from '../../core/sidebar/support';
import { describeArguments } from '../commandargs';

/** Third-party left-area ranks start at 501 (extension_points.md). */
const SIDEBAR_RANK = 650;

export const sidebarPlugin: JupyterFrontEndPlugin<ITestbedSidebar> = {
  id: 'jupyterlab-testbed:sidebar',
  description: 'The testbed lab sidebar that the capabilities add sections to.',
  autoStart: true,
  provides: ITestbedSidebar,
  optional: [ILayoutRestorer, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): ITestbedSidebar => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    if (!isSupportedJupyterLab(app.version)) {
      // Every capability requires the sidebar: none starts either.
      const message = trans.__(
        'jupyterlab-testbed %1 supports JupyterLab %2; this is JupyterLab %3, so the Testbed lab sidebar does not start. A jupyterlab-testbed release made for this JupyterLab, or a JupyterLab in that range, is needed.',
        EXTENSION_VERSION,
        SUPPORTED_JUPYTERLAB,
        app.version
      );
      void showErrorMessage(trans.__('Testbed Lab Not Started'), message);
      throw new Error(message);
    }
    const sidebar = new TestbedSidebar(translator ?? nullTranslator);
    app.shell.add(sidebar, 'left', { rank: SIDEBAR_RANK, type: 'Testbed lab' });
    restorer?.add(sidebar, 'jupyterlab-testbed:sidebar');
    app.commands.addCommand(CommandIDs.showSidebar, {
      describedBy: describeArguments(),
      label: trans.__('Show Testbed Lab Sidebar'),
      execute: () => app.shell.activateById(sidebar.id)
    });
    palette?.addItem({
      command: CommandIDs.showSidebar,
      category: trans.__('Testbed')
    });
    return sidebar;
  }
};
