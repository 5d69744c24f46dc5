/**
 * The author's capability: author mode (the Author section of the sidebar)
 * and the commands that check a lab and prepare it for publishing.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { addToPalette } from '../palette';
import {
  DEFAULT_OUTLINE_OPTIONS,
  IOutlineOptions,
  outlineOptionsOf
} from '../../core/progress/outline';
import { DEFAULT_MARKERS } from '../../core/terminals/markers';
import { PresetId, PRESETS } from '../../core/terminals/presets';
import { CommandIDs, IPlaceholders, ITestbedSidebar } from '../tokens';
import { addAuthoringCommands } from './commands';
import { profileFields, profileValues } from '../../core/authoring/profile';
import { AuthorSection } from './section';
import { describeArguments } from '../commandargs';

const PLUGIN_ID = 'jupyterlab-testbed:authoring';
/** The terminals' settings say which nodes and markers a lab has by default. */
const TERMINALS_ID = 'jupyterlab-testbed:terminals';
/** The preview counts sections and steps as Progress does. */
const PROGRESS_ID = 'jupyterlab-testbed:progress';
/** Below the student's sections: an author scrolls to it. */
const AUTHOR_RANK = 400;
const AUTHOR_WEIGHT = 4;

export const authoringPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'For lab authors: declare placeholders, nodes, manual steps and markers; check a lab for leaks; prepare it for publishing on Trovi.',
  autoStart: true,
  requires: [ITestbedSidebar, INotebookTracker],
  optional: [
    ISettingRegistry,
    ITranslator,
    ICommandPalette,
    IDefaultFileBrowser,
    IPlaceholders
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null,
    placeholders: IPlaceholders | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    let terminals: ISettingRegistry.ISettings | null = null;
    let outlineOptions: IOutlineOptions = { ...DEFAULT_OUTLINE_OPTIONS };
    const presetNodes = (): string[] => {
      const preset = (terminals?.composite.preset as PresetId) ?? 'chameleon';
      if (preset === 'custom') {
        const nodes = terminals?.composite.nodes;
        return Array.isArray(nodes)
          ? nodes.map(node => String((node as { name?: unknown }).name ?? ''))
          : [];
      }
      return (PRESETS[preset] ?? PRESETS.chameleon).nodes.map(n => n.name);
    };
    /** The setting's markers, when they are not the built-in one. */
    const markers = (): string[] => {
      const sources = terminals?.composite.markers;
      const own = Array.isArray(sources) ? sources.map(String) : [];
      return own.join('\n') === DEFAULT_MARKERS.join('\n') ? [] : own;
    };

    addAuthoringCommands(app, {
      tracker,
      translator: translator ?? nullTranslator,
      browser,
      palette,
      lintOptions: () => {
        const own = markers();
        return {
          profileValues: profileValues(placeholders?.model.stored),
          knownValues: profileFields(placeholders?.model.stored),
          presetNodes: presetNodes(),
          markers: own.length ? own : undefined
        };
      }
    });

    const section = new AuthorSection({
      translator: translator ?? nullTranslator,
      presetNodes,
      markers,
      outlineOptions: () => outlineOptions,
      shareToFolder: () =>
        void app.commands.execute(CommandIDs.shareDeclarations)
    });
    section.id = 'jp-testbed-author';
    let authorMode = false;
    let settings: ISettingRegistry.ISettings | null = null;
    const showMode = () => {
      if (authorMode && !section.parent) {
        sidebar.addSection(section, AUTHOR_RANK, AUTHOR_WEIGHT);
      } else if (!authorMode && section.parent) {
        section.parent = null;
      }
      section.panel = authorMode ? tracker.currentWidget : null;
      app.commands.notifyCommandChanged(CommandIDs.authorMode);
    };
    tracker.currentChanged.connect(() => {
      if (authorMode) {
        section.panel = tracker.currentWidget;
      }
    });

    app.commands.addCommand(CommandIDs.authorMode, {
      describedBy: describeArguments(),
      label: trans.__('Author Mode: Declare and Preview the Lab'),
      caption: trans.__(
        'Show the Author section, where this lab’s placeholders, nodes, manual steps and markers are declared'
      ),
      isToggled: () => authorMode,
      execute: async () => {
        if (settings) {
          await settings.set('authorMode', !authorMode);
        } else {
          authorMode = !authorMode;
          showMode();
        }
        if (authorMode) {
          sidebar.showSection(section);
        }
      }
    });
    addToPalette(palette, trans, [CommandIDs.authorMode]);

    if (settingRegistry) {
      void Promise.all([
        settingRegistry.load(PLUGIN_ID),
        settingRegistry.load(TERMINALS_ID),
        settingRegistry.load(PROGRESS_ID)
      ])
        .then(([own, terminalSettings, progress]) => {
          settings = own;
          terminals = terminalSettings;
          const readOutline = () => {
            outlineOptions = outlineOptionsOf(
              progress.composite as Partial<IOutlineOptions>,
              outlineOptions
            );
          };
          progress.changed.connect(readOutline);
          readOutline();
          const read = () => {
            authorMode = own.composite.authorMode === true;
            showMode();
          };
          own.changed.connect(read);
          read();
        })
        .catch(reason =>
          console.error('jupyterlab-testbed: authoring settings', reason)
        );
    }
  }
};
