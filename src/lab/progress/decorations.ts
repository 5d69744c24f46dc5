/**
 * A checkbox in the prompt area of each manual-step markdown cell, so a
 * student sees and ticks the step where it is described.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import type { ProgressModel } from './model';
import type { IStep } from '../../core/progress/outline';

const CLASS = 'jp-testbed-CellTick';

export class ManualStepDecorator implements IDisposable {
  constructor(
    panel: NotebookPanel,
    model: ProgressModel,
    trans: TranslationBundle,
    tick: (step: IStep, ticked: boolean) => void
  ) {
    this._panel = panel;
    this._model = model;
    this._trans = trans;
    this._tick = tick;
    model.outlineChanged.connect(this._sync, this);
    model.stepsChanged.connect(this._onStepsChanged, this);
    this._sync();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.outlineChanged.disconnect(this._sync, this);
    this._model.stepsChanged.disconnect(this._onStepsChanged, this);
    this._decorated.forEach(cell => Private.remove(cell));
    this._decorated.clear();
  }

  private _sync(): void {
    const outline = this._model.outline;
    const widgets = this._panel.content.widgets;
    const keep = new Set<Cell>();
    for (const step of outline?.steps ?? []) {
      const cell = widgets[step.cellIndex];
      if (step.kind !== 'manual' || !cell || cell.model.id !== step.cellId) {
        continue;
      }
      keep.add(cell);
      this._decorated.add(cell);
      void cell.ready.then(() => this._show(cell, step));
    }
    for (const cell of this._decorated) {
      if (!keep.has(cell)) {
        Private.remove(cell);
        this._decorated.delete(cell);
      }
    }
  }

  /**
   * Steps changed in place: only their checkboxes, not every manual step's
   * (a run-all changes a step per run).
   */
  private _onStepsChanged(_: ProgressModel, steps: IStep[]): void {
    const widgets = this._panel.content.widgets;
    for (const step of steps) {
      const cell = widgets[step.cellIndex];
      if (step.kind === 'manual' && cell && this._decorated.has(cell)) {
        void cell.ready.then(() => this._show(cell, step));
      }
    }
  }

  private _show(cell: Cell, step: IStep): void {
    const prompt = cell.promptNode;
    if (!prompt || cell.isDisposed || this._isDisposed) {
      return;
    }
    let label = prompt.querySelector<HTMLLabelElement>(`.${CLASS}`);
    if (!label) {
      label = document.createElement('label');
      label.className = CLASS;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.addEventListener('change', () => {
        const current = this._model.outline?.steps.find(
          s => s.key === label!.dataset.step
        );
        if (current) {
          this._tick(current, box.checked);
        }
      });
      const text = document.createElement('span');
      text.textContent = this._trans.__('Done');
      label.append(box, text);
      prompt.appendChild(label);
    }
    label.dataset.step = step.key;
    label.title = this._trans.__('Tick when you have done this step');
    (label.querySelector('input') as HTMLInputElement).checked =
      step.status === 'ticked';
    cell.toggleClass('jp-testbed-mod-ticked', step.status === 'ticked');
  }

  private _panel: NotebookPanel;
  private _model: ProgressModel;
  private _trans: TranslationBundle;
  private _tick: (step: IStep, ticked: boolean) => void;
  private _decorated = new Set<Cell>();
  private _isDisposed = false;
}

namespace Private {
  export function remove(cell: Cell): void {
    cell.promptNode?.querySelector(`.${CLASS}`)?.remove();
    cell.removeClass('jp-testbed-mod-ticked');
  }
}
