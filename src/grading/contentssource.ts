/**
 * A class folder read through JupyterLab's contents manager. Nothing is
 * ever saved through it.
 */
import type { Contents } from '@jupyterlab/services';
import { IFileSource, IFolderItem, listFolder } from './reader';

/**
 * The files under `root` (a path of the contents manager, '' for its root).
 */
export function contentsSource(
  contents: Contents.IManager,
  root: string
): IFileSource {
  const base = root.replace(/^\/+|\/+$/g, '');
  const full = (path: string) => [base, path].filter(part => part).join('/');
  return {
    list: () =>
      listFolder(async folder => {
        const model = await contents.get(full(folder), { content: true });
        if (model.type !== 'directory' || !Array.isArray(model.content)) {
          throw new Error('not a folder');
        }
        return (model.content as Contents.IModel[]).map(Private.toItem);
      }),
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
  export function toItem(model: Contents.IModel): IFolderItem {
    return {
      name: model.name,
      kind: model.type === 'directory' ? 'directory' : 'file',
      size: typeof model.size === 'number' ? model.size : null,
      modified: model.last_modified || null
    };
  }
}
