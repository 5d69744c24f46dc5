/**
 * The lint of a lab notebook before it is published: what would confuse a
 * student (tokens no placeholder declares, markers naming no node, left-over
 * outputs) and what would publish someone's data (their values, addresses,
 * projects, keys, passwords, e-mail addresses, our progress records).
 *
 * Pure: a parsed notebook in, findings out. The notebook is untrusted, so
 * nothing here throws on its content, and the text examined is capped (per
 * source or output, and per notebook) with a finding saying so.
 */
import {
  describeProblem,
  readCellRecord,
  readNotebookRecord
} from '../metadata/format';
import { readNotebookFile } from '../notebook/file';
import { parseMarkdown } from '../notebook/markdown';
import { DEFAULT_STEP_RULES, isCommandBlock } from '../notebook/steps';
import { definitionsOf } from '../placeholders/authored';
import { CHAMELEON_PLACEHOLDERS } from '../placeholders/definitions';
import { tokenPattern } from '../placeholders/engine';
import {
  compileMarkers,
  declaredMarkers,
  DEFAULT_MARKERS,
  nodeList,
  whereText
} from '../terminals/markers';
import { declaredNodes } from '../terminals/topology';
import {
  addressesIn,
  findLeaks,
  ILeakContext,
  leakContext,
  shorten
} from './leaks';
import { findTokenLike } from './tokenlike';

export type LintRule =
  | 'undeclared-token'
  | 'unused-placeholder'
  | 'undeclared-node'
  | 'profile-value'
  | 'address'
  | 'project'
  | 'private-key'
  | 'secret'
  | 'email'
  | 'output'
  | 'execution-count'
  | 'progress'
  | 'metadata';

export interface ILintFinding {
  rule: LintRule;
  /** 'leak': would publish someone's data; 'warning': would confuse students or is left over. */
  severity: 'leak' | 'warning';
  /** The notebook's path relative to the linted folder (or its name for one notebook). */
  path: string;
  /** 0-based cell index; null for the notebook as a whole. */
  cell: number | null;
  /** 1-based line of the cell's source; null for outputs and metadata. */
  line: number | null;
  where: 'source' | 'output' | 'metadata';
  /** One English sentence; cells are counted from 1 in it, as a reader counts them. */
  message: string;
}

export interface ILintOptions {
  /** The author's own placeholder values: each is a leak wherever it appears (values shorter than 3 chars ignored). */
  profileValues: string[];
  /** Node names of the lab when the notebook declares none (the terminals' preset); default node1..node3. */
  presetNodes?: string[];
  /** Marker sources (regular expression sources, as the terminals' `markers` setting); default DEFAULT_MARKERS. */
  markers?: string[];
}

/** At most this many findings are kept per notebook; one more finding says how many were left out. */
export const MAX_FINDINGS = 500;

/** At most this much of one cell source or one output is examined (characters). */
export const MAX_TEXT_CHECKED = 1_000_000;

/** At most this much text of one notebook is examined (characters). */
export const MAX_NOTEBOOK_TEXT = 20_000_000;

/** The nodes of a lab that declares none, when no preset is given. */
export const DEFAULT_NODES = ['node1', 'node2', 'node3'];

/** What each rule looks for, for the README, the report and the CLI. */
export const RULE_MEANINGS: { [rule in LintRule]: string } = {
  'undeclared-token':
    'Text in a code cell or command block looks like a placeholder (<your-ip>, YOUR_KEY, X.X.X.X, XXXX), but no placeholder declares it.',
  'unused-placeholder':
    'A placeholder the notebook declares appears in no cell.',
  'undeclared-node':
    'A “# run on” marker names something that is not a node of the lab.',
  'profile-value': 'One of your own placeholder values is in the notebook.',
  address:
    'A public IPv4 address (not private, documentation or declared) is in the notebook.',
  project: 'A Chameleon project id (CHI- and digits) is in the notebook.',
  'private-key': 'A private key block is in the notebook.',
  secret:
    'A password, token, API key or application credential is in the notebook.',
  email:
    'An e-mail address (outside example.com/.org/.net) is in the notebook.',
  output: 'A code cell not marked to keep its outputs still has outputs.',
  'execution-count':
    'A code cell not marked to keep its outputs still has an execution count.',
  progress:
    'Progress of whoever used the lab: runs, ticks, fills, the event log, run timings.',
  metadata:
    'The file or a jupyterlab-testbed record cannot be read, or a part was not checked.'
};

/** Whether any finding would publish someone's data. */
export function isLeak(findings: ILintFinding[]): boolean {
  return findings.some(finding => finding.severity === 'leak');
}

