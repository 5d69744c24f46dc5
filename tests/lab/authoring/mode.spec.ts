import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { AuthorMode } from '../../../src/lab/authoring/mode';

function setUp() {
  const host = new Widget();
  const sidebar = {
    addSection: jest.fn((section: Widget) => {
      section.parent = host;
    })
  } as any;
  const tracker = {
    currentChanged: new Signal({}),
    currentWidget: null
  } as any;
  const section = new Widget() as any;
  section.panel = null;
  return { mode: new AuthorMode(sidebar, tracker, section), sidebar, section };
}

/** A plugin's settings whose `set` may fail, like a read-only settings directory. */
function settings(authorMode: boolean, fail = false) {
  const changed = new Signal<unknown, void>({});
  const value = { authorMode, other: 1 };
  return {
    composite: value,
    changed,
    set: jest.fn(async (key: string, next: unknown) => {
      if (fail) {
        throw new Error('read-only settings');
      }
      (value as any)[key] = next;
      changed.emit();
    }),
    change: (key: string, next: unknown) => {
      (value as any)[key] = next;
      changed.emit();
    }
  };
}

describe('author mode', () => {
  it('tells listeners only when it turns on or off, not on every change of the settings', async () => {
    const { mode } = setUp();
    const stored = settings(false);
    await mode.loadSettings({ load: async () => stored } as any, 'id');
    const seen: boolean[] = [];
    mode.changed.connect((_, on) => seen.push(on));
    stored.change('other', 2);
    await mode.toggle();
    stored.change('other', 3);
    expect(seen).toEqual([true]);
    expect(mode.isOn).toBe(true);
  });

  it('turns on for the session when the settings cannot be saved', async () => {
    const { mode, section } = setUp();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await mode.loadSettings(
      { load: async () => settings(false, true) } as any,
      'id'
    );
    await expect(mode.toggle()).resolves.toBeUndefined();
    expect(mode.isOn).toBe(true);
    expect(section.parent).not.toBeNull();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
