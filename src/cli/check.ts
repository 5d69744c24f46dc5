#!/usr/bin/env node
/// <reference types="node" />
/**
 * jupyterlab-testbed-check: the lint of a lab (a folder or one notebook) on
 * the command line, for a pre-commit hook or CI, and "Prepare for
 * publishing" as a clean copy or in place. Exits with 1 when something
 * would leak, so a hook stops the commit.
 *
 * Findings quote the lab's text and name its files: control characters are
 * replaced before anything reaches the terminal.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ILintFinding,
  ILintOptions,
  isLeak,
  LintRule,
  lintNotebookText,
  RULE_MEANINGS
} from '../authoring/lint';
import { profileValues } from '../authoring/profile';
import type { ICleanChanges } from '../authoring/clean';
import {
  IPrepareReport,
  isNotebook,
  lintFolder,
  prepareFolder,
  PrepareRefused
} from '../authoring/publish';
import { ITroviForm, readTroviCrate } from '../authoring/trovi';
import { publishFs } from './publishfs';
import { printable } from './terminal';

const NAME = 'jupyterlab-testbed-check';

const USAGE = `Usage:
  ${NAME} <folder|notebook.ipynb> [--values <field>=<value>,...]
      [--profile <file>] [--nodes <name>,...] [--json <file>|-]
      [--prepare <new-folder> | --in-place --yes] [--trovi <form.json>]

Checks a lab's notebooks for what would leak or confuse students once it is
published: your own placeholder values, public addresses, project ids, keys,
passwords, e-mail addresses, outputs, execution counts, progress records,
undeclared tokens and nodes. Exits with 1 when something would leak, 2 on a
wrong command line, else 0.

Your values are those of --values and of your JupyterLab placeholder
settings: --profile, else <jupyter config>/lab/user-settings/
jupyterlab-testbed/placeholders.jupyterlab-settings when it exists.
--nodes names the lab's nodes when its notebooks declare none (default
node1,node2,node3). --json writes the findings as JSON (- for standard
output).

--prepare writes a clean copy of the folder into a new folder and checks
the copy: filled cells restored, outputs, execution counts and progress
records removed. --in-place --yes cleans the folder itself, after copying
the originals to <folder>.originals-<date>-<time> beside it. --trovi writes
trovi.json from a form: {"name", "shortDescription", "description",
"keywords": [...], "authors": [{"name", "affiliation", "email"}]}.

As a Git pre-commit hook of a lab's repository:
  printf '#!/bin/sh\\nexec ${NAME} .\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`;

/** The file of the placeholders plugin's settings below the settings folder. */
const SETTINGS_FILE = path.join(
  'jupyterlab-testbed',
  'placeholders.jupyterlab-settings'
);

/** The widest a path is printed in the table. */
const MAX_WIDTH = 48;

interface IArguments {
  target?: string;
  values: string[];
  profile?: string;
  nodes?: string[];
  json?: string;
  prepare?: string;
  inPlace: boolean;
  yes: boolean;
  trovi?: string;
  help: boolean;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArguments(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const target = args.target!;
    let stats: fs.Stats;
    try {
      stats = fs.statSync(target);
    } catch (error) {
      process.stderr.write(
        `${NAME}: cannot read ${printable(target)}: ${printable(reason(error))}\n`
      );
      return 1;
    }
    const prepared = args.prepare !== undefined || args.inPlace;
    if (!stats.isDirectory()) {
      if (!stats.isFile() || !isNotebook(target)) {
        throw new UsageError(
          `${target} is neither a folder nor a .ipynb notebook`
        );
      }
      if (prepared) {
        throw new UsageError('--prepare and --in-place take a folder');
      }
    }
    const trovi = args.trovi === undefined ? undefined : readTrovi(args.trovi);
    const lint: ILintOptions = { profileValues: readProfile(args) };
    if (args.nodes) {
      lint.presetNodes = args.nodes;
    }
    return prepared
      ? await prepare(args, lint, trovi)
      : await check(args, lint, stats.isDirectory());
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `${NAME}: ${printable(error.message)}\n\n${USAGE}\n`
      );
      return 2;
    }
    throw error;
  }
}

