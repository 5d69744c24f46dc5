/**
 * The check editor: an author declares, changes or removes the check of a
 * step (a code cell, a fenced block, a manual step) and sees it as a student
 * will, before and after a failed Check. Fields are checked as they are
 * typed; nothing is stored while one has a problem. Cell text comes from the
 * notebook, so it is set as text only.
 */
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { ICellModel } from '@jupyterlab/cells';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import {
  ALL_NODES,
  checkPlaces,
  DraftField,
  draftOf,
  ICheckDraft,
  JUPYTER_SIDE,
  readDraft
} from '../../core/checks/draft';
import { describeChecks } from '../../core/checks/plan';
import {
  checkNoteText,
  CheckState,
  checkVersion
} from '../../core/checks/status';
import { fieldText } from '../../core/invisible';
import {
  describeProblem,
  ICellRecord,
  ICheck,
  readCellRecord,
  withCheck
} from '../../core/metadata/format';
import type { IStep } from '../../core/progress/outline';
import { el } from '../dom';
import { recordOrSay, storeRecord, writableRecord } from '../metadata/cell';

/** What the editor needs to declare a check on one cell's steps. */
export interface ICheckEditorTask {
  trans: TranslationBundle;
  /** The cell whose steps may carry the check. */
  cell: ICellModel;
  /** Its steps, in order (at least one). */
  steps: IStep[];
  /** The step to start with (its key in the cell's record), else the first. */
  key?: string;
  /** The lab's nodes, where a check may run. */
  nodes: string[];
  /** Whether the notebook may be changed now (not open for grading). */
  writable: () => boolean;
}

/** The action of the dialog's Remove Check button. */
const REMOVE = 'remove';

/**
 * Declare, change or remove a step's check. The dialog opens again with the
 * author's text and its problems when Save is pressed with one left.
 */
export async function editCheck(task: ICheckEditorTask): Promise<void> {
  const { trans, cell } = task;
  if (
    task.key !== undefined &&
    !task.steps.some(step => (step.tickKey ?? 'cell') === task.key)
  ) {
    await removeOrphan(task, task.key);
    return;
  }
  let editor = new CheckEditor(task);
  for (;;) {
    const declared = editor.step.check;
    const result = await showDialog({
      title: trans.__('Check of a Step'),
      body: editor,
      focusNodeSelector: 'textarea',
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        ...(declared
          ? [
              Dialog.warnButton({
                label: trans.__('Remove Check'),
                actions: [REMOVE]
              })
            ]
          : []),
        Dialog.okButton({ label: trans.__('Save Check') })
      ]
    });
    const removing = result.button.actions.includes(REMOVE);
    if (!result.button.accept && !removing) {
      return;
    }
    const read = editor.read();
    if (!removing && !read.ok) {
      editor = new CheckEditor(
        { ...task, key: editor.step.tickKey ?? 'cell' },
        editor.draft
      );
      continue;
    }
    const record = recordOrSay(
      cell,
      trans.__('Cannot declare a check here'),
      trans
    );
    if (record === undefined) {
      return;
    }
    const check = removing || !read.ok ? null : read.check;
    store(task, withCheck(record, editor.step.tickKey ?? 'cell', check));
    return;
  }
}

/**
 * Store the cell's new record, unless the notebook went to grading or the
 * format would not read it back (more checks than a cell may carry): a
 * record the students' side refuses would lose the cell's ticks and fills.
 */
function store(task: ICheckEditorTask, next: ICellRecord): void {
  const { trans, cell } = task;
  const problem = task.writable()
    ? describeProblem(readCellRecord(next))
    : trans.__('the notebook is open for grading');
  if (problem) {
    void showErrorMessage(
      trans.__('Cannot store this check'),
      trans.__('The cell is left as it was: %1.', problem)
    );
    return;
  }
  cell.sharedModel.transact(() => storeRecord(cell, next), false);
}

/**
 * A check whose step is gone (its block's text changed, so its key did):
 * it never runs, and the author may remove it.
 */
