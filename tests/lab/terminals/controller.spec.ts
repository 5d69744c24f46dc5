import { NotebookTracker } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import * as path from 'path';
import * as inferred from '../../../src/core/terminals/inferred';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { DEFAULT_MARKERS } from '../../../src/core/terminals/markers';
import { logEvent, openPanel, readNotebook } from '../../helpers';
import { TerminalsController } from '../../../src/lab/terminals/controller';
import type { NodeTerminals } from '../../../src/lab/terminals/manager';
import {
  DEFAULT_TERMINALS_SETTINGS,
  TerminalsModel
} from '../../../src/lab/terminals/model';
import { SshServer } from '../../../src/lab/terminals/server';

/** The settings registry's answer for the terminals plugin. */
function fakeSettings(composite: { [key: string]: unknown }) {
  const settings = {
    composite: { ...DEFAULT_TERMINALS_SETTINGS, ...composite },
    changed: null as unknown as Signal<unknown, void>,
    set: async () => undefined
  };
  // The registry's settings are the sender of their own change signal.
  const changed = new Signal<unknown, void>(settings);
  settings.changed = changed;
  const registry = {
    load: async () => settings
  } as unknown as ISettingRegistry;
  return { settings, registry, changed };
}

function makeController(
  isVisible: () => boolean,
  notebooks = new NotebookTracker({ namespace: 'terminals-controller' })
) {
  const refresh = jest.fn(async () => undefined);
  const disposeTerminals = jest.fn();
  const terminals = {
    refresh,
    dispose: disposeTerminals
  } as unknown as NodeTerminals;
  const model = new TerminalsModel(new SshServer());
  // The key check asks the server; nothing here is about it.
  model.check = async () => undefined;
  const controller = new TerminalsController({
    notebooks,
    model,
    terminals,
    placeholders: null,
    grading: null,
    trans: nullTranslator.load('jupyterlab_testbed'),
    translator: nullTranslator,
    isVisible
  });
  return { controller, refresh, disposeTerminals, model };
}

describe('the terminals’ state polling', () => {
  afterEach(() => jest.useRealTimers());

  it('asks for terminal states only while the section can be seen', async () => {
    jest.useFakeTimers();
    let visible = false;
    const { controller, refresh } = makeController(() => visible);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(refresh).not.toHaveBeenCalled();

    visible = true;
    await jest.advanceTimersByTimeAsync(11_000);
    const seen = refresh.mock.calls.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    // Generous: a few ticks at most in 11 s, not one per timer turn.
    expect(seen).toBeLessThanOrEqual(4);

    visible = false;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(refresh.mock.calls.length).toBe(seen);

    controller.dispose();
    visible = true;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(refresh.mock.calls.length).toBe(seen);
  });

  it('asks nothing while the lab on screen has no nodes', async () => {
    jest.useFakeTimers();
    const { controller, refresh, model } = makeController(() => true);
    model.topology = { result: { ok: true, nodes: [] }, problems: [] };
    await jest.advanceTimersByTimeAsync(60_000);
    expect(refresh).not.toHaveBeenCalled();

    model.topology = {
      result: {
        ok: true,
        nodes: [{ name: 'node1', host: '10.0.0.1', user: 'cc' }]
      },
      problems: []
    };
    await jest.advanceTimersByTimeAsync(11_000);
    expect(refresh).toHaveBeenCalled();

    // Nodes that cannot be used: the section shows why, and no card.
    model.topology = {
      result: { ok: false, problems: ['node1 has no address'] },
      problems: []
    };
    const asked = refresh.mock.calls.length;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(refresh.mock.calls.length).toBe(asked);
    controller.dispose();
  });
});

describe('the controller’s end', () => {
  it('leaves the node terminals to the plugin that made them', () => {
    const { controller, disposeTerminals } = makeController(() => false);
    controller.dispose();
    expect(controller.isDisposed).toBe(true);
    expect(disposeTerminals).not.toHaveBeenCalled();
  });
});

describe('ITerminals: the nodes and markers of the terminals’ settings', () => {
  it('names the layout’s nodes, and the custom nodes in card order', async () => {
    const { controller } = makeController(() => false);
    expect(controller.settingsNodes).toEqual(['node1', 'node2', 'node3']);
    const { settings, registry, changed } = fakeSettings({
      preset: 'custom',
      nodes: [
        { name: 'web', host: '10.0.0.1' },
        { name: 'db', host: '10.0.0.2' }
      ]
    });
    let told = 0;
    controller.settingsChanged.connect(() => told++);
    await controller.loadSettings(registry, 'jupyterlab-testbed:terminals');
    expect(controller.settingsNodes).toEqual(['web', 'db']);
    expect(told).toBe(1);

    settings.composite = {
      ...settings.composite,
      preset: 'direct'
    } as typeof settings.composite;
    changed.emit();
    expect(told).toBe(2);
    expect(controller.settingsNodes).not.toContain('web');
    controller.dispose();
  });

  it('gives the markers only when they are not the built-in one', async () => {
    const { controller } = makeController(() => false);
    const builtIn = fakeSettings({ markers: [...DEFAULT_MARKERS] });
    await controller.loadSettings(builtIn.registry, 'id');
    expect(controller.ownMarkers).toEqual([]);

    const own = '^#\\s*exec on (.+)$';
    const custom = fakeSettings({ markers: [own] });
    await controller.loadSettings(custom.registry, 'id');
    expect(controller.ownMarkers).toEqual([own]);
    expect(controller.markers.map(m => m.source)).toHaveLength(1);
    controller.dispose();
  });
});

