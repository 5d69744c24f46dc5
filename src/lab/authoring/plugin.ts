/**
 * The author's capability: author mode (the Author section of the sidebar)
 * and the commands that check a lab and prepare it for publishing. The
 * lab's nodes, markers and outline are the terminals' and progress's
 * settings, read through their tokens.
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
import { DEFAULT_OUTLINE_OPTIONS } from '../../core/progress/outline';
import { PRESETS } from '../../core/terminals/presets';
import { addToPalette } from '../palette';
import { METADATA_KEY } from '../../core/metadata/format';
import { declaredNodes } from '../../core/terminals/topology';
import {
  CommandIDs,
  IGrading,
  IPlaceholders,
  IProgress,
  ITerminals,
  ITestbedSidebar
} from '../tokens';
import { addAuthoringCommands } from './commands';
import { AuthorMode } from './mode';
import { describeArguments } from '../commandargs';
import { loadOnce, showLoadError } from '../lazy';

const PLUGIN_ID = 'jupyterlab-testbed:authoring';

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
    IPlaceholders,
    ITerminals,
    IProgress,
    IGrading
  ],
  activate: (
    app: JupyterFrontEnd,
    sidebar: ITestbedSidebar,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null,
    placeholders: IPlaceholders | null,
    terminals: ITerminals | null,
    progress: IProgress | null,
    grading: IGrading | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_testbed');
    // Without the terminals plugin, the default layout's nodes.
    const presetNodes = () =>
      terminals?.settingsNodes ?? PRESETS.chameleon.nodes.map(n => n.name);
    const markers = () => terminals?.ownMarkers ?? [];
    // Only authors need these: downloaded on first use (see lazy.ts).
    const tools = loadOnce(
      () => import(/* webpackChunkName: "testbed-authoring" */ './tools'),
      showLoadError(trans, trans.__('The author tools'))
    );
    const mode = new AuthorMode(sidebar, tracker, async () => {
      const loaded = await tools();
      if (!loaded) {
        return null;
      }
      const section = new loaded.AuthorSection({
        translator: translator ?? nullTranslator,
        presetNodes,
        markers,
        outlineOptions: () =>
          progress?.outlineOptions ?? DEFAULT_OUTLINE_OPTIONS,
        shareToFolder: () =>
          void app.commands.execute(CommandIDs.shareDeclarations),
        editCheck: (cell, key) =>
          void app.commands.execute(CommandIDs.editCheck, { cell, key })
      });
      section.id = 'jp-testbed-author';
      return section;
    });
    addAuthoringCommands(app, {
      tracker,
      translator: translator ?? nullTranslator,
      browser,
      palette,
      lintInputs: () => ({
        stored: placeholders?.model.stored,
        presetNodes: presetNodes(),
        markers: markers()
      }),
      tools,
      authorMode: () => mode.isOn,
      progress,
      // A notebook's own nodes once declared, else the terminals' layout.
      labNodes: panel =>
        declaredNodes(panel.model?.getMetadata(METADATA_KEY)).nodes?.map(
          node => node.name
        ) ?? presetNodes(),
      isGrading: path => grading?.isGrading(path) ?? false
    });

    mode.changed.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.authorMode);
      app.commands.notifyCommandChanged(CommandIDs.editCheck);
    });

    app.commands.addCommand(CommandIDs.authorMode, {
      label: trans.__('Author Mode: Declare and Preview the Lab'),
      caption: trans.__(
        'Show the Author section, where this lab’s placeholders, nodes, manual steps and markers are declared'
      ),
      describedBy: describeArguments(),
      isToggled: () => mode.isOn,
      execute: async () => {
        await mode.toggle();
        const section = await mode.placed;
        if (section) {
          sidebar.showSection(section);
        }
      }
    });
    addToPalette(palette, trans, [CommandIDs.authorMode]);
    if (settingRegistry) {
      mode
        .loadSettings(settingRegistry, PLUGIN_ID)
        .catch(reason =>
          console.error('jupyterlab-testbed: authoring settings', reason)
        );
    }
  }
};
