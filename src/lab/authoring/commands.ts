/**
 * The author's commands: check a lab folder for leaks, prepare it for
 * publishing (a clean copy, or the folder itself with its originals kept),
 * and keep a code cell's outputs in the published lab.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';
import {
  describeProblem,
  METADATA_KEY,
  readCellRecord,
  withKeptOutputs
} from '../../core/metadata/format';
import { storeRecord, writableRecord } from '../metadata/cell';
import { revealCell } from '../notebook/reveal';
import { selectedFolder } from '../browser';
import { addToPalette } from '../palette';
import { CommandIDs } from '../tokens';
import { contentsFs } from './contentsfs';
import type { ILintOptions } from '../../core/authoring/lint';
import { askPrepareChoice } from './preparedialog';
import { lintFolder, prepareFolder } from '../../core/authoring/publish';
import { LabReport } from './report';
import { shareDeclarations } from './share';
import { errorText } from '../../core/helpers';
import { describeArguments } from '../commandargs';

export interface IAuthoringCommandsOptions {
  tracker: INotebookTracker;
  translator: ITranslator;
  browser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
  /** What the lint needs from the other capabilities, read when it runs. */
  lintOptions: () => ILintOptions;
}

/**
 * Register the author's commands and their menu entries.
 */
export function addAuthoringCommands(
  app: JupyterFrontEnd,
  options: IAuthoringCommandsOptions
): void {
  const { tracker, translator, browser, palette } = options;
  const trans = translator.load('jupyterlab_testbed');
  const contents = app.serviceManager.contents;
  const fs = contentsFs(contents, app.serviceManager.serverSettings);

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

  const showReport = (
    title: string,
    fill: (report: LabReport) => void
  ): void => {
    const report = new LabReport({
      translator,
      open: (path, cell) => void open(path, cell)
    });
    fill(report);
    const widget = new MainAreaWidget({ content: report });
    widget.id = `jp-testbed-report-${++Private.nextId}`;
    widget.title.label = title;
    widget.title.closable = true;
    app.shell.add(widget, 'main');
    app.shell.activateById(widget.id);
  };

  const open = async (path: string, cell: number | null) => {
    const widget = await app.commands.execute('docmanager:open', { path });
    if (widget instanceof NotebookPanel && cell !== null) {
      await widget.context.ready;
      await revealCell(widget, cell);
    }
  };

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
      const folder = labFolder(args);
      await Private.saveOpenNotebooks(app, folder);
      const result = await Private.withProgress(
        trans.__('Checking %1…', folder || '/'),
        () => lintFolder(fs, folder, options.lintOptions())
      );
      if (result) {
        showReport(trans.__('Check: %1', folder || '/'), report =>
          report.showLint({ folder, ...result })
        );
      }
    }
  });

  app.commands.addCommand(CommandIDs.prepareLab, {
    describedBy: folderArguments,
    label: trans.__('Prepare the Lab for Publishing…'),
    caption: trans.__(
      'A clean copy of the lab folder for Trovi: filled values restored, progress and outputs removed, then checked'
    ),
    execute: async args => {
      const folder = labFolder(args);
      if (!folder) {
        await showErrorMessage(
          trans.__('Prepare for Publishing'),
          trans.__(
            'The server root is not a lab folder: open a notebook of the lab, or select its folder in the file browser.'
          )
        );
        return;
      }
      await Private.saveOpenNotebooks(app, folder);
      const choice = await askPrepareChoice(trans, fs, folder);
      if (!choice) {
        return;
      }
      const parent = PathExt.dirname(folder);
      const join = (name: string) => (parent ? `${parent}/${name}` : name);
      const backup = join(
        `${PathExt.basename(folder)}.originals-${Private.stamp(new Date())}`
      );
      if (choice.mode === 'in-place') {
        const confirm = await showDialog({
          title: trans.__('Clean %1 in place?', folder),
          body: trans.__(
            'Its notebooks are cleaned where they are. The originals are first copied to %1, from where you can get them back.',
            backup
          ),
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: trans.__('Clean in Place') })
          ]
        });
        if (!confirm.button.accept) {
          return;
        }
      }
      const report = await Private.withProgress(
        trans.__('Preparing %1 for publishing…', folder),
        () =>
          prepareFolder(fs, {
            source: folder,
            target: join(choice.copyName),
            inPlace: choice.mode === 'in-place' ? { backup } : undefined,
            lint: options.lintOptions(),
            trovi: choice.trovi ?? undefined
          })
      );
      if (report && report.backup) {
        await Private.reloadOpenNotebooks(app, folder);
      }
      if (report) {
        showReport(trans.__('Publishing: %1', folder), view =>
          view.showPrepare(report)
        );
      }
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
      if (panel) {
        await shareDeclarations(app, tracker, trans, panel);
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

namespace Private {
  // eslint-disable-next-line prefer-const -- counted up from outside the namespace
  export let nextId = 0;

  /** YYYYMMDD-HHMMSS in local time, for the originals' folder. */
  export function stamp(date: Date): string {
    const two = (n: number) => String(n).padStart(2, '0');
    return (
      `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-` +
      `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`
    );
  }

  /** The notebooks of a folder open in the main area. */
  function openNotebooks(
    app: JupyterFrontEnd,
    folder: string
  ): NotebookPanel[] {
    const inside = (path: string) =>
      !folder || path === folder || path.startsWith(`${folder}/`);
    const panels: NotebookPanel[] = [];
    for (const widget of app.shell.widgets('main')) {
      if (
        widget instanceof NotebookPanel &&
        inside(app.serviceManager.contents.localPath(widget.context.path))
      ) {
        panels.push(widget);
      }
    }
    return panels;
  }

  /**
   * Save the open notebooks of the folder that have unsaved changes: the
   * lab on disk is what gets checked and copied.
   */
  export async function saveOpenNotebooks(
    app: JupyterFrontEnd,
    folder: string
  ): Promise<void> {
    await Promise.all(
      openNotebooks(app, folder)
        .filter(
          panel => panel.context.model.dirty && !panel.context.model.readOnly
        )
        .map(panel => panel.context.save())
    );
  }

  /**
   * After cleaning in place, show the open notebooks as they now are on
   * disk: a later save of the old view would put the student's data back.
   */
  export async function reloadOpenNotebooks(
    app: JupyterFrontEnd,
    folder: string
  ): Promise<void> {
    await Promise.all(
      openNotebooks(app, folder).map(panel => panel.context.revert())
    );
  }

  /** Run a task with a notification; an error is shown, not thrown. */
  export async function withProgress<T>(
    message: string,
    task: () => Promise<T>
  ): Promise<T | null> {
    const id = Notification.emit(message, 'in-progress', { autoClose: false });
    try {
      const result = await task();
      Notification.dismiss(id);
      return result;
    } catch (error) {
      Notification.update({
        id,
        message: errorText(error),
        type: 'error',
        autoClose: false
      });
      return null;
    }
  }
}
