import type { JupyterFrontEnd } from '@jupyterlab/application';
import { NotebookTracker } from '@jupyterlab/notebook';
import type { ITerminalTracker } from '@jupyterlab/terminal';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { authoringPlugin } from '../../src/lab/authoring/plugin';
import { checksPlugin } from '../../src/lab/checks/plugin';
import { sidebarPlugin } from '../../src/lab/sidebar/plugin';
import { terminalsPlugin } from '../../src/lab/terminals/plugin';
import { CommandIDs, ITestbedSidebar } from '../../src/lab/tokens';
import { activateCapabilities } from '../helpers/plugins';

/** Every capability's commands, registered as JupyterLab starts the plugins. */
function startLab(): CommandRegistry {
  const commands = new CommandRegistry();
  const app = {
    commands,
    version: '4.4.0',
    serviceManager: {
      contents: {
        localPath: (path: string) => path,
        fileChanged: new Signal({})
      },
      serverSettings: { baseUrl: 'http://localhost/commands-test/' },
      terminals: { runningChanged: new Signal({}) }
    },
    shell: { activateById: () => undefined, add: () => undefined },
    contextMenu: { addItem: () => undefined },
    restored: new Promise(() => undefined),
    resolveOptionalService: async () => null
  } as unknown as JupyterFrontEnd;
  const sidebar: ITestbedSidebar = {
    id: 'sidebar',
    addSection: () => undefined,
    showSection: () => undefined
  };
  const tracker = new NotebookTracker({ namespace: 'commands-test' });
  const terminalTracker = new NotebookTracker({
    namespace: 'commands-test-terminals'
  }) as unknown as ITerminalTracker;
  sidebarPlugin.activate(app, null, null, null);
  const { grading, progress, placeholders } = activateCapabilities(
    app,
    sidebar,
    tracker
  );
  terminalsPlugin.activate(
    app,
    sidebar,
    tracker,
    terminalTracker,
    placeholders,
    progress,
    null,
    null,
    null,
    grading
  );
  authoringPlugin.activate(
    app,
    sidebar,
    tracker,
    null,
    null,
    null,
    null,
    placeholders,
    null,
    progress
  );
  checksPlugin.activate(
    app,
    tracker,
    progress,
    null,
    grading,
    placeholders,
    null,
    null
  );
  return commands;
}

describe('the commands', () => {
  it('are all registered, and each describes its arguments as a JSON schema', async () => {
    const commands = startLab();
    const ids = Object.values(CommandIDs);
    expect(ids.filter(id => !commands.hasCommand(id))).toEqual([]);
    const undescribed: string[] = [];
    for (const id of ids) {
      const { args } = await commands.describedBy(id);
      if (args?.type !== 'object' || typeof args.properties !== 'object') {
        undescribed.push(id);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('describe the arguments they read', async () => {
    const commands = startLab();
    const properties = async (id: string) =>
      Object.keys(
        ((await commands.describedBy(id)).args?.properties ?? {}) as object
      );
    expect(await properties(CommandIDs.openNode)).toEqual(['node']);
    expect(await properties(CommandIDs.keepOwnNodes)).toEqual(['keep']);
    expect(await properties(CommandIDs.nextPlaceholder)).toEqual(['token']);
    expect(await properties(CommandIDs.classOverview)).toEqual(['path']);
    expect(await properties(CommandIDs.continueLab)).toEqual([]);
    expect(await properties(CommandIDs.checkStep)).toEqual(['step']);
    expect(await properties(CommandIDs.checkSection)).toEqual(['section']);
  });
});
