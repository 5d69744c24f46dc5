import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  INotebookModel,
  INotebookTracker,
  NotebookPanel
} from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import { readNotebookFile } from '../../core/notebook/file';
import { revealCell } from '../notebook/reveal';
import { addToPalette } from '../palette';
import { showSection } from '../progress/navigate';
import {
  DEFAULT_OUTLINE_OPTIONS,
  buildOutline,
  IOutlineOptions,
  outlineOptionsOf
} from '../../core/progress/outline';
import { CommandIDs, IGrading, ITestbedSidebar } from '../tokens';
import { EXTENSION_VERSION } from '../../core/version';
import { GradingMode } from './mode';
import { addOverview } from './overviewcommands';
import { EvidenceSection } from './section';
import { describeArguments } from '../commandargs';

const PLUGIN_ID = 'jupyterlab-testbed:grading';
/** Sections and steps are the progress plugin's, read from its settings. */
const PROGRESS_ID = 'jupyterlab-testbed:progress';
/** Above Progress: it is what a grader reads first. */
const EVIDENCE_RANK = 50;
const EVIDENCE_WEIGHT = 8;
const GRADED_CLASS = 'jp-testbed-mod-grading';
const BADGE_NAME = 'testbed-grading';

export const gradingPlugin: JupyterFrontEndPlugin<IGrading> = {
  id: PLUGIN_ID,
  description:
    'Grader mode: a notebook that is not one’s own shows its recorded progress read-only, cross-checked against the notebook.',
  autoStart: true,
  provides: IGrading,
  requires: [ITestbedSidebar, INotebookTracker],
  optional: [
    ISettingRegistry,
    ITranslator,
    ICommandPalette,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null
  ): IGrading => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    const contents = app.serviceManager.contents;
    // A path may carry a drive (`RTC:`); the mode and the folders have none.
    const local = (path: string) => contents.localPath(path);
    const mode = new GradingMode();
    const outlineOptions: IOutlineOptions = { ...DEFAULT_OUTLINE_OPTIONS };

    const open = async (
      path: string,
      at: { section?: number; cellIndex?: number } = {}
    ) => {
      mode.setGrading(local(path), true);
      const widget = await app.commands.execute('docmanager:open', {
        path,
        factory: 'Notebook'
      });
      if (!(widget instanceof NotebookPanel)) {
        return;
      }
      await widget.context.ready;
      app.shell.activateById(widget.id);
      // The grader came for the evidence: show it beside the notebook.
      sidebar.showSection(evidence);
      if (at.section !== undefined && widget.model) {
        const cells = readNotebookFile(widget.model.toJSON()).cells;
        const section = buildOutline(cells, outlineOptions).sections[
          at.section
        ];
        if (section) {
          await showSection(widget, section);
        }
      } else if (at.cellIndex !== undefined) {
        await revealCell(widget, at.cellIndex);
      }
    };
    const grading: IGrading = {
      isGrading: path => mode.isGrading(local(path)),
      setGrading: (path, on) => mode.setGrading(local(path), on),
      get changed() {
        return changed;
      },
      open
    };
    const changed = new Signal<IGrading, string>(grading);

    const evidence = new EvidenceSection({
      translator: translator ?? nullTranslator,
      options: () => ({ ...outlineOptions, version: EXTENSION_VERSION })
    });
    evidence.id = 'jp-testbed-evidence';

    const badges = new Map<NotebookPanel, ToolbarButton>();
    /** The class and the toolbar badge that say a notebook is graded. */
    const mark = (panel: NotebookPanel) => {
      const on = grading.isGrading(panel.context.path);
      panel.toggleClass(GRADED_CLASS, on);
      const badge = badges.get(panel);
      if (on && !badge) {
        const created = new ToolbarButton({
          label: trans.__('Grading: read-only'),
          tooltip: trans.__(
            'Open for grading: the student’s record is shown as saved and nothing you do is recorded. Click for the evidence.'
          ),
          onClick: () => sidebar.showSection(evidence)
        });
        created.addClass('jp-testbed-GradingBadge');
        badges.set(panel, created);
        if (!panel.toolbar.insertAfter('spacer', BADGE_NAME, created)) {
          panel.toolbar.addItem(BADGE_NAME, created);
        }
      } else if (!on && badge) {
        badge.dispose();
        badges.delete(panel);
      }
    };
    /** The Evidence section is in the sidebar only for a graded notebook. */
    const update = () => {
      tracker.forEach(mark);
      const panel = tracker.currentWidget;
      const graded = !!panel && grading.isGrading(panel.context.path);
      evidence.panel = graded ? panel : null;
      if (graded && !evidence.parent) {
        sidebar.addSection(evidence, EVIDENCE_RANK, EVIDENCE_WEIGHT);
      } else if (!graded && evidence.parent) {
        evidence.parent = null;
      }
      app.commands.notifyCommandChanged(CommandIDs.gradingToggle);
    };
    // Choices outlive a reload, so a notebook restored with the workspace
    // is graded again before anything can be recorded in it. Per server:
    // JupyterHub users share the origin.
    const storageKey = `${PLUGIN_ID}:${app.serviceManager.serverSettings.baseUrl}`;
    try {
      mode.fromJSON(JSON.parse(localStorage.getItem(storageKey) ?? 'null'));
    } catch (reason) {
      console.warn('jupyterlab-testbed: grading choices not restored.', reason);
    }
    mode.changed.connect((_, path) => {
      try {
        localStorage.setItem(storageKey, JSON.stringify(mode.toJSON()));
      } catch (reason) {
        console.warn('jupyterlab-testbed: grading choices not kept.', reason);
      }
      changed.emit(path);
      update();
    });
    tracker.currentChanged.connect(update);

    // One context per file, shared by its views: a rename is seen once.
    const paths = new WeakMap<
      DocumentRegistry.IContext<INotebookModel>,
      string
    >();
    tracker.widgetAdded.connect((_, panel) => {
      const context = panel.context;
      if (!paths.has(context)) {
        paths.set(context, context.path);
        context.pathChanged.connect((_, path) => {
          const before = paths.get(context) ?? path;
          paths.set(context, path);
          mode.rename(local(before), local(path));
        });
      }
      panel.disposed.connect(() => badges.delete(panel));
      mark(panel);
    });

    app.commands.addCommand(CommandIDs.gradingToggle, {
      describedBy: describeArguments(),
      label: trans.__('Grade This Notebook: Read-Only Progress and Evidence'),
      caption: trans.__(
        'Show the student’s recorded progress read-only, cross-checked against the notebook; your runs, ticks and values are not recorded'
      ),
      isEnabled: () => !!tracker.currentWidget,
      isToggled: () => {
        const panel = tracker.currentWidget;
        return !!panel && grading.isGrading(panel.context.path);
      },
      execute: () => {
        const panel = tracker.currentWidget;
        if (!panel) {
          return;
        }
        const on = !grading.isGrading(panel.context.path);
        grading.setGrading(panel.context.path, on);
        if (on) {
          sidebar.showSection(evidence);
        }
      }
    });
    addToPalette(palette, trans, [CommandIDs.gradingToggle]);

    if (settingRegistry) {
      const report = (reason: unknown) =>
        console.error(
          'jupyterlab-testbed: cannot load the grading settings.',
          reason
        );
      void settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const read = () =>
            mode.setFolders(settings.composite.submissionsFolders);
          read();
          settings.changed.connect(read);
        })
        .catch(report);
      void settingRegistry
        .load(PROGRESS_ID)
        .then(settings => {
          const read = () => {
            Object.assign(
              outlineOptions,
              outlineOptionsOf(
                settings.composite as Partial<IOutlineOptions>,
                outlineOptions
              )
            );
            evidence.refresh();
          };
          read();
          settings.changed.connect(read);
        })
        .catch(report);
    }

    addOverview(app, {
      grading,
      translator: translator ?? nullTranslator,
      outlineOptions: () => outlineOptions,
      browser,
      palette
    });
    return grading;
  }
};
