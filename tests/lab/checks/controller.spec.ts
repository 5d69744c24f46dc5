import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { ChecksController } from '../../../src/lab/checks/controller';

const panel = { context: { path: 'lab/published.ipynb' } } as any;
/** A step whose check runs on a node the notebook names. */
const onNode = {
  key: 'cell',
  label: 'Start the service',
  check: { cmd: 'systemctl is-active nginx', on: 'node-data' }
} as any;

function controller(terminals: { nodesAccepted: () => boolean } | null) {
  const run = jest.fn();
  const checks = new ChecksController({
    client: { run } as any,
    trans: nullTranslator.load('jupyterlab_testbed'),
    grading: null,
    placeholders: null,
    terminals: terminals as any
  });
  return { checks, run };
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
