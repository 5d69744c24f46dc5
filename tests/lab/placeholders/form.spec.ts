import { Widget } from '@lumino/widgets';
import { CHAMELEON_PLACEHOLDERS } from '../../../src/core/placeholders/definitions';
import { PlaceholderForm } from '../../../src/lab/placeholders/form';
import { PlaceholdersModel } from '../../../src/lab/placeholders/model';
import { IStoredValues } from '../../../src/core/placeholders/values';

function setUp(stored: IStoredValues = { values: {}, folders: {} }) {
  const save = jest.fn(async () => undefined);
  const next = jest.fn();
  const form = new PlaceholderForm({
    save,
    next,
    fill: jest.fn(),
    reset: jest.fn()
  });
  Widget.attach(form, document.body);
  const model = new PlaceholdersModel();
  model.setSettings(stored, model.options);
  const state = (folder: string | null, unfilled = new Map()) => ({
    folder,
    placeholders: model.forNotebook(null, folder ? `${folder}/lab.ipynb` : ''),
    stored: model.stored,
    unfilled
  });
  form.setState(state(null));
  const input = (label: string) => {
    const row = Array.from(
      form.node.querySelectorAll('.jp-testbed-Placeholder')
    ).find(
      r =>
        r.querySelector('.jp-testbed-Placeholder-name')!.textContent === label
    )!;
    return {
      row,
      input: row.querySelector('input')!,
      message: row.querySelector('.jp-testbed-Placeholder-message')!
    };
  };
  const type = (target: HTMLInputElement, value: string) => {
    target.focus();
    target.value = value;
    target.dispatchEvent(new Event('input'));
  };
  return { form, save, next, model, state, input, type };
}

describe('the placeholders form', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    document.body.innerHTML = '';
  });

  it('has a labelled field with help and example for each placeholder', () => {
    const { form } = setUp();
    const inputs = form.node.querySelectorAll('input');
    expect(inputs).toHaveLength(CHAMELEON_PLACEHOLDERS.length);
    for (const input of Array.from(inputs)) {
      const label = form.node.querySelector(`label[for="${input.id}"]`);
      expect(label?.textContent).toBeTruthy();
      for (const id of input.getAttribute('aria-describedby')!.split(' ')) {
        expect(document.getElementById(id)).not.toBeNull();
      }
    }
    expect(form.node.textContent).toContain('Example: CHI-231095');
  });

  it('says why a value is refused as it is typed, and stores nothing', () => {
    const { save, input, type } = setUp();
    const netID = input('Net ID');
    type(netID.input, 'ff524; rm -rf ~');
    expect(netID.message.textContent).toContain('cannot contain a space');
    expect(netID.input.getAttribute('aria-invalid')).toBe('true');
    jest.advanceTimersByTime(2000);
    expect(save).not.toHaveBeenCalled();
  });

  it('stores a valid value once typing stops', () => {
    const { save, input, type } = setUp();
    const ip = input('Floating IP of node1');
    type(ip.input, '129.114');
    type(ip.input, '129.114.25.134');
    expect(ip.message.textContent).toBe('');
    jest.advanceTimersByTime(399);
    expect(save).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith('floatingIp', '129.114.25.134', null);
  });

  it('never redraws the field being typed in', () => {
    const { form, input, type, state, model } = setUp();
    const netID = input('Net ID');
    type(netID.input, 'ff52');
    model.setSettings({ values: { netID: 'old' }, folders: {} }, model.options);
    form.setState(state(null));
    expect(netID.input.value).toBe('ff52');
  });

  it('stores a value for the lab folder only when asked', () => {
    const { form, save, input, type, state } = setUp({
      values: { floatingIp: '129.114.25.134' },
      folders: {}
    });
    form.setState(state('labs/k8s'));
    const scope = form.node.querySelector('select')!;
    expect(Array.from(scope.options, o => o.textContent)).toEqual([
      'all my labs',
      'this folder only: labs/k8s/'
    ]);
    scope.value = 'labs/k8s';
    scope.dispatchEvent(new Event('change'));
    const ip = input('Floating IP of node1');
    expect(ip.input.value).toBe('');
    expect(ip.input.placeholder).toBe('129.114.25.134 (as in all labs)');
    type(ip.input, '129.114.25.200');
    ip.input.dispatchEvent(new Event('change'));
    expect(save).toHaveBeenCalledWith(
      'floatingIp',
      '129.114.25.200',
      'labs/k8s'
    );
  });

  it('says how many code cells still hold a token and goes to the next', () => {
    const { form, next, state } = setUp();
    form.setState(state(null, new Map([['netID', [3, 8, 12]]])));
    const buttons = Array.from(
      form.node.querySelectorAll<HTMLButtonElement>(
        '.jp-testbed-Placeholder-unfilled'
      )
    ).filter(b => !b.hidden);
    expect(buttons.map(b => b.textContent)).toEqual([
      'Still in 3 code cells: show the next'
    ]);
    buttons[0].click();
    expect(next).toHaveBeenCalledWith('netID');
  });

  it('shows an author’s label and problems as text', () => {
    const { form, model } = setUp();
    const notebook = {
      getMetadata: () => ({
        v: 1,
        placeholders: [
          { token: '<ip>', label: '<img src=x onerror=alert(1)>' },
          { label: 'no token' }
        ]
      })
    } as any;
    form.setState({
      folder: null,
      placeholders: model.forNotebook(notebook, 'lab.ipynb'),
      stored: model.stored,
      unfilled: new Map()
    });
    expect(form.node.querySelector('img')).toBeNull();
    expect(form.node.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(form.node.textContent).toContain(
      'Placeholder definition 2 has no token; it is left out.'
    );
  });
});
