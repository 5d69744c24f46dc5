/**
 * The terminals' state for the lab on screen: its nodes (from settings,
 * the notebook and the placeholder values), the key in the agent, whether
 * node1 answers, and the line that connects a node's terminal.
 */
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import type { NodesResult } from '../../core/terminals/presets';
import { IPresetKey, readPresetKey } from '../../core/terminals/keysource';
import type { IAcceptedNodes } from '../../core/terminals/proposal';
import type { IAgentStatus, IProbe, ISshPaths, SshServer } from './server';
import {
  INode,
  nodeRoute,
  sshCommand,
  sshConfig
} from '../../core/terminals/sshconfig';
import { ITopologySettings, keyFiles } from '../../core/terminals/topology';
import { DEFAULT_MARKERS } from '../../core/terminals/markers';

/** The terminals' settings, as in `schema/terminals.json`. */
export interface ITerminalsSettings extends ITopologySettings {
  markers: string[];
  interruptFirst: boolean;
  bracketedPaste: boolean;
  controlPersist: string;
  /** The notebooks whose proposed nodes the student accepted. */
  acceptedNodes: IAcceptedNodes[];
  /** Addresses the student typed for nodes a lab's text names without one. */
  nodeAddresses: INodeAddress[];
}

/** An address typed in a node's card, kept for the lab's folder. */
export interface INodeAddress {
  folder: string;
  name: string;
  host: string;
}

/**
 * The schema's defaults, until the settings load (a test holds them equal);
 * the loaded settings carry the schema's own.
 */
export const DEFAULT_TERMINALS_SETTINGS: ITerminalsSettings = {
  preset: 'chameleon',
  nodes: [],
  keyFile: '',
  user: '',
  markers: DEFAULT_MARKERS,
  interruptFirst: false,
  bracketedPaste: true,
  controlPersist: '10m',
  acceptedNodes: [],
  nodeAddresses: []
};

/**
 * Nodes a notebook proposes, not accepted yet: nothing connects to them,
 * nor asks the agent about them, until the student accepts.
 */
export interface INodeProposal {
  /** The notebook's path, as the acceptance is stored. */
  path: string;
  fingerprint: string;
  /** The nodes as declared, with the key and forwarding they would get. */
  nodes: INode[];
  /** Fields of the notebook's nodes that are ignored. */
  ignored: string[];
  /** The student chose their own nodes for now: the proposal is folded. */
  declined: boolean;
  /** Read from the lab's text (no declaration); where each address came from. */
  inferred?: { [node: string]: string };
}

/** The lab on screen: where its nodes come from and what they are. */
export interface ILabTopology {
  result: NodesResult;
  /** Declared nodes left unused, and why. */
  problems: string[];
  /** Nodes the notebook proposes instead, while not accepted. */
  proposal?: INodeProposal;
  /** Where each node's address came from, when the lab's text named them. */
  sources?: { [node: string]: string };
  /** Nodes the lab's text names without an address: their cards ask for one. */
  missing?: string[];
}

export class TerminalsModel {
  constructor(
    server: SshServer,
    trans: TranslationBundle = nullTranslator.load('jupyterlab_testbed')
  ) {
    this.server = server;
    this._trans = trans;
  }

  readonly server: SshServer;

  /** Topology, settings, key or probe changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get settings(): ITerminalsSettings {
    return this._settings;
  }

  set settings(settings: ITerminalsSettings) {
    this._settings = settings;
    this._changed.emit();
  }

  get topology(): ILabTopology | null {
    return this._topology;
  }

  set topology(topology: ILabTopology | null) {
    if (JSON.stringify(topology) === JSON.stringify(this._topology)) {
      return;
    }
    this._topology = topology;
    this._probe = null;
    this._changed.emit();
  }

  /** The chameleon preset's key as the server reports it, once asked. */
  get presetKey(): IPresetKey | null {
    return this._presetKey;
  }

  /** Ask the server where the lab's state lives and which key Chameleon gave. */
  async readPaths(): Promise<void> {
    const paths = await this._paths();
    this._presetKey = readPresetKey(paths.chameleonKey);
    this._changed.emit();
  }

  /** The key files in the agent, from the last check. */
  get agent(): IAgentStatus | null {
    return this._agent;
  }

  /** The last probe of the first node reached without a jump. */
  get probe(): { node: string; host: string; result: IProbe } | null {
    return this._probe;
  }

  /** The node to probe: the first one reached directly. */
  get entryNode(): { name: string; host: string } | null {
    const result = this._topology?.result;
    if (!result?.ok) {
      return null;
    }
    const node = result.nodes.find(n => n.jump === undefined);
    return node ? { name: node.name, host: node.host } : null;
  }

