/**
 * The active notebook's progress in the status bar; a click opens the sidebar.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { setText } from '../dom';
import { DeferredTask } from '../deferred';
import type { ProgressModel } from './model';

export class ProgressStatus extends Widget {
  constructor(trans: TranslationBundle, onClick: () => void) {
    super({ node: document.createElement('button') });
    this._trans = trans;
    this.addClass('jp-testbed-ProgressStatus');
    this.node.addEventListener('click', onClick);
    this.node.title = trans.__(
      'Steps done in this notebook; click to open the lab sidebar'
    );
    this._render();
  }

  set model(model: ProgressModel | null) {
    this._model?.outlineChanged.disconnect(this._onChanged, this);
    this._model?.stepsChanged.disconnect(this._onChanged, this);
    this._model = model;
    model?.outlineChanged.connect(this._onChanged, this);
    model?.stepsChanged.connect(this._onChanged, this);
    this._frame.cancel();
    this._render();
  }

  dispose(): void {
    this._frame.dispose();
    super.dispose();
  }

  /** The counts change at every run of a run-all: shown once a frame. */
  private _onChanged(): void {
    this._frame.schedule();
  }

  private _render(): void {
    const outline = this._model?.outline;
    const text = outline
      ? this._trans.__('Lab: %1/%2 steps', outline.done, outline.total)
      : '';
    setText(this.node, text);
    this.node.hidden = !outline || outline.total === 0;
  }

  private _trans: TranslationBundle;
  private _model: ProgressModel | null = null;
  private _frame = new DeferredTask(() => this._render());
}