async function removeOrphan(
  task: ICheckEditorTask,
  key: string
): Promise<void> {
  const { trans, cell } = task;
  const check = writableRecord(cell)?.checks?.[key];
  const result = await showDialog({
    title: trans.__('A check without its step'),
    body: trans.__(
      'This check (%1) belongs to a step that is no longer in the cell: its block’s text changed. Students never see it. Remove it, then declare it again on the block as it is now.',
      check ? fieldText(`${check.on}: ${check.cmd}`) : key
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Remove Check') })
    ]
  });
  const record = writableRecord(cell);
  if (result.button.accept && record) {
    store(task, withCheck(record, key, null));
  }
}

/** The dialog's body: the step, the check's fields and the preview. */
export class CheckEditor extends Widget {
  constructor(task: ICheckEditorTask, draft?: ICheckDraft) {
    super();
    this.addClass('jp-testbed-CheckEditor');
    this._task = task;
    const { trans, steps } = task;
    this.step =
      steps.find(step => (step.tickKey ?? 'cell') === task.key) ?? steps[0];

    this._stepSelect = el('select', 'jp-mod-styled');
    steps.forEach((step, index) => {
      const option = el('option', '');
      option.value = String(index);
      option.textContent = step.label || trans.__('(empty)');
      option.selected = step === this.step;
      this._stepSelect.appendChild(option);
    });
    this._stepSelect.addEventListener('change', () => {
      this.step = steps[Number(this._stepSelect.value)];
      this._fillFields(draftOf(this.step.check, task.nodes));
    });

    this._cmd = el('textarea', 'jp-mod-styled jp-testbed-CheckEditor-cmd');
    this._cmd.rows = 3;
    this._cmd.spellcheck = false;
    this._cmd.placeholder = trans.__('systemctl is-active nginx');
    this._on = el('select', 'jp-mod-styled');
    this._timeout = el('input', 'jp-mod-styled');
    this._timeout.inputMode = 'numeric';
    this._hint = el('input', 'jp-mod-styled');
    this._hint.placeholder = trans.__(
      'Is the service running? Try sudo systemctl start nginx'
    );
    this._par = el('input', '');
    this._par.type = 'checkbox';
    this._preview = el('div', 'jp-testbed-CheckEditor-preview');
    this._preview.setAttribute('aria-live', 'polite');

    const form = el('div', 'jp-testbed-CheckEditor-fields');
    if (steps.length > 1) {
      form.append(this._field(trans.__('Step'), this._stepSelect));
    }
    form.append(
      this._field(trans.__('Command'), this._cmd, 'cmd'),
      this._field(trans.__('Runs on'), this._on, 'on'),
      this._field(trans.__('Timeout (seconds)'), this._timeout, 'timeout'),
      this._field(trans.__('Hint when it fails'), this._hint, 'hint')
    );
    const par = el('label', 'jp-testbed-CheckEditor-par');
    par.append(
      this._par,
      document.createTextNode(
        trans.__(
          'May run at the same time as the other such checks of its section'
        )
      )
    );
    form.append(par);
    this.node.append(form, this._preview);
    for (const input of [this._cmd, this._timeout, this._hint]) {
      input.addEventListener('input', () => this._update());
    }
    this._on.addEventListener('change', () => this._update());
    this._fillFields(draft ?? draftOf(this.step.check, task.nodes));
  }

  /** The step whose check is edited. */
  step: IStep;

  /** The fields as typed. */
  get draft(): ICheckDraft {
    return {
      cmd: this._cmd.value,
      on: this._on.value,
      timeout: this._timeout.value,
      hint: this._hint.value,
      par: this._par.checked
    };
  }

  /** The fields read into a check, or their problems. */
  read(): ReturnType<typeof readDraft> {
    return readDraft(this.draft, this._task.nodes, this._task.trans);
  }

  private _field(
    label: string,
    input: HTMLElement,
    field?: DraftField
  ): HTMLElement {
    const row = el('label', 'jp-testbed-CheckEditor-field');
    const name = el('span', 'jp-testbed-CheckEditor-label');
    name.textContent = label;
    row.append(name, input);
    if (field) {
      const problem = el('span', 'jp-testbed-CheckEditor-problem');
      problem.id = `jp-testbed-check-${field}-${++Private.ids.last}`;
      input.setAttribute('aria-describedby', problem.id);
      this._problems[field] = problem;
      row.append(problem);
    }
    return row;
  }

