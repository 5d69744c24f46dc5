/**
 * Author mode for the app: whether it is on (the plugin's setting, or for
 * the session when there are no settings), and the Author section that is
 * in the sidebar, following the notebook on screen, only while it is on.
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';
import type { ITestbedSidebar } from '../tokens';
import type { AuthorSection } from './section';

/** Below the student's sections: an author scrolls to it. */
const AUTHOR_RANK = 400;
const AUTHOR_WEIGHT = 4;

export class AuthorMode {
  constructor(
    private readonly _sidebar: ITestbedSidebar,
    private readonly _tracker: INotebookTracker,
    readonly section: AuthorSection
  ) {
    _tracker.currentChanged.connect(() => {
      if (this._on) {
        section.panel = _tracker.currentWidget;
      }
    });
  }

  /** Whether author mode is on. */
  get isOn(): boolean {
    return this._on;
  }

  /** Emits when author mode was turned on or off. */
  get changed(): ISignal<this, boolean> {
    return this._changed;
  }

  /**
   * Turn author mode over: in the settings once they are loaded, else (or
   * when they cannot be saved) for this session.
   */
  async toggle(): Promise<void> {
    if (this._settings) {
      try {
        await this._settings.set('authorMode', !this._on);
        return;
      } catch (reason) {
        console.warn(
          'jupyterlab-testbed: author mode could not be saved in the settings; it is switched for this session.',
          reason
        );
      }
    }
    this._show(!this._on);
  }

  /** Follow the `authorMode` setting of this plugin. */
  async loadSettings(registry: ISettingRegistry, id: string): Promise<void> {
    const settings = await registry.load(id);
    this._settings = settings;
    const read = () => this._show(settings.composite.authorMode === true);
    settings.changed.connect(read);
    read();
  }

  private _show(on: boolean): void {
    // The settings change for any of this plugin's settings.
    if (on === this._on) {
      return;
    }
    this._on = on;
    const section = this.section;
    if (on && !section.parent) {
      this._sidebar.addSection(section, AUTHOR_RANK, AUTHOR_WEIGHT);
    } else if (!on && section.parent) {
      section.parent = null;
    }
    section.panel = on ? this._tracker.currentWidget : null;
    this._changed.emit(on);
  }

  private _on = false;
  private _settings: ISettingRegistry.ISettings | null = null;
  private _changed = new Signal<this, boolean>(this);
}
