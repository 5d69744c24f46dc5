/**
 * The Evidence section of the sidebar, shown while the notebook on screen is
 * open for grading: what its record says, where the record and the notebook
 * disagree, and the session's timeline.
 *
 * The summary is taken from the model as it would be saved, a while after
 * the last change and only while the section can be seen, so a long
 * notebook costs nothing while the grader runs it or reads elsewhere.
 * Everything in it comes from a student's file: it is set as text only.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { el } from '../dom';
import { readNotebookFile } from '../../core/notebook/file';
import { revealCell } from '../notebook/reveal';
import {
  FLAG_MEANINGS,
  ISubmissionOptions,
  summarizeFile
} from '../../core/grading/evidence';
import {
  FLAG_KINDS,
  FlagKind,
  ISubmissionSummary,
  ITimelineEntry
} from '../../core/grading/types';

export namespace EvidenceSection {
  export interface IOptions {
    translator?: ITranslator;
    /** The outline options and this extension's version. */
    options: () => Omit<ISubmissionOptions, 'savedAt'>;
    /** Quiet time after a change before the summary is taken again (ms). */
    delay?: number;
  }
}

/** Output streams change the model many times a second. */
const DELAY = 400;
/** Flags listed per kind; the rest are counted. */
const FLAGS_SHOWN = 20;
/** Timeline events listed, the newest; the rest are counted. */
const EVENTS_SHOWN = 100;

