/**
 * Author mode for the app: whether it is on (the plugin's setting, or for
 * the session when there are no settings), and the Author section that is
 * in the sidebar, following the notebook on screen, only while it is on.
 *
 * The section is in the author's tools, downloaded when author mode is
 * first turned on: it joins the sidebar once it is there, never as an
 * empty placeholder. When the download fails, author mode goes back off
 * for the session (the one who asked for it was told why).
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
    private readonly _createSection: () => Promise<AuthorSection | null>
  ) {
    _tracker.currentChanged.connect(() => {
      if (this._on && this._section) {
        this._section.panel = _tracker.currentWidget;
      }
    });
  }

  /** The Author section, once author mode has been on (null before). */
  get section(): AuthorSection | null {
    return this._section;
  }

  /**
   * The Author section once it is in the sidebar, or null when author mode
   * is off (or its section could not be loaded).
   */
  get placed(): Promise<AuthorSection | null> {
    return this._placed;
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
    this._placed = this._place();
    this._changed.emit(on);
  }

  /** Put the section in the sidebar or take it out, as author mode now is. */
  private async _place(): Promise<AuthorSection | null> {
    if (this._on && !this._section) {
      this._section = await (this._loading ??= this._load());
    }
    const section = this._section;
    // Turned off (or on and off again) while the section loaded.
    if (!this._on || !section) {
      if (section?.parent) {
        section.parent = null;
      }
      if (section) {
        section.panel = null;
      }
      return null;
    }
    if (!section.parent) {
      this._sidebar.addSection(section, AUTHOR_RANK, AUTHOR_WEIGHT);
    }
    section.panel = this._tracker.currentWidget;
    return section;
  }

  private async _load(): Promise<AuthorSection | null> {
    const section = await this._createSection();
    this._loading = null;
    if (!section && this._on) {
      this._on = false;
      this._changed.emit(false);
    }
    return section;
  }

  private _on = false;
  private _section: AuthorSection | null = null;
  private _loading: Promise<AuthorSection | null> | null = null;
  private _placed: Promise<AuthorSection | null> = Promise.resolve(null);
  private _settings: ISettingRegistry.ISettings | null = null;
  private _changed = new Signal<this, boolean>(this);
}
