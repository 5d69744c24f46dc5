/**
 * The class overview's commands: open it on a folder (from the palette, the
 * file browser's context menu or the current folder), export what it shows.
 * They are registered at start; the overview itself is in the grading
 * views, downloaded when it is first opened.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { ITranslator } from '@jupyterlab/translation';
import { selectedFolder } from '../browser';
import { addToPalette } from '../palette';
import { CommandIDs, IGrading } from '../tokens';
import type { IOutlineOptions } from '../../core/progress/outline';
import type { ClassOverview } from './overview';
import { describeArguments } from '../commandargs';
import type * as GradingViewsModule from './views';

/** The grading views module, as `import()` gives it. */
export type GradingViews = typeof GradingViewsModule;

export interface IOverviewOptions {
  grading: IGrading;
  translator: ITranslator;
  outlineOptions: () => IOutlineOptions;
  browser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
  /** The grading views, downloaded on first use (null: they could not be). */
  views: () => Promise<GradingViews | null>;
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
    const views = await options.views();
    if (!views) {
      return null;
    }
    // Looked for once loaded: the same folder may have been asked for twice.
    const existing = tracker.find(widget => widget.content.model.root === root);
    if (existing) {
      app.shell.activateById(existing.id);
      return existing;
    }
    const widget = views.createOverview(app, {
      root,
      grading,
      translator,
      outlineOptions: options.outlineOptions
    });
    widget.id = `jp-testbed-class-${Private.nextId++}`;
    app.shell.add(widget, 'main');
    void tracker.add(widget);
    app.shell.activateById(widget.id);
    void widget.content.model.load();
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

namespace Private {
  // eslint-disable-next-line prefer-const -- counted up from outside the namespace
  export let nextId = 0;
}
