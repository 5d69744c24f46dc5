/**
 * The terminals' user actions as commands, and the path of a block from a
 * notebook to a node: filled with the student's values, checked for tokens
 * left unfilled, typed into the node's terminal, recorded as progress.
 *
 * Commands take at most a node's name: the ssh line is always built here
 * from the settings, since command arguments are saved in workspaces.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { countTokens, substitute } from '../../core/placeholders/engine';
import { CommandIDs, IPlaceholders, IProgress } from '../tokens';
import type { NodeTerminals } from './manager';
import type { BlockEnds } from './blockend';
import { targetNodes } from '../../core/terminals/markers';
import type { CommandRegistry } from '@lumino/commands';
import type { TerminalsController } from './controller';
import type { TerminalsModel } from './model';
import { IRunTarget, notebookMarkers } from './runbuttons';
import { unsafeCharacter } from '../../core/terminals/typing';
import { openForward as openLabForward } from './tunnelbutton';
import { describeArguments, NODE_ARGUMENT } from '../commandargs';
import { JUPYTER_VIA, runInJupyterTerminal } from './jupyterrun';

export interface ITerminalsContext {
  app: JupyterFrontEnd;
  notebooks: INotebookTracker;
  model: TerminalsModel;
  terminals: NodeTerminals;
  /** Follows sent blocks to their end, for their ticks. */
  blockEnds: BlockEnds;
  placeholders: IPlaceholders | null;
  progress: IProgress | null;
  trans: TranslationBundle;
  /** The marker patterns of the settings (a notebook adds its own wordings). */
  markers: () => RegExp[];
  /** Whether a notebook is open for grading: its blocks are not sent. */
  isGraded: (panel: NotebookPanel) => boolean;
}

/** The names of the lab's nodes, empty while the topology has problems. */
export function nodeNames(model: TerminalsModel): string[] {
  const result = model.topology?.result;
  return result?.ok ? result.nodes.map(node => node.name) : [];
}

/**
 * The known_hosts entry the Forget button removes for a node: its own
 * address and port in the lab's topology (what ssh records), never a host
 * read from terminal output.
 */
export function forgetTarget(
  model: TerminalsModel,
  node: string | undefined
): { host: string; port: number } | null {
  const result = model.topology?.result;
  const found = result?.ok ? result.nodes.find(n => n.name === node) : null;
  if (!found) {
    return null;
  }
  // ssh keywords are case-insensitive; only the student's own nodes have options.
  const port = Number(
    Object.entries(found.options ?? {}).find(
      ([keyword]) => keyword.toLowerCase() === 'port'
    )?.[1] ?? 22
  );
  return {
    host: found.host,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22
  };
}

