/**
 * The JupyterLab terminals named after the lab's nodes. A node's terminal
 * is found before one is made (a second terminal under a used name would
 * orphan the first), and the ssh line is typed only into a shell that is
 * not already running ssh, so opening twice or after a reload never
 * connects twice.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import type { Terminal as TerminalService } from '@jupyterlab/services';
import type { ITerminal, ITerminalTracker } from '@jupyterlab/terminal';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { SshServer } from './server';
import {
  endsWithPrompt,
  hostKeyChanged,
  INTERRUPT,
  keystrokes
} from '../../core/terminals/typing';
import { readRoutes, terminalName } from '../../core/terminals/sshconfig';

/** Not open, open with ssh running in it, or open with ssh ended. */
export type NodeTerminalState = 'closed' | 'connected' | 'ended';

export type NodeTerminalWidget = MainAreaWidget<ITerminal.ITerminal>;

/** The terminal-extension's commands: they own terminal widgets. */
const CREATE_TERMINAL = 'terminal:create-new';

/**
 * Where this browser last connected each terminal of this server, kept
 * across reloads (a terminal outlives its page). Per base URL: a hub's
 * users share one origin.
 */
const ROUTES_KEY = 'jupyterlab-testbed:terminal-routes';

/** How long a new shell may take to print its first prompt. */
const SHELL_START_TIMEOUT = 5000;
/** How long a new connection may take, passphrase typing included. */
const CONNECT_TIMEOUT = 90_000;
/** After Ctrl-C, time for the foreground program to give the prompt back. */
const INTERRUPT_PAUSE = 300;

export namespace NodeTerminals {
  export interface IOptions {
    app: JupyterFrontEnd;
    tracker: ITerminalTracker;
    server: SshServer;
    /** The line that connects to a node; throws what to fix first. */
    connectLine: (node: string) => Promise<string>;
    /** Where the open lab's node is reached (see nodeRoute). */
    route: (node: string) => string | null;
    trans: TranslationBundle;
  }

  export interface IRunOptions {
    /** Send Ctrl-C first. */
    interrupt: boolean;
    bracketedPaste: boolean;
  }
}

export class NodeTerminals implements IDisposable {
  constructor(options: NodeTerminals.IOptions) {
    this._options = options;
    this._commands = options.app.commands;
    this._sessions = options.app.serviceManager.terminals;
    this._routesKey = `${ROUTES_KEY}:${options.app.serviceManager.serverSettings.baseUrl}`;
    this._routes = Private.loadRoutes(this._routesKey);
    this._sessions.runningChanged.connect(this._scheduleRefresh, this);
    options.tracker.widgetAdded.connect((_, widget) => this._watch(widget));
    options.tracker.forEach(widget => this._watch(widget));
  }

  /** A node's state or its host-key report changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  state(node: string): NodeTerminalState {
    const known = this._states.get(terminalName(node));
    return known === undefined ? 'closed' : known ? 'connected' : 'ended';
  }

  /**
   * Whether ssh refused this node because its host key changed. The host
   * named in the output is not kept: output is not trusted to say which
   * key the Forget button removes.
   */
  hostKeyChange(node: string): boolean {
    return this._hostKeyChanges.has(terminalName(node));
  }

  clearHostKeyChange(node: string): void {
    if (this._hostKeyChanges.delete(terminalName(node))) {
      this._changed.emit();
    }
  }

  /**
   * Show the node's terminal: focus it when open, else open it and
   * connect. A terminal whose ssh ended is only shown: `reconnect` types
   * the line again.
   */
  async open(node: string): Promise<NodeTerminalWidget> {
    // Preparing the line (key, config) overlaps starting the terminal.
    const line = this._find(node) ? null : this._options.connectLine(node);
    line?.catch(() => undefined);
    const widget = await this._showOrCreate(node);
    if (widget.created) {
      await this._connect(node, widget.widget, line ?? undefined);
    }
    return widget.widget;
  }

  /** Show the node's terminal and connect it unless ssh already runs in it. */
  async reconnect(node: string): Promise<NodeTerminalWidget> {
    const { widget } = await this._showOrCreate(node);
    if (!this._connecting.has(node) && !(await this._runsSsh(node))) {
      await this._connect(node, widget);
    }
    return widget;
  }

  /** Open the nodes' terminals next to each other, in the order given. */
  async openAll(nodes: string[]): Promise<void> {
    let previous: NodeTerminalWidget | null = null;
    for (const node of nodes) {
      const widget: NodeTerminalWidget = await this.open(node);
      if (previous) {
        this._options.app.shell.add(widget, 'main', {
          ref: previous.id,
          mode: 'split-right'
        });
      }
      previous = widget;
    }
  }

