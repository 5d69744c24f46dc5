/**
 * The terminals' state for the app: their settings, the nodes of the lab
 * on screen (and the nodes it proposes), the Run buttons of each notebook,
 * and the polling of terminal states. The plugin only constructs it and
 * wires the commands and the section to it.
 */
import type {
  INotebookModel,
  INotebookTracker,
  NotebookPanel
} from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { METADATA_KEY } from '../../core/metadata/format';
import {
  compileMarkers,
  declaredMarkers,
  DEFAULT_MARKERS
} from '../../core/terminals/markers';
import {
  checkAddress,
  IInferredNode,
  IInferredNodes,
  inferNodes,
  sourceText,
  withEntered
} from '../../core/terminals/inferred';
import { isObject } from '../../core/helpers';
import { CHAMELEON_PLACEHOLDERS } from '../../core/placeholders/definitions';
import { folderOf } from '../../core/placeholders/values';
import { DIRECT_PLACEHOLDERS, PRESETS } from '../../core/terminals/presets';
import {
  isAccepted,
  nodesFingerprint,
  readAccepted,
  withAccepted
} from '../../core/terminals/proposal';
import {
  declaredNodes,
  keyFiles,
  labTopology,
  studentSsh
} from '../../core/terminals/topology';
import type { INode } from '../../core/terminals/sshconfig';
import { declarationsMayChange, IMetadataChange } from '../metadata/notebook';
import { followCurrent } from '../notebook/current';
import type { IGrading, IPlaceholders, ITerminals } from '../tokens';
import { nodeNames } from './commands';
import { decorateTunnelBar } from './tunnelbutton';
import type { NodeTerminals } from './manager';
import type {
  ILabTopology,
  INodeAddress,
  INodeProposal,
  ITerminalsSettings,
  TerminalsModel
} from './model';
import { IRunTarget, RunButtons } from './runbuttons';
import { QuietTask } from '../deferred';

/** While the section is on screen, how often terminal states are asked. */
const STATE_POLL = 5000;

/** A lab's nodes are read from its text again once its edits pause this long. */
const INFER_DELAY = 500;

/** At most this many typed node addresses are kept (the schema says the same). */
const MAX_ADDRESSES = 200;

export namespace TerminalsController {
  export interface IOptions {
    notebooks: INotebookTracker;
    model: TerminalsModel;
    terminals: NodeTerminals;
    placeholders: IPlaceholders | null;
    grading: IGrading | null;
    trans: TranslationBundle;
    translator: ITranslator;
    /** Whether the terminal cards can be seen: the polling stands by otherwise. */
    isVisible: () => boolean;
  }

  /** What the Run and Copy buttons of a block do (the commands' path). */
  export interface ISender {
    run: (panel: NotebookPanel, target: IRunTarget) => Promise<void>;
    copy: (panel: NotebookPanel, target: IRunTarget) => Promise<void>;
    /** Open in browser: a block's forward, the block's cell for where to browse. */
    openForward: (
      panel: NotebookPanel,
      block: string,
      cell: string
    ) => Promise<void>;
  }
}

export class TerminalsController implements ITerminals, IDisposable {
  constructor(options: TerminalsController.IOptions) {
    this._options = options;
    const { notebooks, model, placeholders, grading } = options;
    notebooks.currentChanged.connect(
      () =>
        followCurrent(notebooks, () => {
          if (!this._isDisposed) {
            this.updateTopology();
          }
        }),
      this
    );
    notebooks.widgetAdded.connect(this._onNotebookAdded, this);
    placeholders?.model.changed.connect(this.updateTopology, this);
    grading?.changed.connect(this._onGradingChanged, this);
    model.changed.connect(this._checkWhenNodesChange, this);
    this._poll = new Poll({
      factory: () => options.terminals.refresh(),
      frequency: { interval: STATE_POLL, backoff: false },
      standby: () =>
        options.isVisible() && this._mayHaveNodes() ? 'when-hidden' : true,
      name: 'jupyterlab-testbed:terminal-states'
    });
  }

  /** The marker patterns of the settings (a notebook adds its own wordings). */
  get markers(): RegExp[] {
    return this._markers;
  }

