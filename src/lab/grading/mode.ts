/**
 * Which notebooks are open for grading. A grader turns grading on or off
 * for one notebook; notebooks under a submissions folder are graded unless
 * turned off. Paths are relative to the server root, without a drive
 * (`submissions/alice/lab.ipynb`).
 *
 * Plain data and one signal, so the rules are tested without JupyterLab.
 */
import { ISignal, Signal } from '@lumino/signaling';

/** Choices kept, the newest; older ones fall back to the folders. */
export const MAX_CHOICES = 500;

/** The choices that differ from the folders, as they are stored. */
export interface IGradingChoices {
  on: string[];
  off: string[];
}

/** A path with empty and `.` parts left out: `/a//./b/` is `a/b`. */
export function normalizePath(path: string): string {
  return path
    .split('/')
    .filter(part => part && part !== '.')
    .join('/');
}

/**
 * The folders of the setting: texts, normalized, without the server root
 * itself (every notebook, the grader's own too, would be read-only) and
 * without `..` (outside the root, or a roundabout name for another folder).
 */
export function submissionFolders(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const folders = value
    .filter((folder): folder is string => typeof folder === 'string')
    .map(normalizePath)
    .filter(folder => folder && !folder.split('/').includes('..'));
  return [...new Set(folders)];
}

export class GradingMode {
  /** The path whose mode changed, or '' when the folders changed. */
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  /** The submissions folders, normalized. */
  get folders(): readonly string[] {
    return this._folders;
  }

  isGrading(path: string): boolean {
    const key = normalizePath(path);
    return this._choices.get(key) ?? this.isSubmission(key);
  }

  /** Whether a path is in a submissions folder or below. */
  isSubmission(path: string): boolean {
    const key = normalizePath(path);
    return this._folders.some(folder => key.startsWith(`${folder}/`));
  }

  setGrading(path: string, on: boolean): void {
    const key = normalizePath(path);
    const was = this.isGrading(key);
    // Only a choice that differs from the folders is kept, so a notebook
    // follows the setting again once the grader agrees with it.
    this._choices.delete(key);
    if (on !== this.isSubmission(key)) {
      this._choices.set(key, on);
      this._trim();
    }
    if (was !== on) {
      this._changed.emit(key);
    }
  }

  /** Set the folders from the setting's value (checked here). */
  setFolders(value: unknown): void {
    const folders = submissionFolders(value);
    if (folders.join('\n') === this._folders.join('\n')) {
      return;
    }
    this._folders = folders;
    this._changed.emit('');
  }

  /** A notebook moved: it keeps its mode, in or out of the folders. */
  rename(from: string, to: string): void {
    const key = normalizePath(from);
    if (key === normalizePath(to)) {
      return;
    }
    const was = this.isGrading(key);
    this._choices.delete(key);
    this.setGrading(to, was);
  }

  toJSON(): IGradingChoices {
    const choices: IGradingChoices = { on: [], off: [] };
    this._choices.forEach((on, path) =>
      (on ? choices.on : choices.off).push(path)
    );
    return choices;
  }

  /**
   * Take back stored choices, before any notebook is open (nothing is
   * announced); anything not a list of texts is ignored.
   */
  fromJSON(value: unknown): void {
    const stored = (value ?? {}) as Partial<IGradingChoices>;
    const paths = (list: unknown) =>
      Array.isArray(list)
        ? list.filter((p): p is string => typeof p === 'string')
        : [];
    this._choices.clear();
    paths(stored.on).forEach(path =>
      this._choices.set(normalizePath(path), true)
    );
    paths(stored.off).forEach(path =>
      this._choices.set(normalizePath(path), false)
    );
    this._trim();
  }

  private _trim(): void {
    for (const path of this._choices.keys()) {
      if (this._choices.size <= MAX_CHOICES) {
        break;
      }
      this._choices.delete(path);
    }
  }

  private _folders: string[] = [];
  /** Choices in the order they were made, oldest first. */
  private _choices = new Map<string, boolean>();
  private _changed = new Signal<this, string>(this);
}
