/**
 * Which student handed in which notebook, from the file paths of a folder
 * alone. Graders get folders in one of three shapes: an nbgrader course
 * (`submitted/<student>/<assignment>/`), one folder per student, or a flat
 * folder of downloads named `<student>_<notebook>.ipynb` by an LMS.
 */
import { compareNames } from '../progress/lab';

/** A file of the chosen folder; `path` is relative to it, `/`-separated. */
export interface IFileEntry {
  path: string;
  /** Bytes, when known. */
  size: number | null;
  /** When it was last saved (ISO 8601), when known. */
  modified: string | null;
}

/** A handed-in notebook. Both names are untrusted text from file names. */
export interface ISubmissionFile extends IFileEntry {
  student: string;
  /** The notebook's name within the lab, the same for every student. */
  notebook: string;
}

export type LayoutKind = 'nbgrader' | 'per-student' | 'flat' | 'empty';

export interface ILayout {
  kind: LayoutKind;
  /** By student, then notebook. */
  submissions: ISubmissionFile[];
  /** Files that are not submissions, and why. */
  ignored: { path: string; reason: string }[];
}

const NOTEBOOK_EXTENSION = '.ipynb';
const CHECKPOINTS = '.ipynb_checkpoints';
const SUBMITTED = 'submitted';

/**
 * Tell the layout of a folder from its files, and who handed in what.
 */
export function detectLayout(files: IFileEntry[]): ILayout {
  const ignored: ILayout['ignored'] = [];
  const notebooks: { file: IFileEntry; parts: string[] }[] = [];
  for (const file of files) {
    const parts = file.path.split('/').filter(part => part);
    const reason = Private.whyNotNotebook(parts);
    if (reason) {
      ignored.push({ path: file.path, reason });
    } else {
      notebooks.push({ file, parts });
    }
  }
  if (!notebooks.length) {
    return { kind: 'empty', submissions: [], ignored };
  }

  let kind: LayoutKind;
  let submissions: ISubmissionFile[];
  const inCourse = notebooks.filter(
    ({ parts }) => parts[0] === SUBMITTED && parts.length >= 4
  );
  if (inCourse.length) {
    // The course folder: only `submitted/` holds hand-ins.
    kind = 'nbgrader';
    submissions = inCourse.map(({ file, parts }) =>
      Private.inFolder(file, parts.slice(1))
    );
    for (const { file, parts } of notebooks) {
      if (!(parts[0] === SUBMITTED && parts.length >= 4)) {
        ignored.push({
          path: file.path,
          reason: 'not under submitted/<student>/<assignment>/'
        });
      }
    }
  } else {
    const nested = notebooks.filter(({ parts }) => parts.length > 1);
    const top = notebooks.filter(({ parts }) => parts.length === 1);
    if (nested.length >= top.length) {
      // `submitted/` itself has exactly the depth student/assignment/file.
      kind = nested.every(({ parts }) => parts.length === 3)
        ? 'nbgrader'
        : 'per-student';
      submissions = nested.map(({ file, parts }) =>
        Private.inFolder(file, parts)
      );
      for (const { file } of top) {
        ignored.push({
          path: file.path,
          reason: 'not in a student folder'
        });
      }
    } else {
      kind = 'flat';
      submissions = Private.flat(top.map(({ file }) => file));
      for (const { file } of nested) {
        ignored.push({
          path: file.path,
          reason:
            'in a folder, while the hand-ins are files named <student>_<notebook>'
        });
      }
    }
  }
  submissions.sort(
    (a, b) =>
      compareNames(a.student, b.student) ||
      compareNames(a.notebook, b.notebook) ||
      compareNames(a.path, b.path)
  );
  return { kind, submissions, ignored };
}

namespace Private {
  export function whyNotNotebook(parts: string[]): string | null {
    if (parts.includes(CHECKPOINTS)) {
      return 'a checkpoint copy';
    }
    if (parts.some(part => part.startsWith('.'))) {
      return 'hidden';
    }
    if (
      !parts.length ||
      !parts[parts.length - 1].endsWith(NOTEBOOK_EXTENSION)
    ) {
      return 'not a notebook';
    }
    return null;
  }

  /** `<student>/<path of the notebook>.ipynb`. */
  export function inFolder(file: IFileEntry, parts: string[]): ISubmissionFile {
    return {
      ...file,
      student: parts[0],
      notebook: stem(parts.slice(1).join('/'))
    };
  }

  /**
   * Split `<student>_<notebook>` names where both may hold underscores: the
   * notebook is the longest tail of `_`-separated words that another
   * student's file ends with too. Files of one student all start with the
   * same word, so a tail shared only among them (`1_lab`, `2_lab`) does not
   * count.
   */
  export function flat(files: IFileEntry[]): ISubmissionFile[] {
    const words = files.map(file => stem(file.path).split('_'));
    const firstWords = new Map<string, Set<string>>();
    for (const parts of words) {
      for (let k = 1; k < parts.length; k++) {
        const tail = parts.slice(k).join('_');
        const seen = firstWords.get(tail) ?? new Set<string>();
        seen.add(parts[0]);
        firstWords.set(tail, seen);
      }
    }
    return files.map((file, i) => {
      const parts = words[i];
      let split = 1;
      for (let k = 1; k < parts.length; k++) {
        if ((firstWords.get(parts.slice(k).join('_'))?.size ?? 0) >= 2) {
          split = k;
          break;
        }
      }
      const student = lmsStudent(parts.slice(0, split)).join('_');
      const notebook = parts.slice(split).join('_');
      // `lab.ipynb`, `_lab.ipynb`, `alice_.ipynb`: the file is its own student.
      return student && notebook
        ? { ...file, student, notebook }
        : { ...file, student: stem(file.path), notebook: stem(file.path) };
    });
  }

  /**
   * Course sites name downloads `<name>[_LATE]_<user id>_<submission id>_<file>`:
   * the submission id differs for each file of one student, so it is dropped
   * (and the late mark with it), keeping the user id that tells namesakes apart.
   */
  function lmsStudent(words: string[]): string[] {
    const numeric = (word: string | undefined) => /^\d+$/.test(word ?? '');
    const n = words.length;
    if (n >= 3 && numeric(words[n - 1]) && numeric(words[n - 2])) {
      return words
        .slice(0, n - 1)
        .filter((word, i) => i === 0 || word !== 'LATE');
    }
    return words;
  }

  function stem(path: string): string {
    return path.slice(0, -NOTEBOOK_EXTENSION.length);
  }
}