function parseArguments(argv: string[]): IArguments {
  const args: IArguments = {
    values: [],
    inPlace: false,
    yes: false,
    help: false
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || (next.startsWith('--') && next !== '-')) {
        throw new UsageError(`${arg} needs a value`);
      }
      return next;
    };
    switch (arg) {
      case '--values':
        args.values.push(...parseValues(value()));
        break;
      case '--profile':
        args.profile = value();
        break;
      case '--nodes': {
        const nodes = value()
          .split(',')
          .map(node => node.trim())
          .filter(node => node);
        if (!nodes.length) {
          throw new UsageError('--nodes needs at least one name');
        }
        args.nodes = nodes;
        break;
      }
      case '--json':
        args.json = value();
        break;
      case '--prepare':
        args.prepare = value();
        break;
      case '--in-place':
        args.inPlace = true;
        break;
      case '--yes':
        args.yes = true;
        break;
      case '--trovi':
        args.trovi = value();
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') {
          throw new UsageError(`unknown option ${arg}`);
        }
        positional.push(arg);
    }
  }
  if (args.help) {
    return args;
  }
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length
        ? 'one folder or notebook at a time'
        : 'which folder or notebook?'
    );
  }
  args.target = positional[0];
  if (args.prepare !== undefined && args.inPlace) {
    throw new UsageError('either --prepare or --in-place, not both');
  }
  if (args.inPlace && !args.yes) {
    throw new UsageError(
      `--in-place rewrites the notebooks of ${args.target} (the originals are first copied beside it): add --yes to confirm`
    );
  }
  if (args.yes && !args.inPlace) {
    throw new UsageError('--yes confirms --in-place');
  }
  if (args.trovi !== undefined && args.prepare === undefined && !args.inPlace) {
    throw new UsageError('--trovi goes with --prepare or --in-place');
  }
  return args;
}

/** `netID=ff524,project=CHI-231095`: the values, the fields only name them. */
function parseValues(text: string): string[] {
  return text
    .split(',')
    .filter(pair => pair.trim())
    .map(pair => {
      const equals = pair.indexOf('=');
      if (equals < 1) {
        throw new UsageError(
          `--values takes <field>=<value> pairs separated by commas, not “${pair}”`
        );
      }
      return pair.slice(equals + 1).trim();
    })
    .filter(value => value);
}

/**
 * The author's values: --values, and the placeholder settings of --profile
 * or of the user's JupyterLab when that file exists.
 */
function readProfile(args: IArguments): string[] {
  const file = args.profile ?? defaultProfile();
  const values = [...args.values];
  if (file !== null) {
    let settings: unknown;
    try {
      settings = JSON.parse(withoutComments(fs.readFileSync(file, 'utf-8')));
    } catch (error) {
      throw new UsageError(
        `cannot read the settings ${file}: ${reason(error)}`
      );
    }
    const found = profileValues(settings);
    process.stderr.write(
      `${NAME}: ${found.length} value(s) of yours read from ${printable(file)}\n`
    );
    values.push(...found);
  } else if (!values.length) {
    process.stderr.write(
      `${NAME}: no values of yours to look for (no placeholder settings found; use --values or --profile)\n`
    );
  }
  return [...new Set(values)];
}

/** The user's placeholder settings, where JupyterLab keeps them, if any. */
function defaultProfile(): string | null {
  const settingsDir =
    process.env.JUPYTERLAB_SETTINGS_DIR ||
    path.join(
      process.env.JUPYTER_CONFIG_DIR || path.join(os.homedir(), '.jupyter'),
      'lab',
      'user-settings'
    );
  const file = path.join(settingsDir, SETTINGS_FILE);
  return fs.existsSync(file) ? file : null;
}

/**
 * JupyterLab settings files allow comments and trailing commas: remove
 * them outside of strings so that JSON.parse reads the rest.
 */
function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          i++;
        }
      }
      out += text.slice(start, i + 1);
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else if (char === ',' && /^\s*[}\]]/.test(text.slice(i + 1, i + 200))) {
      out += ' ';
    } else {
      out += char;
    }
  }
  return out;
}

/** A Trovi form, or an existing trovi.json to take the form from. */
function readTrovi(file: string): ITroviForm {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (error) {
    throw new UsageError(
      `cannot read the Trovi form ${file}: ${reason(error)}`
    );
  }
  const form = readTroviCrate(value) ?? Private.troviForm(value);
  if (!form) {
    throw new UsageError(
      `${file} is not a Trovi form: it is not a JSON object`
    );
  }
  return form;
}

/** Lint a folder or one notebook, and print or write the findings. */
async function check(
  args: IArguments,
  lint: ILintOptions,
  isFolder: boolean
): Promise<number> {
  const target = args.target!;
  let result: { findings: ILintFinding[]; notes: string[]; notebooks: number };
  try {
    if (isFolder) {
      result = await lintFolder(publishFs(target), '', lint);
    } else {
      const name = path.basename(target);
      const text = await publishFs(path.dirname(target)).readText(name);
      result = {
        findings: lintNotebookText(text, name, lint),
        notes: [],
        notebooks: 1
      };
    }
  } catch (error) {
    process.stderr.write(
      `${NAME}: cannot read ${printable(target)}: ${printable(reason(error))}\n`
    );
    return 1;
  }
  const leak = isLeak(result.findings);
  if (args.json !== undefined) {
    const written = writeJSON(args.json, {
      checked: target,
      notebooks: result.notebooks,
      clean: !leak,
      findings: result.findings,
      notes: result.notes,
      prepared: null
    });
    if (!written) {
      return 1;
    }
  }
  if (args.json !== '-') {
    process.stdout.write(
      `${[
        ...findingLines(result.findings, result.notebooks),
        ...result.notes.map(note => `note: ${printable(note)}`),
        ...legend(result.findings)
      ].join('\n')}\n`
    );
  }
  return leak ? 1 : 0;
}