  get settingsNodes(): string[] {
    const settings = this._options.model.settings;
    if (settings.preset === 'custom') {
      return settings.nodes.map(node => String(node.name ?? ''));
    }
    return (PRESETS[settings.preset] ?? PRESETS.chameleon).nodes.map(
      node => node.name
    );
  }

  get ownMarkers(): string[] {
    const own = this._options.model.settings.markers;
    return own.join('\n') === DEFAULT_MARKERS.join('\n') ? [] : own;
  }

  get settingsChanged(): ISignal<ITerminals, void> {
    return this._settingsChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Where the Run and Copy buttons of blocks send them; none until set. */
  sender: TerminalsController.ISender | null = null;

  /**
   * Read the nodes once the app is restored and once the server said
   * which key Chameleon gave it (the section says why that failed).
   */
  start(restored: Promise<void>): void {
    // The polling asks only while the cards are seen; the states start known.
    void this._options.terminals.refresh();
    restored.then(() => this.updateTopology()).catch(() => undefined);
    void this._options.model
      .readPaths()
      .then(() => this.updateTopology())
      .catch(reason =>
        console.warn('jupyterlab-testbed: ssh paths not read.', reason)
      );
  }

  /** Grading is known through its token only: a graded notebook does not connect. */
  isGraded(panel: NotebookPanel | null): boolean {
    return !!panel && !!this._options.grading?.isGrading(panel.context.path);
  }

  nodesAccepted(panel: NotebookPanel): boolean {
    const { proposal } = this._readTopology(
      panel,
      panel.context.model.getMetadata(METADATA_KEY),
      []
    );
    // Declined: the student's own nodes are used.
    return !proposal || proposal.declined;
  }

  /** Whether the lab on screen proposes nodes. */
  get hasProposal(): boolean {
    return !!this._options.model.topology?.proposal;
  }

  /** The nodes the lab on screen names without an address. */
  get missingNodes(): string[] {
    return this._options.model.topology?.missing ?? [];
  }

  /** Whether the proposed nodes can be accepted now (the settings are loaded). */
  get canAccept(): boolean {
    return this.hasProposal && !!this._settings;
  }

  /** Load the settings this plugin owns and follow them. */
  async loadSettings(registry: ISettingRegistry, id: string): Promise<void> {
    const settings = await registry.load(id);
    this._settings = settings;
    this._applySettings(settings);
    settings.changed.connect(this._applySettings, this);
  }

  /**
   * Accept the nodes the notebook on screen proposes; false when its path
   * is too long to be remembered.
   */
  async accept(): Promise<boolean> {
    const proposal = this._options.model.topology?.proposal;
    if (!proposal || !this._settings) {
      return true;
    }
    const next = withAccepted(
      this._options.model.settings.acceptedNodes,
      proposal.path,
      proposal.fingerprint
    );
    if (!next) {
      return false;
    }
    this._declined.delete(`${proposal.path}\n${proposal.fingerprint}`);
    await this._settings.set('acceptedNodes', next as any);
    return true;
  }

  /** Keep the student's own nodes for the proposing notebook, or show its proposal again. */
  keepOwn(keep: boolean): void {
    const proposal = this._options.model.topology?.proposal;
    if (!proposal) {
      return;
    }
    const key = `${proposal.path}\n${proposal.fingerprint}`;
    if (keep) {
      this._declined.add(key);
    } else {
      this._declined.delete(key);
    }
    this.updateTopology();
  }

  /**
   * Keep the address the student typed for a node the lab's text names
   * without one, for the notebook's folder. The reason it cannot be used,
   * or null once stored.
   */
  async setAddress(node: string, host: string): Promise<string | null> {
    const { notebooks, model, trans } = this._options;
    const panel = notebooks.currentWidget;
    if (!panel || !this._settings || !model.topology?.missing?.includes(node)) {
      return trans.__(
        '%1 is not a node of the lab on screen that needs an address.',
        node
      );
    }
    const problem = checkAddress(node, host, trans);
    if (problem) {
      return problem;
    }
    const folder = folderOf(panel.context.path);
    const next: INodeAddress[] = [
      ...model.settings.nodeAddresses.filter(
        entry => entry.folder !== folder || entry.name !== node
      ),
      { folder, name: node, host: host.trim() }
    ].slice(-MAX_ADDRESSES);
    await this._settings.set('nodeAddresses', next as any);
    return null;
  }

  /** Read the nodes of the lab on screen again. */
  updateTopology(): void {
    const { notebooks, model, trans } = this._options;
    const panel = notebooks.currentWidget;
    const record = panel?.content.model?.getMetadata(METADATA_KEY);
    const wordings = declaredMarkers(record, trans);
    const before = nodeNames(model).join();
    if (this.isGraded(panel)) {
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
      model.topology = this._readTopology(panel, record, [
        ...wordings.problems,
        ...this._markerProblems
      ]);
    }
    if (nodeNames(model).join() !== before) {
      this._refreshButtons();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this._inferLater.dispose();
    this._buttons.forEach(buttons => buttons.dispose());
    this._buttons.clear();
    Signal.clearData(this);
  }

  /**
   * Whether the lab on screen may have node terminals to show: no card,
   * no state to ask for. Not yet known counts as may.
   */
  private _mayHaveNodes(): boolean {
    const result = this._options.model.topology?.result;
    return !result || (result.ok && result.nodes.length > 0);
  }

  /**
   * The notebook on screen may declare other nodes or wordings: read them
   * at once. Not when only its log changed, about once a second while cells
   * run: reading the nodes reads every cell's text, and the pause after the
   * cells' own changes (`_onContentChanged`) reads them at most once.
   */
  private _onMetadataChanged(
    model: INotebookModel,
    change: IMetadataChange
  ): void {
    if (
      model === this._options.notebooks.currentWidget?.content.model &&
      declarationsMayChange(change)
    ) {
      this.updateTopology();
    }
  }

  /**
   * The lab's nodes: the notebook's once accepted, else the student's own,
   * with the notebook's proposal while it waits for an answer.
   */
  private _readTopology(
    panel: NotebookPanel | null,
    record: unknown,
    notes: string[]
  ): ILabTopology {
    const { model, placeholders } = this._options;
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
    if (!panel) {
      return { result: topology(null), problems };
    }
    if (!declared.nodes) {
      // Declarations win; without one, the lab's own words may name nodes.
      const inferred = this._inferred(panel, state?.placeholders ?? []);
      problems.push(...inferred.problems);
      if (!inferred.nodes) {
        return { result: topology(null), problems };
      }
      return this._inferredTopology(panel, inferred.nodes, problems, topology);
    }
    const path = panel.context.path;
    const fingerprint = nodesFingerprint(declared.nodes);
    if (isAccepted(model.settings.acceptedNodes, path, fingerprint)) {
      return { result: topology(declared.nodes), problems };
    }
    return this._proposed(
      path,
      fingerprint,
      declared.nodes,
      problems,
      topology,
      {
        ignored: declared.ignored
      }
    );
  }

  /**
   * Nodes a notebook proposes, not accepted: with the key and forwarding
   * they would get, and the student's own nodes while they declined them.
   */
  private _proposed(
    path: string,
    fingerprint: string,
    nodes: INode[],
    problems: string[],
    topology: (nodes: INode[] | null) => ILabTopology['result'],
    more: Pick<INodeProposal, 'ignored' | 'inferred'>
  ): ILabTopology {
    const { model } = this._options;
    const own = studentSsh(model.settings, model.presetKey?.path);
    const proposal = {
      path,
      fingerprint,
      nodes: nodes.map(node => ({ ...node, ...own })),
      declined: this._declined.has(`${path}\n${fingerprint}`),
      ...more
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
  }

  /**
   * The nodes a lab's text names, as a proposal until accepted, like
   * declared ones; then with the addresses the student typed for the
   * nodes the text gives none, and where each address came from.
   */
  private _inferredTopology(
    panel: NotebookPanel,
    inferred: IInferredNode[],
    problems: string[],
    topology: (nodes: INode[] | null) => ILabTopology['result']
  ): ILabTopology {
    const { model, trans } = this._options;
    const path = panel.context.path;
    // Typed addresses are the student's own: they do not change what was accepted.
    const fingerprint = nodesFingerprint(inferred);
    const layout = Private.layoutLabel(model.settings.preset, trans);
    const describe = (nodes: IInferredNode[]) =>
      Object.fromEntries(
        nodes.map(node => [node.name, sourceText(node.source, layout, trans)])
      );
    if (!isAccepted(model.settings.acceptedNodes, path, fingerprint)) {
      return this._proposed(
        path,
        fingerprint,
        inferred.map(({ source, ...node }) => node),
        problems,
        topology,
        { ignored: [], inferred: describe(inferred) }
      );
    }
    const folder = folderOf(path);
    const entered: { [name: string]: string } = {};
    for (const entry of model.settings.nodeAddresses) {
      if (entry.folder === folder) {
        entered[entry.name] = entry.host;
      }
    }
    const nodes = withEntered(inferred, entered);
    const missing = new Set(
      nodes.filter(node => !node.host).map(node => node.name)
    );
    // A node that jumps through one without an address cannot connect either.
    const usable = nodes.filter(
      node => !missing.has(node.name) && !(node.jump && missing.has(node.jump))
    );
    return {
      result: usable.length
        ? topology(usable.map(({ source, ...node }) => node))
        : { ok: false as const, problems: [] },
      problems,
      sources: describe(nodes),
      missing: [...missing]
    };
  }

  /**
   * The nodes of a notebook's text, read again only when its cells changed
   * or what they are read with did (markers, layout, placeholders).
   */
  private _inferred(
    panel: NotebookPanel,
    placeholders: { token: string; field: string }[]
  ): IInferredNodes {
    if (!panel.context.isReady) {
      // Its cells are not loaded yet: nothing to read, nothing to keep.
      return { nodes: null, problems: [] };
    }
    const settings = this._options.model.settings;
    const layout =
      settings.preset === 'custom'
        ? settings.nodes
        : (PRESETS[settings.preset] ?? PRESETS.chameleon).nodes;
    const known = [
      ...placeholders,
      ...CHAMELEON_PLACEHOLDERS,
      ...DIRECT_PLACEHOLDERS
    ].map(({ token, field }) => ({ token, field }));
    const markers = [
      ...this._markers,
      ...declaredMarkers(panel.content.model?.getMetadata(METADATA_KEY))
        .patterns
    ];
    const key = JSON.stringify([
      markers.map(pattern => pattern.source),
      layout,
      known
    ]);
    const cached = this._inference.get(panel);
    if (cached && !cached.dirty && cached.key === key) {
      return cached.result;
    }
    const cells = (panel.content.model?.sharedModel.cells ?? []).map(cell => ({
      type: cell.cell_type,
      source: cell.getSource()
    }));
    const result = inferNodes(cells, {
      markers,
      layout,
      placeholders: known,
      trans: this._options.trans
    });
    this._inference.set(panel, { key, result, dirty: false });
    return result;
  }

  /**
   * A notebook's cells changed: its nodes are read again once the edits
   * pause if it is on screen, else when it comes on screen. Only the one on
   * screen waits for a pause: a notebook running in the background, writing
   * outputs all the time, would otherwise put the reading off for ever.
   */
  private _onContentChanged(panel: NotebookPanel): void {
    const cached = this._inference.get(panel);
    if (cached) {
      cached.dirty = true;
    }
    if (panel === this._options.notebooks.currentWidget) {
      this._inferLater.schedule();
    }
  }

  private _applySettings(settings: ISettingRegistry.ISettings): void {
    // The composite holds every setting, with the schema's defaults.
    const composite = settings.composite as unknown as ITerminalsSettings;
    const next = {
      ...composite,
      acceptedNodes: readAccepted(composite.acceptedNodes),
      nodeAddresses: Private.readAddresses(composite.nodeAddresses)
    };
    const compiled = compileMarkers(
      next.markers.length ? next.markers : DEFAULT_MARKERS
    );
    this._markers = compiled.patterns;
    this._markerProblems = compiled.problems;
    this._options.model.settings = next;
    this.updateTopology();
    this._refreshButtons();
    this._settingsChanged.emit();
  }

  private _onGradingChanged(): void {
    this.updateTopology();
    this._refreshButtons();
  }

  private _refreshButtons(): void {
    this._buttons.forEach(buttons => buttons.refresh());
  }

  private _onNotebookAdded(_: INotebookTracker, panel: NotebookPanel): void {
    void panel.context.ready.then(() => {
      if (panel.isDisposed || this._isDisposed) {
        return;
      }
      const buttons = new RunButtons({
        notebook: panel.content,
        markers: () => this._markers,
        // Only the notebook on screen gets the lab's nodes: its topology
        // (its accepted or declined proposal) is the one computed.
        nodeNames: () =>
          panel === this._options.notebooks.currentWidget
            ? nodeNames(this._options.model)
            : [],
        onRun: target => void this.sender?.run(panel, target),
        onCopy: target => void this.sender?.copy(panel, target),
        decorate: (bar, text, cell) =>
          decorateTunnelBar(bar, text, this._markers, this._options.trans, () =>
            this.sender?.openForward(
              panel,
              text,
              cell.model.sharedModel.getSource()
            )
          ),
        canRun: () => !this.isGraded(panel),
        translator: this._options.translator
      });
      this._buttons.set(panel, buttons);
      panel.content.model?.contentChanged.connect(
        () => this._onContentChanged(panel),
        this
      );
      panel.content.model?.metadataChanged.connect(
        this._onMetadataChanged,
        this
      );
      panel.disposed.connect(() => {
        buttons.dispose();
        this._buttons.delete(panel);
        this._inference.delete(panel);
      });
      // Before the first paint: the bars just drawn name the lab's nodes.
      if (panel === this._options.notebooks.currentWidget) {
        this.updateTopology();
      }
    });
  }

  /**
   * Ask about the key and the entry node when the nodes change. The keys
   * too: Chameleon's key arrives from the server after the first check may
   * have asked about the documented one.
   */
  private _checkWhenNodesChange(): void {
    const model = this._options.model;
    const entry = model.entryNode;
    const result = model.topology?.result;
    const key = entry
      ? `${entry.name}@${entry.host} ${result?.ok ? keyFiles(result.nodes).join(' ') : ''}`
      : '';
    if (key !== this._checkedFor) {
      this._checkedFor = key;
      void model.check();
    }
  }

  private _options: TerminalsController.IOptions;
  private _poll: Poll;
  private _settings: ISettingRegistry.ISettings | null = null;
  private _markers = compileMarkers(DEFAULT_MARKERS).patterns;
  private _markerProblems: string[] = [];
  /** Proposals the student turned down this session, as `path\nfingerprint`. */
  private _declined = new Set<string>();
  private _buttons = new Map<NotebookPanel, RunButtons>();
  /** Each notebook's nodes read from its text, and what they were read with. */
  private _inference = new Map<
    NotebookPanel,
    { key: string; result: IInferredNodes; dirty: boolean }
  >();
  private _inferLater = new QuietTask(() => this.updateTopology(), INFER_DELAY);
  private _checkedFor = '';
  private _isDisposed = false;
  private _settingsChanged = new Signal<ITerminals, void>(this);
}

namespace Private {
  /** How a node card names the layout of the settings. */
  export function layoutLabel(
    preset: ITerminalsSettings['preset'],
    trans: TranslationBundle
  ): string {
    return preset === 'chameleon'
      ? trans.__('the Chameleon preset')
      : preset === 'direct'
        ? trans.__('the direct-SSH preset')
        : trans.__('your own nodes in the settings');
  }

  /** The stored typed addresses that are well formed, others left out. */
  export function readAddresses(value: unknown): INodeAddress[] {
    return Array.isArray(value)
      ? value
          .filter(
            (entry): entry is INodeAddress =>
              isObject(entry) &&
              typeof entry.folder === 'string' &&
              typeof entry.name === 'string' &&
              typeof entry.host === 'string'
          )
          .slice(-MAX_ADDRESSES)
      : [];
  }
}
