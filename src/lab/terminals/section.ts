/**
 * The terminals section of the sidebar: one card per node of the lab on
 * screen, with its terminal's state and actions, the key in the agent and
 * whether the entry node answers. Hosts and names may come from a notebook,
 * so everything is set as text.
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { el, morph, placeChildren } from '../dom';
import { LiveSummary } from '../liveregion';
import type { NodeTerminals, NodeTerminalState } from './manager';
import { keyLine } from '../../core/terminals/keysource';
import type { INodeProposal, TerminalsModel } from './model';
import type { INode } from '../../core/terminals/sshconfig';

export namespace TerminalsSection {
  export interface IOptions {
    model: TerminalsModel;
    terminals: NodeTerminals;
    /** Actions, run as commands so they show in the palette too. */
    open: (node: string) => void;
    reconnect: (node: string) => void;
    openAll: () => void;
    check: () => void;
    loadKeys: () => void;
    forgetHostKey: (node: string) => void;
    /** Use the nodes the notebook proposes. */
    acceptNodes: () => void;
    /** Keep the student's own nodes (true), or show the proposal again. */
    keepOwnNodes: (keep: boolean) => void;
    /** Keep a typed address for a node; why it cannot be used, or null. */
    setAddress: (node: string, host: string) => Promise<string | null>;
    translator?: ITranslator;
  }
}

export class TerminalsSection extends Widget {
  constructor(options: TerminalsSection.IOptions) {
    super();
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this.addClass('jp-testbed-Terminals');
    this.title.label = this._trans.__('Terminals');
    this._cardList = el('ul', 'jp-testbed-Terminals-cards');
    this._cardList.setAttribute('aria-label', this._trans.__('Nodes'));
    options.model.changed.connect(this._render, this);
    options.terminals.changed.connect(this._render, this);
    this._render();
  }

  private _render(): void {
    const trans = this._trans;
    const { model } = this._options;
    const topology = model.topology;
    const parts: HTMLElement[] = [];
    const notes = el('ul', 'jp-testbed-Terminals-notes');
    for (const problem of topology?.problems ?? []) {
      notes.appendChild(note(problem, 'warning'));
    }
    const key = keyLine(model.settings, model.presetKey, trans);
    if (key) {
      notes
        .appendChild(note(key.text, 'info'))
        .classList.add('jp-testbed-Terminals-key');
      if (key.problem) {
        notes
          .appendChild(note(key.problem, 'warning'))
          .classList.add('jp-testbed-Terminals-keyProblem');
      }
    }
    if (!topology) {
      notes.appendChild(
        note(trans.__('Open a lab notebook to see its nodes.'), 'info')
      );
    } else if (!topology.result.ok) {
      for (const problem of topology.result.problems) {
        notes.appendChild(note(problem, 'warning'));
      }
    }
    parts.push(notes);
    if (topology?.proposal) {
      parts.push(this._proposal(topology.proposal));
    }
    const missing = topology?.proposal ? [] : (topology?.missing ?? []);
    if (missing.length) {
      parts.push(this._missingList(missing));
    }
    if (topology?.result.ok) {
      const nodes = topology.result.nodes;
      const names = new Set(nodes.map(node => node.name));
      this._cards.forEach((_, name) => {
        if (!names.has(name)) {
          this._cards.delete(name);
        }
      });
      placeChildren(
        this._cardList,
        nodes.map(node => this._card(node, topology.sources?.[node.name]))
      );
      parts.push(this._cardList);
      if (nodes.length > 1) {
        parts.push(
          this._button(
            trans.__('Open All %1 Side by Side', nodes.length),
            trans.__(
              'Open a terminal on each node, arranged next to each other'
            ),
            () => this._options.openAll(),
            'jp-testbed-Terminals-openAll'
          )
        );
      }
      parts.push(this._health());
    }
    this._announceStates(topology?.result.ok ? topology.result.nodes : []);
    // What shows the same stays in the page, and a node's card is updated
    // in place: the focus stays where it was, and nothing else is redrawn.
    const kept = parts.map((part, i) => {
      const before = this._parts[i];
      return before?.outerHTML === part.outerHTML ? before : part;
    });
    this._parts = kept;
    placeChildren(this.node, [...kept, this._live.node]);
  }

  dispose(): void {
    this._live.dispose();
    super.dispose();
  }

