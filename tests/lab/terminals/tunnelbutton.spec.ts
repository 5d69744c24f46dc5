import { nullTranslator } from '@jupyterlab/translation';
import {
  compileMarkers,
  DEFAULT_MARKERS
} from '../../../src/core/terminals/markers';
import {
  decorateTunnelBar,
  TUNNEL_BUTTON_CLASS
} from '../../../src/lab/terminals/tunnelbutton';

const trans = nullTranslator.load('jupyterlab_testbed');
const markers = compileMarkers(DEFAULT_MARKERS).patterns;
const LOCAL =
  '# runs in *your local terminal*\nssh -L 8443:127.0.0.1:8443 -i ~/.ssh/id_rsa_chameleon cc@A.B.C.D';

/** A bar as RunButtons draws it: Copy, or a refusal with no buttons. */
function bar(withCopy = true): HTMLElement {
  const node = document.createElement('div');
  if (withCopy) {
    node.appendChild(document.createElement('button'));
  } else {
    node.appendChild(document.createElement('span'));
  }
  return node;
}

describe('decorateTunnelBar', () => {
  it('adds one Open in browser to a block for the student’s computer with ssh -L', () => {
    const node = bar();
    const open = jest.fn();
    decorateTunnelBar(node, LOCAL, markers, trans, open);
    decorateTunnelBar(node, LOCAL, markers, trans, open);
    const buttons = node.querySelectorAll(`.${TUNNEL_BUTTON_CLASS}`);
    expect(buttons).toHaveLength(1);
    expect(buttons[0].textContent).toBe('Open in browser');
    (buttons[0] as HTMLButtonElement).click();
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('adds none to node blocks, blocks without -L, or a refused bar', () => {
    const cases: [string, boolean][] = [
      ['# run on node1\nssh -L 8443:127.0.0.1:8443 cc@A.B.C.D', true],
      ['# runs in your local terminal\nssh cc@A.B.C.D', true],
      ['ssh -L 8443:127.0.0.1:8443 cc@A.B.C.D', true],
      [LOCAL, false]
    ];
    for (const [text, withCopy] of cases) {
      const node = bar(withCopy);
      decorateTunnelBar(node, text, markers, trans, jest.fn());
      expect(node.querySelector(`.${TUNNEL_BUTTON_CLASS}`)).toBeNull();
    }
  });

  it('removes the button when the block no longer opens a forward', () => {
    const node = bar();
    decorateTunnelBar(node, LOCAL, markers, trans, jest.fn());
    decorateTunnelBar(
      node,
      '# runs in your local terminal\nls',
      markers,
      trans,
      jest.fn()
    );
    expect(node.querySelector(`.${TUNNEL_BUTTON_CLASS}`)).toBeNull();
  });
});
