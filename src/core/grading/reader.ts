/**
 * Reading a class: list a folder of hand-ins, tell its layout, and summarize
 * every notebook, a few at a time, handing each summary on as soon as it is
 * ready so that a table can show its first rows early. A file that cannot be
 * read is a row with a problem, never a failure of the whole class.
 *
 * The file system is behind `IFileSource`: JupyterLab's contents manager in
 * the browser, Node's `fs` on the command line.
 */
import { detectLayout, IFileEntry, ILayout, ISubmissionFile } from './layout';
import { ISubmissionOptions, summarizeFile, summarizeText } from './evidence';
import type { ISubmissionSummary } from './types';
import { errorText } from '../helpers';

/** Listers stop after this many files... */
export const MAX_LIST_FILES = 5000;

/** ...and do not look into folders deeper than this below the root. */
export const MAX_LIST_DEPTH = 6;

/** Files larger than this are not read (100 MB). */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/** The files of a folder, and what the listing left out. */
export interface IListing {
  files: IFileEntry[];
  /** In English, e.g. `stopped listing after 5000 files`. */
  notes: string[];
}

/** Where a class is read from. Paths are relative to the chosen folder. */
export interface IFileSource {
  /** Rejects when the folder itself cannot be listed. */
  list(): Promise<IListing>;
  read(path: string): Promise<string>;
}

/** One entry of a folder, as a lister sees it. */
export interface IFolderItem {
  name: string;
  /** `other`: links and special files, never followed or read. */
  kind: 'file' | 'directory' | 'other';
  size: number | null;
  modified: string | null;
}

export interface IClassEntry {
  file: ISubmissionFile;
  summary: ISubmissionSummary;
}

export interface IReadOptions extends ISubmissionOptions {
  /** How many files are read at once (default 6). */
  concurrency?: number;
  /** Larger files get a problem and are not read (default 100 MB). */
  maxBytes?: number;
  /** Stops reading; `readClass` then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface IClass {
  layout: ILayout;
  /** What the listing left out. */
  notes: string[];
  /** In the layout's order (by student, then notebook). */
  entries: IClassEntry[];
}

/**
 * Walk a folder breadth first within MAX_LIST_DEPTH and MAX_LIST_FILES.
 * Hidden folders and checkpoints are not entered: students' tools keep
 * copies there, not hand-ins.
 *
 * @param readFolder - the entries of a folder ('' is the root); rejects when
 *   it cannot be listed, which for the root rejects the whole listing.
 */
export async function listFolder(
  readFolder: (path: string) => Promise<IFolderItem[]>
): Promise<IListing> {
  const files: IFileEntry[] = [];
  const notes: string[] = [];
  const tooDeep: string[] = [];
  const skipped: string[] = [];
  let level = [''];
  for (let depth = 0; level.length; depth++) {
    const below: string[] = [];
    if (depth > MAX_LIST_DEPTH) {
      tooDeep.push(...level);
      break;
    }
    // A level's folders are listed a few at a time (one request each through
    // the contents API), then taken in order, so the listing stays stable.
    const listed = await Private.inParallel(level, LIST_CONCURRENCY, folder =>
      readFolder(folder).then(
        items => ({ items, error: null }),
        (error: unknown) => ({ items: [] as IFolderItem[], error })
      )
    );
    for (let i = 0; i < level.length; i++) {
      const folder = level[i];
      const { items, error } = listed[i];
      if (error !== null) {
        if (!folder) {
          throw error;
        }
        notes.push(`could not list ${folder}: ${Private.message(error)}`);
        continue;
      }
      items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const item of items) {
        const path = folder ? `${folder}/${item.name}` : item.name;
        if (item.kind === 'directory') {
          if (!item.name.startsWith('.')) {
            below.push(path);
          }
        } else if (item.kind === 'other') {
          skipped.push(path);
        } else if (files.length < MAX_LIST_FILES) {
          files.push({ path, size: item.size, modified: item.modified });
        } else {
          notes.push(`stopped listing after ${MAX_LIST_FILES} files`);
          return { files, notes };
        }
      }
    }
    level = below;
  }
  if (tooDeep.length) {
    notes.push(
      `did not look into ${tooDeep.length} folder(s) more than ${MAX_LIST_DEPTH} levels deep, such as ${tooDeep[0]}`
    );
  }
  if (skipped.length) {
    notes.push(
      `skipped ${skipped.length} link(s) or special file(s), such as ${skipped[0]}`
    );
  }
  return { files, notes };
}

/**
 * Read and summarize a class.
 *
 * @param onEntry - called as each file is summarized, in the order they
 *   finish, with how many are done out of how many.
 */
export async function readClass(
  source: IFileSource,
  options: IReadOptions,
  onEntry?: (entry: IClassEntry, read: number, total: number) => void
): Promise<IClass> {
  const {
    concurrency = 6,
    maxBytes = DEFAULT_MAX_BYTES,
    signal,
    ...summaryOptions
  } = options;
  Private.checkAborted(signal);
  const listing = await source.list();
  const layout = detectLayout(listing.files);
  const files = layout.submissions;
  let read = 0;
  const entries = await Private.inParallel(
    files,
    Math.max(1, Math.floor(concurrency)),
    async file => {
      Private.checkAborted(signal);
      const summary = await Private.summarize(source, file, maxBytes, {
        ...summaryOptions,
        savedAt: file.modified
      });
      Private.checkAborted(signal);
      const entry = { file, summary };
      onEntry?.(entry, ++read, files.length);
      return entry;
    }
  );
  return { layout, notes: listing.notes, entries };
}

/** Folders listed at once. */
const LIST_CONCURRENCY = 6;

namespace Private {
  /** `work` over `items`, at most `limit` at a time, results in order. */
  export async function inParallel<T, R>(
    items: T[],
    limit: number,
    work: (item: T) => Promise<R>
  ): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(limit, items.length) }, worker)
    );
    return results;
  }

  export async function summarize(
    source: IFileSource,
    file: ISubmissionFile,
    maxBytes: number,
    options: ISubmissionOptions
  ): Promise<ISubmissionSummary> {
    const unread = (problem: string) =>
      summarizeFile(
        { cells: [], record: undefined, nbformat: null, problem },
        options
      );
    const tooLarge = (size: number) =>
      unread(
        `not read: ${megabytes(size)} MB, more than the ${megabytes(maxBytes)} MB limit`
      );
    if (file.size !== null && file.size > maxBytes) {
      return tooLarge(file.size);
    }
    let text: string;
    try {
      text = await source.read(file.path);
    } catch (error) {
      return unread(`could not be read: ${message(error)}`);
    }
    // Listings may not know sizes; a character is at least a byte.
    return text.length > maxBytes
      ? tooLarge(text.length)
      : summarizeText(text, options);
  }

  export function checkAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw signal.reason ?? new Error('aborted');
    }
  }

  export function message(error: unknown): string {
    return errorText(error).slice(0, 200);
  }

  function megabytes(bytes: number): string {
    return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
  }
}
