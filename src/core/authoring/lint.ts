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
import { describeProblem, readNotebookRecord } from '../metadata/format';
import { IFileCell, readNotebookFile } from '../notebook/file';
import { definitionsOf } from '../placeholders/authored';
import { CHAMELEON_PLACEHOLDERS } from '../placeholders/definitions';
import { tokenPattern } from '../placeholders/engine';
import {
  compileMarkers,
  declaredMarkers,
  DEFAULT_MARKERS
} from '../terminals/markers';
import { inferNodes } from '../terminals/inferred';
import { declaredNodes } from '../terminals/topology';
import { Findings, ILintFinding, LintRule, shorten } from './findings';
import type { KnownValues } from './profile';
import { addressesIn, leakContext } from './leaks';
import { checkCell, ILab } from './lintcells';
import { Budget } from './linttext';
import { errorText } from '../helpers';

// The rules and findings are defined with their collector.
export type { ILintFinding, LintRule } from './findings';

export interface ILintOptions {
  /** The author's own placeholder values: each is a leak wherever it appears (values shorter than 3 chars ignored). */
  profileValues: string[];
  /** The same by placeholder field: Prepare restores a filled cell only when its values are these (where a field has any). */
  knownValues?: KnownValues;
  /** Node names of the lab when the notebook declares none (the terminals' preset); default node1..node3. */
  presetNodes?: string[];
  /** Marker sources (regular expression sources, as the terminals' `markers` setting); default DEFAULT_MARKERS. */
  markers?: string[];
}

// The cap lives with the collector that enforces it; callers read it here.
export { MAX_FINDINGS } from './findings';

/** The nodes of a lab that declares none, when no preset is given. */
const DEFAULT_NODES = ['node1', 'node2', 'node3'];

/** What each rule looks for, for the author guide, the report and the CLI. */
export const RULE_MEANINGS: { [rule in LintRule]: string } = {
  'undeclared-token':
    'Text in a code cell or command block looks like a placeholder (<your-ip>, YOUR_KEY, X.X.X.X, XXXX), but no placeholder declares it.',
  'unused-placeholder':
    'A placeholder the notebook declares appears in no cell.',
  'undeclared-node':
    'A “# run on” marker names something that is not a node of the lab (the Jupyter side and the student’s computer are places, not nodes).',
  'profile-value': 'One of your own placeholder values is in the notebook.',
  address:
    'A public IPv4 address (not private, documentation or declared) is in the notebook.',
  project: 'A Chameleon project id (CHI- and digits) is in the notebook.',
  'private-key': 'A private key block is in the notebook.',
  secret:
    'A password, token, API key or application credential is in the notebook (placeholders such as REDACTED_…, YOUR_TOKEN_HERE, <password>, xxxx, ${VAR} are not).',
  'demo-credential':
    'A short dictionary-like password of a service the lab runs (POSTGRES_PASSWORD: lab_demo) is shown to students: not a leak, unless you use it elsewhere.',
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
    const reason = errorText(error);
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
  const findings = new Findings(path);
  const lab = Private.readLab(file.record, file.cells, options, findings);
  const rawCells = (content as { cells: unknown[] }).cells;
  const budget = new Budget();
  file.cells.forEach((cell, index) =>
    checkCell(findings, lab, budget, index, cell, rawCells[index])
  );
  Private.checkUnused(findings, lab);
  return findings.result();
}

namespace Private {
  /**
   * With no declaration, a lab that names none of the preset's nodes has
   * the nodes its own text names, as the Terminals section reads them: a
   * lab about its `node-data` names no unknown node. A lab that uses the
   * preset's nodes keeps them, so a stray `node4` beside `node1` is a typo
   * worth a warning.
   */
  export function labNamedNodes(
    cells: IFileCell[],
    markers: RegExp[],
    presetNodes: string[]
  ): string[] {
    const inferred = inferNodes(cells, {
      markers,
      layout: presetNodes.map(name => ({ name, host: '', user: '' })),
      placeholders: []
    });
    const names = inferred.nodes?.map(n => n.name) ?? presetNodes;
    const preset = new Set(presetNodes.map(name => name.toLowerCase()));
    return names.some(name => preset.has(name.toLowerCase()))
      ? presetNodes
      : names;
  }

  export function readLab(
    record: unknown,
    cells: IFileCell[],
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
    const markers = [
      ...compileMarkers(options.markers ?? DEFAULT_MARKERS).patterns,
      ...wordings.patterns
    ];
    return {
      leaks,
      known: tokenPattern(definitions.placeholders.map(p => p.token)),
      markers,
      nodes:
        nodes.nodes?.map(n => n.name) ??
        labNamedNodes(cells, markers, options.presetNodes ?? DEFAULT_NODES),
      unused,
      unusedPattern: tokenPattern([...unused])
    };
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
}
