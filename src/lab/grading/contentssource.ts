/**
 * A class folder read through JupyterLab's contents manager. Nothing is
 * ever saved through it. It is listed by the server extension, which names
 * links: the contents API follows them, also out of the class folder and out
 * of the server's root, so a hand-in could make the grader's page read any
 * file the server can. A link is skipped and named, never read.
 */
import { Contents, ServerConnection } from '@jupyterlab/services';
import { IServerTreeItem, listServerFolder } from '../servertree';
import {
  IFileSource,
  IFolderItem,
  listFolder
} from '../../core/grading/reader';

/**
 * The files under `root` (a path of the contents manager, '' for its root).
 */
export function contentsSource(
  contents: Contents.IManager,
  root: string,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): IFileSource {
  const base = root.replace(/^\/+|\/+$/g, '');
  const full = (path: string) => [base, path].filter(part => part).join('/');
  return {
    list: () =>
      listFolder(async folder =>
        (await listServerFolder(full(folder), settings)).map(Private.toItem)
      ),
    read: async path => {
      // Raw text: parsing it here is faster than the server's nbformat
      // validation, and a broken file gets our explanation, not a 400.
      const model = await contents.get(full(path), {
        type: 'file',
        format: 'text',
        content: true
      });
      if (typeof model.content !== 'string') {
        throw new Error('the server sent no text');
      }
      return model.content;
    }
  };
}

namespace Private {
  export function toItem(item: IServerTreeItem): IFolderItem {
    return {
      name: item.name,
      // Links and special files: named in the notes, never read.
      kind:
        item.kind === 'directory' || item.kind === 'file' ? item.kind : 'other',
      size: typeof item.size === 'number' ? item.size : null,
      modified: item.modified ?? null
    };
  }
}
