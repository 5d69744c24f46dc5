/**
 * The report of a lab check or of "Prepare for publishing": whether the
 * lab is clean, what was changed, what was left behind, and every finding
 * with its notebook, cell and line, a click away from the cell.
 *
 * Findings quote the lab's own text, so everything is set as text.
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import type { ICleanChanges } from '../../core/authoring/clean';
import { ILintFinding, isLeak } from '../../core/authoring/lint';
import type { IPrepareReport } from '../../core/authoring/publish';

export namespace LabReport {
  export interface IOptions {
    /** Open a notebook of the report (path from the server root) at a cell. */
    open: (path: string, cell: number | null) => void;
    translator?: ITranslator;
  }

  /** A check of a folder: where, what was found, what could not be read. */
  export interface ILint {
    folder: string;
    findings: ILintFinding[];
    notes: string[];
  }
}

export class LabReport extends Widget {
  constructor(options: LabReport.IOptions) {
    super();
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this.addClass('jp-testbed-Report');
    this.node.tabIndex = -1;
  }

  /** Show the check of a folder. */
  showLint(lint: LabReport.ILint): void {
    const trans = this._trans;
    this.node.replaceChildren();
    const leaks = lint.findings.filter(f => f.severity === 'leak').length;
    const warnings = lint.findings.length - leaks;
    this._status(
      leaks === 0,
      leaks === 0
        ? trans.__(
            'No leak found in %1 (%2 warnings).',
            Private.shown(lint.folder),
            warnings
          )
        : trans.__(
            '%1 leaks and %2 warnings in %3: publishing it now would share them.',
            leaks,
            warnings,
            Private.shown(lint.folder)
          )
    );
    this._notes(trans.__('Not checked'), lint.notes);
    this._findings(lint.folder, lint.findings);
  }

  /** Show what "Prepare for publishing" did. */
  showPrepare(report: IPrepareReport): void {
    const trans = this._trans;
    this.node.replaceChildren();
    const clean = report.clean;
    this._status(
      clean,
      clean
        ? trans.__(
            'Clean: %1 holds nothing of a student’s or of yours. It is ready to publish.',
            Private.shown(report.folder)
          )
        : isLeak(report.findings)
          ? trans.__(
              'NOT clean: %1 still leaks (below). Fix the cells, then prepare again.',
              Private.shown(report.folder)
            )
          : trans.__(
              'NOT clean: %1 still holds files that were not cleaned or not checked (below).',
              Private.shown(report.folder)
            )
    );
    const facts = el('ul', 'jp-testbed-Report-facts');
    const fact = (text: string) => {
      const item = el('li', '');
      item.textContent = text;
      facts.appendChild(item);
    };
    fact(trans.__('Folder to publish: %1', Private.shown(report.folder)));
    if (report.backup) {
      fact(trans.__('The originals are kept in %1', report.backup));
    }
    fact(
      report.backup
        ? trans.__(
            '%1 files backed up, %2 notebooks cleaned.',
            report.copied,
            report.notebooks.length
          )
        : trans.__(
            '%1 files copied, %2 notebooks cleaned.',
            report.copied,
            report.notebooks.length
          )
    );
    if (report.trovi) {
      fact(trans.__('trovi.json written for Trovi.'));
    }
    this.node.appendChild(facts);

    const changes = el('div', 'jp-testbed-Report-changes');
    for (const notebook of report.notebooks) {
      const row = el('div', 'jp-testbed-Report-change');
      const name = el('span', 'jp-testbed-Report-path');
      name.textContent = notebook.path;
      const what = el('span', 'jp-testbed-Report-what');
      what.textContent = notebook.changes
        ? this._changes(notebook.changes)
        : trans.__('left as it was: %1', notebook.problem ?? '');
      row.append(name, what);
      changes.appendChild(row);
    }
    this.node.appendChild(changes);
    this._notes(
      report.backup ? trans.__('Left as they were') : trans.__('Not copied'),
      report.skipped.map(skip => `${skip.path}: ${skip.why}`),
      !clean
    );
    this._findings(report.folder, report.findings);
  }

  private _status(clean: boolean, text: string): void {
    const status = el(
      'div',
      `jp-testbed-Report-status ${clean ? 'jp-mod-clean' : 'jp-mod-leak'}`
    );
    status.setAttribute('role', 'status');
    status.textContent = text;
    this.node.appendChild(status);
  }

