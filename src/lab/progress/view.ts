/**
 * The progress section of the sidebar: an overall bar, notes, and the
 * sections of the notebook with their steps.
 *
 * Rendering is plain DOM kept per step, so one execution updates one row and
 * the counters above it; steps of a collapsed section are not built at all.
 * Everything shown comes from the notebook, so it is set as text, never HTML.
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { el, setText } from '../dom';
import { DeferredTask } from '../deferred';
import { LiveSummary } from '../liveregion';
import type { ProgressModel } from './model';
import {
  IOutline,
  ISection,
  IStep,
  stepDone
} from '../../core/progress/outline';
import {
  describeStep,
  statusLabel,
  stepSymbol
} from '../../core/progress/describe';
import { sectionsWithChecks } from '../../core/checks/plan';
import { checkNoteText } from '../../core/checks/status';

export namespace ProgressView {
  export interface IOptions {
    translator?: ITranslator;
    /** Show a step in the notebook. */
    openStep: (step: IStep) => void;
    /** Show a section's heading in the notebook. */
    openSection: (section: ISection) => void;
    /** Tick or untick a manual step or command block. */
    tick: (step: IStep, ticked: boolean) => void;
    /** Jump to the first step not done. */
    continue: () => void;
    /** Run the checks of a step, a section, or all (none: no Check buttons). */
    check?: (target: { step?: IStep; section?: ISection }) => void;
  }
}

/** Above this many steps, only the section to work on starts expanded. */
const EXPAND_ALL_LIMIT = 300;

export class ProgressView extends Widget {
  constructor(options: ProgressView.IOptions) {
    super();
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this._words = Private.words(this._trans);
    this.addClass('jp-testbed-Progress');
    this.title.label = this._trans.__('Progress');

    this._summary = el('div', 'jp-testbed-Progress-summary');
    this._bar = el('div', 'jp-testbed-Progress-bar');
    this._bar.setAttribute('role', 'progressbar');
    this._bar.setAttribute('aria-valuemin', '0');
    this._fill = el('div', 'jp-testbed-Progress-fill');
    this._bar.appendChild(this._fill);
    this._count = el('div', 'jp-testbed-Progress-count');
    this._continue = el(
      'button',
      'jp-testbed-Progress-continue jp-mod-styled jp-mod-accept'
    );
    this._continue.textContent = this._trans.__('Continue');
    this._continue.title = this._trans.__('Go to the first step not done yet');
    this._continue.addEventListener('click', () => this._options.continue());
    this._checkAll = this._checkButton(this._trans.__('Check All'));
    this._checkAll.addEventListener('click', () => this._options.check?.({}));
    this._summary.append(
      this._count,
      this._bar,
      this._continue,
      this._checkAll
    );

    this._notes = el('ul', 'jp-testbed-Progress-notes');
    // Lists, not a tree: every control is its own tab stop, which is what
    // a screen reader is told to expect of a list of buttons.
    this._tree = el('ul', 'jp-testbed-Progress-tree');
    this._tree.setAttribute('aria-label', this._trans.__('Sections and steps'));
    // One listener each for every row's controls: a long lab has hundreds
    // of rows, drawn again whenever its outline is rebuilt.
    this._tree.addEventListener('click', event => this._onTreeClick(event));
    this._tree.addEventListener('change', event => this._onTreeChange(event));
    this._empty = el('p', 'jp-testbed-Progress-empty');
    this.node.append(
      this._summary,
      this._notes,
      this._tree,
      this._empty,
      this._live.node
    );
    this._renderAll();
  }

  /** The model shown, or null without a notebook. */
  get model(): ProgressModel | null {
    return this._model;
  }
  set model(model: ProgressModel | null) {
    if (model === this._model) {
      return;
    }
    this._model?.outlineChanged.disconnect(this._onOutlineChanged, this);
    this._model?.stepsChanged.disconnect(this._onStepsChanged, this);
    this._model = model;
    model?.outlineChanged.connect(this._onOutlineChanged, this);
    model?.stepsChanged.connect(this._onStepsChanged, this);
    this._collapsed = null;
    this._update();
  }

