/// <reference types="node" />
/**
 * A class folder on the local file system. Links are never followed, so a
 * hand-in cannot make the grader read files outside the folder.
 */
import { constants, promises as fs } from 'fs';
import * as path from 'path';
import {
  IFileSource,
  IFolderItem,
  listFolder
} from '../../core/grading/reader';

/**
 * The files under `root`. The root itself may be a link: the grader named it.
 */
export function fileSystemSource(root: string): IFileSource {
  const base = path.resolve(root);
  const full = (relative: string) => {
    const parts = relative.split('/').filter(part => part);
    if (parts.some(part => part === '..')) {
      throw new Error('outside the folder');
    }
    return path.join(base, ...parts);
  };
  return {
    list: async () => {
      const stats = await fs.stat(base);
      if (!stats.isDirectory()) {
        throw new Error(`${root} is not a folder`);
      }
      return listFolder(async folder => {
        const dir = full(folder);
        const entries = await fs.readdir(dir, { withFileTypes: true });
        return Promise.all(
          entries.map(async (entry): Promise<IFolderItem> => {
            if (entry.isDirectory()) {
              return {
                name: entry.name,
                kind: 'directory',
                size: null,
                modified: null
              };
            }
            if (!entry.isFile()) {
              return {
                name: entry.name,
                kind: 'other',
                size: null,
                modified: null
              };
            }
            const stats = await fs.lstat(path.join(dir, entry.name));
            return {
              name: entry.name,
              kind: 'file',
              size: stats.size,
              modified: stats.mtime.toISOString()
            };
          })
        );
      });
    },
    read: async relative => {
      const file = full(relative);
      if (!(await fs.lstat(file)).isFile()) {
        throw new Error('not a regular file');
      }
      // A folder on the way may have become a link since it was listed:
      // O_NOFOLLOW guards the last step only.
      const [real, realBase] = await Promise.all([
        fs.realpath(file),
        fs.realpath(base)
      ]);
      if (!real.startsWith(realBase + path.sep)) {
        throw new Error('it leads out of the folder through a link');
      }
      // Should it have become a link since, opening it fails.
      const handle = await fs.open(
        file,
        constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)
      );
      try {
        return await handle.readFile('utf-8');
      } finally {
        await handle.close();
      }
    }
  };
}