/** Prepare a clean copy or clean in place; 1 when the result still leaks. */
async function prepare(
  args: IArguments,
  lint: ILintOptions,
  trovi: ITroviForm | undefined
): Promise<number> {
  // Links the user named are followed here, once: inside, never.
  const real = (file: string) => {
    try {
      return path.join(
        fs.realpathSync(path.dirname(file)),
        path.basename(file)
      );
    } catch {
      return file;
    }
  };
  const source = fs.realpathSync(args.target!);
  const copyTo = args.inPlace
    ? `${source}.originals-${stamp(new Date())}`
    : real(path.resolve(args.prepare!));
  // The file system's view: the nearest folder holding both, so that
  // paths inside it never need `..`.
  const root = commonFolder(source, copyTo);
  const inView = (file: string) =>
    path.relative(root, file).split(path.sep).join('/');
  let report: IPrepareReport;
  try {
    report = await prepareFolder(publishFs(root), {
      source: inView(source),
      target: inView(copyTo),
      inPlace: args.inPlace ? { backup: inView(copyTo) } : undefined,
      lint,
      trovi
    });
  } catch (error) {
    process.stderr.write(`${NAME}: ${printable(reason(error))}\n`);
    return error instanceof PrepareRefused ? 2 : 1;
  }
  const result = args.inPlace ? args.target! : args.prepare!;
  if (args.json !== undefined) {
    const written = writeJSON(args.json, {
      checked: result,
      notebooks: report.notebooks.length,
      clean: report.clean,
      findings: report.findings,
      notes: report.skipped.map(({ path, why }) => `${path}: ${why}`),
      prepared: {
        ...report,
        folder: result,
        backup: args.inPlace ? path.relative(process.cwd(), copyTo) : null
      }
    });
    if (!written) {
      return 1;
    }
  }
  if (args.json !== '-') {
    process.stdout.write(`${prepareLines(args, report, copyTo).join('\n')}\n`);
  }
  return report.clean ? 0 : 1;
}

/** What preparing did, the check of the result, and the verdict. */
function prepareLines(
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
        .join(', ')})`
  ].filter((part): part is string => typeof part === 'string');
  return parts.length ? parts.join(', ') : 'already clean';
}

/** The findings by notebook, aligned, then the counts. */
function findingLines(findings: ILintFinding[], notebooks: number): string[] {
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
function legend(findings: ILintFinding[]): string[] {
  const rules = new Set<LintRule>(findings.map(finding => finding.rule));
  return (Object.keys(RULE_MEANINGS) as LintRule[])
    .filter(rule => rules.has(rule))
    .map(rule => `${rule}: ${RULE_MEANINGS[rule]}`);
}

/** The JSON report to a file or standard output; false when it failed. */
function writeJSON(target: string, body: object): boolean {
  const text = `${JSON.stringify({ format: NAME, v: 1, ...body }, null, 2)}\n`;
  try {
    if (target === '-') {
      process.stdout.write(text);
    } else {
      fs.writeFileSync(target, text);
    }
    return true;
  } catch (error) {
    process.stderr.write(
      `${NAME}: cannot write: ${printable(reason(error))}\n`
    );
    return false;
  }
}

/** The deepest folder holding both paths (absolute). */
function commonFolder(a: string, b: string): string {
  const first = a.split(path.sep);
  const second = b.split(path.sep);
  let shared = 0;
  while (
    shared < first.length - 1 &&
    shared < second.length - 1 &&
    first[shared] === second[shared]
  ) {
    shared++;
  }
  return first.slice(0, shared).join(path.sep) || path.sep;
}

/** Local time as `YYYYMMDD-HHMMSS`. */
function stamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-` +
    `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clip(text: string): string {
  const safe = printable(text);
  return safe.length > MAX_WIDTH ? `…${safe.slice(-(MAX_WIDTH - 1))}` : safe;
}

namespace Private {
  /** The fields of a form written by hand; anything else is left empty. */
  export function troviForm(value: unknown): ITroviForm | null {
    if (!isObject(value)) {
      return null;
    }
    const text = (field: unknown) => (typeof field === 'string' ? field : '');
    const list = (field: unknown) => (Array.isArray(field) ? field : []);
    return {
      name: text(value.name),
      shortDescription: text(value.shortDescription),
      description: text(value.description),
      keywords: list(value.keywords).filter(
        (keyword): keyword is string => typeof keyword === 'string'
      ),
      authors: list(value.authors)
        .filter(isObject)
        .map(author => ({
          name: text(author.name),
          affiliation: text(author.affiliation),
          email: text(author.email)
        }))
    };
  }

  function isObject(value: unknown): value is { [key: string]: unknown } {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(
      `${NAME}: ${error instanceof Error ? error.stack : error}\n`
    );
    process.exitCode = 1;
  }
);