  /**
   * Notes from outside the model (read-only file, tracking off...).
   */
  setNotes(notes: string[]): void {
    const spoken = notes.join(' ');
    if (spoken !== this._externalNotes.join(' ')) {
      this._live.changed(() => spoken);
    }
    this._externalNotes = notes;
    this._renderNotes();
  }

  dispose(): void {
    this._stepsFrame.dispose();
    this._live.dispose();
    super.dispose();
  }

  /**
   * Show a step's row as the record has it again (after a tick that could
   * not be recorded): only that row, so its checkbox keeps the focus.
   */
  refreshStep(step: IStep): void {
    const row = this._rows.get(step.index);
    const current = this._model?.outline?.steps[step.index];
    if (row && current) {
      this._fillStep(row, current);
    }
  }

  protected onBeforeShow(msg: Message): void {
    super.onBeforeShow(msg);
    if (this._dirty) {
      this._renderAll();
    }
  }

  private _onOutlineChanged(): void {
    this._update();
  }

  private _onStepsChanged(_: unknown, steps: IStep[]): void {
    if (!this.isVisible) {
      this._dirty = true;
      return;
    }
    steps.forEach(step => this._changedSteps.add(step.index));
    this._stepsFrame.schedule();
  }

  /** The rows of the steps changed since the last frame, and the counts. */
  private _fillChangedSteps(): void {
    const outline = this._model?.outline;
    const changed = this._changedSteps;
    this._changedSteps = new Set();
    if (!outline || !this.isVisible) {
      return;
    }
    const sections = new Set<number>();
    for (const index of changed) {
      const step = outline.steps[index];
      const row = this._rows.get(index);
      if (!step) {
        continue;
      }
      if (row) {
        this._fillStep(row, step);
      }
      for (let s = step.section; s >= 0; s = outline.sections[s].parent) {
        sections.add(s);
      }
    }
    sections.forEach(s => this._fillSectionCount(outline.sections[s]));
    this._renderSummary(outline);
    this._live.changed(() => this._spokenSummary());
  }

  /** What a screen reader hears after runs and ticks: the totals. */
  private _spokenSummary(): string {
    const outline = this._model?.outline;
    if (!outline) {
      return '';
    }
    const failed = outline.steps.filter(step => step.status === 'error').length;
    const done = this._trans.__(
      '%1 of %2 steps done',
      outline.done,
      outline.total
    );
    return failed
      ? this._trans._n('%2, %1 failed', '%2, %1 failed', failed, failed, done)
      : done;
  }

  private _update(): void {
    if (this.isVisible) {
      this._renderAll();
    } else {
      this._dirty = true;
    }
  }

  private _renderAll(): void {
    const focused = this._focusedControl();
    // A redraw shows every step as it is now.
    this._stepsFrame.cancel();
    this._changedSteps.clear();
    this._dirty = false;
    this._rows.clear();
    this._sectionRows = [];
    this._tree.textContent = '';
    const outline = this._model?.outline ?? null;
    this._renderSummary(outline);
    this._renderNotes();
    if (!outline) {
      this._empty.textContent = this._model
        ? ''
        : this._trans.__('Open a notebook to see its steps.');
      return;
    }
    this._empty.textContent = outline.steps.length
      ? ''
      : this._trans.__(
          'This notebook has no steps: no code cells, command blocks or manual steps.'
        );
    if (this._collapsed === null) {
      this._collapsed = Private.initialCollapse(outline);
    }
    const fragment = document.createDocumentFragment();
    const withChecks = this._options.check
      ? sectionsWithChecks(outline)
      : new Set<number>();
    for (const section of outline.sections) {
      const row = this._renderSection(section, withChecks.has(section.index));
      this._sectionRows.push(row);
      fragment.appendChild(row.node);
    }
    this._tree.appendChild(fragment);
    this._applyCollapse(outline);
    if (focused) {
      this._tree.querySelector<HTMLElement>(focused)?.focus();
    }
  }

