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
import * as path from 'path';
import {
  ILintFinding,
  ILintOptions,
  isLeak,
  lintNotebookText
} from '../../core/authoring/lint';
import {
  IPrepareReport,
  isNotebook,
  lintFolder,
  prepareFolder,
  PrepareRefused
} from '../../core/authoring/publish';
import type { ITroviForm } from '../../core/authoring/trovi';
import {
  IArguments,
  NAME,
  parseArguments,
  readProfile,
  readTrovi,
  USAGE
} from './checkargs';
import { runCommand, UsageError } from './args';
import { findingLines, legend, prepareLines, writeJSON } from './checkreport';
import { publishFs } from './publishfs';
import { printable } from '../../core/invisible';
import { errorText } from '../../core/helpers';

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
        `${NAME}: cannot read ${printable(target)}: ${printable(errorText(error))}\n`
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
    const lint: ILintOptions = readProfile(args);
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
      `${NAME}: cannot read ${printable(target)}: ${printable(errorText(error))}\n`
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
    process.stderr.write(`${NAME}: ${printable(errorText(error))}\n`);
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

runCommand(NAME, main);
