import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { CheckEditor } from '../../../src/lab/authoring/checkeditor';
import type { IStep } from '../../../src/core/progress/outline';

const trans = nullTranslator.load('jupyterlab_testbed');
const step = (fields: Partial<IStep>): IStep =>
  ({
    key: 'c1/b1',
    kind: 'block',
    cellId: 'c1',
    tickKey: 'b1',
    label: 'docker run -d web',
    ...fields
  }) as IStep;

function editor(steps: IStep[], key?: string) {
  const widget = new CheckEditor({
    trans,
    cell: null as any,
    steps,
    key,
    nodes: ['node1', 'node2'],
    writable: () => true
  });
  Widget.attach(widget, document.body);
  const field = <T extends HTMLElement>(label: string) =>
    Array.from(
      widget.node.querySelectorAll('.jp-testbed-CheckEditor-field')
    ).find(row => row.firstChild!.textContent === label)!.children[1] as T;
  const type = (label: string, value: string) => {
    const input = field<HTMLInputElement>(label);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };
  const problems = () =>
    Array.from(
      widget.node.querySelectorAll('.jp-testbed-CheckEditor-problem'),
      p => p.textContent
    ).filter(Boolean);
  const preview = () =>
    Array.from(
      widget.node.querySelectorAll('.jp-testbed-CheckEditor-preview li'),
      li => li.textContent
    );
  return { widget, field, type, problems, preview };
}

describe('the check editor', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('previews a new check as a student sees it, before and after a failure', () => {
    const { widget, type, problems, preview } = editor([step({})]);
    expect(problems()).toEqual([
      'Write the command that proves the step worked.'
    ]);
    expect(preview()).toEqual([]);
    type('Command', 'docker ps | grep web');
    type('Hint when it fails', 'Is the container up? Try docker ps');
    expect(problems()).toEqual([]);
    expect(preview()).toEqual([
      'docker run -d webCheck○ not checked yet',
      'docker run -d webCheck✗ check failed (exit 1) — Is the container up? Try docker ps'
    ]);
    expect(
      widget.node.querySelector('.jp-testbed-Checks-commands')!.textContent
    ).toBe('node1: docker ps | grep web');
    expect(widget.read()).toEqual({
      ok: true,
      check: {
        cmd: 'docker ps | grep web',
        on: 'node1',
        hint: 'Is the container up? Try docker ps'
      }
    });
  });

  it('says what is wrong under each field, and reads nothing', () => {
    const { widget, type, problems, field } = editor([step({})]);
    type('Command', 'true');
    type('Timeout (seconds)', '600');
    expect(widget.read().ok).toBe(false);
    expect(problems()).toEqual([
      'The timeout is a whole number of seconds from 1 to 300 (blank: 30).'
    ]);
    expect(field('Timeout (seconds)').getAttribute('aria-invalid')).toBe(
      'true'
    );
    type('Timeout (seconds)', '20');
    expect(problems()).toEqual([]);
    expect(field('Timeout (seconds)').getAttribute('aria-invalid')).toBe(
      'false'
    );
  });

  it('opens on the step asked for, and warns that a changed command drops old results', () => {
    const declared = { cmd: 'test -f ~/done', on: 'node2' };
    const { widget, field, type } = editor(
      [
        step({}),
        step({
          key: 'c1/b2',
          tickKey: 'b2',
          label: 'touch ~/done',
          check: declared
        })
      ],
      'b2'
    );
    expect(widget.step.tickKey).toBe('b2');
    expect(field<HTMLTextAreaElement>('Command').value).toBe('test -f ~/done');
    expect(field<HTMLSelectElement>('Runs on').value).toBe('node2');
    const stale = () =>
      widget.node.querySelector('.jp-testbed-CheckEditor-stale');
    expect(stale()).toBeNull();
    type('Hint when it fails', 'Make it: touch ~/done');
    expect(stale()).toBeNull();
    type('Command', 'test -s ~/done');
    expect(stale()!.textContent).toContain('count for nothing');
    // Another step of the cell: its own (absent) check.
    const select = field<HTMLSelectElement>('Step');
    select.value = '0';
    select.dispatchEvent(new Event('change'));
    expect(field<HTMLTextAreaElement>('Command').value).toBe('');
  });

  it('offers the lab’s nodes, every node and the Jupyter side', () => {
    const { field } = editor([step({})]);
    expect(
      Array.from(field<HTMLSelectElement>('Runs on').options, o => o.value)
    ).toEqual(['node1', 'node2', 'all', 'jupyter']);
  });
});