/**
 * Lint the text of a notebook file.
 */
export function lintNotebookText(
  text: string,
  path: string,
  options: ILintOptions
): ILintFinding[] {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      Private.unreadable(path, `not valid JSON (${shorten(reason, 80)})`)
    ];
  }
  return lintNotebook(content, path, options);
}

/**
 * Lint a parsed notebook.
 */
export function lintNotebook(
  content: unknown,
  path: string,
  options: ILintOptions
): ILintFinding[] {
  const file = readNotebookFile(content);
  if (file.problem) {
    return [Private.unreadable(path, file.problem)];
  }
  const findings = new Private.Findings(path);
  const lab = Private.readLab(file.record, options, findings);
  const rawCells = (content as { cells: unknown[] }).cells;
  const budget = new Private.Budget();
  file.cells.forEach((cell, index) => {
    const given = rawCells[index];
    const raw = Private.isObject(given) ? given : {};
    const metadata = Private.isObject(raw.metadata) ? raw.metadata : {};
    const read = readCellRecord(cell.record);
    const keep = read.status === 'ok' && read.record.keep === true;
    Private.checkCellMetadata(findings, index, read, metadata);
    Private.checkSource(findings, lab, budget, index, cell.type, cell.source);
    if (cell.type === 'code') {
      Private.checkOutputs(findings, lab, budget, index, raw.outputs, keep);
    }
    if (cell.type === 'code' && !keep) {
      if (cell.outputs > 0) {
        findings.add({
          rule: 'output',
          cell: index,
          line: null,
          where: 'output',
          message: `Cell ${index + 1} has ${Private.plural(cell.outputs, 'output')}, which would be published (clear them, or mark the cell to keep them).`
        });
      }
      if (cell.executionCount !== null) {
        findings.add({
          rule: 'execution-count',
          cell: index,
          line: null,
          where: 'metadata',
          message: `Cell ${index + 1} still has its execution count (${cell.executionCount}).`
        });
      }
    }
  });
  Private.checkUnused(findings, lab);
  return findings.result();
}

namespace Private {
  type Severity = ILintFinding['severity'];

  const LEAK_RULES = new Set<LintRule>([
    'profile-value',
    'address',
    'project',
    'private-key',
    'secret',
    'email',
    'progress'
  ]);

  /** Findings of one notebook, capped, each kept once. */
  export class Findings {
    constructor(private _path: string) {}

    add(
      finding: Omit<ILintFinding, 'path' | 'severity'> & { severity?: Severity }
    ): void {
      const severity =
        finding.severity ?? (LEAK_RULES.has(finding.rule) ? 'leak' : 'warning');
      if (this._list.length >= MAX_FINDINGS) {
        this._omitted++;
        this._omittedLeak = this._omittedLeak || severity === 'leak';
        return;
      }
      this._list.push({ ...finding, severity, path: this._path });
    }

    result(): ILintFinding[] {
      if (!this._omitted) {
        return this._list;
      }
      return [
        ...this._list,
        {
          rule: 'metadata',
          severity: this._omittedLeak ? 'leak' : 'warning',
          path: this._path,
          cell: null,
          line: null,
          where: 'metadata',
          message: `${plural(this._omitted, 'more finding')} left out: only the first ${MAX_FINDINGS} are listed.`
        }
      ];
    }

    private _list: ILintFinding[] = [];
    private _omitted = 0;
    private _omittedLeak = false;
  }

  /** Why a text was examined only in part. */
  export type Cut = 'piece' | 'notebook' | null;

  /** The text left to examine in one notebook. */
  export class Budget {
    /** Up to `MAX_TEXT_CHECKED` of a text, within what is left of the notebook's. */
    take(text: string): { text: string; cut: Cut } {
      const allowed = Math.min(MAX_TEXT_CHECKED, this._left);
      if (text.length <= allowed) {
        this._left -= text.length;
        return { text, cut: null };
      }
      this._left -= allowed;
      return {
        text: text.slice(0, allowed),
        cut: allowed < MAX_TEXT_CHECKED ? 'notebook' : 'piece'
      };
    }

    private _left = MAX_NOTEBOOK_TEXT;
  }

  /** Why a part was not checked in full, to follow "Cell 3" or "Cell 3, output 1". */
  export function cutReason(cut: Exclude<Cut, null>, what: string): string {
    return cut === 'notebook'
      ? `was not checked in full for a student’s data: the notebook holds more than ${megabytes(MAX_NOTEBOOK_TEXT)} of text.`
      : `is too ${what} to check in full: only part of it was checked for a student’s data.`;
  }