  /**
   * Type a block into the node's terminal, once ssh to the node is up:
   * a terminal that is closed or whose ssh ended is connected first.
   * Resolves, with the terminal's session, right after the block is typed.
   */
  async run(
    node: string,
    block: string,
    options: NodeTerminals.IRunOptions
  ): Promise<TerminalService.ITerminalConnection> {
    const { widget } = await this._showOrCreate(node);
    const session = widget.content.session;
    const connecting = this._connecting.get(node);
    if (connecting) {
      await connecting;
      this.checkSameLab(node);
    } else if (!(await this._runsSsh(node))) {
      await (
        await this._connect(node, widget)
      ).ready;
    } else {
      this.checkSameLab(node);
      if (options.interrupt) {
        session.send({ type: 'stdin', content: [INTERRUPT] });
        await new Promise(resolve => setTimeout(resolve, INTERRUPT_PAUSE));
      }
    }
    session.send({
      type: 'stdin',
      content: [keystrokes(block, options.bracketedPaste)]
    });
    return session;
  }

  /**
   * Throw when the node's terminal runs an ssh this page started for
   * another lab's node of the same name, or before the lab's address
   * changed: the block is not this lab's to send there. A terminal this
   * browser did not connect is not refused.
   */
  checkSameLab(node: string): void {
    const connected = this._routes.get(terminalName(node));
    const wanted = this._options.route(node);
    if (
      this.state(node) === 'connected' &&
      connected &&
      wanted &&
      connected !== wanted
    ) {
      throw new Error(
        this._options.trans.__(
          'The %1 terminal is still connected to another lab’s %1 (%2), not this lab’s (%3): type exit in it, then run the block again.',
          node,
          connected,
          wanted
        )
      );
    }
  }

  /**
   * Show a terminal of this server that is not a node's (no ssh), found
   * before made, once its shell has started; a new one starts in `cwd`.
   */
  async showShell(
    name: string,
    cwd: string
  ): Promise<{ widget: NodeTerminalWidget; created: boolean }> {
    const shown = await this._showOrCreate(name, cwd);
    await this._shellStarted(shown.widget.content.session);
    return shown;
  }

  /** Ask the server which node terminals run ssh. */
  async refresh(): Promise<void> {
    let running: { [name: string]: { ssh: boolean } };
    try {
      running = await this._options.server.terminals();
    } catch {
      return;
    }
    const states = new Map(
      Object.entries(running).map(([name, { ssh }]) => [name, ssh])
    );
    const same =
      states.size === this._states.size &&
      [...states].every(([name, ssh]) => this._states.get(name) === ssh);
    this._states = states;
    if (!same) {
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._refreshTimer);
    Signal.clearData(this);
  }

  private _find(node: string): NodeTerminalWidget | undefined {
    return this._options.tracker.find(
      widget => widget.content.session?.name === terminalName(node)
    );
  }

  /**
   * The node's terminal widget, and whether a new shell was started for it
   * (as opposed to an open widget or a running terminal reattached).
   */
  private async _showOrCreate(
    node: string,
    cwd?: string
  ): Promise<{ widget: NodeTerminalWidget; created: boolean }> {
    const shown = this._find(node);
    if (shown) {
      this._options.app.shell.activateById(shown.id);
      return { widget: shown, created: false };
    }
    let pending = this._opening.get(node);
    if (!pending) {
      pending = this._create(node, cwd);
      this._opening.set(node, pending);
      void pending.finally(() => this._opening.delete(node));
    }
    return pending;
  }

  private async _create(
    node: string,
    cwd?: string
  ): Promise<{ widget: NodeTerminalWidget; created: boolean }> {
    await this._sessions.refreshRunning();
    const name = terminalName(node);
    const running = [...this._sessions.running()].some(m => m.name === name);
    if (!running && cwd !== undefined) {
      // A lab's Jupyter terminal: started by the server with the bash that
      // reports how blocks end; without it, it starts as any terminal.
      await this._options.server.startShell(name, cwd).catch(() => undefined);
    }
    const widget: NodeTerminalWidget = await this._commands.execute(
      CREATE_TERMINAL,
      cwd === undefined ? { name } : { name, cwd }
    );
    this._watch(widget);
    return { widget, created: !running };
  }

  private async _runsSsh(node: string): Promise<boolean> {
    await this.refresh();
    return this._states.get(terminalName(node)) === true;
  }

  /**
   * Type the connect line. Resolves once it is typed; `ready` (also kept
   * for a block sent meanwhile) resolves at the node's prompt.
   */
  private async _connect(
    node: string,
    widget: NodeTerminalWidget,
    preparedLine?: Promise<string>
  ): Promise<{ ready: Promise<void> }> {
    const session = widget.content.session;
    const [line] = await Promise.all([
      preparedLine ?? this._options.connectLine(node),
      this._shellStarted(session)
    ]);
    this.clearHostKeyChange(node);
    const ready = this._nextPrompt(node, session);
    this._connecting.set(node, ready);
    // Opening does not wait for the prompt; a failed connection shows in
    // the terminal itself.
    ready
      .catch(() => undefined)
      .finally(() => {
        if (this._connecting.get(node) === ready) {
          this._connecting.delete(node);
        }
      });
    session.send({ type: 'stdin', content: [`${line}\r`] });
    const route = this._options.route(node);
    if (route) {
      this._routes.set(terminalName(node), route);
      Private.saveRoutes(this._routesKey, this._routes);
    }
    this._states.set(terminalName(node), true);
    this._changed.emit();
    return { ready };
  }