  /**
   * A selector for the focused control of the tree (a tick, a step, a
   * section's toggle), to give the keyboard back to it once redrawn: a tick
   * changes the notebook, which redraws the tree. Indexes and our class
   * names only, safe in a selector.
   */
  private _focusedControl(): string | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this._tree.contains(active)) {
      return null;
    }
    const className = Array.from(active.classList).find(c =>
      c.startsWith('jp-testbed-')
    );
    const step = active.closest<HTMLElement>('[data-step]')?.dataset.step;
    const section =
      active.closest<HTMLElement>('[data-section]')?.dataset.section;
    if (!className) {
      return null;
    }
    return step !== undefined
      ? `[data-step="${step}"] .${className}`
      : `[data-section="${section}"] > .jp-testbed-Section-header .${className}`;
  }

  private _renderSummary(outline: IOutline | null): void {
    const total = outline?.total ?? 0;
    const done = outline?.done ?? 0;
    this._summary.hidden = !outline || total === 0;
    const counted = this._trans.__('%1 of %2 steps done', done, total);
    setText(this._count, counted);
    this._bar.setAttribute('aria-valuemax', String(total));
    this._bar.setAttribute('aria-valuenow', String(done));
    this._bar.setAttribute('aria-label', this._trans.__('Steps done'));
    this._bar.setAttribute('aria-valuetext', counted);
    this._fill.style.width = total ? `${(100 * done) / total}%` : '0';
    this._continue.disabled = done === total;
    this._checkAll.hidden =
      !this._options.check || !outline || !Private.hasChecks(outline);
  }

  /** A Check button, when checks can run here (hidden until needed). */
  private _checkButton(label: string): HTMLButtonElement {
    const button = el('button', 'jp-testbed-Check jp-mod-styled');
    button.textContent = label;
    button.hidden = true;
    return button as HTMLButtonElement;
  }

  /**
   * A click on a row's control: the step or section it acts on is the
   * model's current one, found by the row's index.
   */
  private _onTreeClick(event: MouseEvent): void {
    const control = (event.target as Element).closest?.('button');
    if (!control || !this._tree.contains(control)) {
      return;
    }
    const { step, section } = this._rowOf(control);
    const is = (name: string) => control.classList.contains(name);
    if (step) {
      if (is('jp-testbed-Check')) {
        this._options.check?.({ step });
      } else if (is('jp-testbed-Step-label')) {
        this._options.openStep(step);
      }
    } else if (section) {
      if (is('jp-testbed-Section-toggle')) {
        this._toggle(section.index);
      } else if (is('jp-testbed-Section-title')) {
        this._options.openSection(section);
      } else if (is('jp-testbed-Check')) {
        this._options.check?.({ section });
      }
    }
  }

  /** A step's tick changed. */
  private _onTreeChange(event: Event): void {
    const box = event.target as HTMLInputElement;
    if (!box.classList?.contains('jp-testbed-Step-tick')) {
      return;
    }
    const { step } = this._rowOf(box);
    if (step) {
      this._options.tick(step, box.checked);
    }
  }

  /** The step, else the section, whose row holds a control. */
  private _rowOf(control: Element): { step?: IStep; section?: ISection } {
    const outline = this._model?.outline;
    const stepRow = control.closest<HTMLElement>('[data-step]');
    if (stepRow) {
      return { step: outline?.steps[Number(stepRow.dataset.step)] };
    }
    const sectionRow = control.closest<HTMLElement>('[data-section]');
    return {
      section: sectionRow
        ? outline?.sections[Number(sectionRow.dataset.section)]
        : undefined
    };
  }

  private _renderNotes(): void {
    this._notes.textContent = '';
    const issues = this._model?.outline?.issues ?? [];
    const notes = [...this._externalNotes];
    if (issues.length) {
      const first = issues[0];
      notes.push(
        this._trans._n(
          'The progress record of %2 cell cannot be read and is left as it is (cell %3: %4).',
          'The progress records of %2 cells cannot be read and are left as they are (first: cell %3: %4).',
          issues.length,
          issues.length,
          first.cellIndex + 1,
          first.problem
        )
      );
    }
    for (const note of notes) {
      const item = el('li', 'jp-testbed-Progress-note');
      item.textContent = note;
      this._notes.appendChild(item);
    }
    this._notes.hidden = notes.length === 0;
  }

  private _renderSection(
    section: ISection,
    hasChecks: boolean
  ): Private.ISectionRow {
    const words = this._words;
    const node = el('li', 'jp-testbed-Section') as HTMLLIElement;
    node.dataset.section = String(section.index);
    node.style.setProperty('--jp-testbed-depth', String(section.depth));
    const header = el('div', 'jp-testbed-Section-header');
    const toggle = el('button', 'jp-testbed-Section-toggle');
    const title = el('button', 'jp-testbed-Section-title');
    title.textContent =
      section.title || (section.level === 0 ? words.beforeFirstHeading : '');
    title.title = title.textContent;
    const count = el('span', 'jp-testbed-Section-count');
    const check = this._checkButton(words.check);
    // A section row has room for one word; its full name is read and hovered.
    check.title = words.checkSection;
    check.setAttribute('aria-label', words.checkSection);
    check.hidden = !hasChecks;
    header.append(toggle, title, count, check);
    const steps = el('ul', 'jp-testbed-Section-steps');
    node.append(header, steps);
    const row = { node, toggle, count, steps };
    this._fillSectionCount(section, row);
    return row;
  }

  private _fillSectionCount(
    section: ISection,
    row = this._sectionRows[section.index]
  ): void {
    if (!row) {
      return;
    }
    setText(row.count, section.total ? `${section.done}/${section.total}` : '');
    row.node.classList.toggle(
      'jp-mod-complete',
      section.total > 0 && section.done === section.total
    );
  }

  private _toggle(index: number): void {
    const outline = this._model?.outline;
    if (!outline || !this._collapsed) {
      return;
    }
    if (this._collapsed.has(index)) {
      this._collapsed.delete(index);
    } else {
      this._collapsed.add(index);
    }
    this._applyCollapse(outline);
  }

  /** Show or hide sections and build the steps of the expanded ones. */
  private _applyCollapse(outline: IOutline): void {
    const collapsed = this._collapsed ?? new Set<number>();
    const hiddenUnder = new Array<boolean>(outline.sections.length);
    const withSubsections = new Set(outline.sections.map(s => s.parent));
    for (const section of outline.sections) {
      const { node, toggle, steps: list } = this._sectionRows[section.index];
      const parentHidden =
        section.parent >= 0 &&
        (hiddenUnder[section.parent] || collapsed.has(section.parent));
      hiddenUnder[section.index] = parentHidden;
      node.hidden = parentHidden;
      const open = !collapsed.has(section.index);
      const hasContent =
        section.steps.length > 0 || withSubsections.has(section.index);
      toggle.hidden = !hasContent;
      toggle.setAttribute('aria-expanded', String(open));
      const title = section.title || this._words.beforeFirstHeading;
      toggle.setAttribute(
        'aria-label',
        open
          ? this._trans.__('Collapse %1', title)
          : this._trans.__('Expand %1', title)
      );
      node.classList.toggle('jp-mod-collapsed', !open);
      list.hidden = !open;
      if (open && !parentHidden && !list.childElementCount) {
        for (const index of section.steps) {
          list.appendChild(this._renderStep(outline.steps[index]));
        }
      }
    }
  }

  private _renderStep(step: IStep): HTMLLIElement {
    const row = el('li', 'jp-testbed-Step') as HTMLLIElement;
    row.dataset.kind = step.kind;
    row.dataset.step = String(step.index);
    const symbol = el('span', 'jp-testbed-Step-status');
    // A symbol with a name: read as "done", "failed"...
    symbol.setAttribute('role', 'img');
    row.appendChild(symbol);
    if (step.kind !== 'code') {
      const box = el('input', 'jp-testbed-Step-tick') as HTMLInputElement;
      box.type = 'checkbox';
      row.appendChild(box);
    }
    const label = el('button', 'jp-testbed-Step-label');
    const meta = el('span', 'jp-testbed-Step-meta');
    row.append(label, meta);
    if (step.check) {
      const check = this._checkButton(this._words.check);
      check.hidden = !this._options.check;
      row.append(check, el('div', 'jp-testbed-Step-checkNote'));
    }
    this._rows.set(step.index, row);
    this._fillStep(row, step);
    return row;
  }

  private _fillStep(row: HTMLElement, step: IStep): void {
    row.dataset.status = step.status;
    row.classList.toggle('jp-mod-done', stepDone(step));
    const symbol = row.querySelector('.jp-testbed-Step-status') as HTMLElement;
    setText(symbol, stepSymbol(step.status));
    symbol.setAttribute('aria-label', statusLabel(step.status, this._trans));
    const box = row.querySelector(
      '.jp-testbed-Step-tick'
    ) as HTMLInputElement | null;
    if (box) {
      box.checked = step.status === 'ticked';
      box.setAttribute('aria-label', this._trans.__('Done: %1', step.label));
    }
    const label = row.querySelector('.jp-testbed-Step-label') as HTMLElement;
    setText(label, step.label || this._trans.__('(empty)'));
    const details = describeStep(step, this._trans);
    label.title = details.title;
    setText(row.querySelector('.jp-testbed-Step-meta')!, details.meta);
    this._fillCheckNote(row, step);
  }

  /** A step's check result and, when it did not pass, the author's hint. */
  private _fillCheckNote(row: HTMLElement, step: IStep): void {
    const node = row.querySelector('.jp-testbed-Step-checkNote');
    const note = checkNoteText(step.checked, step.check?.hint, this._trans);
    if (!node || note === null) {
      return;
    }
    row.dataset.check =
      step.checked?.state === 'checked' ? step.checked.result.r : 'unchecked';
    setText(node, note);
  }

  private _options: ProgressView.IOptions;
  private _trans: TranslationBundle;
  private _model: ProgressModel | null = null;
  private _summary: HTMLElement;
  private _bar: HTMLElement;
  private _fill: HTMLElement;
  private _count: HTMLElement;
  private _continue: HTMLButtonElement;
  private _checkAll: HTMLButtonElement;
  private _notes: HTMLElement;
  private _tree: HTMLElement;
  private _empty: HTMLElement;
  private _externalNotes: string[] = [];
  private _words: Private.IWords;
  private _sectionRows: Private.ISectionRow[] = [];
  private _rows = new Map<number, HTMLLIElement>();
  private _live = new LiveSummary();
  private _collapsed: Set<number> | null = null;
  private _dirty = true;
  private _changedSteps = new Set<number>();
  private _stepsFrame = new DeferredTask(() => this._fillChangedSteps());
}

