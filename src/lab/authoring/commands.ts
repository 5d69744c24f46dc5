/**
 * The author's commands: check a lab folder for leaks, prepare it for
 * publishing (a clean copy, or the folder itself with its originals kept),
 * share a notebook's declarations with its folder, keep a code cell's
 * outputs in the published lab, and declare a step's check (author mode). They are registered at start; what they
 * run is in the author's tools, downloaded on first use.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';
import {
  METADATA_KEY,
  readCellRecord,
  withKeptOutputs
} from '../../core/metadata/format';
import { recordOrSay, storeRecord } from '../metadata/cell';
import { selectedFolder } from '../browser';
import { cellById } from '../notebook/cells';
import { addToPalette } from '../palette';
import { CommandIDs, IProgress } from '../tokens';
import { describeArguments } from '../commandargs';
import type * as AuthorToolsModule from './tools';
import type { ILintInputs } from './tools';

/** The author's tools module, as `import()` gives it. */
export type AuthorTools = typeof AuthorToolsModule;

export interface IAuthoringCommandsOptions {
  tracker: INotebookTracker;
  translator: ITranslator;
  browser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
  /** What the lint needs from the other capabilities, read when it runs. */
  lintInputs: () => ILintInputs;
  /** The author's tools, downloaded on first use (null: they could not be). */
  tools: () => Promise<AuthorTools | null>;
  /** Whether author mode is on: declaring a check is an author's action. */
  authorMode: () => boolean;
  /** Steps and their checks come from Progress's outline. */
  progress: IProgress | null;
  /** The nodes a check of this notebook may run on. */
  labNodes: (panel: NotebookPanel) => string[];
  /** Whether a notebook is open for grading (nothing is declared there). */
  isGrading: (path: string) => boolean;
}

/**
 * Register the author's commands and their menu entries.
 */
