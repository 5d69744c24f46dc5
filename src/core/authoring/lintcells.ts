/**
 * The lint's checks of one cell: its jupyterlab-testbed record and run
 * times, its source (leaks, undeclared tokens, markers naming no node), and
 * a code cell's outputs and execution count, which are left-overs unless
 * the cell keeps its outputs. Each finding names the cell and, in a source,
 * the line, counted from 1 as a reader counts them.
 */
import { describeProblem, readCellRecord } from '../metadata/format';
import type { IFileCell } from '../notebook/file';
import { parseMarkdown } from '../notebook/markdown';
import { DEFAULT_STEP_RULES, isCommandBlock } from '../notebook/steps';
import { nodeList, whereText } from '../terminals/markers';
import { placesIn, plainWords, whereWords } from '../terminals/places';
import type { Place } from '../terminals/places';
import { Findings, plural, shorten } from './findings';
import { findLeaks, ILeakContext } from './leaks';
import { findSecrets } from './secrets';
import type { ILintFinding, LintRule } from './findings';
import {
  Budget,
  cutReason,
  outputText,
  splitLines,
  withoutData
} from './linttext';
import { findTokenLike } from './tokenlike';
import { isObject } from '../helpers';

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

/**
 * Check one cell; `given` is the cell as the file holds it, for its
 * metadata and outputs.
 */
export function checkCell(
  findings: Findings,
  lab: ILab,
  budget: Budget,
  index: number,
  cell: IFileCell,
  given: unknown
): void {
  const raw = isObject(given) ? given : {};
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const read = readCellRecord(cell.record);
  const keep = read.status === 'ok' && read.record.keep === true;
  Private.checkCellMetadata(findings, index, read, metadata);
  Private.checkSource(findings, lab, budget, index, cell.type, cell.source);
  // A check's command and hint are published with the cell: scanned like code.
  if (read.status === 'ok') {
    for (const check of Object.values(read.record.checks ?? {})) {
      const text = `${check.cmd}\n${check.hint ?? ''}`;
      Private.checkSource(findings, lab, budget, index, 'code', text);
    }
  }
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
        message: `Cell ${index + 1} has ${plural(cell.outputs, 'output')}, which would be published (clear them, or mark the cell to keep them).`
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
}

namespace Private {
  export function checkCellMetadata(
    findings: Findings,
    index: number,
    read: ReturnType<typeof readCellRecord>,
    metadata: { [key: string]: unknown }
  ): void {
    const add = (
      rule: LintRule,
      message: string,
      severity?: ILintFinding['severity']
    ) =>
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
      const fields = ['run', 'ticks', 'fill', 'chk'].filter(
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
    const tokens = findTokenLike(text, lab.known);
    // A secret is reported masked: never quote it whole as a token.
    const secrets = tokens.length
      ? findSecrets(text, lab.leaks.tokens).filter(
          found => found.rule === 'secret'
        )
      : [];
    for (const token of tokens) {
      const inSecret = secrets.some(
        secret => secret.start < token.end && token.start < secret.end
      );
      if (!inSecret && !seen.has(token.value)) {
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

  /** A marker naming a container or pod: a place on a node, not a node. */
  const INSIDE_CONTAINER = /\b(?:containers?|pods?)\b/i;

  /** Words of a marker that name no machine: `# run on your local terminal`. */
  const FILLER = new Set(
    (
      'host hosts container containers terminal terminals shell shells machine ' +
      'machines vm vms the your a an and or all every each both nodes node local ' +
      'this its own my of on in inside'
    ).split(' ')
  );

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
    const words = [
      ...new Set(
        whereWords(target).filter(word => !FILLER.has(word.toLowerCase()))
      )
    ];
    const line =
      firstLine + splitLines(text).findIndex(l => l.trim() !== '') + 1;
    const add = (message: string) =>
      findings.add({
        rule: 'undeclared-node',
        cell: index,
        line,
        where: 'source',
        message: `Cell ${index + 1}, line ${line}: ${message}`
      });
    // The Jupyter side and the student's computer are places, not nodes.
    const places = placesIn(target);
    if (places.length) {
      const nodes = words.filter(word => names.has(word.toLowerCase()));
      const named = [
        ...nodes.slice(0, 5).map(quote),
        ...places.map(place => PLACE_NAMES[place])
      ];
      if (named.length > 1) {
        add(
          `the marker names ${nodeList(named)} at once: a block runs in one place.`
        );
      }
      return;
    }
    // `# run inside alpine container` names a container on a node, not a
    // node: the lab's own words for where inside it, no Run button, no warning.
    if (INSIDE_CONTAINER.test(plainWords(target))) {
      return;
    }
    const unknown = words.filter(word => !names.has(word.toLowerCase()));
    if (!unknown.length) {
      return;
    }
    const quoted = unknown.slice(0, 5).map(quote);
    add(
      `the marker names ${nodeList(quoted)}, which ${quoted.length > 1 ? 'are not nodes' : 'is not a node'} of this lab (${lab.nodes.join(', ') || 'none declared'}).`
    );
  }

  const PLACE_NAMES: { [place in Place]: string } = {
    jupyter: 'the Jupyter side',
    local: 'the student’s computer'
  };

  function quote(word: string): string {
    return `“${shorten(word, 30)}”`;
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
}