namespace Private {
  /** A section's row and the parts of it that change. */
  export interface ISectionRow {
    node: HTMLLIElement;
    toggle: HTMLElement;
    count: HTMLElement;
    steps: HTMLElement;
  }

  /** The words every row uses, translated once per view. */
  export interface IWords {
    check: string;
    checkSection: string;
    beforeFirstHeading: string;
  }

  export function words(trans: TranslationBundle): IWords {
    return {
      check: trans.__('Check'),
      checkSection: trans.__('Check This Section'),
      beforeFirstHeading: trans.__('Before the first heading')
    };
  }

  const withChecks = new WeakMap<IOutline, boolean>();

  /**
   * Whether a lab's outline has a step with a check: asked at every run's
   * update, read once per outline (checks are declared, not run, data).
   */
  export function hasChecks(outline: IOutline): boolean {
    let has = withChecks.get(outline);
    if (has === undefined) {
      has = outline.steps.some(step => !!step.check);
      withChecks.set(outline, has);
    }
    return has;
  }

  /**
   * Long notebooks open on the section to work on; short ones fully.
   */
  export function initialCollapse(outline: IOutline): Set<number> {
    if (outline.total <= EXPAND_ALL_LIMIT) {
      return new Set();
    }
    const pending = outline.steps.find(step => !stepDone(step));
    const keep = new Set<number>();
    for (
      let s = pending?.section ?? -1;
      s >= 0;
      s = outline.sections[s].parent
    ) {
      keep.add(s);
    }
    return new Set(
      outline.sections.map(s => s.index).filter(s => !keep.has(s))
    );
  }
}
