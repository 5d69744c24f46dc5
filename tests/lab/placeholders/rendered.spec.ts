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

/** After the next frame (a timer where the DOM has no frames). */
function nextFrame(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 50));
}

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

/** A rendered cell watched with the sample values shown. */
function watchedCell(
  html: string,
  describe: (token: string) => string = describe_
): { root: HTMLElement; rendered: HTMLElement; watcher: RenderedValues } {
  const { root, rendered } = renderedCell(html);
  const watcher = new RenderedValues(root, describe);
  watcher.setValues(VALUES);
  return { root, rendered, watcher };
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
    await nextFrame();
    expect(rendered.textContent).toBe('grep ff524');
    expect(output.textContent).toBe('netID');
    watcher.dispose();
  });

  it('shows a render that arrives in steps once, at the next frame', async () => {
    const describe = jest.fn(describe_);
    const { rendered, watcher } = watchedCell('<p>first</p>', describe);
    // The HTML, then a heading's anchor, then another part, each seen by
    // the observer on its own.
    rendered.innerHTML = '<h2>Log in as netID</h2>';
    await Promise.resolve();
    rendered.querySelector('h2')!.append(document.createElement('a'));
    await Promise.resolve();
    rendered.append(document.createTextNode(' at A.B.C.D'));
    await Promise.resolve();
    await nextFrame();
    expect(rendered.textContent).toBe('Log in as ff524 at 129.114.25.134');
    expect(describe.mock.calls.map(([token]) => token)).toEqual([
      'netID',
      'A.B.C.D'
    ]);
    watcher.dispose();
  });

  it('walks the cells again only when the values change', () => {
    const describe = jest.fn(describe_);
    const { rendered, watcher } = watchedCell(
      '<p>ssh cc@A.B.C.D</p>',
      describe
    );
    watcher.setValues(new Map(VALUES));
    expect(describe).toHaveBeenCalledTimes(1);
    watcher.setValues(new Map([['A.B.C.D', '10.0.0.1']]));
    expect(rendered.textContent).toBe('ssh cc@10.0.0.1');
    expect(describe).toHaveBeenCalledTimes(2);
    watcher.dispose();
  });

  it('shows at once a cell attached again with values that changed while it was away', async () => {
    const { root, rendered, watcher } = watchedCell('<p>ssh cc@A.B.C.D</p>');
    const cell = rendered.parentElement!;
    // Scrolled out of a windowed notebook, then the value changes.
    cell.remove();
    await Promise.resolve();
    watcher.setValues(new Map([['A.B.C.D', '10.0.0.1']]));
    root.appendChild(cell);
    await Promise.resolve();
    // Before the next frame: the page must not paint the old value.
    expect(rendered.textContent).toBe('ssh cc@10.0.0.1');
    watcher.dispose();
  });

  it('shows a render in a notebook that is off the page meanwhile', async () => {
    const { root, rendered, watcher } = watchedCell('<p>first</p>');
    rendered.innerHTML = '<p>grep netID</p>';
    await Promise.resolve();
    // The notebook's tab is moved: off the page, then back, with no
    // change inside it that the watcher could see.
    root.remove();
    await nextFrame();
    document.body.appendChild(root);
    expect(rendered.textContent).toBe('grep ff524');
    watcher.dispose();
  });

  it('touches no cell once disposed, not even one it saw render', async () => {
    const { rendered, watcher } = watchedCell('<p>first</p>');
    rendered.innerHTML = '<p>grep netID</p>';
    await Promise.resolve();
    watcher.dispose();
    await nextFrame();
    expect(rendered.textContent).toBe('grep netID');
  });
});
