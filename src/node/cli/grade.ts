#!/usr/bin/env node
/// <reference types="node" />
/**
 * jupyterlab-testbed-grade: the class overview on the command line, for a
 * folder of handed-in notebooks, as a table or as CSV or JSON. It also writes
 * sample class folders to try it on.
 *
 * Student and notebook names come from file names and go to a terminal:
 * control characters are replaced, so a name cannot move the cursor, change
 * the window title or hide text.
 */
import * as fs from 'fs';
import { DEFAULT_OUTLINE_OPTIONS } from '../../core/progress/outline';
import { EXTENSION_VERSION } from '../../core/version';
import { FLAG_MEANINGS } from '../../core/grading/evidence';
import { readClass } from '../../core/grading/reader';
import {
  writeSampleClass,
  SampleLayout,
  ISampleOptions
} from '../grading/samples';
import {
  classTable,
  filterRows,
  flagKindCounts,
  IClassRow,
  toCSV,
  toJSON
} from '../../core/grading/table';
import { FLAG_KINDS, FlagKind } from '../../core/grading/types';
import { commandLine, runCommand, UsageError } from './args';
import { fileSystemSource } from './fssource';
import { printable } from '../../core/invisible';
import { errorText } from '../../core/helpers';

const NAME = 'jupyterlab-testbed-grade';

const USAGE = `Usage:
  ${NAME} <folder> [--csv <file>|-] [--json <file>|-] [--flagged]
  ${NAME} --sample <folder> [--students <n>] [--cells <n>]
      [--layout nbgrader|per-student|flat] [--hostile] [--huge] [--seed <n>]

Reads a folder of handed-in notebooks (an nbgrader course or its submitted/
folder, one folder per student, or a flat folder of <student>_<notebook>.ipynb)
and prints each student's progress and the flags where a notebook's record
disagrees with the notebook. --csv and --json write the class instead (- for
standard output); --flagged keeps the students with flags. --sample writes a
sample class into an empty or new folder.`;

const LAYOUTS: SampleLayout[] = ['nbgrader', 'per-student', 'flat'];

/** The widest a name is printed. */
const MAX_WIDTH = 32;

interface IArguments {
  folder?: string;
  csv?: string;
  json?: string;
  flagged: boolean;
  sample?: string;
  sampleOptions: ISampleOptions;
  help: boolean;
}

async function main(argv: string[]): Promise<number> {
  let args: IArguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${NAME}: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.sample !== undefined) {
    return writeSample(args.sample, args.sampleOptions);
  }
  return grade(args);
}

function parseArguments(argv: string[]): IArguments {
  const args: IArguments = { flagged: false, sampleOptions: {}, help: false };
  const positional: string[] = [];
  for (const { arg, value } of commandLine(argv)) {
    switch (arg) {
      case '--csv':
        args.csv = value();
        break;
      case '--json':
        args.json = value();
        break;
      case '--flagged':
        args.flagged = true;
        break;
      case '--sample':
        args.sample = value();
        break;
      case '--students':
        args.sampleOptions.students = count(arg, value());
        break;
      case '--seed':
        args.sampleOptions.seed = count(arg, value());
        break;
      case '--cells':
        args.sampleOptions.cells = count(arg, value());
        break;
      case '--layout': {
        const layout = value() as SampleLayout;
        if (!LAYOUTS.includes(layout)) {
          throw new UsageError(`--layout must be one of ${LAYOUTS.join(', ')}`);
        }
        args.sampleOptions.layout = layout;
        break;
      }
      case '--hostile':
        args.sampleOptions.hostile = true;
        break;
      case '--huge':
        args.sampleOptions.huge = true;
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
  if (args.sample !== undefined) {
    if (positional.length || args.csv || args.json || args.flagged) {
      throw new UsageError('--sample takes no folder to read and no output');
    }
    return args;
  }
  if (Object.keys(args.sampleOptions).length) {
    throw new UsageError(
      '--students, --cells, --layout, --hostile, --huge and --seed go with --sample'
    );
  }
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length ? 'one folder at a time' : 'which folder?'
    );
  }
  if (args.csv === '-' && args.json === '-') {
    throw new UsageError('only one of --csv and --json can be -');
  }
  args.folder = positional[0];
  return args;
}

function count(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 100000) {
    throw new UsageError(`${option} must be a whole number from 1 to 100000`);
  }
  return value;
}

