/**
 * The author's commands: check a lab folder for leaks, prepare it for
 * publishing (a clean copy, or the folder itself with its originals kept),
 * share a notebook's declarations with its folder, and keep a code cell's
 * outputs in the published lab. They are registered at start; what they
 * run is in the author's tools, downloaded on first use.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';
import {
  describeProblem,
  METADATA_KEY,
  readCellRecord,
  withKeptOutputs
} from '../../core/metadata/format';
import { storeRecord, writableRecord } from '../metadata/cell';
import { selectedFolder } from '../browser';
import { addToPalette } from '../palette';
import { CommandIDs } from '../tokens';
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
      const record = writableRecord(cell);
      if (record === undefined) {
        void showErrorMessage(
          trans.__('Cannot mark this cell'),
          trans.__(
            'Its record cannot be read (%1), so it is left as it is.',
            describeProblem(readCellRecord(cell.getMetadata(METADATA_KEY))) ??
              ''
          )
        );
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