  /**
   * Tell a screen reader which nodes changed state (connected, ssh
   * ended...); the nodes of a newly opened notebook are not news.
   */
  private _announceStates(nodes: INode[]): void {
    const { terminals } = this._options;
    const states = new Map(
      nodes.map(node => [node.name, terminals.state(node.name)])
    );
    const before = this._states;
    this._states = states;
    const changed = nodes.filter(
      node =>
        before.has(node.name) && before.get(node.name) !== states.get(node.name)
    );
    // Changes wait to be spoken together: one that comes before the last
    // was spoken joins it instead of replacing it.
    changed.forEach(node =>
      this._unspoken.set(node.name, states.get(node.name)!)
    );
    if (changed.length) {
      this._live.changed(() => {
        const text = [...this._unspoken]
          .map(([name, state]) =>
            this._trans.__('%1: %2', name, STATE_LABELS[state](this._trans))
          )
          .join(', ');
        this._unspoken.clear();
        return text;
      });
    }
  }

  /**
   * The nodes a notebook proposes, as it proposes them, with what the
   * student's own settings add: nothing connects to them before Accept.
   */
  private _proposal(proposal: INodeProposal): HTMLElement {
    const trans = this._trans;
    const box = el('div', 'jp-testbed-Proposal');
    if (proposal.declined) {
      const text = el('p', 'jp-testbed-Proposal-text');
      text.textContent = trans.__(
        'You kept your own nodes; this notebook proposes others.'
      );
      box.append(
        text,
        this._button(
          trans.__('Show the Proposal'),
          trans.__('Show the nodes this notebook proposes'),
          () => this._options.keepOwnNodes(false),
          'jp-testbed-Proposal-show'
        )
      );
      return box;
    }
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', trans.__('Nodes proposed by this notebook'));
    // Show Lab Terminals focuses the proposal, its warning first: Accept is
    // one Tab away, not where a reflexive Enter lands.
    box.tabIndex = -1;
    const title = el('p', 'jp-testbed-Proposal-title');
    title.textContent = proposal.inferred
      ? trans.__('Nodes named in this notebook’s text')
      : trans.__('Proposed by this notebook');
    const text = el('p', 'jp-testbed-Proposal-text');
    text.textContent = trans.__(
      'Whoever wrote this notebook chose these hosts. Nothing connects to them, and your ssh agent is not asked about them, until you accept. Accept only if they are your lab’s nodes.'
    );
    const list = el('ul', 'jp-testbed-Proposal-nodes');
    for (const node of proposal.nodes) {
      const item = el('li', '');
      item.dataset.node = node.name;
      const name = el('span', 'jp-testbed-NodeCard-name');
      name.textContent = node.name;
      const where = el('span', 'jp-testbed-Proposal-where');
      where.textContent = !node.host
        ? trans.__('address to enter once accepted')
        : node.jump
          ? trans.__('%1@%2 via %3', node.user, node.host, node.jump)
          : trans.__('%1@%2', node.user, node.host);
      item.append(name, ' ', where);
      const source = proposal.inferred?.[node.name];
      if (source && node.host) {
        const from = el('span', 'jp-testbed-NodeCard-source');
        from.textContent = trans.__('— %1', source);
        item.append(' ', from);
      }
      list.appendChild(item);
    }
    const first = proposal.nodes[0];
    const uses = el('p', 'jp-testbed-Proposal-uses');
    uses.textContent = [
      first?.identityFile
        ? trans.__('Key: %1 (from your settings).', first.identityFile)
        : trans.__('Key: ssh’s default keys.'),
      first?.forwardAgent
        ? trans.__('Your ssh agent is forwarded to these nodes.')
        : trans.__('Your ssh agent is not forwarded.')
    ].join(' ');
    box.append(title, text, list, uses);
    if (proposal.ignored.length) {
      const ignored = el('p', 'jp-testbed-Proposal-ignored');
      ignored.textContent = trans.__(
        'Ignored (only your settings choose these): %1.',
        proposal.ignored.join(', ')
      );
      box.appendChild(ignored);
    }
    const actions = el('div', 'jp-testbed-Proposal-actions');
    actions.append(
      this._button(
        trans.__('Accept'),
        trans.__(
          'Use these nodes for this notebook; asked again if its nodes change'
        ),
        () => this._options.acceptNodes(),
        'jp-testbed-Proposal-accept'
      ),
      this._button(
        trans.__('Keep My Own Nodes'),
        trans.__('Use the nodes of your settings for this notebook'),
        () => this._options.keepOwnNodes(true),
        'jp-testbed-Proposal-keep'
      )
    );
    box.appendChild(actions);
    return box;
  }

