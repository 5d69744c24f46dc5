import { Widget } from '@lumino/widgets';
import { PlaceholderForm } from '../../../src/lab/placeholders/form';
import { ValueSaver } from '../../../src/core/placeholders/saving';

/** A settings store whose disk can fill up, and a form that shows failures. */
function setUp() {
  const disk = { full: false, written: [] as string[] };
  const form = new PlaceholderForm({
    save: async () => undefined,
    next: jest.fn(),
    fill: jest.fn(),
    reset: jest.fn()
  });
  Widget.attach(form, document.body);
  const held: string[] = [];
  const store = async () => {
    if (disk.full) {
      throw new Error('Unhandled error');
    }
    disk.written = [...held];
  };
  const saver = new ValueSaver({
    write: async (field, value) => {
      held.push(`${field}=${value}`);
      await store();
    },
    rewrite: store,
    explain: async () =>
      'Not saved: The work folder /work is full: free some space, then press Try Again.',
    report: (message, retry) => form.showNotSaved(message, retry)
  });
  const notSaved = () =>
    form.node.querySelector<HTMLElement>('.jp-testbed-Placeholders-notSaved')!;
  return { disk, form, saver, notSaved };
}

describe('saving values on a full disk', () => {
  jest.spyOn(console, 'error').mockImplementation(() => undefined);

  it('says why a value was not saved, keeps it, and saves it on Try Again', async () => {
    const { disk, form, saver, notSaved } = setUp();
    await saver.save('netId', 'ab123', null);
    expect(notSaved().hidden).toBe(true);

    disk.full = true;
    await saver.save('floatingIp', '129.114.25.134', null);
    expect(notSaved().hidden).toBe(false);
    expect(notSaved().textContent).toMatch(
      /^Not saved: The work folder \/work is full/
    );
    expect(disk.written).toEqual(['netId=ab123']);

    disk.full = false;
    notSaved().querySelector('button')!.click();
    await saver.retry();
    expect(disk.written).toEqual(['netId=ab123', 'floatingIp=129.114.25.134']);
    expect(notSaved().hidden).toBe(true);
    form.dispose();
  });

  it('saves what failed before with the next value', async () => {
    const { disk, form, saver, notSaved } = setUp();
    disk.full = true;
    await saver.save('netId', 'ab123', null);
    disk.full = false;
    await saver.save('floatingIp', '129.114.25.134', null);
    expect(disk.written).toEqual(['netId=ab123', 'floatingIp=129.114.25.134']);
    expect(notSaved().hidden).toBe(true);
    form.dispose();
  });
});
