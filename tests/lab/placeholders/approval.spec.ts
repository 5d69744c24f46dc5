import { Notification } from '@jupyterlab/apputils';
import { runApproval } from '../../../src/lab/placeholders/approval';

const trans = {
  __: (text: string, ...args: unknown[]) =>
    args.reduce<string>((t, a, i) => t.replace(`%${i + 1}`, String(a)), text)
} as any;
const notebook = {} as any;
const panel = { content: { model: notebook } } as any;
const tracker = {
  find: (fn: (p: any) => boolean) => (fn(panel) ? panel : undefined)
} as any;

/** Placeholders whose state cannot be read for this notebook. */
function brokenPlaceholders(checkBeforeRun: string) {
  return {
    model: { options: { checkBeforeRun } },
    isGraded: () => false,
    forPanel: () => {
      throw new Error('state unreadable');
    }
  } as any;
}

describe('the question before cells holding placeholders run', () => {
  let error: jest.SpyInstance;
  beforeEach(() => {
    error = jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => error.mockRestore());

  it('refuses the run, and says why, when the setting blocks and the check fails', async () => {
    const shown = jest.spyOn(Notification, 'error');
    const approve = runApproval(
      tracker,
      brokenPlaceholders('block'),
      {} as any,
      trans
    );
    expect(await approve(notebook, [])).toBe(false);
    expect(shown).toHaveBeenCalledWith(
      expect.stringContaining(
        'Not run: the placeholder check failed (state unreadable)'
      ),
      expect.anything()
    );
    shown.mockRestore();
  });

  it('lets the run through when the setting only warns and the check fails', async () => {
    const approve = runApproval(
      tracker,
      brokenPlaceholders('warn'),
      {} as any,
      trans
    );
    expect(await approve(notebook, [])).toBe(true);
    expect(error).toHaveBeenCalled();
  });
});