  /**
   * Ask the server about the key and node1. The lab's config is written
   * first: the server answers only about the hosts and keys it names.
   */
  async check(): Promise<void> {
    const result = this._topology?.result;
    if (!result?.ok) {
      return;
    }
    const entry = this.entryNode;
    const failed = (reason: Error): IProbe => ({
      reachable: false,
      banner: null,
      error: reason.message,
      hostKey: null
    });
    const refused = await this._writeConfig(
      result.nodes,
      this._agent?.agentSocket
    ).then(
      () => null,
      (reason: Error) => reason
    );
    const [agent, probe] = refused
      ? [null, failed(refused)]
      : await Promise.all([
          this.server.agent(keyFiles(result.nodes)).catch(() => null),
          entry
            ? this.server.probe(entry.host).catch(failed)
            : Promise.resolve(null)
        ]);
    if (this._topology?.result !== result) {
      // The nodes changed meanwhile (another notebook): this answer is about
      // the old ones, and the check of the new ones says what is true.
      return;
    }
    this._agent = agent;
    this._probe =
      entry && probe
        ? { node: entry.name, host: entry.host, result: probe }
        : null;
    this._changed.emit();
  }

  /** Load the lab's keys into the agent (starting one if none answers). */
  async loadKeys(): Promise<IAgentStatus | null> {
    const result = this._topology?.result;
    if (!result?.ok) {
      return null;
    }
    this._agent = await this.server.loadKeys(keyFiles(result.nodes));
    this._changed.emit();
    return this._agent;
  }

  /**
   * The line to type to reach a node, once the lab's config is written on
   * the server and its keys are in the agent. Throws what to fix first.
   */
  async connectLine(node: string): Promise<string> {
    const trans = this._trans;
    const result = this._topology?.result;
    if (!result) {
      throw new Error(
        trans.__('Open a lab notebook first: its nodes come from it.')
      );
    }
    if (!result.ok) {
      throw new Error(result.problems.join(' '));
    }
    if (!result.nodes.some(n => n.name === node)) {
      throw new Error(trans.__('This lab has no node called “%1”.', node));
    }
    // The last check found every key in an agent: one write with that agent
    // is enough (a key the agent lost since is read from its file, and
    // AddKeysToAgent puts it back), and the line goes out a request sooner.
    const known = this._agent;
    if (known?.agentSocket && keysLoaded(known, keyFiles(result.nodes))) {
      const paths = await this._writeConfig(result.nodes, known.agentSocket);
      return sshCommand(paths.terminalsConfigFile ?? paths.configFile, node);
    }
    // The server loads only keys its config names: write it, then again
    // with the agent that holds them.
    await this._writeConfig(result.nodes, this._agent?.agentSocket);
    const agent = await this.loadKeys();
    const missing = agent?.keys.find(key => !key.exists);
    if (missing) {
      throw new Error(
        trans.__(
          'No key file at %1: put your private key there, or set the key file in Settings ▸ Testbed: terminals.',
          missing.path
        )
      );
    }
    const paths = await this._writeConfig(result.nodes, agent?.agentSocket);
    return sshCommand(paths.terminalsConfigFile ?? paths.configFile, node);
  }

  /** Where the open lab's node is reached (see nodeRoute); null if it has none. */
  route(node: string): string | null {
    const result = this._topology?.result;
    return result?.ok ? nodeRoute(result.nodes, node) : null;
  }

  /** Forget the recorded key of a host, after its key changed. */
  async forgetHostKey(host: string, port = 22): Promise<boolean> {
    const { removed } = await this.server.forgetHost(host, port);
    await this.check();
    return removed;
  }

  /** Write the lab's config on the server; throws what stops it. */
  private async _writeConfig(
    nodes: INode[],
    agentSocket: string | null | undefined
  ): Promise<ISshPaths> {
    const paths = await this._paths();
    const config = sshConfig({
      nodes,
      knownHostsFile: paths.knownHostsFile,
      controlDir: paths.controlDir,
      agentSocket: agentSocket ?? undefined,
      controlPersist: this._settings.controlPersist
    });
    if (!config.ok) {
      throw new Error(config.problems.join(' '));
    }
    await this.server.writeConfig(config.text);
    return paths;
  }

  private async _paths(): Promise<ISshPaths> {
    this._pathsPromise ??= this.server.paths().catch(reason => {
      this._pathsPromise = null;
      throw reason;
    });
    return this._pathsPromise;
  }

  private _trans: TranslationBundle;
  private _settings = DEFAULT_TERMINALS_SETTINGS;
  private _topology: ILabTopology | null = null;
  private _agent: IAgentStatus | null = null;
  private _presetKey: IPresetKey | null = null;
  private _probe: { node: string; host: string; result: IProbe } | null = null;
  private _pathsPromise: Promise<ISshPaths> | null = null;
  private _changed = new Signal<this, void>(this);
}

/** Whether the agent holds every one of `paths`. */
function keysLoaded(agent: IAgentStatus, paths: string[]): boolean {
  return paths.every(path =>
    agent.keys.some(key => key.path === path && key.exists && key.loaded)
  );
}
