/**
 * The author's tools, in a chunk of their own that the browser downloads on
 * first use (author mode turned on, a lab checked or prepared, declarations
 * shared): a student never needs them, so nothing here is loaded at page
 * load. The plugin and the commands reach this module only through
 * `import()`.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  MainAreaWidget,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { NotebookPanel } from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';
import type { ILintOptions } from '../../core/authoring/lint';
import { profileFields, profileValues } from '../../core/authoring/profile';
import {
  IPublishFs,
  lintFolder,
  prepareFolder
} from '../../core/authoring/publish';
import { errorText } from '../../core/helpers';
import { revealCell } from '../notebook/reveal';
import { contentsFs } from './contentsfs';
import { askPrepareChoice } from './preparedialog';
import { LabReport } from './report';

export { AuthorSection } from './section';
export { editCheck } from './checkeditor';
export { shareDeclarations } from './share';

/** What the lint needs from the other capabilities, read when it runs. */
export interface ILintInputs {
  /** The placeholders' stored settings (the author's own values). */
  stored: unknown;
  /** The node names of the terminals' preset. */
  presetNodes: string[];
  /** The terminals' own markers (none: the built-in one). */
  markers: string[];
}

/** The lint's options from what the other capabilities say. */
function lintOptions(inputs: ILintInputs): ILintOptions {
  return {
    profileValues: profileValues(inputs.stored),
    knownValues: profileFields(inputs.stored),
    presetNodes: inputs.presetNodes,
    markers: inputs.markers.length ? inputs.markers : undefined
  };
}

/** A command's work on a lab folder. */
export interface ILabTask {
  app: JupyterFrontEnd;
  translator: ITranslator;
  /** The lab folder, from the server root. */
  folder: string;
  inputs: ILintInputs;
}

/** Check a lab folder for leaks and show the report. */
export async function checkLab(task: ILabTask): Promise<void> {
  const { app, translator, folder } = task;
  const trans = translator.load('jupyterlab_testbed');
  await Private.saveOpenNotebooks(app, folder);
  const result = await Private.withProgress(
    trans.__('Checking %1…', folder || '/'),
    () => lintFolder(Private.labFs(app), folder, lintOptions(task.inputs))
  );
  if (result) {
    Private.showReport(
      app,
      translator,
      trans.__('Check: %1', folder || '/'),
      report => report.showLint({ folder, ...result })
    );
  }
}

/**
 * Prepare a lab folder for publishing, as the author chooses (a clean copy,
 * or in place with the originals kept), and show the report.
 */
export async function prepareLab(task: ILabTask): Promise<void> {
  const { app, translator, folder } = task;
  const trans = translator.load('jupyterlab_testbed');
  if (!folder) {
    await showErrorMessage(
      trans.__('Prepare for Publishing'),
      trans.__(
        'The server root is not a lab folder: open a notebook of the lab, or select its folder in the file browser.'
      )
    );
    return;
  }
  const fs = Private.labFs(app);
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
        lint: lintOptions(task.inputs),
        trovi: choice.trovi ?? undefined
      })
  );
  if (report && report.backup) {
    await Private.reloadOpenNotebooks(app, folder);
  }
  if (report) {
    Private.showReport(
      app,
      translator,
      trans.__('Publishing: %1', folder),
      view => view.showPrepare(report)
    );
  }
}

namespace Private {
  let nextId = 0;

  /** The server's files as the lint and the clean read and write them. */
  export function labFs(app: JupyterFrontEnd): IPublishFs {
    return contentsFs(
      app.serviceManager.contents,
      app.serviceManager.serverSettings
    );
  }

  /** A report in the main area; its links open a notebook at a cell. */
  export function showReport(
    app: JupyterFrontEnd,
    translator: ITranslator,
    title: string,
    fill: (report: LabReport) => void
  ): void {
    const report = new LabReport({
      translator,
      open: (path, cell) => void open(app, path, cell)
    });
    fill(report);
    const widget = new MainAreaWidget({ content: report });
    widget.id = `jp-testbed-report-${++nextId}`;
    widget.title.label = title;
    widget.title.closable = true;
    app.shell.add(widget, 'main');
    app.shell.activateById(widget.id);
  }

  async function open(
    app: JupyterFrontEnd,
    path: string,
    cell: number | null
  ): Promise<void> {
    const widget = await app.commands.execute('docmanager:open', { path });
    if (widget instanceof NotebookPanel && cell !== null) {
      await widget.context.ready;
      await revealCell(widget, cell);
    }
  }

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