export function addCommands(context: ITerminalsContext): {
  run: (panel: NotebookPanel, target: IRunTarget) => Promise<void>;
  copy: (panel: NotebookPanel, target: IRunTarget) => Promise<void>;
  openForward: TerminalsController.ISender['openForward'];
} {
  const { app, model, terminals, trans } = context;
  const { commands } = app;
  const report = (reason: unknown) =>
    void Notification.error((reason as Error).message ?? String(reason), {
      autoClose: false
    });
  const nodeArg = (args: { [key: string]: unknown }): string | undefined => {
    const node = args.node;
    return typeof node === 'string' ? node : nodeNames(model)[0];
  };
  const hasNodes = () => nodeNames(model).length > 0;
  /** Say what to fix before a terminal is made that could not connect. */
  const ready = (): boolean => {
    const result = model.topology?.result;
    if (!result?.ok) {
      report(
        new Error(
          result
            ? result.problems.join(' ')
            : trans.__('Open a lab notebook first: its nodes come from it.')
        )
      );
    }
    return !!result?.ok;
  };

  commands.addCommand(CommandIDs.openNode, {
    describedBy: describeArguments(NODE_ARGUMENT),
    label: args =>
      trans.__('Open Terminal on %1', nodeArg(args) ?? trans.__('a Node')),
    caption: trans.__(
      'Open or show the terminal named after the node, connected to it by ssh'
    ),
    execute: args => {
      const node = nodeArg(args);
      return node && ready() ? terminals.open(node).catch(report) : undefined;
    }
  });
  commands.addCommand(CommandIDs.reconnectNode, {
    describedBy: describeArguments(NODE_ARGUMENT),
    label: args => trans.__('Reconnect Terminal to %1', nodeArg(args) ?? ''),
    execute: args => {
      const node = nodeArg(args);
      return node && ready()
        ? terminals.reconnect(node).catch(report)
        : undefined;
    }
  });
  commands.addCommand(CommandIDs.openAllNodes, {
    describedBy: describeArguments(),
    label: trans.__('Open Terminals on All Nodes Side by Side'),
    execute: () =>
      ready() ? terminals.openAll(nodeNames(model)).catch(report) : undefined
  });
  commands.addCommand(CommandIDs.checkNodes, {
    describedBy: describeArguments(),
    label: trans.__('Check the SSH Key and the First Node'),
    isEnabled: hasNodes,
    execute: () => model.check().catch(report)
  });
  commands.addCommand(CommandIDs.loadKeys, {
    describedBy: describeArguments(),
    label: trans.__('Load the Lab’s SSH Key into the Agent'),
    isEnabled: hasNodes,
    execute: async () => {
      try {
        const agent = await model.loadKeys();
        for (const key of agent?.keys ?? []) {
          if (key.message) {
            Notification.warning(key.message, { autoClose: false });
          }
        }
      } catch (reason) {
        report(reason);
      }
    }
  });
  commands.addCommand(CommandIDs.forgetHostKey, {
    describedBy: describeArguments(NODE_ARGUMENT),
    label: args =>
      trans.__('Forget the Old Host Key of %1', nodeArg(args) ?? ''),
    isEnabled: hasNodes,
    execute: async args => {
      const node = nodeArg(args);
      const { host, port } = forgetTarget(model, node) ?? {};
      if (!node || host === undefined || port === undefined) {
        return;
      }
      try {
        const removed = await model.forgetHostKey(host, port);
        terminals.clearHostKeyChange(node);
        Notification.info(
          removed
            ? trans.__(
                'The old key of %1 is forgotten; reconnect to accept the new one.',
                host
              )
            : trans.__('No key was recorded for %1.', host),
          { autoClose: 5000 }
        );
      } catch (reason) {
        report(reason);
      }
    }
  });

  const fill = (panel: NotebookPanel, text: string) => {
    const state = context.placeholders?.forPanel(panel);
    if (!state) {
      return { text, unfilled: [] as string[] };
    }
    const filled = substitute(text, state.values);
    const tokens = state.placeholders.map(p => p.token);
    return { text: filled, unfilled: [...countTokens(filled, tokens).keys()] };
  };

  const confirmUnfilled = async (unfilled: string[], where: string) => {
    if (!unfilled.length) {
      return true;
    }
    const answer = await showDialog({
      title: trans.__('Unfilled placeholders'),
      body: trans.__(
        'This block still holds %1. %2 would receive it as written. Enter your values in the Testbed sidebar ▸ Placeholders first, or send it anyway.',
        unfilled.map(t => `“${t}”`).join(', '),
        where
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Do Not Send') }),
        Dialog.warnButton({ label: trans.__('Send Anyway') })
      ]
    });
    return answer.button.accept;
  };

  /** A block with control or invisible characters is neither sent nor copied. */
  const refused = (target: IRunTarget): boolean => {
    const unsafe = unsafeCharacter(target.text);
    if (unsafe) {
      report(new Error(trans.__('This block was not used: %1.', unsafe)));
    }
    return unsafe !== null;
  };

  const run = async (panel: NotebookPanel, target: IRunTarget) => {
    const jupyter = target.place === 'jupyter';
    if (
      !(target.nodes.length || jupyter) ||
      context.isGraded(panel) ||
      refused(target)
    ) {
      return;
    }
    const { text, unfilled } = fill(panel, target.text);
    const where = jupyter
      ? trans.__('The Jupyter terminal')
      : target.nodes.join(', ');
    if (!(await confirmUnfilled(unfilled, where))) {
      return;
    }
    const options = {
      interrupt: model.settings.interruptFirst,
      bracketedPaste: model.settings.bracketedPaste
    };
    const sessions = [];
    try {
      if (jupyter) {
        const path = panel.context.path;
        sessions.push(
          await runInJupyterTerminal(terminals, path, text, options, trans)
        );
      }
      // No node gets the block when one of them is another lab's.
      target.nodes.forEach(node => terminals.checkSameLab(node));
      const closed = target.nodes.filter(n => terminals.state(n) === 'closed');
      if (closed.length > 1) {
        await terminals.openAll(target.nodes);
      }
      for (const node of target.nodes) {
        sessions.push(await terminals.run(node, text, options));
      }
    } catch (reason) {
      report(reason);
      return;
    }
    const via = jupyter ? JUPYTER_VIA : target.nodes.join(', ');
    const progress = context.progress?.modelFor(panel);
    // One terminal's end is the block's; a paste typed line by line ends
    // at its first line's prompt, so only a bracketed paste is followed.
    if (
      progress?.recordSent(target.cellId, target.text, via) &&
      sessions.length === 1 &&
      options.bracketedPaste
    ) {
      context.blockEnds.follow(sessions[0], !jupyter, end =>
        progress.recordSentEnd(target.cellId, target.text, via, end)
      );
    }
  };

  const copy = async (panel: NotebookPanel, target: IRunTarget) => {
    if (refused(target)) {
      return;
    }
    const { text, unfilled } = fill(panel, target.text);
    Clipboard.copyToSystem(text);
    Notification.info(
      unfilled.length
        ? trans.__('Copied; it still holds %1.', unfilled.join(', '))
        : trans.__('Copied with your values filled in.'),
      { autoClose: 3000 }
    );
  };

  const activeTarget = (): IRunTarget | null => {
    const panel = context.notebooks.currentWidget;
    const cell = context.notebooks.activeCell;
    if (
      !panel ||
      !cell ||
      cell.model.type !== 'code' ||
      context.isGraded(panel)
    ) {
      return null;
    }
    const text = cell.model.sharedModel.getSource();
    const nodes = targetNodes(
      text,
      notebookMarkers(context.markers(), panel.content.model),
      nodeNames(model)
    );
    return nodes.length
      ? { nodes, text, cellId: cell.model.id, kind: 'code' }
      : null;
  };
  commands.addCommand(CommandIDs.runCellOnNode, {
    describedBy: describeArguments(),
    label: () => {
      const target = activeTarget();
      return target
        ? trans.__('Run Cell on %1', target.nodes.join(', '))
        : trans.__('Run Cell on Its Node');
    },
    caption: trans.__(
      'Send a cell that starts with “# run on node1” to that node’s terminal'
    ),
    isEnabled: () => activeTarget() !== null,
    execute: () => {
      const panel = context.notebooks.currentWidget;
      const target = activeTarget();
      return panel && target ? run(panel, target) : undefined;
    }
  });

  /** Open in browser: the block and its cell with the student's values filled in. */
  const openForward = (panel: NotebookPanel, block: string, cell: string) =>
    openLabForward({
      block: fill(panel, block).text,
      context: fill(panel, cell).text,
      model,
      trans
    }).catch(report);
  commands.addCommand(CommandIDs.openForward, {
    describedBy: describeArguments({
      block: {
        type: 'string',
        description:
          'A block for your computer with an ssh -L line, as the lab writes it'
      },
      cell: {
        type: 'string',
        description:
          'The text around it that says where to browse; default: the block'
      }
    }),
    label: trans.__('Open Forward in Browser'),
    caption: trans.__(
      'Open the ssh -L forward of a block for your computer from the Jupyter server instead, and its page in a new tab'
    ),
    execute: args => {
      const panel = context.notebooks.currentWidget;
      const block = typeof args.block === 'string' ? args.block : '';
      const cell = typeof args.cell === 'string' ? args.cell : block;
      return panel ? openForward(panel, block, cell) : undefined;
    }
  });

  return { run, copy, openForward };
}

