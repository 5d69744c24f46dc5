/**
 * The walk of a lab folder before it is copied or checked: what is in it,
 * and what is left out and why. Links are never followed and nothing is
 * read, only listed, within the limits the grader's reader keeps.
 */
import { MAX_LIST_DEPTH, MAX_LIST_FILES } from '../grading/reader';
import { errorText } from '../helpers';

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
  /**
   * Make the checkpoint of a file (JupyterLab's `.ipynb_checkpoints`) what
   * the file is now. Without it, checkpoints left in a lab cleaned in place
   * keep the lab from being called clean.
   */
  checkpoint?(path: string): Promise<void>;
}

/** What a walk of a folder found, paths relative to it. */
export interface IFolderWalk {
  /** Folders to enter, parents before children. */
  folders: string[];
  files: { path: string; size: number | null }[];
  skipped: { path: string; why: string }[];
  /** JupyterLab's checkpoint folders, skipped with the rest. */
  checkpoints: string[];
  /** False when a folder could not be listed or a limit left files out. */
  complete: boolean;
}

/** The folder JupyterLab keeps checkpoints in, beside the files. */
export const CHECKPOINTS = '.ipynb_checkpoints';

/** Folders never entered, and why. */
export const SKIPPED_FOLDERS = new Map([
  [
    CHECKPOINTS,
    'JupyterLab’s checkpoints (autosaved copies that may hold a student’s work); not entered'
  ],
  ['.git', 'a Git folder; a copy for publishing does not carry it']
]);

/**
 * The same folders, when the lab is cleaned in place: they stay in it (the
 * checkpoints are brought up to date, see checkpoints.ts).
 */
const IN_PLACE_FOLDERS = new Map([
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
    checkpoints: [],
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
          why: `could not be listed (${errorText(error)})`
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
          if (item.kind === 'directory' && item.name === CHECKPOINTS) {
            walk.checkpoints.push(path);
          }
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

/** A path in the file system's view: '' is the root. */
export function join(folder: string, name: string): string {
  return folder ? (name ? `${folder}/${name}` : folder) : name;
}

namespace Private {
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
      default:
        return null;
    }
  }
}