  private _changes(changes: ICleanChanges): string {
    const trans = this._trans;
    const parts = [
      changes.restored &&
        trans.__('%1 cells restored to their template', changes.restored),
      changes.outputsCleared &&
        trans.__('%1 outputs cleared', changes.outputsCleared),
      changes.countsCleared &&
        trans.__('%1 execution counts cleared', changes.countsCleared),
      changes.records && trans.__('%1 cell records cleaned', changes.records),
      changes.otherMetadata &&
        trans.__('%1 run timings removed', changes.otherMetadata)
    ].filter((part): part is string => typeof part === 'string');
    if (changes.log) {
      parts.push(trans.__('the progress log removed'));
    }
    if (changes.editedAfterFill.length) {
      parts.push(
        trans.__(
          'cells %1 were edited after they were filled: their text was kept, check them',
          changes.editedAfterFill.map(index => index + 1).join(', ')
        )
      );
    }
    if (changes.refusedTemplates.length) {
      parts.push(
        trans.__(
          'the fill records of cells %1 were refused (%2): their text was kept, and the lab is not called clean until you check them',
          changes.refusedTemplates.map(refused => refused.cell + 1).join(', '),
          changes.refusedTemplates[0].why
        )
      );
    }
    return parts.length ? parts.join('; ') : trans.__('already clean');
  }

  private _notes(title: string, notes: string[], open = false): void {
    if (!notes.length) {
      return;
    }
    const box = el('details', 'jp-testbed-Report-notes');
    box.open = open;
    const summary = el('summary', '');
    summary.textContent = `${title} (${notes.length})`;
    box.appendChild(summary);
    const list = el('ul', '');
    for (const note of notes) {
      const item = el('li', '');
      item.textContent = note;
      list.appendChild(item);
    }
    box.appendChild(list);
    this.node.appendChild(box);
  }

  private _findings(folder: string, findings: ILintFinding[]): void {
    const trans = this._trans;
    if (!findings.length) {
      return;
    }
    const heading = el('h3', 'jp-testbed-Report-heading');
    heading.textContent = isLeak(findings)
      ? trans.__('What would be published')
      : trans.__('Warnings');
    this.node.appendChild(heading);
    const list = el('ul', 'jp-testbed-Report-findings');
    const ordered = [...findings].sort(
      (a, b) =>
        Private.rank(a) - Private.rank(b) ||
        a.path.localeCompare(b.path) ||
        (a.cell ?? -1) - (b.cell ?? -1) ||
        (a.line ?? 0) - (b.line ?? 0)
    );
    for (const finding of ordered) {
      const item = el(
        'li',
        `jp-testbed-Report-finding jp-mod-${finding.severity}`
      );
      const kind = el('span', 'jp-testbed-Report-kind');
      kind.textContent =
        finding.severity === 'leak' ? trans.__('Leak') : trans.__('Warning');
      const where = el('button', 'jp-testbed-Report-where');
      where.textContent = Private.where(finding, trans);
      where.title = trans.__('Open the notebook at this cell');
      const path = [folder, finding.path].filter(part => part).join('/');
      where.addEventListener('click', () =>
        this._options.open(path, finding.cell)
      );
      const message = el('span', 'jp-testbed-Report-message');
      // The link before it already says where (the command line needs both).
      message.textContent = finding.message.replace(Private.WHERE_PREFIX, '');
      item.append(kind, where, message);
      list.appendChild(item);
    }
    this.node.appendChild(list);
  }

  private _options: LabReport.IOptions;
  private _trans: TranslationBundle;
}

namespace Private {
  /** `Cell 12, line 3: ` or `Cell 12, output 1: ` at the start of a message. */
  export const WHERE_PREFIX = /^Cell \d+(?:, (?:line|output) \d+)?: /;

  export function rank(finding: ILintFinding): number {
    return finding.severity === 'leak' ? 0 : 1;
  }

  export function shown(folder: string): string {
    return folder ? `${folder}/` : '/';
  }

  export function where(
    finding: ILintFinding,
    trans: TranslationBundle
  ): string {
    const parts = [finding.path];
    if (finding.cell !== null) {
      parts.push(trans.__('cell %1', finding.cell + 1));
    }
    if (finding.line !== null) {
      parts.push(trans.__('line %1', finding.line));
    } else if (finding.where === 'output') {
      parts.push(trans.__('output'));
    }
    return parts.join(', ');
  }
}