  /** What the notebook declares, as the rules use it. */
  export interface ILab {
    leaks: ILeakContext;
    /** Any placeholder token (built-in or declared), to tell tokens apart. */
    known: RegExp | null;
    markers: RegExp[];
    nodes: string[];
    /** Declared tokens not seen in a cell yet. */
    unused: Set<string>;
    unusedPattern: RegExp | null;
  }

  export function readLab(
    record: unknown,
    options: ILintOptions,
    findings: Findings
  ): ILab {
    const notebookProblem = (message: string) =>
      findings.add({
        rule: 'metadata',
        cell: null,
        line: null,
        where: 'metadata',
        message
      });
    const read = readNotebookRecord(record);
    const problem = describeProblem(read);
    if (problem) {
      notebookProblem(
        `The notebook’s jupyterlab-testbed record cannot be read (${problem}); only the built-in placeholders and the preset’s nodes are used.`
      );
    } else if (read.status === 'ok') {
      const fields = ['log', 'by'].filter(
        key => read.record[key] !== undefined
      );
      if (fields.length) {
        findings.add({
          rule: 'progress',
          cell: null,
          line: null,
          where: 'metadata',
          message: `The notebook carries the event log of whoever used the lab (${fields.join(', ')}).`
        });
      }
    }
    const definitions = definitionsOf(record);
    const nodes = declaredNodes(record);
    const wordings = declaredMarkers(record);
    [...definitions.problems, ...nodes.problems, ...wordings.problems].forEach(
      notebookProblem
    );
    const authored = definitions.placeholders.filter(
      p => !CHAMELEON_PLACEHOLDERS.includes(p)
    );
    const declaredNodeList = nodes.nodes ?? [];
    // A placeholder a node's host names (`{masterIp}`) is used by the terminals.
    const hostFields = declaredNodeList
      .map(node => `${node.host} ${node.jump ?? ''}`)
      .join(' ');
    const unused = new Set(
      authored
        .filter(p => !hostFields.includes(`{${p.field}}`))
        .map(p => p.token)
    );
    const leaks = leakContext(
      options.profileValues,
      definitions.placeholders.map(p => p.token),
      [...authored.map(p => p.example), ...declaredNodeList.map(n => n.host)]
    );
    // A built-in example looks like a real student's value: never documented.
    CHAMELEON_PLACEHOLDERS.forEach(p =>
      addressesIn(p.example).forEach(a => leaks.allowedAddresses.delete(a))
    );
    return {
      leaks,
      known: tokenPattern(definitions.placeholders.map(p => p.token)),
      markers: [
        ...compileMarkers(options.markers ?? DEFAULT_MARKERS).patterns,
        ...wordings.patterns
      ],
      nodes:
        nodes.nodes?.map(n => n.name) ?? options.presetNodes ?? DEFAULT_NODES,
      unused,
      unusedPattern: tokenPattern([...unused])
    };
  }

  export function checkCellMetadata(
    findings: Findings,
    index: number,
    read: ReturnType<typeof readCellRecord>,
    metadata: { [key: string]: unknown }
  ): void {
    const add = (rule: LintRule, message: string, severity?: Severity) =>
      findings.add({
        rule,
        severity,
        cell: index,
        line: null,
        where: 'metadata',
        message
      });
    const problem = describeProblem(read);
    if (problem) {
      add(
        'metadata',
        `Cell ${index + 1}: its jupyterlab-testbed record cannot be read (${problem}); cleaning leaves it as it is.`
      );
    } else if (read.status === 'ok') {
      const fields = ['run', 'ticks', 'fill'].filter(
        key => read.record[key] !== undefined
      );
      if (fields.length) {
        add(
          'progress',
          `Cell ${index + 1} carries the progress of whoever used the lab (${fields.join(', ')}).`
        );
      }
    }
    const timings = ['execution', 'ExecuteTime'].filter(
      key => metadata[key] !== undefined
    );
    if (timings.length) {
      add(
        'progress',
        `Cell ${index + 1} carries the times it last ran (${timings.join(', ')}).`,
        'warning'
      );
    }
  }

