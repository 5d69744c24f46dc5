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
import {
  DEFAULT_MAX_BYTES,
  MAX_LIST_DEPTH,
  MAX_LIST_FILES
} from '../grading/reader';
import { cleanNotebookText, ICleanChanges } from './clean';
import { ILintFinding, ILintOptions, isLeak, lintNotebookText } from './lint';
import { checkTroviForm, ITroviForm, TROVI_FILE, troviCrate } from './trovi';

export interface IPublishItem {
  name: string;
  kind: 'file' | 'directory' | 'link' | 'other';
  size: number | null;
  /** Why the file system cannot copy it (a hidden file the server refuses). */
  why?: string;
}

export interface IPublishFs {
  /** '' is the root of the file system's view; rejects when unreadable. */
  list(path: string): Promise<IPublishItem[]>;
  readText(path: string): Promise<string>;
  /** Creates or overwrites. */
  writeText(path: string, text: string): Promise<void>;
  /** A byte-exact copy (binary files too). */
  copyFile(from: string, to: string): Promise<void>;
  makeDir(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
}

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

/** What a walk of a folder found, paths relative to it. */
export interface IFolderWalk {
  /** Folders to enter, parents before children. */
  folders: string[];
  files: { path: string; size: number | null }[];
  skipped: { path: string; why: string }[];
  /** False when a folder could not be listed or a limit left files out. */
  complete: boolean;
}

/** Folders never entered, and why. */
const SKIPPED_FOLDERS = new Map([
  [
    '.ipynb_checkpoints',
    'JupyterLab’s checkpoints (autosaved copies that may hold a student’s work); not entered'
  ],
  ['.git', 'a Git folder; a copy for publishing does not carry it']
]);

/** The same folders, when the lab is cleaned in place: they stay in it. */
const IN_PLACE_FOLDERS = new Map([
  [
    '.ipynb_checkpoints',
    'JupyterLab’s checkpoints (autosaved copies that may hold a student’s work): not cleaned; delete the folder before publishing'
  ],
  ['.git', 'a Git folder; not backed up, left as it is']
]);

/**
 * Walk a folder breadth first, within MAX_LIST_DEPTH and MAX_LIST_FILES.
 * Links and special files are named, never followed; hidden files other
 * than checkpoints and `.git` are kept (a lab's `.gitignore` is the author's).
 *
 * Rejects when the folder itself cannot be listed.
 */
export async function walkFolder(
  fs: IPublishFs,
  root: string
): Promise<IFolderWalk> {
  const walk: IFolderWalk = {
    folders: [],
    files: [],
    skipped: [],
    complete: true
  };
  let level = [''];
  for (let depth = 0; level.length; depth++) {
    const below: string[] = [];
    for (const folder of level) {
      if (depth > MAX_LIST_DEPTH) {
        walk.complete = false;
        walk.skipped.push({
          path: folder,
          why: `more than ${MAX_LIST_DEPTH} folders deep; not entered`
        });
        continue;
      }
      let items: IPublishItem[];
      try {
        items = await fs.list(join(root, folder));
      } catch (error) {
        if (!folder) {
          throw error;
        }
        walk.complete = false;
        walk.skipped.push({
          path: folder,
          why: `could not be listed (${message(error)})`
        });
        continue;
      }
      if (folder) {
        walk.folders.push(folder);
      }
      items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const item of items) {
        const path = join(folder, item.name);
        const why = Private.skipReason(item);
        if (why) {
          walk.skipped.push({ path, why });
        } else if (item.kind === 'directory') {
          below.push(path);
        } else if (walk.files.length < MAX_LIST_FILES) {
          walk.files.push({ path, size: item.size });
        } else {
          walk.complete = false;
          walk.skipped.push({
            path,
            why: `more than ${MAX_LIST_FILES} files: this one and the ones after it were left out`
          });
          return walk;
        }
      }
    }
    level = below;
  }
  return walk;
}

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
      findings.push(Private.unreadable(file.path, message(error)));
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
      `The lab folder ${source || '(the root)'} cannot be listed: ${message(error)}`
    );
  }
  const report: IPrepareReport = {
    folder: inPlace ? source : copyTo,
    backup: inPlace ? copyTo : null,
    notebooks: [],
    copied: 0,
    skipped: inPlace ? walk.skipped.map(Private.leftInPlace) : walk.skipped,
    findings: [],
    clean: false,
    trovi: false
  };
  const writer = new Private.Writer(fs, source, copyTo, report);
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
  if (troviGiven) {
    report.trovi = await writer.writeTrovi(options.trovi!);
  }
  const lint = await lintFolder(fs, report.folder, options.lint);
  report.findings = lint.findings;
  // In place, what the walk left out stays in the lab, unchecked, and
  // checkpoints hold the notebooks as the student last saved them.
  const leftBehind =
    inPlace &&
    (!walk.complete ||
      walk.skipped.some(
        ({ why }) => why === SKIPPED_FOLDERS.get('.ipynb_checkpoints')
      ));
  report.clean = !isLeak(lint.findings) && !writer.failed && !leftBehind;
  return report;
}