export class EvidenceSection extends Widget {
  constructor(options: EvidenceSection.IOptions) {
    super();
    this._options = options;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_testbed'
    );
    this.addClass('jp-testbed-Evidence');
    this.title.label = this._trans.__('Evidence');
    const statement = el('p', 'jp-testbed-Evidence-statement');
    statement.textContent = this._trans.__(
      'The record is evidence, not proof: the student’s JupyterLab wrote it into the notebook, and anyone can edit a notebook file. The flags are where the record and the notebook disagree; each is worth a look, none proves anything alone.'
    );
    this._body = el('div', 'jp-testbed-Evidence-body');
    this.node.append(statement, this._body);
  }

  /** The graded notebook shown, or null. */
  get panel(): NotebookPanel | null {
    return this._panel;
  }
  set panel(panel: NotebookPanel | null) {
    if (panel === this._panel) {
      return;
    }
    this._panel?.model?.contentChanged.disconnect(this._onChanged, this);
    this._panel?.context.fileChanged.disconnect(this._onChanged, this);
    this._panel = panel;
    panel?.model?.contentChanged.connect(this._onChanged, this);
    panel?.context.fileChanged.connect(this._onChanged, this);
    this._body.textContent = '';
    this._schedule(0);
  }

  /** Take the summary again soon (the options changed). */
  refresh(): void {
    this._schedule(0);
  }

  dispose(): void {
    this._clearTimer();
    this.panel = null;
    super.dispose();
  }

  // Added to a sidebar already on screen, the section is attached, not shown.
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this._dirty) {
      this._schedule(0);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this._dirty) {
      this._schedule(0);
    }
  }

  private _onChanged(): void {
    this._schedule(this._options.delay ?? DELAY);
  }

  private _schedule(delay: number): void {
    this._clearTimer();
    if (!this.isVisible) {
      this._dirty = true;
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      this._summarize();
    }, delay);
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _summarize(): void {
    this._dirty = false;
    const panel = this._panel;
    if (!panel?.model || panel.isDisposed) {
      this._body.textContent = '';
      return;
    }
    const summary = summarizeFile(readNotebookFile(panel.model.toJSON()), {
      ...this._options.options(),
      savedAt: panel.context.contentsModel?.last_modified ?? null
    });
    this._render(summary);
  }

  private _render(summary: ISubmissionSummary): void {
    const trans = this._trans;
    const body = this._body;
    body.textContent = '';
    if (summary.problem) {
      body.appendChild(
        this._text(
          'p',
          'jp-testbed-Evidence-problem',
          trans.__('This notebook cannot be summarized: %1', summary.problem)
        )
      );
      return;
    }
    const facts = el('ul', 'jp-testbed-Evidence-facts');
    const version = this._options.options().version;
    const lines = [
      summary.writer
        ? trans.__(
            'Recorded by jupyterlab-testbed %1 (record format %2); this is %3.',
            summary.writer,
            summary.format ?? '?',
            version
          )
        : trans.__(
            'The record does not say which version wrote it (record format %1); this is %2.',
            summary.format ?? '?',
            version
          ),
      summary.first && summary.last
        ? trans.__(
            'First activity %1, last activity %2.',
            summary.first,
            summary.last
          )
        : trans.__('No activity is recorded.'),
      trans.__(
        '%1 of %2 steps done; %3 failed at their last run.',
        summary.done,
        summary.total,
        summary.errors
      ),
      trans._n('%1 flag.', '%1 flags.', summary.flagCount),
      ...summary.notes
    ];
    lines.forEach(line =>
      facts.appendChild(this._text('li', 'jp-testbed-Evidence-fact', line))
    );
    body.append(
      facts,
      this._renderFlags(summary),
      this._renderTimeline(summary)
    );
  }

  private _renderFlags(summary: ISubmissionSummary): HTMLElement {
    const trans = this._trans;
    const node = el('div', 'jp-testbed-Evidence-flags');
    node.appendChild(
      this._text('h3', 'jp-testbed-Evidence-heading', trans.__('Flags'))
    );
    if (!summary.flagCount) {
      node.appendChild(
        this._text(
          'p',
          'jp-testbed-Evidence-empty',
          trans.__(
            'No flags: wherever it could be checked, the record agrees with the notebook.'
          )
        )
      );
      return node;
    }
    const labels = new Map(summary.steps.map(step => [step.key, step.label]));
    for (const kind of FLAG_KINDS) {
      const flags = summary.flags.filter(flag => flag.kind === kind);
      const total = summary.flagKinds[kind] ?? 0;
      if (!total) {
        continue;
      }
      const group = el('section', 'jp-testbed-Evidence-kind');
      group.dataset.kind = kind;
      group.append(
        this._text(
          'h4',
          'jp-testbed-Evidence-kindTitle',
          trans.__('%1 (%2)', this._kindTitle(kind), total)
        ),
        this._text(
          'p',
          'jp-testbed-Evidence-meaning',
          // The meanings are core strings shared with the CLI and the exports.
          // eslint-disable-next-line jupyter/no-dynamic-translation
          trans.__(FLAG_MEANINGS[kind])
        )
      );
      const list = el('ul', 'jp-testbed-Evidence-list');
      for (const flag of flags.slice(0, FLAGS_SHOWN)) {
        list.appendChild(
          this._item(flag.cellIndex, [
            this._where(flag.cellIndex),
            (flag.step && labels.get(flag.step)) ?? '',
            flag.detail
          ])
        );
      }
      this._more(list, total - Math.min(flags.length, FLAGS_SHOWN));
      group.appendChild(list);
      node.appendChild(group);
    }
    return node;
  }

  private _renderTimeline(summary: ISubmissionSummary): HTMLElement {
    const trans = this._trans;
    const node = el('div', 'jp-testbed-Evidence-timeline');
    node.appendChild(
      this._text(
        'h3',
        'jp-testbed-Evidence-heading',
        trans.__('Timeline, newest first')
      )
    );
    if (!summary.timeline.length) {
      node.appendChild(
        this._text(
          'p',
          'jp-testbed-Evidence-empty',
          trans.__('The notebook’s log holds no events.')
        )
      );
      return node;
    }
    const list = el('ol', 'jp-testbed-Evidence-list');
    const events = summary.timeline.slice().reverse();
    for (const entry of events.slice(0, EVENTS_SHOWN)) {
      list.appendChild(
        this._item(entry.cellIndex, [
          entry.at,
          this._result(entry),
          entry.label ||
            (entry.cellIndex < 0
              ? trans.__('no cell matches any more')
              : this._where(entry.cellIndex))
        ])
      );
    }
    this._more(list, events.length - EVENTS_SHOWN);
    node.appendChild(list);
    return node;
  }

  /** A row of text parts; a button to its cell when it has one. */
  private _item(cellIndex: number, parts: string[]): HTMLLIElement {
    const item = el('li', 'jp-testbed-Evidence-item');
    const shown = parts.filter(part => part);
    const holder =
      cellIndex >= 0
        ? el('button', 'jp-testbed-Evidence-link')
        : el('span', 'jp-testbed-Evidence-text');
    shown.forEach(part =>
      holder.appendChild(this._text('span', 'jp-testbed-Evidence-part', part))
    );
    holder.title = shown.join('\n');
    if (holder instanceof HTMLButtonElement) {
      holder.type = 'button';
      holder.addEventListener('click', () => {
        if (this._panel && !this._panel.isDisposed) {
          void revealCell(this._panel, cellIndex);
        }
      });
    }
    item.appendChild(holder);
    return item;
  }

  private _more(list: HTMLElement, hidden: number): void {
    if (hidden > 0) {
      list.appendChild(
        this._text(
          'li',
          'jp-testbed-Evidence-more',
          this._trans._n('and %1 more', 'and %1 more', hidden)
        )
      );
    }
  }

  private _where(cellIndex: number): string {
    return cellIndex < 0
      ? this._trans.__('Notebook')
      : this._trans.__('Cell %1', cellIndex + 1);
  }

  private _kindTitle(kind: FlagKind): string {
    const trans = this._trans;
    switch (kind) {
      case 'edited':
        return trans.__('Edited after its last run');
      case 'cleared':
        return trans.__('Outputs missing or cleared');
      case 'result':
        return trans.__('Result differs from the outputs');
      case 'count':
        return trans.__('Execution count differs');
      case 'unlogged':
        return trans.__('Missing from the log');
      case 'time':
        return trans.__('Times that cannot be');
      case 'check':
        return trans.__('Pass of another check');
      case 'format':
        return trans.__('Other format or version');
    }
  }

  /** A log result (`ok`, `error:<name>`, `tick:<via>`, `untick`) in words. */
  private _result(entry: ITimelineEntry): string {
    const trans = this._trans;
    const [result, detail] = Private.split(entry.result);
    if (result === 'ok') {
      return trans.__('ran');
    }
    if (result === 'untick') {
      return trans.__('unticked');
    }
    if (result === 'error') {
      return trans.__('failed: %1', detail);
    }
    if (result === 'tick') {
      return detail === 'tick'
        ? trans.__('ticked')
        : trans.__('sent to %1', detail);
    }
    if (result === 'check') {
      return trans.__('check: %1', detail);
    }
    return entry.result;
  }

  private _text<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className: string,
    text: string
  ): HTMLElementTagNameMap[K] {
    const node = el(tag, className);
    node.textContent = text;
    return node;
  }

  private _options: EvidenceSection.IOptions;
  private _trans: TranslationBundle;
  private _body: HTMLElement;
  private _panel: NotebookPanel | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _dirty = true;
}

namespace Private {
  /** `error:exit_1` is `['error', 'exit_1']`; `ok` is `['ok', '']`. */
  export function split(result: string): [string, string] {
    const at = result.indexOf(':');
    return at < 0 ? [result, ''] : [result.slice(0, at), result.slice(at + 1)];
  }
}