/** Accept the nodes a notebook proposes, or keep the student's own for it. */
export function addProposalCommands(
  app: JupyterFrontEnd,
  controller: TerminalsController,
  trans: TranslationBundle
): void {
  app.commands.addCommand(CommandIDs.acceptNodes, {
    describedBy: describeArguments(),
    label: trans.__('Accept the Nodes This Notebook Proposes'),
    isEnabled: () => controller.canAccept,
    execute: async () => {
      if (!(await controller.accept())) {
        void Notification.error(
          trans.__(
            'The path of this notebook is too long to remember its nodes; move it to a shorter path.'
          ),
          { autoClose: false }
        );
      }
    }
  });
  app.commands.addCommand(CommandIDs.keepOwnNodes, {
    describedBy: describeArguments({
      keep: {
        type: 'boolean',
        description: 'false: show the notebook’s proposal again; default: true'
      }
    }),
    label: args =>
      args.keep === false
        ? trans.__('Show the Nodes This Notebook Proposes')
        : trans.__('Keep My Own Nodes for This Notebook'),
    isEnabled: () => controller.hasProposal,
    execute: args => controller.keepOwn(args.keep !== false)
  });
  app.commands.addCommand(CommandIDs.setNodeAddress, {
    describedBy: describeArguments({
      node: { type: 'string', description: 'the node the lab names' },
      host: { type: 'string', description: 'its address or host name' }
    }),
    label: trans.__('Set the Address of a Node the Lab Names'),
    isEnabled: () => !!controller.missingNodes.length,
    execute: args =>
      controller.setAddress(String(args.node ?? ''), String(args.host ?? ''))
  });
}

/** The section's buttons run the commands, so they act as the palette's do. */
export function sectionActions(commands: CommandRegistry) {
  const run = (id: string, args?: { [key: string]: string | boolean }) =>
    void commands.execute(id, args);
  return {
    open: (node: string) => run(CommandIDs.openNode, { node }),
    reconnect: (node: string) => run(CommandIDs.reconnectNode, { node }),
    openAll: () => run(CommandIDs.openAllNodes),
    check: () => run(CommandIDs.checkNodes),
    loadKeys: () => run(CommandIDs.loadKeys),
    forgetHostKey: (node: string) => run(CommandIDs.forgetHostKey, { node }),
    acceptNodes: () => run(CommandIDs.acceptNodes),
    keepOwnNodes: (keep: boolean) => run(CommandIDs.keepOwnNodes, { keep }),
    setAddress: (node: string, host: string) =>
      commands.execute(CommandIDs.setNodeAddress, { node, host }) as Promise<
        string | null
      >
  };
}

/** Show Lab Terminals: the section, on the nodes a notebook proposes if it does. */
export function addShowCommand(
  app: JupyterFrontEnd,
  trans: TranslationBundle,
  show: () => void
): void {
  app.commands.addCommand(CommandIDs.showTerminals, {
    describedBy: describeArguments(),
    label: trans.__('Show Lab Terminals'),
    caption: trans.__(
      'Open the Terminals section of the Testbed sidebar, on the nodes a notebook proposes if it does'
    ),
    execute: show
  });
}