/** Whether a path names a notebook. */
export function isNotebook(path: string): boolean {
  return path.toLowerCase().endsWith('.ipynb');
}

function join(folder: string, name: string): string {
  return folder ? (name ? `${folder}/${name}` : folder) : name;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

namespace Private {
  export const TOO_LARGE = `larger than ${DEFAULT_MAX_BYTES / 1024 / 1024} MB`;

  /** Why a listed item is not walked or copied, or null. */
  export function skipReason(item: IPublishItem): string | null {
    if (!item.name || item.name === '.' || item.name === '..') {
      return 'a name that is not a file name';
    }
    if (/[/\\]/.test(item.name)) {
      return 'a name with a slash; not copied';
    }
    if (item.kind === 'directory' && SKIPPED_FOLDERS.has(item.name)) {
      return SKIPPED_FOLDERS.get(item.name)!;
    }
    if (item.why) {
      return item.why;
    }
    switch (item.kind) {
      case 'link':
        return 'a link; not followed';
      case 'other':
        return 'a special file (not a file or a folder); not copied';
      case 'directory':
        return SKIPPED_FOLDERS.get(item.name) ?? null;
      default:
        return null;
    }
  }

  /** In place, what is not copied stays in the published folder: say so. */
  export function leftInPlace(skipped: { path: string; why: string }): {
    path: string;
    why: string;
  } {
    const name = skipped.path.slice(skipped.path.lastIndexOf('/') + 1);
    const why = IN_PLACE_FOLDERS.get(name);
    return why && skipped.why === SKIPPED_FOLDERS.get(name)
      ? { path: skipped.path, why }
      : skipped;
  }

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
      private report: IPrepareReport
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
            why: `could not be made in ${this.copyTo} (${message(error)})`
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
        const why = `could not be read (${message(error)}); not copied`;
        this.notebookProblem(path, why);
        this.report.skipped.push({ path, why });
        return;
      }
      const cleaned = cleanNotebookText(text);
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
        const why = `the clean copy could not be written (${message(error)})`;
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
        const why = `could not be backed up (${message(error)})`;
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
        this.notebookProblem(path, `could not be read (${message(error)})`);
        return;
      }
      const cleaned = cleanNotebookText(text);
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
            `could not be written (${message(error)}); left as it was`
          );
          return;
        }
      }
      this.report.notebooks.push({ path, changes: cleaned.changes });
    }

    /** trovi.json at the result's root; whether it was written. */
    async writeTrovi(form: ITroviForm): Promise<boolean> {
      const text = `${JSON.stringify(troviCrate(form), null, 2)}\n`;
      try {
        await this.fs.writeText(join(this.report.folder, TROVI_FILE), text);
        return true;
      } catch (error) {
        this.report.skipped.push({
          path: TROVI_FILE,
          why: `could not be written (${message(error)})`
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
          why: `could not be copied (${message(error)})`
        });
      }
    }

    private notebookProblem(path: string, problem: string): void {
      this.report.notebooks.push({ path, changes: null, problem });
    }
  }
}
