/**
 * The terminals capability: pre-wired SSH terminals to the lab's nodes and
 * the Run-on-node buttons. The controller owns the state; this wires it.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITerminalTracker } from '@jupyterlab/terminal';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { addToPalette } from '../palette';
import {
  CommandIDs,
  IGrading,
  IPlaceholders,
  IProgress,
  ITerminals,
  ITestbedSidebar
} from '../tokens';
import {
  addCommands,
  addProposalCommands,
  addShowCommand,
  sectionActions
} from './commands';
import { TerminalsController } from './controller';
import { BlockEnds } from './blockend';
import { addJupyterRunCommand } from './jupyterrun';
import { NodeTerminals } from './manager';
import { TerminalsModel } from './model';
import { TerminalsSection } from './section';
import { SshServer } from './server';

const PLUGIN_ID = 'jupyterlab-testbed:terminals';

export const terminalsPlugin: JupyterFrontEndPlugin<ITerminals> = {
  id: PLUGIN_ID,
  description:
    'Opens pre-wired SSH terminals to the lab’s nodes and sends “# run on node1” blocks to them.',
  autoStart: true,
  provides: ITerminals,
  requires: [ITestbedSidebar, INotebookTracker, ITerminalTracker],
  optional: [
    IPlaceholders,
    IProgress,
    ISettingRegistry,
    ICommandPalette,
    ITranslator,
    IGrading
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    notebooks: INotebookTracker,
    terminalTracker: ITerminalTracker,
    placeholders: IPlaceholders | null,
    progress: IProgress | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    grading: IGrading | null
  ): ITerminals => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    const model = new TerminalsModel(
      new SshServer(app.serviceManager.serverSettings, trans),
      trans
    );
    const terminals = new NodeTerminals({
      app,
      tracker: terminalTracker,
      server: model.server,
      connectLine: node => model.connectLine(node),
      route: node => model.route(node),
      trans
    });
    const section = new TerminalsSection({
      model,
      terminals,
      translator: translator ?? nullTranslator,
      ...sectionActions(app.commands)
    });
    section.id = 'jp-testbed-terminals';
    sidebar.addSection(section, 300, 3);

    const controller = new TerminalsController({
      notebooks,
      model,
      terminals,
      placeholders,
      grading,
      trans,
      translator: translator ?? nullTranslator,
      isVisible: () => section.isVisible
    });
    const blockEnds = new BlockEnds(terminals);
    controller.sender = addCommands({
      app,
      notebooks,
      model,
      terminals,
      blockEnds,
      placeholders,
      progress,
      trans,
      markers: () => controller.markers,
      isGraded: panel => controller.isGraded(panel)
    });
    addProposalCommands(app, controller, trans);
    addJupyterRunCommand(app.commands, notebooks, trans);
    addShowCommand(app, trans, () =>
      // The section may be too short to show the proposal: focus scrolls to it.
      sidebar.showSection(
        section,
        section.node.querySelector<HTMLElement>(
          '.jp-testbed-Proposal[tabindex], .jp-testbed-NodeCard button'
        )
      )
    );
    addToPalette(palette, trans, [
      CommandIDs.showTerminals,
      CommandIDs.acceptNodes,
      CommandIDs.openNode,
      CommandIDs.openAllNodes,
      CommandIDs.checkNodes,
      CommandIDs.loadKeys,
      CommandIDs.runCellOnNode,
      CommandIDs.runInJupyterTerminal
    ]);

    controller.start(app.restored);
    if (settingRegistry) {
      controller
        .loadSettings(settingRegistry, PLUGIN_ID)
        .catch(reason =>
          console.error(
            'jupyterlab-testbed: terminal settings not loaded.',
            reason
          )
        );
    }
    section.disposed.connect(() => {
      controller.dispose();
      terminals.dispose();
      blockEnds.dispose();
    });
    return controller;
  }
};
