import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type {
  NodeTerminals,
  NodeTerminalState
} from '../../../src/lab/terminals/manager';
import { TerminalsModel } from '../../../src/lab/terminals/model';
import { labTopology } from '../../../src/core/terminals/topology';
import { SshServer } from '../../../src/lab/terminals/server';
import { TerminalsSection } from '../../../src/lab/terminals/section';

const SETTINGS = {
  preset: 'chameleon' as const,
  nodes: [],
  keyFile: '',
  user: ''
};

/** The terminals as the section sees them: states and host-key reports. */
class FakeTerminals {
  states: { [node: string]: NodeTerminalState } = {};
  hostKeys = new Set<string>();
  changed = new Signal<this, void>(this);
  state(node: string): NodeTerminalState {
    return this.states[node] ?? 'closed';
  }
  hostKeyChange(node: string): boolean {
    return this.hostKeys.has(node);
  }
}

function setUp(values: { [field: string]: string }) {
  const model = new TerminalsModel(new SshServer());
  const terminals = new FakeTerminals();
  const calls: string[] = [];
  const section = new TerminalsSection({
    model,
    terminals: terminals as unknown as NodeTerminals,
    open: node => calls.push(`open ${node}`),
    reconnect: node => calls.push(`reconnect ${node}`),
    openAll: () => calls.push('openAll'),
    check: () => calls.push('check'),
    loadKeys: () => calls.push('loadKeys'),
    forgetHostKey: node => calls.push(`forget ${node}`),
    acceptNodes: () => calls.push('accept'),
    keepOwnNodes: keep => calls.push(`keep ${keep}`),
    setAddress: async (node, host) => {
      calls.push(`address ${node} ${host}`);
      return null;
    }
  });
  Widget.attach(section, document.body);
  model.topology = {
    result: labTopology(SETTINGS, null, values),
    problems: []
  };
  const card = (node: string) =>
    section.node.querySelector<HTMLElement>(`[data-node="${node}"]`)!;
  return { model, terminals, section, calls, card };
}

describe('TerminalsSection', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('asks for the floating IP instead of showing cards that cannot connect', () => {
    const { section } = setUp({});
    expect(section.node.querySelectorAll('.jp-testbed-NodeCard')).toHaveLength(
      0
    );
    expect(section.node.textContent).toContain(
      'Set the floating IP of node1 first (Testbed sidebar ▸ Placeholders).'
    );
  });

  it('shows one card per node with its address, state and actions', () => {
    const { terminals, section, calls, card } = setUp({
      floatingIp: '10.199.0.2'
    });
    expect(card('node1').textContent).toContain('cc@10.199.0.2');
    expect(card('node2').textContent).toContain('cc@192.168.1.12 via node1');
    expect(card('node1').textContent).toContain('not open');

    terminals.states = { node1: 'connected', node2: 'ended' };
    terminals.changed.emit();
    expect(card('node1').className).toContain('jp-mod-connected');
    expect(card('node1').querySelector('button')!.textContent).toBe('Show');
    expect(card('node1').querySelector('.jp-testbed-NodeCard-reconnect')).toBe(
      null
    );
    card('node2')
      .querySelector<HTMLButtonElement>('.jp-testbed-NodeCard-reconnect')!
      .click();
    section.node
      .querySelector<HTMLButtonElement>('.jp-testbed-Terminals-openAll')!
      .click();
    expect(calls).toEqual(['reconnect node2', 'openAll']);
  });

  it('explains a changed host key and offers to forget it for that address', () => {
    const { terminals, calls, card } = setUp({ floatingIp: '10.199.0.2' });
    terminals.hostKeys = new Set(['node1']);
    terminals.changed.emit();
    const note = card('node1').querySelector('[role="alert"]')!;
    expect(note.textContent).toContain('Floating IPs are reused');
    // The node's own address, whatever the terminal printed.
    expect(note.querySelector('button')!.textContent).toBe(
      'Forget the Old Key for 10.199.0.2'
    );
    note.querySelector('button')!.click();
    expect(calls).toEqual(['forget node1']);
  });

  it('keeps the focus on a button when the cards are redrawn', () => {
    const { terminals, card } = setUp({ floatingIp: '10.199.0.2' });
    card('node3').querySelector('button')!.focus();
    terminals.states = { node3: 'connected' };
    terminals.changed.emit();
    expect(document.activeElement).toBe(card('node3').querySelector('button'));
  });

  it('updates the card that changed in place, the focused button with it', () => {
    const { terminals, card } = setUp({ floatingIp: '10.199.0.2' });
    const node1 = card('node1');
    const button = card('node3').querySelector('button')!;
    button.focus();
    terminals.states = { node3: 'connected' };
    terminals.changed.emit();
    // The same element, relabelled: the focus never left it.
    expect(card('node3').querySelector('button')).toBe(button);
    expect(button.textContent).toBe('Show');
    expect(document.activeElement).toBe(button);
    expect(card('node3').textContent).toContain('connected');
    // The other cards are the same elements, untouched.
    expect(card('node1')).toBe(node1);

    terminals.states = { node3: 'ended' };
    terminals.changed.emit();
    expect(
      card('node3').querySelector('.jp-testbed-NodeCard-reconnect')
    ).not.toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('tells a screen reader every node that changed before it spoke, not only the last', () => {
    jest.useFakeTimers();
    try {
      const { terminals, section } = setUp({ floatingIp: '10.199.0.2' });
      terminals.states = { node1: 'connected' };
      terminals.changed.emit();
      terminals.states = { node1: 'connected', node2: 'connected' };
      terminals.changed.emit();
      jest.runAllTimers();
      const live = section.node.querySelector('[role="status"]')!;
      expect(live.textContent).toBe('node1: connected, node2: connected');

      terminals.states = { node1: 'ended', node2: 'connected' };
      terminals.changed.emit();
      jest.runAllTimers();
      expect(live.textContent).toBe('node1: ssh ended');
    } finally {
      jest.useRealTimers();
    }
  });

  it('renders what a notebook declares as text', () => {
    const { model, section } = setUp({});
    model.topology = {
      result: labTopology(
        SETTINGS,
        [{ name: '<img src=x onerror=alert(1)>', host: 'h', user: 'cc' }],
        {}
      ),
      problems: ['<b>bold</b>']
    };
    expect(section.node.querySelector('img, b')).toBeNull();
    expect(section.node.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(section.node.textContent).toContain('<b>bold</b>');
  });
});
