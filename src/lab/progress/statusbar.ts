/**
 * The active notebook's progress in the status bar; a click opens the sidebar.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { ProgressModel } from './model';

export class ProgressStatus extends Widget {
  constructor(trans: TranslationBundle, onClick: () => void) {
    super({ node: document.createElement('button') });
    this._trans = trans;
    this.addClass('jp-testbed-ProgressStatus');
    this.node.addEventListener('click', onClick);
    this._render();
  }

  set model(model: ProgressModel | null) {
    this._model?.outlineChanged.disconnect(this._render, this);
    this._model?.stepsChanged.disconnect(this._render, this);
    this._model = model;
    model?.outlineChanged.connect(this._render, this);
    model?.stepsChanged.connect(this._render, this);
    this._render();
  }

  private _render(): void {
    const outline = this._model?.outline;
    const text = outline
      ? this._trans.__('Lab: %1/%2 steps', outline.done, outline.total)
      : '';
    this.node.textContent = text;
    this.node.title = this._trans.__(
      'Steps done in this notebook; click to open the lab sidebar'
    );
    this.node.hidden = !outline || outline.total === 0;
  }

  private _trans: TranslationBundle;
  private _model: ProgressModel | null = null;
}
