import { authoredText } from '../../../src/lab/notebook/reveal';
import {
  clearValues,
  RenderedValues,
  showValues
} from '../../../src/lab/placeholders/rendered';

const VALUES = new Map([
  ['netID', 'ff524'],
  ['A.B.C.D', '129.114.25.134']
]);
const describe_ = (token: string) => `value of ${token}`;

function renderedCell(html: string): {
  root: HTMLElement;
  rendered: HTMLElement;
} {
  const root = document.createElement('div');
  const cell = document.createElement('div');
  cell.className = 'jp-MarkdownCell';
  const rendered = document.createElement('div');
  rendered.className = 'jp-RenderedMarkdown';
  rendered.innerHTML = html;
  cell.appendChild(rendered);
  root.appendChild(cell);
  document.body.appendChild(root);
  return { root, rendered };
}

describe('values in rendered instructions', () => {
  it('leaves the buttons other capabilities add alone, however deep their text', () => {
    const { rendered } = renderedCell(
      '<p>Use netID.</p><div><button><span>Copy netID</span></button></div>'
    );
    showValues(rendered, VALUES, describe_);
    expect(rendered.querySelector('p')!.textContent).toBe('Use ff524.');
    expect(rendered.querySelector('button')!.textContent).toBe('Copy netID');
  });

  it('shows the values marked, inside names and code, and puts the tokens back', () => {
    const { rendered } = renderedCell(
      '<p>Name it <code>private_cloud_net_<b>netID</b></code>, then ' +
        '<code>ssh cc@A.B.C.D</code> as netID.</p>'
    );
    const before = rendered.innerHTML;
    showValues(rendered, VALUES, describe_);
    expect(rendered.textContent).toBe(
      'Name it private_cloud_net_ff524, then ssh cc@129.114.25.134 as ff524.'
    );
    const marks = rendered.querySelectorAll('mark.jp-testbed-FilledValue');
    expect(marks).toHaveLength(3);
    expect(marks[0].getAttribute('title')).toBe('value of netID');
    // Read as the author wrote it, for navigation.
    expect(authoredText(rendered)).toBe(
      'Name it private_cloud_net_netID, then ssh cc@A.B.C.D as netID.'
    );
    clearValues(rendered);
    expect(rendered.innerHTML).toBe(before);
  });

  it('replaces the values shown before when they change', () => {
    const { rendered } = renderedCell('<p>ssh cc@A.B.C.D</p>');
    showValues(rendered, VALUES, describe_);
    showValues(rendered, new Map([['A.B.C.D', '10.0.0.1']]), describe_);
    expect(rendered.textContent).toBe('ssh cc@10.0.0.1');
    showValues(rendered, new Map(), describe_);
    expect(rendered.textContent).toBe('ssh cc@A.B.C.D');
  });

  it('inserts a token or value from the notebook as text, never HTML', () => {
    const { rendered } = renderedCell('<p>ssh ubuntu@&lt;master-ip&gt;</p>');
    showValues(
      rendered,
      new Map([['<master-ip>', '<img src=x onerror=alert(1)>']]),
      describe_
    );
    expect(rendered.querySelector('img')).toBeNull();
    expect(rendered.textContent).toBe(
      'ssh ubuntu@<img src=x onerror=alert(1)>'
    );
  });

  it('follows cells as they render, not the markdown of outputs', async () => {
    const { root, rendered } = renderedCell('<p>first</p>');
    const output = document.createElement('div');
    output.className = 'jp-RenderedMarkdown';
    output.innerHTML = '<p>netID</p>';
    root.appendChild(output);
    const watcher = new RenderedValues(root, describe_);
    watcher.setValues(VALUES);
    // A re-render replaces the cell's HTML.
    rendered.innerHTML = '<p>grep netID</p>';
    await Promise.resolve();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(rendered.textContent).toBe('grep ff524');
    expect(output.textContent).toBe('netID');
    watcher.dispose();
  });
});
