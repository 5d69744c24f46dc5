import type { JupyterFrontEnd } from '@jupyterlab/application';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { GradingController } from '../../../src/lab/grading/controller';
import type { EvidenceSection } from '../../../src/lab/grading/section';
import { CommandIDs } from '../../../src/lab/tokens';

const PATH = 'submitted/alice/lab.ipynb';

/**
 * A controller whose Evidence section arrives when the test says so (null:
 * its download failed), with one notebook on screen.
 */
function setUp() {
  const panel = {
    context: { path: PATH, pathChanged: new Signal({}) },
    toggleClass: jest.fn(),
    toolbar: { insertAfter: () => true, addItem: () => true },
    disposed: new Signal({})
  };
  const tracker = {
    currentChanged: new Signal({}),
    widgetAdded: new Signal({}),
    currentWidget: panel,
    forEach: (visit: (panel: unknown) => void) => visit(panel)
  };
  const host = new Widget();
  const sidebar = {
    id: 'sidebar',
    addSection: jest.fn((section: Widget) => {
      section.parent = host;
    }),
    showSection: jest.fn()
  };
  const arrivals: ((section: EvidenceSection | null) => void)[] = [];
  const evidence = jest.fn(
    () => new Promise<EvidenceSection | null>(resolve => arrivals.push(resolve))
  );
  const commands = new CommandRegistry();
  commands.addCommand(CommandIDs.gradingToggle, { execute: () => undefined });
  const app = {
    commands,
    serviceManager: { contents: { localPath: (path: string) => path } }
  } as unknown as JupyterFrontEnd;
  const controller = new GradingController({
    app,
    sidebar,
    tracker: tracker as any,
    evidence,
    trans: { __: (text: string) => text } as any,
    storageKey: `controller-test-${Math.random()}`
  });
  const section = Object.assign(new Widget(), {
    panel: null,
    refresh: jest.fn()
  }) as unknown as EvidenceSection;
  return { controller, sidebar, tracker, evidence, arrivals, section };
}

/** Let the promise callbacks queued so far run. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('grading with its Evidence section downloaded on first use', () => {
  it('grades the notebook at once, and adds the section only once it has arrived', async () => {
    const { controller, sidebar, arrivals, section } = setUp();
    controller.setGrading(PATH, true);
    expect(controller.isGrading(PATH)).toBe(true);
    await settle();
    expect(sidebar.addSection).not.toHaveBeenCalled();
    arrivals[0](section);
    await settle();
    expect(sidebar.addSection).toHaveBeenCalledTimes(1);
    expect(sidebar.addSection.mock.calls[0][0]).toBe(section);
    expect((section as any).panel).not.toBeNull();
  });

  it('leaves the section out when grading was turned off while it loaded', async () => {
    const { controller, sidebar, arrivals, section } = setUp();
    controller.setGrading(PATH, true);
    controller.setGrading(PATH, false);
    arrivals[0](section);
    await settle();
    expect(sidebar.addSection).not.toHaveBeenCalled();
    expect(section.parent).toBeNull();
  });

  it('keeps the notebook graded when the section cannot be downloaded, retries only when asked', async () => {
    const { controller, sidebar, tracker, evidence, arrivals, section } =
      setUp();
    controller.setGrading(PATH, true);
    arrivals[0](null);
    await settle();
    expect(controller.isGrading(PATH)).toBe(true);
    expect(sidebar.addSection).not.toHaveBeenCalled();
    // Switching notebooks does not repeat the failed download (and its error).
    tracker.currentChanged.emit(undefined);
    await settle();
    expect(evidence).toHaveBeenCalledTimes(1);

    const shown = controller.showEvidence();
    expect(evidence).toHaveBeenCalledTimes(2);
    arrivals[1](section);
    await shown;
    expect(sidebar.addSection).toHaveBeenCalledTimes(1);
    expect(sidebar.showSection).toHaveBeenCalledWith(section);
  });
});
