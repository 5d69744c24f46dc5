import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITerminalTracker } from '@jupyterlab/terminal';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { METADATA_KEY } from '../metadata/format';
import { isGraded } from '../grading/readonly';
import { addToPalette } from '../palette';
import {
  CommandIDs,
  IGrading,
  IPlaceholders,
  IProgress,
  ITestbedSidebar
} from '../tokens';
import { addCommands, nodeNames } from './commands';
import { NodeTerminals } from './manager';
import { compileMarkers, declaredMarkers, DEFAULT_MARKERS } from './markers';
import {
  DEFAULT_TERMINALS_SETTINGS,
  ITerminalsSettings,
  TerminalsModel
} from './model';
import { RunButtons } from './runbuttons';
import { TerminalsSection } from './section';
import { SshServer } from './server';
import { declaredNodes, labTopology } from './topology';

const PLUGIN_ID = 'jupyterlab-testbed:terminals';

/** While the section is on screen, how often terminal states are asked. */
const STATE_POLL = 5000;

export const terminalsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Opens pre-wired SSH terminals to the lab’s nodes and sends “# run on node1” blocks to them.',
  autoStart: true,
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
  ): void => {
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
      trans
    });
    let markers = compileMarkers(DEFAULT_MARKERS).patterns;
    let markerProblems: string[] = [];
    const graded = (panel: NotebookPanel) => isGraded(grading, panel);
    const { run, copy } = addCommands({
      app,
      notebooks,
      model,
      terminals,
      placeholders,
      progress,
      trans,
      markers: () => markers,
      isGraded: graded
    });
    addToPalette(palette, trans, [
      CommandIDs.openNode,
      CommandIDs.openAllNodes,
      CommandIDs.checkNodes,
      CommandIDs.loadKeys,
      CommandIDs.runCellOnNode
    ]);

    const section = new TerminalsSection({
      model,
      terminals,
      translator: translator ?? nullTranslator,
      open: node => void app.commands.execute(CommandIDs.openNode, { node }),
      reconnect: node =>
        void app.commands.execute(CommandIDs.reconnectNode, { node }),
      openAll: () => void app.commands.execute(CommandIDs.openAllNodes),
      check: () => void app.commands.execute(CommandIDs.checkNodes),
      loadKeys: () => void app.commands.execute(CommandIDs.loadKeys),
      forgetHostKey: node =>
        void app.commands.execute(CommandIDs.forgetHostKey, { node })
    });
    section.id = 'jp-testbed-terminals';
    sidebar.addSection(section, 300, 3);

    const buttons = new Map<NotebookPanel, RunButtons>();
    const updateTopology = () => {
      const panel = notebooks.currentWidget;
      const notebook = panel?.content.model ?? null;
      const record = notebook?.getMetadata(METADATA_KEY);
      const declared = declaredNodes(record);
      const wordings = declaredMarkers(record, trans);
      const state = placeholders
        ? panel
          ? placeholders.forPanel(panel)
          : placeholders.model.forNotebook(null, '')
        : null;
      const values: { [field: string]: string } = {
        ...(placeholders?.model.stored.values ?? {})
      };
      for (const resolved of state?.resolved ?? []) {
        values[resolved.placeholder.field] = resolved.value;
      }
      const before = nodeNames(model).join();
      model.topology = {
        result: labTopology(
          model.settings,
          declared.nodes,
          values,
          state?.placeholders,
          model.presetKey?.path
        ),
        declared: declared.nodes !== null,
        problems: [
          ...declared.problems,
          ...wordings.problems,
          ...markerProblems
        ]
      };
      if (nodeNames(model).join() !== before) {
        buttons.forEach(b => b.refresh());
      }
    };

    notebooks.currentChanged.connect(updateTopology);
    grading?.changed.connect(() => buttons.forEach(b => b.refresh()));
    placeholders?.model.changed.connect(updateTopology);
    notebooks.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        if (panel.isDisposed) {
          return;
        }
        const runButtons = new RunButtons({
          notebook: panel.content,
          markers: () => markers,
          nodeNames: () => nodeNames(model),
          onRun: target => void run(panel, target),
          onCopy: target => void copy(panel, target),
          canRun: () => !graded(panel),
          translator: translator ?? nullTranslator
        });
        buttons.set(panel, runButtons);
        panel.content.model?.metadataChanged.connect((_, change) => {
          if (
            change.key === METADATA_KEY &&
            panel === notebooks.currentWidget
          ) {
            updateTopology();
          }
        });
        panel.disposed.connect(() => {
          runButtons.dispose();
          buttons.delete(panel);
        });
        if (panel === notebooks.currentWidget) {
          updateTopology();
        }
      });
    });

    // Ask about the key and the entry node when the nodes change, and keep
    // the cards' states fresh while they can be seen.
    let checkedFor = '';
    model.changed.connect(() => {
      const entry = model.entryNode;
      const key = entry ? `${entry.name}@${entry.host}` : '';
      if (key !== checkedFor) {
        checkedFor = key;
        void model.check();
      }
    });
    const poll = window.setInterval(() => {
      if (section.isVisible && !document.hidden) {
        void terminals.refresh();
      }
    }, STATE_POLL);
    void terminals.refresh();
    app.restored.then(updateTopology).catch(() => undefined);
    // Which key Chameleon gave this server; the section says why it failed.
    void model
      .readPaths()
      .then(updateTopology)
      .catch(reason =>
        console.warn('jupyterlab-testbed: ssh paths not read.', reason)
      );

    const applySettings = (settings: ISettingRegistry.ISettings) => {
      const composite = settings.composite as Partial<ITerminalsSettings>;
      const next = { ...DEFAULT_TERMINALS_SETTINGS, ...composite };
      const compiled = compileMarkers(
        next.markers.length ? next.markers : DEFAULT_MARKERS
      );
      markers = compiled.patterns;
      markerProblems = compiled.problems;
      model.settings = next;
      updateTopology();
      buttons.forEach(b => b.refresh());
    };
    if (settingRegistry) {
      void settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          applySettings(settings);
          settings.changed.connect(applySettings);
        })
        .catch(reason =>
          console.error(
            'jupyterlab-testbed: terminal settings not loaded.',
            reason
          )
        );
    }
    section.disposed.connect(() => {
      window.clearInterval(poll);
      terminals.dispose();
    });
  }
};
