/**
 * The form of "Prepare for publishing": a clean copy or the folder itself,
 * and the artifact's description for Trovi (`trovi.json`).
 */
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import type { IPublishFs } from '../../core/authoring/publish';
import {
  checkTroviForm,
  ITroviAuthor,
  ITroviForm,
  MAX_SHORT_DESCRIPTION,
  readTroviCrate,
  TROVI_FILE
} from '../../core/authoring/trovi';

/** What the author chose. */
export interface IPrepareChoice {
  /** A clean copy under this name beside the lab folder, or the folder itself. */
  mode: 'copy' | 'in-place';
  /** The copy's name (a folder name, no `/`). */
  copyName: string;
  /** The description to write as trovi.json, or null for none. */
  trovi: ITroviForm | null;
}

export class PrepareForm
  extends Widget
  implements Dialog.IBodyWidget<IPrepareChoice>
{
  constructor(trans: TranslationBundle, initial: IPrepareChoice) {
    super();
    this.addClass('jp-testbed-Prepare');
    const form = initial.trovi ?? PrepareForm.emptyTrovi();

    const where = el('fieldset', 'jp-testbed-Prepare-where');
    const legend = el('legend', '');
    legend.textContent = trans.__('Where the clean lab goes');
    where.appendChild(legend);
    this._copy = this._radio(
      where,
      trans.__('A clean copy, beside this folder, named'),
      initial.mode === 'copy'
    );
    this._copyName = this._input(trans.__('Name of the copy'), 'input');
    this._copyName.value = initial.copyName;
    where.appendChild(this._copyName);
    this._radio(
      where,
      trans.__(
        'This folder itself (its originals are first copied beside it, to get them back)'
      ),
      initial.mode === 'in-place'
    );
    this.node.appendChild(where);

    const trovi = el('fieldset', 'jp-testbed-Prepare-trovi');
    const troviLegend = el('legend', '');
    troviLegend.textContent = trans.__('For Trovi (trovi.json)');
    trovi.appendChild(troviLegend);
    this._writeTrovi = el('input', '');
    this._writeTrovi.type = 'checkbox';
    this._writeTrovi.checked = initial.trovi !== null;
    const writeLabel = el('label', 'jp-testbed-Prepare-check');
    writeLabel.append(
      this._writeTrovi,
      document.createTextNode(
        trans.__('Write trovi.json, which Trovi reads when importing from Git')
      )
    );
    trovi.appendChild(writeLabel);
    this._name = this._field(trovi, trans.__('Title'), 'input', form.name);
    this._short = this._field(
      trovi,
      trans.__(
        'Short description (at most %1 characters)',
        MAX_SHORT_DESCRIPTION
      ),
      'input',
      form.shortDescription
    );
    this._description = this._field(
      trovi,
      trans.__('Description (Markdown)'),
      'textarea',
      form.description
    );
    this._keywords = this._field(
      trovi,
      trans.__('Keywords (Trovi’s tags), separated by commas'),
      'input',
      form.keywords.join(', ')
    );
    this._authors = this._field(
      trovi,
      trans.__('Authors, one a line: name; affiliation; e-mail'),
      'textarea',
      form.authors
        .map(a => [a.name, a.affiliation, a.email].filter(p => p).join('; '))
        .join('\n')
    );
    this.node.appendChild(trovi);
  }

  /** An empty description. */
  static emptyTrovi(): ITroviForm {
    return {
      name: '',
      shortDescription: '',
      description: '',
      keywords: [],
      authors: []
    };
  }

  getValue(): IPrepareChoice {
    return {
      mode: this._copy.checked ? 'copy' : 'in-place',
      copyName: this._copyName.value.trim(),
      trovi: this._writeTrovi.checked
        ? {
            name: this._name.value.trim(),
            shortDescription: this._short.value.trim(),
            description: this._description.value.trim(),
            keywords: this._keywords.value
              .split(',')
              .map(word => word.trim())
              .filter(word => word),
            authors: this._authors.value
              .split('\n')
              .map(PrepareForm.author)
              .filter((author): author is ITroviAuthor => author !== null)
          }
        : null
    };
  }

  private static author(line: string): ITroviAuthor | null {
    const [name = '', affiliation = '', email = ''] = line
      .split(';')
      .map(part => part.trim());
    return name || affiliation || email ? { name, affiliation, email } : null;
  }

  private _radio(
    parent: HTMLElement,
    text: string,
    checked: boolean
  ): HTMLInputElement {
    const input = el('input', '');
    input.type = 'radio';
    input.name = 'jp-testbed-prepare-where';
    input.checked = checked;
    const label = el('label', 'jp-testbed-Prepare-check');
    label.append(input, document.createTextNode(text));
    parent.appendChild(label);
    return input;
  }

  private _input<K extends 'input' | 'textarea'>(
    label: string,
    tag: K
  ): HTMLElementTagNameMap[K] {
    const input = el(tag, 'jp-mod-styled');
    input.setAttribute('aria-label', label);
    return input;
  }

  private _field<K extends 'input' | 'textarea'>(
    parent: HTMLElement,
    label: string,
    tag: K,
    value: string
  ): HTMLElementTagNameMap[K] {
    const wrapper = el('label', 'jp-testbed-Prepare-field');
    const text = el('span', '');
    text.textContent = label;
    const input = this._input(label, tag);
    input.value = value;
    wrapper.append(text, input);
    parent.appendChild(wrapper);
    return input;
  }

  private _copy: HTMLInputElement;
  private _copyName: HTMLInputElement;
  private _writeTrovi: HTMLInputElement;
  private _name: HTMLInputElement;
  private _short: HTMLInputElement;
  private _description: HTMLTextAreaElement;
  private _keywords: HTMLInputElement;
  private _authors: HTMLTextAreaElement;
}

/**
 * Ask where the clean lab goes and how to describe it, again (with what
 * was entered) until the answers can be used or the author cancels.
 */
export async function askPrepareChoice(
  trans: TranslationBundle,
  fs: IPublishFs,
  folder: string
): Promise<IPrepareChoice | null> {
  const name = PathExt.basename(folder);
  const parent = PathExt.dirname(folder);
  let existing = null;
  try {
    existing = readTroviCrate(
      JSON.parse(await fs.readText(`${folder}/${TROVI_FILE}`))
    );
  } catch {
    // No description yet: the form starts from the folder's name.
  }
  let choice: IPrepareChoice = {
    mode: 'copy',
    copyName: `${name}-publish`,
    trovi: existing ?? { ...PrepareForm.emptyTrovi(), name }
  };
  for (;;) {
    const result = await showDialog({
      title: trans.__('Prepare %1 for Publishing', folder),
      body: new PrepareForm(trans, choice),
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: trans.__('Prepare') })
      ],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    choice = result.value;
    const problems = choice.trovi ? checkTroviForm(choice.trovi) : [];
    const copyName = choice.copyName;
    if (choice.mode === 'copy') {
      if (!copyName || /[/\\]/.test(copyName) || /^\.+$/.test(copyName)) {
        problems.unshift(trans.__('The copy needs a folder name without “/”.'));
      } else if (await fs.exists(parent ? `${parent}/${copyName}` : copyName)) {
        problems.unshift(
          trans.__(
            '%1 already exists: choose another name, nothing is written over.',
            copyName
          )
        );
      }
    }
    if (!problems.length) {
      return choice;
    }
    await showErrorMessage(
      trans.__('Prepare for Publishing'),
      problems.join('\n')
    );
  }
}