  /**
   * Resolves once a terminal's shell has shown a prompt: a line typed
   * before that is echoed twice when readline redraws it.
   */
  private _shellStarted(
    session: TerminalService.ITerminalConnection
  ): Promise<void> {
    if (this._started.has(session)) {
      return Promise.resolve();
    }
    return new Promise<void>(resolve => {
      const done = () => {
        window.clearTimeout(timer);
        session.messageReceived.disconnect(onMessage);
        this._started.add(session);
        resolve();
      };
      const timer = window.setTimeout(done, SHELL_START_TIMEOUT);
      const onMessage = (
        _: unknown,
        message: TerminalService.IMessage
      ): void => {
        if (
          message.type === 'stdout' &&
          endsWithPrompt(String(message.content?.[0] ?? ''))
        ) {
          done();
        }
      };
      session.messageReceived.connect(onMessage);
    });
  }

  /**
   * Resolves at the first prompt after the echo of the connect line, when
   * the server sees ssh running: a prompt without ssh is the local shell's
   * after ssh failed, and must not receive the block.
   */
  private _nextPrompt(
    node: string,
    session: TerminalService.ITerminalConnection
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let echo = '';
      let checking = false;
      const trans = this._options.trans;
      const done = (error?: string) => {
        window.clearTimeout(timer);
        session.messageReceived.disconnect(onMessage);
        if (error) {
          reject(
            new Error(
              trans.__(
                '%1; the block was not sent. See the %2 terminal.',
                error,
                node
              )
            )
          );
        } else {
          resolve();
        }
      };
      const timer = window.setTimeout(
        () =>
          done(
            trans.__(
              '%1 showed no prompt within %2 s',
              node,
              CONNECT_TIMEOUT / 1000
            )
          ),
        CONNECT_TIMEOUT
      );
      const onMessage = (
        _: unknown,
        message: TerminalService.IMessage
      ): void => {
        const output =
          message.type === 'stdout' ? String(message.content?.[0] ?? '') : '';
        if (!echo.includes(`${node}\r\n`)) {
          echo = (echo + output).slice(-200);
          return;
        }
        if (checking || !endsWithPrompt(output)) {
          return;
        }
        checking = true;
        void this._runsSsh(node).then(ssh =>
          done(
            ssh
              ? undefined
              : trans.__('ssh to %1 ended before its prompt', node)
          )
        );
      };
      session.messageReceived.connect(onMessage);
    });
  }

  /** Follow a terminal's output for host-key refusals and ended sessions. */
  private _watch(widget: NodeTerminalWidget): void {
    const session = widget.content.session;
    if (!session || this._watched.has(session)) {
      return;
    }
    this._watched.add(session);
    session.messageReceived.connect((_, message) => {
      if (message.type !== 'stdout') {
        return;
      }
      const output = String(message.content?.[0] ?? '');
      if (endsWithPrompt(output)) {
        this._started.add(session);
      }
      if (hostKeyChanged(output) && !this._hostKeyChanges.has(session.name)) {
        this._hostKeyChanges.add(session.name);
        this._changed.emit();
      }
      this._scheduleRefresh();
    });
    session.disposed.connect(() => {
      this._watched.delete(session);
      this._scheduleRefresh();
    });
  }

  /** Output often means ssh started or ended; ask once it quiets down. */
  private _scheduleRefresh(): void {
    window.clearTimeout(this._refreshTimer);
    this._refreshTimer = window.setTimeout(() => void this.refresh(), 700);
  }

  private _options: NodeTerminals.IOptions;
  private _commands: CommandRegistry;
  private _sessions: TerminalService.IManager;
  /** Keyed by terminal name (see terminalName), as the server reports them. */
  private _states = new Map<string, boolean>();
  private _hostKeyChanges = new Set<string>();
  /** Where each terminal's ssh was sent when this page connected it. */
  private _routesKey: string;
  private _routes: Map<string, string>;
  /** Connections typed whose node prompt has not come yet. */
  private _connecting = new Map<string, Promise<void>>();
  private _opening = new Map<
    string,
    Promise<{ widget: NodeTerminalWidget; created: boolean }>
  >();
  private _watched = new Set<TerminalService.ITerminalConnection>();
  /** Terminals whose shell has shown a prompt: it is past its start. */
  private _started = new WeakSet<TerminalService.ITerminalConnection>();
  private _refreshTimer = 0;
  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
}

namespace Private {
  export function loadRoutes(key: string): Map<string, string> {
    try {
      return readRoutes(localStorage.getItem(key));
    } catch {
      // Storage off: nothing was kept.
      return new Map();
    }
  }

  export function saveRoutes(key: string, routes: Map<string, string>): void {
    try {
      localStorage.setItem(key, JSON.stringify(Object.fromEntries(routes)));
    } catch {
      // Storage full or off: the check then holds for this page only.
    }
  }
}