function writeSample(folder: string, options: ISampleOptions): number {
  if (fs.existsSync(folder) && fs.readdirSync(folder).length) {
    process.stderr.write(`${NAME}: ${folder} is not empty\n`);
    return 2;
  }
  const sample = writeSampleClass(folder, options);
  process.stdout.write(
    `Wrote ${sample.files.length} files (${Object.keys(sample.expected).length} handed-in notebooks) to ${folder}\n`
  );
  return 0;
}

async function grade(args: IArguments): Promise<number> {
  const folder = args.folder!;
  const progress = process.stderr.isTTY
    ? (read: number, total: number) =>
        process.stderr.write(`\rread ${read} of ${total}`)
    : null;
  let result;
  try {
    result = await readClass(
      fileSystemSource(folder),
      { ...DEFAULT_OUTLINE_OPTIONS, version: EXTENSION_VERSION },
      (_, read, total) => progress?.(read, total)
    );
  } catch (error) {
    const reason = errorText(error);
    process.stderr.write(
      `${NAME}: cannot read ${printable(folder)}: ${printable(reason)}\n`
    );
    return 1;
  } finally {
    if (progress) {
      process.stderr.write('\r\u001b[K');
    }
  }
  const table = classTable(result.entries);
  const rows = args.flagged
    ? filterRows(table.rows, { flaggedOnly: true })
    : table.rows;
  const entries = rows.flatMap(row => [...row.entries.values()]);
  try {
    if (args.csv !== undefined) {
      output(args.csv, toCSV(entries));
    }
    if (args.json !== undefined) {
      output(args.json, `${toJSON(entries)}\n`);
    }
  } catch (error) {
    const reason = errorText(error);
    process.stderr.write(`${NAME}: cannot write: ${printable(reason)}\n`);
    return 1;
  }
  if (args.csv !== undefined || args.json !== undefined) {
    return 0;
  }
  const lines = [
    ...(result.entries.length
      ? formatTable(table.notebooks, rows)
      : [`No notebooks in ${printable(folder)}.`]),
    '',
    `${result.layout.kind} layout: ${table.rows.length} student(s), ${result.entries.length} notebook(s), ${result.layout.ignored.length} other file(s) ignored`,
    ...result.notes.map(note => `note: ${printable(note)}`),
    ...legend(rows)
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function output(target: string, text: string): void {
  if (target === '-') {
    process.stdout.write(text);
  } else {
    fs.writeFileSync(target, text);
  }
}

/** The rows as aligned text: per notebook, steps done of all. */
function formatTable(notebooks: string[], rows: IClassRow[]): string[] {
  const header = [
    'student',
    ...notebooks,
    'errors',
    'flags',
    'last activity',
    'notes'
  ];
  const cells = rows.map(row => [
    row.student,
    ...notebooks.map(notebook => {
      const summary = row.entries.get(notebook)?.summary;
      if (!summary) {
        return '-';
      }
      return summary.problem
        ? 'unreadable'
        : `${summary.done}/${summary.total}`;
    }),
    String(row.errors),
    String(row.flags),
    row.last ?? '-',
    notes(row)
  ]);
  const table = [header, ...cells].map(line =>
    line.map((cell, i) =>
      i === line.length - 1 ? printable(cell) : clip(cell)
    )
  );
  const widths = header.map((_, i) =>
    Math.max(...table.map(line => line[i].length))
  );
  return table.map(line =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  );
}

/** Per notebook: why it could not be read, or its kinds of flags. */
function notes(row: IClassRow): string {
  return [...row.entries.entries()]
    .map(([notebook, { summary }]) => {
      const kinds = flagKindCounts(summary.flagKinds);
      const note = summary.problem ?? kinds;
      return note ? `${clip(notebook)}: ${note}` : '';
    })
    .filter(note => note)
    .join('; ');
}

/** What the flags shown mean. */
function legend(rows: IClassRow[]): string[] {
  const shown = (kind: FlagKind) =>
    rows.some(row =>
      [...row.entries.values()].some(({ summary }) => summary.flagKinds[kind])
    );
  return FLAG_KINDS.filter(shown).map(
    kind => `${kind}: ${FLAG_MEANINGS[kind]}`
  );
}

function clip(text: string): string {
  const safe = printable(text);
  return safe.length > MAX_WIDTH ? `${safe.slice(0, MAX_WIDTH - 1)}…` : safe;
}

runCommand(NAME, main);
