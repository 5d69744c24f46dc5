/**
 * Preparing a lab folder for publishing: a clean copy (or the folder itself,
 * after a backup), then the lint of the result. The file system is behind
 * `IPublishFs`: JupyterLab's contents manager in the browser, Node's `fs` on
 * the command line.
 *
 * Nothing of the author's work is lost: files that are not notebooks are
 * copied byte for byte, a notebook that cannot be cleaned is copied as it is
 * (the lint says why), links are never followed, and every file left out is
 * named with the reason.
 */
import { DEFAULT_MAX_BYTES } from '../grading/reader';
import { errorText } from '../helpers';
import { safeJSON } from '../invisible';
import { refreshCheckpoints } from './checkpoints';
import { cleanNotebookText, ICleanChanges } from './clean';
import { ILintFinding, ILintOptions, isLeak, lintNotebookText } from './lint';
import { checkTroviForm, ITroviForm, TROVI_FILE, troviCrate } from './trovi';
import type { KnownValues } from './profile';
import { IFolderWalk, IPublishFs, join, leftInPlace, walkFolder } from './walk';

// The file system's interface is defined with the walk that lists it.
export type { IPublishFs, IPublishItem } from './walk';

export interface IPrepareOptions {
  /** The lab folder (path in the fs's view). */
  source: string;
  /** A new folder for the clean copy; must not exist. Ignored with `inPlace`. */
  target: string;
  /** Clean the folder itself; the originals are first copied to `backup` (must not exist). */
  inPlace?: { backup: string };
  lint: ILintOptions;
  /** Written as trovi.json at the target's root when given (valid form). */
  trovi?: ITroviForm;
}

export interface IPrepareReport {
  /** Where the clean lab is. */
  folder: string;
  backup: string | null;
  notebooks: {
    path: string;
    changes: ICleanChanges | null;
    problem?: string;
  }[];
  /** Files written to the copy, notebooks included, or to the backup in place. */
  copied: number;
  /** Links (never followed), special files, checkpoints, oversized or unreadable files, with why. */
  skipped: { path: string; why: string }[];
  findings: ILintFinding[];
  /** No leak found in the result. */
  clean: boolean;
  trovi: boolean;
}

/**
 * Why `prepareFolder` would not start: the request itself is wrong (the
 * target exists, lies inside the lab, the form is invalid). Nothing was
 * written.
 */
export class PrepareRefused extends Error {}

/**
 * Lint every notebook of a folder. Paths of findings are relative to it;
 * `notes` name what was not looked at and why; `notebooks` counts the
 * notebooks checked.
 */
export async function lintFolder(
  fs: IPublishFs,
  folder: string,
  options: ILintOptions
): Promise<{ findings: ILintFinding[]; notes: string[]; notebooks: number }> {
  const walk = await walkFolder(fs, folder);
  const findings: ILintFinding[] = [];
  let notebooks = 0;
  for (const file of walk.files) {
    if (!isNotebook(file.path)) {
      continue;
    }
    notebooks++;
    if (file.size !== null && file.size > DEFAULT_MAX_BYTES) {
      findings.push(Private.unreadable(file.path, Private.TOO_LARGE));
      continue;
    }
    let text: string;
    try {
      text = await fs.readText(join(folder, file.path));
    } catch (error) {
      findings.push(Private.unreadable(file.path, errorText(error)));
      continue;
    }
    findings.push(...lintNotebookText(text, file.path, options));
  }
  return {
    findings,
    notes: walk.skipped.map(({ path, why }) => `${path}: ${why}`),
    notebooks
  };
}

/**
 * Make a clean copy of a lab folder (or clean it in place after a backup),
 * write trovi.json when a form is given, and lint the result.
 *
 * Rejects with `PrepareRefused`, before writing anything, when the target
 * or backup exists or lies inside the lab, or the form is invalid; rejects
 * when the lab cannot be listed.
 */