  export function checkSource(
    findings: Findings,
    lab: ILab,
    budget: Budget,
    index: number,
    type: string,
    source: string
  ): void {
    const { text, cut } = budget.take(withoutData(source));
    if (cut) {
      findings.add({
        rule: 'metadata',
        severity: 'leak',
        cell: index,
        line: null,
        where: 'source',
        message: `Cell ${index + 1} ${cutReason(cut, 'long')}`
      });
    }
    markUsed(lab, text);
    const lines = splitLines(text);
    lines.forEach((line, i) => checkLeaks(findings, lab, index, i + 1, line));
    if (type === 'code') {
      lines.forEach((line, i) =>
        checkTokens(findings, lab, index, i + 1, line)
      );
      checkMarker(findings, lab, index, 0, text);
    } else if (type === 'markdown') {
      for (const part of parseMarkdown(text)) {
        if (
          part.kind !== 'block' ||
          !(
            isCommandBlock(part, DEFAULT_STEP_RULES) ||
            whereText(part.body, lab.markers) !== null
          )
        ) {
          continue;
        }
        splitLines(part.body).forEach((line, i) =>
          checkTokens(findings, lab, index, part.line + i + 2, line)
        );
        checkMarker(findings, lab, index, part.line + 1, part.body);
      }
    }
  }

  function checkLeaks(
    findings: Findings,
    lab: ILab,
    index: number,
    line: number,
    text: string
  ): void {
    const seen = new Set<string>();
    for (const leak of findLeaks(text, lab.leaks)) {
      const key = `${leak.rule}\u0000${leak.value}`;
      if (!seen.has(key)) {
        seen.add(key);
        findings.add({
          rule: leak.rule,
          cell: index,
          line,
          where: 'source',
          message: `Cell ${index + 1}, line ${line}: ${leak.what} would be published.`
        });
      }
    }
  }

  function checkTokens(
    findings: Findings,
    lab: ILab,
    index: number,
    line: number,
    text: string
  ): void {
    const seen = new Set<string>();
    for (const token of findTokenLike(text, lab.known)) {
      if (!seen.has(token.value)) {
        seen.add(token.value);
        findings.add({
          rule: 'undeclared-token',
          cell: index,
          line,
          where: 'source',
          message: `Cell ${index + 1}, line ${line}: “${shorten(token.value)}” looks like a placeholder, but none is declared for it, so students are not asked for it.`
        });
      }
    }
  }

  /** Words of a marker that name no machine: `# run on your local terminal`. */
  const FILLER = new Set(
    (
      'host hosts container containers terminal terminals shell shells machine ' +
      'machines vm vms the your a an and or all every each both nodes node local ' +
      'this its own my of on in inside'
    ).split(' ')
  );
  const SEPARATORS = /[\s,&/]+/;
  const PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

  function checkMarker(
    findings: Findings,
    lab: ILab,
    index: number,
    firstLine: number,
    text: string
  ): void {
    const target = whereText(text, lab.markers);
    if (target === null) {
      return;
    }
    const names = new Set(lab.nodes.map(name => name.toLowerCase()));
    const unknown = [
      ...new Set(
        target
          .split(SEPARATORS)
          .map(word => word.replace(PUNCTUATION, ''))
          .filter(
            word =>
              word &&
              !FILLER.has(word.toLowerCase()) &&
              !names.has(word.toLowerCase())
          )
      )
    ];
    if (!unknown.length) {
      return;
    }
    const line =
      firstLine + splitLines(text).findIndex(l => l.trim() !== '') + 1;
    const quoted = unknown.slice(0, 5).map(word => `“${shorten(word, 30)}”`);
    findings.add({
      rule: 'undeclared-node',
      cell: index,
      line,
      where: 'source',
      message: `Cell ${index + 1}, line ${line}: the marker names ${nodeList(quoted)}, which ${quoted.length > 1 ? 'are not nodes' : 'is not a node'} of this lab (${lab.nodes.join(', ') || 'none declared'}).`
    });
  }

  export function checkOutputs(
    findings: Findings,
    lab: ILab,
    budget: Budget,
    index: number,
    outputs: unknown,
    keep: boolean
  ): void {
    if (!Array.isArray(outputs)) {
      return;
    }
    const seen = new Set<string>();
    outputs.forEach((output, number) => {
      const { text, cut } = outputText(output, budget);
      if (cut) {
        findings.add({
          rule: 'metadata',
          severity: keep ? 'leak' : 'warning',
          cell: index,
          line: null,
          where: 'output',
          message: `Cell ${index + 1}, output ${number + 1} ${cutReason(cut, 'large or too deeply nested')}`
        });
      }
      for (const line of splitLines(text)) {
        for (const leak of findLeaks(line, lab.leaks)) {
          const key = `${leak.rule}\u0000${leak.value}`;
          if (!seen.has(key)) {
            seen.add(key);
            findings.add({
              rule: leak.rule,
              cell: index,
              line: null,
              where: 'output',
              message: `Cell ${index + 1}, output ${number + 1}: ${leak.what} would be published.`
            });
          }
        }
      }
    });
  }