  /**
   * The nodes the lab's text names without an address: a field each, whose
   * value is kept for the lab's folder. Kept across renders while typed in.
   */
  private _missingList(names: string[]): HTMLElement {
    const key = names.join('\n');
    if (this._missing?.key === key) {
      return this._missing.node;
    }
    const trans = this._trans;
    const list = el('ul', 'jp-testbed-Terminals-missing');
    list.setAttribute('aria-label', trans.__('Nodes without an address'));
    for (const name of names) {
      const card = el('li', 'jp-testbed-NodeCard jp-mod-missing');
      card.dataset.node = name;
      const head = el('div', 'jp-testbed-NodeCard-head');
      const title = el('span', 'jp-testbed-NodeCard-name');
      title.textContent = name;
      head.appendChild(title);
      const form = el('form', 'jp-testbed-NodeCard-address');
      const label = el('label', '');
      label.textContent = trans.__(
        'The lab does not say where %1 is. Its address (kept for this folder):',
        name
      );
      const input = el('input', 'jp-mod-styled') as HTMLInputElement;
      input.type = 'text';
      input.spellcheck = false;
      input.maxLength = 255;
      input.placeholder = trans.__('address or host name');
      label.appendChild(input);
      const problem = el('p', 'jp-testbed-NodeCard-problem');
      problem.setAttribute('role', 'alert');
      const save = el('button', 'jp-mod-styled jp-mod-accept');
      save.type = 'submit';
      save.textContent = trans.__('Use This Address');
      form.append(label, save, problem);
      form.addEventListener('submit', event => {
        event.preventDefault();
        void this._options.setAddress(name, input.value).then(reason => {
          problem.textContent = reason ?? '';
        });
      });
      card.append(head, form);
      list.appendChild(card);
    }
    this._missing = { key, node: list };
    return list;
  }

  /** A node's card: the one shown before, updated in place, when there is one. */
  private _card(node: INode, source?: string): HTMLElement {
    const fresh = this._newCard(node, source);
    const kept = this._cards.get(node.name);
    if (!kept) {
      this._cards.set(node.name, fresh);
      return fresh;
    }
    morph(kept, fresh);
    return kept;
  }

  private _newCard(node: INode, source?: string): HTMLElement {
    const trans = this._trans;
    const { terminals } = this._options;
    const state = terminals.state(node.name);
    const card = el('li', `jp-testbed-NodeCard jp-mod-${state}`);
    card.dataset.node = node.name;
    const actions = el('div', 'jp-testbed-NodeCard-actions');
    actions.appendChild(
      this._button(
        state === 'closed' ? trans.__('Open') : trans.__('Show'),
        state === 'closed'
          ? trans.__('Open a terminal named %1, connected to it', node.name)
          : trans.__('Show the terminal named %1', node.name),
        () => this._options.open(node.name),
        'jp-testbed-NodeCard-open'
      )
    );
    if (state === 'ended') {
      actions.appendChild(
        this._button(
          trans.__('Reconnect'),
          trans.__('ssh to %1 ended in its terminal: connect again', node.name),
          () => this._options.reconnect(node.name),
          'jp-testbed-NodeCard-reconnect'
        )
      );
    }
    const head = el('div', 'jp-testbed-NodeCard-head');
    const name = el('span', 'jp-testbed-NodeCard-name');
    name.textContent = node.name;
    const badge = el('span', 'jp-testbed-NodeCard-state');
    badge.textContent = STATE_LABELS[state](trans);
    head.append(name, badge, actions);
    const where = el('div', 'jp-testbed-NodeCard-where');
    where.textContent = node.jump
      ? trans.__('%1@%2 via %3', node.user, node.host, node.jump)
      : trans.__('%1@%2', node.user, node.host);
    card.append(head, where);
    if (source) {
      const from = el('div', 'jp-testbed-NodeCard-source');
      from.textContent = trans.__('Address: %1', source);
      card.appendChild(from);
    }
    if (terminals.hostKeyChange(node.name)) {
      card.appendChild(this._hostKeyNote(node));
    }
    return card;
  }

  /** The host named is the node's own address, never one read from output. */
  private _hostKeyNote(node: INode): HTMLElement {
    const trans = this._trans;
    const box = el('div', 'jp-testbed-NodeCard-hostKey');
    box.setAttribute('role', 'alert');
    const text = el('p', '');
    text.textContent = trans.__(
      'ssh refused %1 because its host key is not the one recorded for this lab. ' +
        'Floating IPs are reused: a new server at an address you used before has a new key. ' +
        'If you have just created or rebuilt the server, forget the old key and reconnect; ' +
        'otherwise ask your instructor before going on.',
      node.host
    );
    box.append(
      text,
      this._button(
        trans.__('Forget the Old Key for %1', node.host),
        trans.__(
          'Remove the old key from the lab’s known_hosts (a copy is kept as known_hosts.old)'
        ),
        () => this._options.forgetHostKey(node.name),
        'jp-testbed-NodeCard-forget'
      )
    );
    return box;
  }

