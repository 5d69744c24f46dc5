/**
 * The class overview's commands: open it on a folder (from the palette, the
 * file browser's context menu or the current folder), export what it shows.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { ITranslator } from '@jupyterlab/translation';
import { selectedFolder } from '../browser';
import { addToPalette } from '../palette';
import { CommandIDs, IGrading } from '../tokens';
import { EXTENSION_VERSION } from '../../core/version';
import type { IOutlineOptions } from '../../core/progress/outline';
import { contentsSource } from './contentssource';
import { ClassOverview } from './overview';
import { OverviewModel } from './overviewmodel';
import { describeArguments } from '../commandargs';

export interface IOverviewOptions {
  grading: IGrading;
  translator: ITranslator;
  outlineOptions: () => IOutlineOptions;
  browser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
}

/**
 * Register the overview's commands and menus.
 */
export function addOverview(
  app: JupyterFrontEnd,
  options: IOverviewOptions
): WidgetTracker<MainAreaWidget<ClassOverview>> {
  const { grading, translator, browser, palette } = options;
  const trans = translator.load('jupyterlab_testbed');
  const tracker = new WidgetTracker<MainAreaWidget<ClassOverview>>({
    namespace: 'jupyterlab-testbed-class'
  });
  const current = () => tracker.currentWidget?.content ?? null;

  const open = async (root: string) => {
    const existing = tracker.find(widget => widget.content.model.root === root);
    if (existing) {
      app.shell.activateById(existing.id);
      return existing;
    }
    const model = new OverviewModel({
      root,
      source: contentsSource(
        app.serviceManager.contents,
        root,
        app.serviceManager.serverSettings
      ),
      readOptions: () => ({
        ...options.outlineOptions(),
        version: EXTENSION_VERSION
      })
    });
    const content = new ClassOverview({
      model,
      translator,
      open: (path, section) =>
        void grading.open(PathExt.join(root, path), {
          section: section ?? undefined
        }),
      download
    });
    const widget = new MainAreaWidget({ content });
    widget.id = `jp-testbed-class-${Private.nextId++}`;
    widget.title.label = trans.__('Class: %1', PathExt.basename(root) || '/');
    widget.title.caption = trans.__('Class overview of %1', root || '/');
    widget.title.closable = true;
    app.shell.add(widget, 'main');
    void tracker.add(widget);
    app.shell.activateById(widget.id);
    void model.load();
    return widget;
  };

  app.commands.addCommand(CommandIDs.classOverview, {
    describedBy: describeArguments({
      path: {
        type: 'string',
        description:
          'The folder of submissions, from the server root; default: asked for'
      }
    }),
    label: args =>
      args.path !== undefined
        ? trans.__('Class Overview of %1', String(args.path) || '/')
        : trans.__('Class Overview of a Submissions Folder…'),
    caption: trans.__(
      'Progress of every handed-in notebook in a folder, one row per student'
    ),
    execute: async args => {
      let root = typeof args.path === 'string' ? args.path : null;
      if (root === null) {
        const answer = await InputDialog.getText({
          title: trans.__('Class Overview'),
          label: trans.__(
            'Folder of submissions (nbgrader’s submitted/, one folder per student, or a folder of downloads)'
          ),
          text: selectedFolder(browser),
          okLabel: trans.__('Open')
        });
        if (!answer.button.accept || answer.value === null) {
          return;
        }
        root = answer.value;
      }
      return open(root.replace(/^\/+|\/+$/g, ''));
    }
  });

  app.commands.addCommand(CommandIDs.classOverviewHere, {
    describedBy: describeArguments(),
    label: trans.__('Class Overview of This Folder'),
    caption: trans.__('Progress of every handed-in notebook in this folder'),
    execute: () =>
      app.commands.execute(CommandIDs.classOverview, {
        path: selectedFolder(browser)
      })
  });

  const exportAs = (kind: 'csv' | 'json') => ({
    describedBy: describeArguments(),
    label:
      kind === 'csv'
        ? trans.__('Export the Class Overview as CSV')
        : trans.__('Export the Class Overview as JSON'),
    isEnabled: () => !!current()?.model.entries.length,
    execute: () => current()?.export(kind)
  });
  app.commands.addCommand(CommandIDs.exportClassCsv, exportAs('csv'));
  app.commands.addCommand(CommandIDs.exportClassJson, exportAs('json'));

  app.contextMenu.addItem({
    command: CommandIDs.classOverviewHere,
    selector: '.jp-DirListing-item[data-isdir="true"]',
    rank: 60
  });
  addToPalette(palette, trans, [
    CommandIDs.classOverview,
    CommandIDs.exportClassCsv,
    CommandIDs.exportClassJson
  ]);
  tracker.currentChanged.connect(() => {
    app.commands.notifyCommandChanged(CommandIDs.exportClassCsv);
    app.commands.notifyCommandChanged(CommandIDs.exportClassJson);
  });
  return tracker;
}

/**
 * Hand a text to the browser as a download: exports go to the grader's
 * machine, never into the submissions folder.
 */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

namespace Private {
  // eslint-disable-next-line prefer-const -- counted up from outside the namespace
  export let nextId = 0;
}
