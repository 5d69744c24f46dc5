import { Notification } from '@jupyterlab/apputils';
import { PlaceholderFiller } from '../../../src/lab/placeholders/filler';

const trans = {
  __: (text: string, ...args: unknown[]) =>
    args.reduce<string>((t, a, i) => t.replace(`%${i + 1}`, String(a)), text)
} as any;

/** Open notebooks, each with the problems of its values. */
function fillerFor(notebooks: { [path: string]: string[] }) {
  const panels = Object.keys(notebooks).map(path => ({ context: { path } }));
  return new PlaceholderFiller({
    tracker: { forEach: (fn: (p: any) => void) => panels.forEach(fn) },
    trans,
    isGraded: () => false,
    forPanel: (panel: any) => ({
      invalid: notebooks[panel.context.path],
      values: new Map()
    }),
    undoChanged: () => undefined
  } as any);
}

describe('refilling open notebooks when values change', () => {
  let shown: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers();
    // The refill is measured for the benchmark; jsdom has no User Timing.
    Object.assign(performance, { mark: jest.fn(), measure: jest.fn() });
    shown = jest.spyOn(Notification, 'error');
  });
  afterEach(() => {
    shown.mockRestore();
    jest.useRealTimers();
  });

  it('names every notebook whose values are invalid, not only the last one', () => {
    fillerFor({
      'lab-a/1.ipynb': ['“netID” is empty.'],
      'lab-b/1.ipynb': ['“A.B.C.D” is not an address.']
    }).refillSoon();
    jest.runAllTimers();
    expect(shown).toHaveBeenCalledTimes(1);
    const text = shown.mock.calls[0][0] as string;
    expect(text).toContain('lab-a/1.ipynb: “netID” is empty.');
    expect(text).toContain('lab-b/1.ipynb: “A.B.C.D” is not an address.');
  });

  it('says a problem shared by every notebook once', () => {
    fillerFor({
      'a.ipynb': ['“netID” is empty.'],
      'b.ipynb': ['“netID” is empty.']
    }).refillSoon();
    jest.runAllTimers();
    expect(shown.mock.calls[0][0]).toBe(
      'Filled cells were not refilled. “netID” is empty.'
    );
  });
});