  /** Terminal colours: `\x1b[1;32m129.114.99.7\x1b[0m` is an address too. */
  const ANSI = /\u001b\[[0-9;]{0,20}[A-Za-z]/g;

  /** The texts of an output a reader sees: streams, text and JSON data, errors. */
  function outputText(
    output: unknown,
    budget: Budget
  ): { text: string; cut: Cut } {
    const builder = new TextBuilder(MAX_TEXT_CHECKED);
    if (isObject(output)) {
      builder.add(output.text);
      builder.add(output.ename);
      builder.add(output.evalue);
      builder.add(output.traceback);
      if (isObject(output.data)) {
        for (const [type, value] of Object.entries(output.data)) {
          if (type.startsWith('text/')) {
            builder.add(value);
          } else if (type === 'application/json' || type.endsWith('+json')) {
            builder.addJson(value);
          }
        }
      }
    }
    const taken = budget.take(withoutData(builder.text.replace(ANSI, '')));
    return {
      text: taken.text,
      cut: taken.cut ?? (builder.cut ? 'piece' : null)
    };
  }

  /** Text gathered from an output, never more than its cap. */
  class TextBuilder {
    constructor(private _cap: number) {}

    text = '';
    cut = false;

    /** A string, or nbformat's list of lines. */
    add(value: unknown): void {
      if (typeof value === 'string') {
        this._push(value, '\n');
      } else if (Array.isArray(value)) {
        for (const part of value) {
          if (this.cut) {
            return;
          }
          if (typeof part === 'string') {
            this._push(part, '');
          }
        }
        this._push('', '\n');
      }
    }

    /** The keys, strings and numbers of JSON data, walked without recursion. */
    addJson(value: unknown): void {
      const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
      let visits = 0;
      while (stack.length && !this.cut) {
        const item = stack.pop()!;
        if (++visits > MAX_JSON_NODES || item.depth > MAX_JSON_DEPTH) {
          this.cut = true;
          return;
        }
        if (typeof item.value === 'string' || typeof item.value === 'number') {
          this._push(String(item.value), '\n');
        } else if (Array.isArray(item.value)) {
          for (let i = item.value.length - 1; i >= 0; i--) {
            stack.push({ value: item.value[i], depth: item.depth + 1 });
          }
        } else if (isObject(item.value)) {
          for (const [key, inner] of Object.entries(item.value).reverse()) {
            stack.push({ value: inner, depth: item.depth + 1 });
            stack.push({ value: key, depth: item.depth + 1 });
          }
        }
        if (stack.length > MAX_JSON_NODES) {
          this.cut = true;
        }
      }
    }

    private _push(text: string, end: string): void {
      const room = this._cap - this.text.length;
      if (text.length > room) {
        this.text += text.slice(0, room);
        this.cut = true;
        return;
      }
      this.text += text + end.slice(0, room - text.length);
    }
  }

  const MAX_JSON_DEPTH = 100;
  const MAX_JSON_NODES = 200_000;

  /** Record which declared tokens a cell uses. */
  function markUsed(lab: ILab, text: string): void {
    if (!lab.unusedPattern || !lab.unused.size) {
      return;
    }
    lab.unusedPattern.lastIndex = 0;
    for (const match of text.matchAll(lab.unusedPattern)) {
      lab.unused.delete(match[0]);
    }
  }

  export function checkUnused(findings: Findings, lab: ILab): void {
    for (const token of lab.unused) {
      findings.add({
        rule: 'unused-placeholder',
        cell: null,
        line: null,
        where: 'metadata',
        message: `The placeholder “${shorten(token)}” is declared, but no cell uses it.`
      });
    }
  }

  export function unreadable(path: string, problem: string): ILintFinding {
    return {
      rule: 'metadata',
      severity: 'warning',
      path,
      cell: null,
      line: null,
      where: 'metadata',
      message: `The file cannot be checked: ${problem}.`
    };
  }

  /** Embedded images (`data:image/png;base64,…`) hold no text to check. */
  const DATA_URI =
    /data:[\w.+-]{1,40}\/[\w.+-]{1,80};base64,[A-Za-z0-9+/=]{64,}/g;

  function withoutData(text: string): string {
    return text.includes(';base64,') ? text.replace(DATA_URI, 'data:…') : text;
  }

  function splitLines(text: string): string[] {
    return text
      .split('\n')
      .map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  export function plural(count: number, noun: string): string {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
  }

  export function megabytes(characters: number): string {
    return `${Math.round(characters / 1_000_000)} MB`;
  }

  export function isObject(
    value: unknown
  ): value is { [key: string]: unknown } {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
