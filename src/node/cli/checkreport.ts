/// <reference types="node" />
/**
 * What jupyterlab-testbed-check prints: the findings as an aligned table,
 * what preparing did, what the rules found mean, and the JSON report.
 * Findings quote the lab's text and name its files, so everything from
 * the lab goes through `printable`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ICleanChanges } from '../../core/authoring/clean';
import { plural } from '../../core/authoring/findings';
import {
  ILintFinding,
  LintRule,
  RULE_MEANINGS
} from '../../core/authoring/lint';
import type { IPrepareReport } from '../../core/authoring/publish';
import { printable, safeJSON } from '../../core/invisible';
import { IArguments, NAME } from './checkargs';
import { errorText } from '../../core/helpers';

/** The widest a path is printed in the table. */
const MAX_WIDTH = 48;

/** What preparing did, the check of the result, and the verdict. */
export function prepareLines(
  args: IArguments,
  report: IPrepareReport,
  copyTo: string
): string[] {
  const result = printable(args.inPlace ? args.target! : args.prepare!);
  const lines = [
    args.inPlace
      ? `Cleaned ${result} in place; the originals are in ${printable(
          path.relative(process.cwd(), copyTo)
        )}.`
      : `Wrote a clean copy of ${printable(args.target!)} to ${result} (${plural(report.copied, 'file')}).`
  ];
  for (const notebook of report.notebooks) {
    lines.push(
      `  ${printable(notebook.path)}: ${printable(
        notebook.problem ?? describeChanges(notebook.changes!)
      )}`
    );
  }
  for (const { path, why } of report.skipped) {
    lines.push(`  skipped ${printable(path)}: ${printable(why)}`);
  }
  if (report.trovi) {
    lines.push(`  wrote trovi.json`);
  }
  lines.push(
    '',
    `Check of ${result}:`,
    ...findingLines(report.findings, report.notebooks.length),
    ...legend(report.findings),
    ''
  );
  const leaks = report.findings.filter(f => f.severity === 'leak').length;
  lines.push(
    report.clean
      ? `Clean: nothing of a student or of yours was found in ${result}.`
      : `NOT clean: ${
          leaks
            ? `${plural(leaks, 'leak')} left in ${result} (listed above)`
            : `parts of ${result} could not be cleaned or checked (listed above)`
        }; do not publish it as it is.`
  );
  return lines;
}

/** One notebook's changes as a phrase. */
function describeChanges(changes: ICleanChanges): string {
  const parts = [
    changes.restored && `${plural(changes.restored, 'filled cell')} restored`,
    changes.outputsCleared &&
      `${plural(changes.outputsCleared, 'output')} cleared`,
    changes.countsCleared &&
      `${plural(changes.countsCleared, 'execution count')} cleared`,
    changes.records &&
      `progress removed from ${plural(changes.records, 'cell')}`,
    changes.log && 'the notebook’s log removed',
    changes.otherMetadata &&
      `${plural(changes.otherMetadata, 'other run record')} removed`,
    changes.editedAfterFill.length &&
      `${plural(changes.editedAfterFill.length, 'cell')} edited after filling kept as they are (cell ${changes.editedAfterFill
        .map(cell => cell + 1)
        .join(', ')})`,
    changes.refusedTemplates.length &&
      `fill record refused in ${plural(changes.refusedTemplates.length, 'cell')}, kept as they are and not called clean (cell ${changes.refusedTemplates
        .map(refused => `${refused.cell + 1}: ${refused.why}`)
        .join('; ')})`
  ].filter((part): part is string => typeof part === 'string');
  return parts.length ? parts.join(', ') : 'already clean';
}

/** The findings by notebook, aligned, then the counts. */
export function findingLines(
  findings: ILintFinding[],
  notebooks: number
): string[] {
  const rows = findings.map(finding => [
    clip(finding.path),
    where(finding),
    finding.severity,
    finding.rule,
    printable(finding.message)
  ]);
  const widths = [0, 1, 2, 3].map(i =>
    Math.max(0, ...rows.map(row => row[i].length))
  );
  const lines: string[] = [];
  rows.forEach((row, i) => {
    if (i && findings[i - 1].path !== findings[i].path) {
      lines.push('');
    }
    lines.push(
      row
        .map((cell, column) =>
          column < widths.length ? cell.padEnd(widths[column]) : cell
        )
        .join('  ')
    );
  });
  const leaks = findings.filter(f => f.severity === 'leak').length;
  if (lines.length) {
    lines.push('');
  }
  lines.push(
    `${plural(leaks, 'leak')}, ${plural(
      findings.length - leaks,
      'warning'
    )} in ${plural(notebooks, 'notebook')}`
  );
  return lines;
}

function where(finding: ILintFinding): string {
  if (finding.cell === null) {
    return 'notebook';
  }
  const cell = `cell ${finding.cell + 1}`;
  if (finding.line !== null) {
    return `${cell}, line ${finding.line}`;
  }
  return `${cell}, ${finding.where}`;
}

/** What the rules found mean. */
export function legend(findings: ILintFinding[]): string[] {
  const rules = new Set<LintRule>(findings.map(finding => finding.rule));
  return (Object.keys(RULE_MEANINGS) as LintRule[])
    .filter(rule => rules.has(rule))
    .map(rule => `${rule}: ${RULE_MEANINGS[rule]}`);
}

/** The JSON report to a file or standard output; false when it failed. */
export function writeJSON(target: string, body: object): boolean {
  const text = `${safeJSON({ format: NAME, v: 1, ...body }, 2)}\n`;
  try {
    if (target === '-') {
      process.stdout.write(text);
    } else {
      fs.writeFileSync(target, text);
    }
    return true;
  } catch (error) {
    process.stderr.write(
      `${NAME}: cannot write: ${printable(errorText(error))}\n`
    );
    return false;
  }
}

function clip(text: string): string {
  const safe = printable(text);
  return safe.length > MAX_WIDTH ? `…${safe.slice(-(MAX_WIDTH - 1))}` : safe;
}