export async function prepareFolder(
  fs: IPublishFs,
  options: IPrepareOptions
): Promise<IPrepareReport> {
  const source = trimSlashes(options.source);
  const inPlace = options.inPlace !== undefined;
  const copyTo = trimSlashes(
    inPlace ? options.inPlace!.backup : options.target
  );
  await Private.checkRequest(fs, source, copyTo, inPlace, options.trovi);
  let walk: IFolderWalk;
  try {
    walk = await walkFolder(fs, source);
  } catch (error) {
    throw new Error(
      `The lab folder ${source || '(the root)'} cannot be listed: ${errorText(error)}`
    );
  }
  const report: IPrepareReport = {
    folder: inPlace ? source : copyTo,
    backup: inPlace ? copyTo : null,
    notebooks: [],
    copied: 0,
    skipped: inPlace ? walk.skipped.map(leftInPlace) : walk.skipped,
    findings: [],
    clean: false,
    trovi: false
  };
  const writer = new Private.Writer(
    fs,
    source,
    copyTo,
    report,
    options.lint.knownValues ?? {}
  );
  await writer.makeFolders(walk.folders);
  const troviGiven = options.trovi !== undefined;
  for (const file of walk.files) {
    if (troviGiven && file.path === TROVI_FILE && !inPlace) {
      continue;
    }
    if (file.size !== null && file.size > DEFAULT_MAX_BYTES) {
      report.skipped.push({
        path: file.path,
        why: `${Private.TOO_LARGE}; ${inPlace ? 'not backed up, left as it is' : 'not copied'}`
      });
    } else if (inPlace) {
      await writer.backUpAndClean(file.path);
    } else {
      await writer.copy(file.path);
    }
  }
  let checkpointsLeft = false;
  if (inPlace) {
    const left = await refreshCheckpoints(
      fs,
      source,
      walk.checkpoints,
      new Set(walk.files.map(file => file.path))
    );
    report.skipped = [
      ...report.skipped.filter(skip => !walk.checkpoints.includes(skip.path)),
      ...left
    ];
    checkpointsLeft = left.length > 0;
  }
  if (troviGiven) {
    report.trovi = await writer.writeTrovi(options.trovi!);
  }
  const lint = await lintFolder(fs, report.folder, options.lint);
  report.findings = lint.findings;
  // In place, what the walk left out stays in the lab, unchecked.
  const leftBehind = inPlace && (!walk.complete || checkpointsLeft);
  // A refused template keeps a cell as someone wrote it, unexplained.
  const refused = report.notebooks.some(
    notebook => notebook.changes?.refusedTemplates.length
  );
  report.clean =
    !isLeak(lint.findings) && !writer.failed && !leftBehind && !refused;
  return report;
}

