import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { AuthorMode } from '../../../src/lab/authoring/mode';

/** Author mode whose section `create` gives (at once, by default). */
function setUp(create?: () => Promise<any>) {
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
  return {
    mode: new AuthorMode(sidebar, tracker, create ?? (async () => section)),
    sidebar,
    section
  };
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
    await expect(mode.placed).resolves.toBe(section);
    expect(section.parent).not.toBeNull();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('author mode with its section downloaded on first use', () => {
  /** Author mode whose section arrives when the test says so. */
  function delayed() {
    const arrivals: ((section: unknown) => void)[] = [];
    const create = jest.fn(
      () => new Promise<any>(resolve => arrivals.push(resolve))
    );
    return { ...setUp(create), arrivals, create };
  }

  it('adds the section to the sidebar only once it has arrived, never empty', async () => {
    const { mode, sidebar, section, arrivals } = delayed();
    await mode.toggle();
    expect(mode.isOn).toBe(true);
    expect(sidebar.addSection).not.toHaveBeenCalled();
    arrivals[0](section);
    await expect(mode.placed).resolves.toBe(section);
    expect(sidebar.addSection).toHaveBeenCalledTimes(1);
    expect(sidebar.addSection.mock.calls[0][0]).toBe(section);
  });

  it('leaves the section out when author mode was turned off while it loaded, and creates it once', async () => {
    const { mode, sidebar, section, arrivals, create } = delayed();
    await mode.toggle();
    const whenOn = mode.placed;
    await mode.toggle();
    expect(mode.isOn).toBe(false);
    arrivals[0](section);
    await expect(whenOn).resolves.toBeNull();
    await expect(mode.placed).resolves.toBeNull();
    expect(sidebar.addSection).not.toHaveBeenCalled();
    expect(section.parent).toBeNull();

    await mode.toggle();
    await expect(mode.placed).resolves.toBe(section);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('goes back off when its section could not be loaded, and tries again when turned on', async () => {
    const { mode, sidebar, section, arrivals, create } = delayed();
    const stored = settings(false);
    await mode.loadSettings({ load: async () => stored } as any, 'id');
    const seen: boolean[] = [];
    mode.changed.connect((_, on) => seen.push(on));
    await mode.toggle();
    arrivals[0](null);
    await expect(mode.placed).resolves.toBeNull();
    expect(mode.isOn).toBe(false);
    expect(seen).toEqual([true, false]);
    expect(sidebar.addSection).not.toHaveBeenCalled();

    // The setting still says on; saving it again (which the registry
    // announces as a change) turns it on and loads again.
    await mode.toggle();
    expect(mode.isOn).toBe(true);
    arrivals[1](section);
    await expect(mode.placed).resolves.toBe(section);
    expect(create).toHaveBeenCalledTimes(2);
  });
});