  /** The key in the agent and whether the entry node answers. */
  private _health(): HTMLElement {
    const trans = this._trans;
    const { model } = this._options;
    const list = el('ul', 'jp-testbed-Terminals-health');
    for (const key of model.agent?.keys ?? []) {
      const item = el('li', '');
      if (!key.exists) {
        item.className = 'jp-mod-warning';
        item.textContent = trans.__('No key file at %1.', key.path);
      } else if (key.loaded) {
        item.className = 'jp-mod-ok';
        item.textContent = trans.__('Key %1 is loaded in the agent.', key.path);
      } else {
        item.className = 'jp-mod-warning';
        item.textContent =
          key.message ?? trans.__('Key %1 is not in the agent yet.', key.path);
        item.append(
          ' ',
          this._button(
            trans.__('Load Key'),
            trans.__('Add the key to the ssh agent the terminals use'),
            () => this._options.loadKeys(),
            'jp-testbed-Terminals-loadKey'
          )
        );
      }
      list.appendChild(item);
    }
    const probe = model.probe;
    const entry = model.entryNode;
    if (probe && entry) {
      const item = el(
        'li',
        probe.result.reachable ? 'jp-mod-ok' : 'jp-mod-warning'
      );
      item.textContent = probe.result.reachable
        ? trans.__(
            '%1 (%2) answers: %3',
            probe.node,
            probe.host,
            probe.result.banner ?? ''
          )
        : trans.__(
            '%1 (%2) does not answer (%3). A new bare-metal node takes 10–20 minutes to boot, a VM a few minutes; check the address if it stays silent.',
            probe.node,
            probe.host,
            probe.result.error ?? ''
          );
      list.appendChild(item);
      if (probe.result.hostKey === 'changed') {
        const changed = el('li', 'jp-mod-warning');
        changed.textContent = trans.__(
          '%1 now has a different host key from the one this lab recorded: ssh will refuse it.',
          probe.host
        );
        changed.append(
          ' ',
          this._button(
            trans.__('Forget the Old Key for %1', probe.host),
            trans.__(
              'Remove the old key from the lab’s known_hosts (a copy is kept as known_hosts.old)'
            ),
            () => this._options.forgetHostKey(probe.node),
            'jp-testbed-NodeCard-forget'
          )
        );
        list.appendChild(changed);
      }
    }
    const again = this._button(
      entry ? trans.__('Check Key and %1', entry.name) : trans.__('Check Key'),
      trans.__('Ask the server whether the key is loaded and the node answers'),
      () => this._options.check(),
      'jp-testbed-Terminals-check'
    );
    const item = el('li', '');
    item.appendChild(again);
    list.appendChild(item);
    return list;
  }

  private _button(
    label: string,
    title: string,
    run: () => void,
    className: string
  ): HTMLButtonElement {
    const button = el('button', `jp-mod-styled ${className}`);
    button.type = 'button';
    button.textContent = label;
    button.title = title;
    button.addEventListener('click', run);
    return button;
  }

  private _options: TerminalsSection.IOptions;
  private _trans: TranslationBundle;
  private _live = new LiveSummary();
  private _unspoken = new Map<string, NodeTerminalState>();
  private _states = new Map<string, NodeTerminalState>();
  /** The parts shown, in order, as last placed. */
  private _parts: HTMLElement[] = [];
  private _cardList: HTMLElement;
  /** The address fields shown, kept while their nodes stay the same. */
  private _missing: { key: string; node: HTMLElement } | null = null;
  /** The node cards by node name: a card's buttons act on its node. */
  private _cards = new Map<string, HTMLElement>();
}

const STATE_LABELS: {
  [state in NodeTerminalState]: (trans: TranslationBundle) => string;
} = {
  closed: trans => trans.__('not open'),
  connected: trans => trans.__('connected'),
  ended: trans => trans.__('ssh ended')
};

function note(text: string, kind: 'info' | 'warning'): HTMLElement {
  const item = el('li', `jp-testbed-Terminals-note jp-mod-${kind}`);
  item.textContent = text;
  return item;
}