describe('a published lab without declarations', () => {
  const FIXTURE = path.join(
    __dirname,
    '../../fixtures/published/single-server.ipynb'
  );

  /** The lab open and on screen, with a controller whose section is seen. */
  async function openLab(namespace: string) {
    const notebooks = new NotebookTracker({ namespace });
    const { controller, model } = makeController(() => true, notebooks);
    const { panel, context } = await openPanel(
      'labs/single/single-server.ipynb',
      readNotebook(FIXTURE)
    );
    await notebooks.add(panel);
    const close = () => {
      controller.dispose();
      panel.dispose();
      context.dispose();
    };
    return { controller, model, panel, close };
  }

  it('proposes the node its text names, and reads it again once per pause in editing, not per keystroke', async () => {
    const infer = jest.spyOn(inferred, 'inferNodes');
    const { controller, model, panel, close } = await openLab('published-lab');
    controller.updateTopology();
    const proposal = model.topology!.proposal!;
    expect(proposal.nodes.map(node => [node.name, node.host])).toEqual([
      ['node-data', '{floatingIp}']
    ]);
    expect(proposal.inferred!['node-data']).toContain('cell 9');
    // Nothing connects before the student accepts.
    expect(proposal.declined).toBe(false);
    expect(controller.nodesAccepted(panel)).toBe(false);
    const reads = infer.mock.calls.length;
    expect(reads).toBeGreaterThanOrEqual(1);

    // Twenty keystrokes in a cell: no reading while typing.
    const cell = panel.content.model!.sharedModel.cells[0];
    const source = cell.getSource();
    for (let key = 1; key <= 20; key++) {
      cell.setSource(source + ' x'.repeat(key));
    }
    expect(infer.mock.calls.length).toBe(reads);
    // One reading once the edits pause.
    await new Promise(resolve => setTimeout(resolve, 900));
    expect(infer.mock.calls.length).toBe(reads + 1);
    // Asked again with nothing changed: the reading is kept.
    controller.updateTopology();
    expect(infer.mock.calls.length).toBe(reads + 1);

    infer.mockRestore();
    close();
  });

  it('reads the nodes of the notebook on screen again once its edits pause, though a notebook in the background keeps changing', async () => {
    const notebooks = new NotebookTracker({ namespace: 'published-two' });
    const { controller } = makeController(() => true, notebooks);
    const other = await openPanel(
      'labs/other/other.ipynb',
      readNotebook(FIXTURE)
    );
    await notebooks.add(other.panel);
    const lab = await openPanel(
      'labs/single/single-server.ipynb',
      readNotebook(FIXTURE)
    );
    await notebooks.add(lab.panel);
    expect(notebooks.currentWidget === lab.panel).toBe(true);
    controller.updateTopology();
    const infer = jest.spyOn(inferred, 'inferNodes');
    const edit = (panel: typeof lab.panel) => {
      const cell = panel.content.model!.sharedModel.cells[0];
      cell.setSource(cell.getSource() + ' x');
    };
    edit(lab.panel);
    // A notebook in the background writes outputs all the while, more
    // often than the pause the on-screen notebook's edits wait for.
    for (let tick = 0; tick < 10; tick++) {
      edit(other.panel);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(infer).toHaveBeenCalledTimes(1);
    // The background notebook is read when it comes on screen.
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(infer).toHaveBeenCalledTimes(1);

    infer.mockRestore();
    controller.dispose();
    for (const { panel, context } of [lab, other]) {
      panel.dispose();
      context.dispose();
    }
  });

  it('reads nothing again when cells run and only the log changes; a declaration is read at once', async () => {
    const { controller, model, panel, close } = await openLab('published-log');
    const notebook = panel.content.model!;
    const ran = notebook.sharedModel.cells.find(
      cell => cell.cell_type === 'code'
    )!;
    // A run-all: a cell's count changes, and the event log is written
    // about once a second.
    const oneSecond = (second: number) => {
      (ran as { execution_count: number | null }).execution_count = second;
      logEvent(notebook, second);
    };
    // The notebook's record is added by the first event.
    oneSecond(1);
    controller.updateTopology();
    const infer = jest.spyOn(inferred, 'inferNodes');
    for (let second = 2; second <= 6; second++) {
      oneSecond(second);
    }
    expect(infer).not.toHaveBeenCalled();
    expect(model.topology!.proposal!.nodes.map(node => node.name)).toEqual([
      'node-data'
    ]);

    // The author declares nodes: shown now, not after a pause.
    notebook.setMetadata(METADATA_KEY, {
      ...(notebook.getMetadata(METADATA_KEY) as object),
      nodes: [{ name: 'web', host: '10.199.0.2' }]
    });
    expect(model.topology!.proposal!.nodes.map(node => node.name)).toEqual([
      'web'
    ]);

    infer.mockRestore();
    close();
  });
});