export function addAuthoringCommands(
  app: JupyterFrontEnd,
  options: IAuthoringCommandsOptions
): void {
  const { tracker, translator, browser, palette, tools } = options;
  const trans = translator.load('jupyterlab_testbed');
  const contents = app.serviceManager.contents;

  /**
   * The folder a command is about: its argument, the file browser's from
   * its context menu, else the current notebook's.
   */
  const labFolder = (args: { path?: unknown; browser?: unknown }): string => {
    if (typeof args.path === 'string') {
      return args.path.replace(/^\/+|\/+$/g, '');
    }
    const notebook = tracker.currentWidget;
    if (notebook && args.browser !== true) {
      return PathExt.dirname(contents.localPath(notebook.context.path));
    }
    return selectedFolder(browser);
  };

  /** What the author's tools need for a command on a folder. */
  const labTask = (args: { path?: unknown; browser?: unknown }) => ({
    app,
    translator,
    folder: labFolder(args),
    inputs: options.lintInputs()
  });

  const folderArguments = describeArguments({
    path: {
      type: 'string',
      description:
        'The lab folder, from the server root; default: the current notebook’s folder'
    },
    browser: {
      type: 'boolean',
      description:
        'Take the folder selected in the file browser instead of the current notebook’s'
    }
  });

  app.commands.addCommand(CommandIDs.lintLab, {
    describedBy: folderArguments,
    label: trans.__('Check the Lab for Leaks Before Publishing'),
    caption: trans.__(
      'List what in the lab folder’s notebooks would leak or confuse students: values, addresses, keys, outputs, progress records, undeclared tokens and nodes'
    ),
    execute: async args => {
      const task = labTask(args);
      await (await tools())?.checkLab(task);
    }
  });

  app.commands.addCommand(CommandIDs.prepareLab, {
    describedBy: folderArguments,
    label: trans.__('Prepare the Lab for Publishing…'),
    caption: trans.__(
      'A clean copy of the lab folder for Trovi: filled values restored, progress and outputs removed, then checked'
    ),
    execute: async args => {
      const task = labTask(args);
      await (await tools())?.prepareLab(task);
    }
  });

  app.commands.addCommand(CommandIDs.keepOutputs, {
    describedBy: describeArguments(),
    label: trans.__('Keep This Cell’s Outputs When Publishing'),
    caption: trans.__(
      'Prepare for Publishing clears outputs; a cell marked here keeps them (an example result, a figure)'
    ),
    isEnabled: () => tracker.activeCell?.model.type === 'code',
    isToggled: () => {
      const read = readCellRecord(
        tracker.activeCell?.model.getMetadata(METADATA_KEY)
      );
      return read.status === 'ok' && read.record.keep === true;
    },
    execute: () => {
      const cell = tracker.activeCell?.model;
      if (!cell || cell.type !== 'code') {
        return;
      }
      const record = recordOrSay(
        cell,
        trans.__('Cannot mark this cell'),
        trans
      );
      if (record === undefined) {
        return;
      }
      storeRecord(cell, withKeptOutputs(record, record?.keep !== true));
      app.commands.notifyCommandChanged(CommandIDs.keepOutputs);
    }
  });
  tracker.activeCellChanged.connect(() =>
    app.commands.notifyCommandChanged(CommandIDs.keepOutputs)
  );

  app.commands.addCommand(CommandIDs.shareDeclarations, {
    describedBy: describeArguments(),
    label: trans.__(
      'Use This Notebook’s Declarations in Every Notebook of Its Folder'
    ),
    caption: trans.__(
      'Write this notebook’s placeholders, nodes and marker wordings into the other notebooks of the lab folder'
    ),
    isEnabled: () => !!tracker.currentWidget,
    execute: async () => {
      const panel = tracker.currentWidget;
      const shared = panel ? await tools() : null;
      if (panel && shared) {
        await shared.shareDeclarations(app, tracker, trans, panel);
      }
    }
  });

  /** The steps of a cell of the current notebook (default: the active cell). */
  const cellSteps = (cellId?: unknown) => {
    const panel = tracker.currentWidget;
    const outline = panel ? options.progress?.modelFor(panel).outline : null;
    const id =
      typeof cellId === 'string' ? cellId : tracker.activeCell?.model.id;
    const steps = outline?.steps.filter(step => step.cellId === id) ?? [];
    return panel && steps.length ? { panel, steps } : null;
  };

  app.commands.addCommand(CommandIDs.editCheck, {
    describedBy: describeArguments({
      cell: {
        type: 'string',
        description: 'The cell’s id; default: the active cell'
      },
      key: {
        type: 'string',
        description:
          'The step’s key in the cell’s record (`cell`, or a fenced block’s key); default: the cell’s first step'
      }
    }),
    label: trans.__('Check of This Step…'),
    caption: trans.__(
      'Declare, change or remove the command that proves this step worked (author mode)'
    ),
    isVisible: () => options.authorMode(),
    isEnabled: () => options.authorMode() && cellSteps() !== null,
    execute: async args => {
      if (!options.authorMode()) {
        return;
      }
      const found = cellSteps(args.cell);
      if (!found) {
        void showErrorMessage(
          trans.__('Not a step'),
          trans.__(
            'Only a step can carry a check: a code cell, a fenced command block, or a markdown cell marked Manual Step: Done Outside the Notebook.'
          )
        );
        return;
      }
      const { panel, steps } = found;
      if (options.isGrading(panel.context.path)) {
        void showErrorMessage(
          trans.__('Open for grading'),
          trans.__('A notebook open for grading is not changed.')
        );
        return;
      }
      const cell = cellById(panel.content.model, steps[0].cellId);
      const loaded = cell ? await tools() : null;
      if (cell && loaded) {
        await loaded.editCheck({
          trans,
          cell,
          steps,
          key: typeof args.key === 'string' ? args.key : undefined,
          nodes: options.labNodes(panel),
          writable: () => !options.isGrading(panel.context.path)
        });
      }
    }
  });
  const notifyStepCommands = () =>
    app.commands.notifyCommandChanged(CommandIDs.editCheck);
  tracker.activeCellChanged.connect(notifyStepCommands);

  for (const [command, rank] of [
    [CommandIDs.lintLab, 61],
    [CommandIDs.prepareLab, 62]
  ] as const) {
    app.contextMenu.addItem({
      command,
      args: { browser: true },
      selector: '.jp-DirListing-item[data-isdir="true"]',
      rank
    });
  }
  addToPalette(palette, trans, [
    CommandIDs.lintLab,
    CommandIDs.prepareLab,
    CommandIDs.keepOutputs,
    CommandIDs.shareDeclarations
  ]);
}
