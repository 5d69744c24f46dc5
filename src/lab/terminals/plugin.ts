import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITerminalTracker } from '@jupyterlab/terminal';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { METADATA_KEY } from '../../core/metadata/format';
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
import {
  compileMarkers,
  declaredMarkers,
  DEFAULT_MARKERS
} from '../../core/terminals/markers';
import {
  DEFAULT_TERMINALS_SETTINGS,
  ITerminalsSettings,
  TerminalsModel
} from './model';
import { RunButtons } from './runbuttons';
import { TerminalsSection } from './section';
import {
  isAccepted,
  nodesFingerprint,
  readAccepted,
  withAccepted
} from '../../core/terminals/proposal';
import { SshServer } from './server';
import {
  declaredNodes,
  keyFiles,
  labTopology,
  studentSsh
} from '../../core/terminals/topology';
import { describeArguments } from '../commandargs';

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
    // Grading is known through its token only: a graded notebook's blocks
    // are not sent and its terminals do not connect.
    const graded = (panel: NotebookPanel | null) =>
      !!panel && !!grading?.isGrading(panel.context.path);
    let settingsObject: ISettingRegistry.ISettings | null = null;
    /** Proposals the student turned down this session, as `path\nfingerprint`. */
    const declined = new Set<string>();
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
      CommandIDs.showTerminals,
      CommandIDs.acceptNodes,
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
        void app.commands.execute(CommandIDs.forgetHostKey, { node }),
      acceptNodes: () => void app.commands.execute(CommandIDs.acceptNodes),
      keepOwnNodes: (keep: boolean) =>
        void app.commands.execute(CommandIDs.keepOwnNodes, { keep })
    });
    section.id = 'jp-testbed-terminals';
    sidebar.addSection(section, 300, 3);
    app.commands.addCommand(CommandIDs.showTerminals, {
      label: trans.__('Show Lab Terminals'),
      caption: trans.__(
        'Open the Terminals section of the Testbed sidebar, on the nodes a notebook proposes if it does'
      ),
      describedBy: describeArguments(),
      // The section may be too short to show the proposal: focus scrolls to it.
      execute: () =>
        sidebar.showSection(
          section,
          section.node.querySelector<HTMLElement>(
            '.jp-testbed-Proposal[tabindex], .jp-testbed-NodeCard button'
          )
        )
    });

    const buttons = new Map<NotebookPanel, RunButtons>();
    const updateTopology = () => {
      const panel = notebooks.currentWidget;
      const notebook = panel?.content.model ?? null;
      const record = notebook?.getMetadata(METADATA_KEY);
      const wordings = declaredMarkers(record, trans);
      const before = nodeNames(model).join();
      if (graded(panel)) {
        model.topology = {
          result: {
            ok: false,
            problems: [
              trans.__(
                'This notebook is open for grading: its terminals do not connect.'
              )
            ]
          },
          problems: []
        };
      } else {
        model.topology = readTopology(panel, record, [
          ...wordings.problems,
          ...markerProblems
        ]);
      }
      if (nodeNames(model).join() !== before) {
        buttons.forEach(b => b.refresh());
      }
    };

    /**
     * The lab's nodes: the notebook's once accepted, else the student's own,
     * with the notebook's proposal while it waits for an answer.
     */
    const readTopology = (
      panel: NotebookPanel | null,
      record: unknown,
      notes: string[]
    ) => {
      const declared = declaredNodes(record);
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
      const problems = [...declared.problems, ...notes];
      const topology = (nodes: typeof declared.nodes) =>
        labTopology(
          model.settings,
          nodes,
          values,
          state?.placeholders,
          model.presetKey?.path
        );
      if (!declared.nodes || !panel) {
        return { result: topology(null), problems };
      }
      const path = panel.context.path;
      const fingerprint = nodesFingerprint(declared.nodes);
      if (isAccepted(model.settings.acceptedNodes, path, fingerprint)) {
        return { result: topology(declared.nodes), problems };
      }
      const own = studentSsh(model.settings, model.presetKey?.path);
      const proposal = {
        path,
        fingerprint,
        nodes: declared.nodes.map(node => ({ ...node, ...own })),
        ignored: declared.ignored,
        declined: declined.has(`${path}\n${fingerprint}`)
      };
      // Nothing is probed, asked of the agent or connected for nodes that
      // are only proposed: no topology to act on until an answer.
      return {
        result: proposal.declined
          ? topology(null)
          : { ok: false as const, problems: [] },
        problems,
        proposal
      };
    };

    app.commands.addCommand(CommandIDs.acceptNodes, {
      describedBy: describeArguments(),
      label: trans.__('Accept the Nodes This Notebook Proposes'),
      isEnabled: () => !!model.topology?.proposal && !!settingsObject,
      execute: async () => {
        const proposal = model.topology?.proposal;
        if (!proposal || !settingsObject) {
          return;
        }
        const next = withAccepted(
          model.settings.acceptedNodes,
          proposal.path,
          proposal.fingerprint
        );
        if (!next) {
          void Notification.error(
            trans.__(
              'The path of this notebook is too long to remember its nodes; move it to a shorter path.'
            ),
            { autoClose: false }
          );
          return;
        }
        declined.delete(`${proposal.path}\n${proposal.fingerprint}`);
        await settingsObject.set('acceptedNodes', next as any);
      }
    });
    app.commands.addCommand(CommandIDs.keepOwnNodes, {
      describedBy: describeArguments({
        keep: {
          type: 'boolean',
          description:
            'false: show the notebook’s proposal again; default: true'
        }
      }),
      label: args =>
        args.keep === false
          ? trans.__('Show the Nodes This Notebook Proposes')
          : trans.__('Keep My Own Nodes for This Notebook'),
      isEnabled: () => !!model.topology?.proposal,
      execute: args => {
        const proposal = model.topology?.proposal;
        if (!proposal) {
          return;
        }
        const key = `${proposal.path}\n${proposal.fingerprint}`;
        if (args.keep === false) {
          declined.delete(key);
        } else {
          declined.add(key);
        }
        updateTopology();
      }
    });

    notebooks.currentChanged.connect(updateTopology);
    grading?.changed.connect(() => {
      updateTopology();
      buttons.forEach(b => b.refresh());
    });
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
      const result = model.topology?.result;
      // The keys too: Chameleon's key arrives from the server after the
      // first check may have asked about the documented one.
      const key = entry
        ? `${entry.name}@${entry.host} ${result?.ok ? keyFiles(result.nodes).join(' ') : ''}`
        : '';
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
      const next = {
        ...DEFAULT_TERMINALS_SETTINGS,
        ...composite,
        acceptedNodes: readAccepted(composite.acceptedNodes)
      };
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
          settingsObject = settings;
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
