import { Notification, showDialog } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { checkVersion } from '../../../src/core/checks/status';
import { ChecksController } from '../../../src/lab/checks/controller';

jest.mock('@jupyterlab/apputils', () => ({
  ...jest.requireActual('@jupyterlab/apputils'),
  // The consent to the commands a notebook's checks run: given.
  showDialog: jest.fn()
}));

const panel = { context: { path: 'lab/published.ipynb' } } as any;
/** A step whose check runs on a node the notebook names. */
const onNode = {
  key: 'cell',
  label: 'Start the service',
  check: { cmd: 'systemctl is-active nginx', on: 'node-data' }
} as any;

function controller(
  terminals: { nodesAccepted: () => boolean } | null,
  recorded = true
) {
  const run = jest.fn();
  const recordCheck = jest.fn(() => recorded);
  const modelFor = jest.fn(() => ({ recordCheck }));
  const checks = new ChecksController({
    client: { run } as any,
    progress: { modelFor } as any,
    trans: nullTranslator.load('jupyterlab_testbed'),
    grading: null,
    placeholders: null,
    terminals: terminals as any
  });
  return { checks, run, modelFor, recordCheck };
}

describe('a check on a lab node', () => {
  let warned: jest.SpyInstance;
  beforeEach(() => {
    warned = jest.spyOn(Notification, 'warning');
  });
  afterEach(() => warned.mockRestore());

  it('runs nothing while the notebook’s nodes are only proposed, and says why', async () => {
    const { checks, run } = controller({ nodesAccepted: () => false });
    await checks.check(panel, [onNode]);
    expect(run).not.toHaveBeenCalled();
    expect(warned).toHaveBeenCalledWith(
      expect.stringContaining('Accept this notebook’s nodes'),
      expect.anything()
    );
  });

  it('runs nothing without the terminals, which alone know what was accepted', async () => {
    const { checks, run } = controller(null);
    await checks.check(panel, [onNode]);
    expect(run).not.toHaveBeenCalled();
    expect(warned).toHaveBeenCalled();
  });
});

describe('a check’s result', () => {
  /** A step of a markdown cell whose check runs on the Jupyter server. */
  const onJupyter = {
    key: 'md/9c1e77d0',
    cellId: 'md',
    tickKey: '9c1e77d0',
    label: 'Start the service',
    check: { cmd: 'test -f ~/done', on: 'jupyter' }
  } as any;
  let spies: jest.SpyInstance[];
  beforeEach(() => {
    (showDialog as jest.Mock).mockResolvedValue({ button: { accept: true } });
    spies = [
      jest.spyOn(Notification, 'error'),
      jest.spyOn(Notification, 'warning')
    ];
  });
  afterEach(() => spies.forEach(spy => spy.mockRestore()));

  it('is recorded through Progress, which logs it, for the step’s cell and key', async () => {
    const { checks, run, modelFor, recordCheck } = controller(null);
    run.mockResolvedValue({ result: { result: 'pass' }, places: [] });
    await checks.check(panel, [onJupyter]);
    expect(modelFor).toHaveBeenCalledWith(panel);
    expect(recordCheck).toHaveBeenCalledWith('md', '9c1e77d0', {
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      r: 'pass',
      ver: checkVersion(onJupyter.check)
    });
    expect(Notification.error).not.toHaveBeenCalled();
  });

  it('is timed when it ends, as the log gets it after what came meanwhile', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-02T05:00:00Z') });
    try {
      const { checks, run, recordCheck } = controller(null);
      run.mockImplementation(async () => {
        jest.setSystemTime(Date.parse('2026-12-02T05:00:25.600Z'));
        return { result: { result: 'fail', exit: 1 }, places: [] };
      });
      await checks.check(panel, [onJupyter]);
      expect(recordCheck).toHaveBeenCalledWith(
        'md',
        '9c1e77d0',
        expect.objectContaining({ at: '2026-12-02T05:00:25Z', r: 'fail', x: 1 })
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('is an error when Progress cannot record it', async () => {
    const { checks, run } = controller(null, false);
    run.mockResolvedValue({ result: { result: 'pass' }, places: [] });
    await checks.check(panel, [onJupyter]);
    expect(Notification.error).toHaveBeenCalledWith(
      expect.stringContaining('cell is gone or its record cannot be read'),
      expect.anything()
    );
  });
});