  private _fillFields(draft: ICheckDraft): void {
    const { trans, nodes } = this._task;
    this._on.replaceChildren();
    for (const place of checkPlaces(nodes, draft.on)) {
      const option = el('option', '');
      option.value = place;
      option.textContent =
        place === ALL_NODES
          ? trans.__('every node of the lab, at the same time')
          : place === JUPYTER_SIDE
            ? trans.__('the Jupyter side (this server)')
            : place;
      this._on.appendChild(option);
    }
    this._on.value = draft.on;
    this._cmd.value = draft.cmd;
    this._timeout.value = draft.timeout;
    this._hint.value = draft.hint;
    this._par.checked = draft.par;
    this._update();
  }

  /** Show each field's problem, and the check as a student will see it. */
  private _update(): void {
    const { trans } = this._task;
    const read = this.read();
    for (const [field, node] of Object.entries(this._problems)) {
      const problem = read.ok ? '' : (read.problems[field as DraftField] ?? '');
      node.textContent = problem;
      node.previousElementSibling?.setAttribute(
        'aria-invalid',
        String(!!problem)
      );
    }
    const heading = el('h4', 'jp-testbed-CheckEditor-heading');
    heading.textContent = trans.__('As a student sees it');
    if (!read.ok) {
      const none = el('p', 'jp-testbed-author-hint');
      none.textContent = trans.__(
        'The preview shows once every field can be stored.'
      );
      this._preview.replaceChildren(heading, none);
      return;
    }
    const check = read.check;
    const failed: CheckState = {
      state: 'checked',
      result: { at: '', r: 'fail', x: 1, ver: checkVersion(check) }
    };
    const rows = el('ul', 'jp-testbed-CheckEditor-rows');
    rows.append(
      this._row(check, { state: 'unchecked', stale: null }),
      this._row(check, failed)
    );
    const asks = el('p', 'jp-testbed-author-hint');
    asks.textContent = trans.__(
      'The student’s first Check in the notebook shows what it runs, and asks:'
    );
    const commands = el('pre', 'jp-testbed-Checks-commands');
    commands.textContent = describeChecks([{ ...this.step, check }]).join('\n');
    this._preview.replaceChildren(heading, rows, asks, commands);
    const declared = this.step.check;
    if (declared && checkVersion(declared) !== checkVersion(check)) {
      const stale = el('p', 'jp-testbed-CheckEditor-stale');
      stale.textContent = trans.__(
        'A new command or place makes the students’ earlier results of this check count for nothing: their steps show as not checked until they check again.'
      );
      this._preview.appendChild(stale);
    }
  }

  /** A Progress row of the step with its check in one state. */
  private _row(check: ICheck, state: CheckState): HTMLElement {
    const { trans } = this._task;
    const row = el('li', 'jp-testbed-Step');
    row.dataset.check =
      state.state === 'checked' ? state.result.r : 'unchecked';
    const label = el('span', 'jp-testbed-Step-label');
    label.textContent = this.step.label || trans.__('(empty)');
    const button = el('button', 'jp-testbed-Check jp-mod-styled');
    button.textContent = trans.__('Check');
    button.disabled = true;
    const note = el('div', 'jp-testbed-Step-checkNote');
    note.textContent = checkNoteText(state, check.hint, trans);
    row.append(label, button, note);
    return row;
  }

  private _task: ICheckEditorTask;
  private _stepSelect: HTMLSelectElement;
  private _cmd: HTMLTextAreaElement;
  private _on: HTMLSelectElement;
  private _timeout: HTMLInputElement;
  private _hint: HTMLInputElement;
  private _par: HTMLInputElement;
  private _preview: HTMLElement;
  private _problems: Partial<Record<DraftField, HTMLElement>> = {};
}

namespace Private {
  /** Ids that tie a field to its problem, unique in the page. */
  export const ids = { last: 0 };
}