/** Whether a path names a notebook. */
export function isNotebook(path: string): boolean {
  return path.toLowerCase().endsWith('.ipynb');
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

namespace Private {
  export const TOO_LARGE = `larger than ${DEFAULT_MAX_BYTES / 1024 / 1024} MB`;

  /** The finding for a notebook the lint could not read. */
  export function unreadable(path: string, reason: string): ILintFinding {
    return {
      rule: 'metadata',
      // It could hold anything: it is not called clean unchecked.
      severity: 'leak',
      path,
      cell: null,
      line: null,
      where: 'metadata',
      message: `The notebook could not be read (${reason}), so it was not checked.`
    };
  }

  /** Refuse a request that would overwrite, nest or publish a bad form. */
  export async function checkRequest(
    fs: IPublishFs,
    source: string,
    copyTo: string,
    inPlace: boolean,
    trovi: ITroviForm | undefined
  ): Promise<void> {
    const kind = inPlace ? 'backup folder' : 'target folder';
    if (trovi) {
      const problems = checkTroviForm(trovi);
      if (problems.length) {
        throw new PrepareRefused(
          `The Trovi form is not complete: ${problems.join(' ')}`
        );
      }
    }
    if (!copyTo) {
      throw new PrepareRefused(`No ${kind} was given.`);
    }
    if (!source || copyTo === source || copyTo.startsWith(`${source}/`)) {
      throw new PrepareRefused(
        `The ${kind} ${copyTo} is inside the lab folder ${source || '(the root)'}: it would be copied into itself and published with it.`
      );
    }
    if (await fs.exists(copyTo)) {
      throw new PrepareRefused(
        `The ${kind} ${copyTo} already exists: choose a new name, nothing is written over.`
      );
    }
  }

  /** Copies, cleans and backs up files, recording each outcome in the report. */
  export class Writer {
    constructor(
      private fs: IPublishFs,
      private source: string,
      private copyTo: string,
      private report: IPrepareReport,
      private known: KnownValues
    ) {}

    /**
     * Whether a notebook in place could not be cleaned: it is published as
     * the student left it, whatever the lint could tell from it.
     */
    failed = false;

    /** The copy's root and folders; a folder that fails is skipped with its files. */
    async makeFolders(folders: string[]): Promise<void> {
      await this.fs.makeDir(this.copyTo);
      for (const folder of folders) {
        try {
          await this.fs.makeDir(join(this.copyTo, folder));
        } catch (error) {
          this.report.skipped.push({
            path: folder,
            why: `could not be made in ${this.copyTo} (${errorText(error)})`
          });
        }
      }
    }

    /** A file into the clean copy: a notebook cleaned, anything else as it is. */
    async copy(path: string): Promise<void> {
      const from = join(this.source, path);
      const to = join(this.copyTo, path);
      if (!isNotebook(path)) {
        await this.copyAsIs(path, from, to);
        return;
      }
      let text: string;
      try {
        text = await this.fs.readText(from);
      } catch (error) {
        const why = `could not be read (${errorText(error)}); not copied`;
        this.notebookProblem(path, why);
        this.report.skipped.push({ path, why });
        return;
      }
      const cleaned = cleanNotebookText(text, this.known);
      if (cleaned.text === null) {
        this.notebookProblem(
          path,
          `${cleaned.problem ?? 'not a notebook'}; copied as it is`
        );
        await this.copyAsIs(path, from, to);
        return;
      }
      try {
        await this.fs.writeText(to, cleaned.text);
        this.report.copied++;
        this.report.notebooks.push({ path, changes: cleaned.changes });
      } catch (error) {
        const why = `the clean copy could not be written (${errorText(error)})`;
        this.notebookProblem(path, why);
        this.report.skipped.push({ path, why });
      }
    }

    /**
     * In place: the original into the backup first; a notebook is cleaned
     * only once its original is safe.
     */
    async backUpAndClean(path: string): Promise<void> {
      const original = join(this.source, path);
      try {
        await this.fs.copyFile(original, join(this.copyTo, path));
        this.report.copied++;
      } catch (error) {
        const why = `could not be backed up (${errorText(error)})`;
        if (isNotebook(path)) {
          this.failed = true;
          this.notebookProblem(path, `${why}; not cleaned`);
        } else {
          this.report.skipped.push({ path, why: `${why}; left as it is` });
        }
        return;
      }
      if (!isNotebook(path)) {
        return;
      }
      let text: string;
      try {
        text = await this.fs.readText(original);
      } catch (error) {
        this.failed = true;
        this.notebookProblem(path, `could not be read (${errorText(error)})`);
        return;
      }
      const cleaned = cleanNotebookText(text, this.known);
      if (cleaned.text === null) {
        this.notebookProblem(
          path,
          `${cleaned.problem ?? 'not a notebook'}; left as it is`
        );
        return;
      }
      if (cleaned.text !== text) {
        try {
          await this.fs.writeText(original, cleaned.text);
        } catch (error) {
          this.failed = true;
          this.notebookProblem(
            path,
            `could not be written (${errorText(error)}); left as it was`
          );
          return;
        }
      }
      this.report.notebooks.push({ path, changes: cleaned.changes });
    }

    /** trovi.json at the result's root; whether it was written. */
    async writeTrovi(form: ITroviForm): Promise<boolean> {
      const text = `${safeJSON(troviCrate(form), 2)}\n`;
      try {
        await this.fs.writeText(join(this.report.folder, TROVI_FILE), text);
        return true;
      } catch (error) {
        this.report.skipped.push({
          path: TROVI_FILE,
          why: `could not be written (${errorText(error)})`
        });
        return false;
      }
    }

    private async copyAsIs(
      path: string,
      from: string,
      to: string
    ): Promise<void> {
      try {
        await this.fs.copyFile(from, to);
        this.report.copied++;
      } catch (error) {
        this.report.skipped.push({
          path,
          why: `could not be copied (${errorText(error)})`
        });
      }
    }

    private notebookProblem(path: string, problem: string): void {
      this.report.notebooks.push({ path, changes: null, problem });
    }
  }
}
