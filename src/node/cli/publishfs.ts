/// <reference types="node" />
/**
 * A folder of the local file system as `prepareFolder` sees it. Links are
 * never followed: they are listed as links, and opening one fails, so a lab
 * cannot make the check read or write files outside it.
 */
import { constants, promises as fs } from 'fs';
import * as path from 'path';
import type { IPublishFs, IPublishItem } from '../../core/authoring/publish';
import { CHECKPOINTS } from '../../core/authoring/walk';

/** Bytes copied at a time. */
const CHUNK = 1024 * 1024;

/**
 * The files under `root`, by paths relative to it (`''` is the root).
 * The root itself may be a link: the user named it.
 */
export function publishFs(root: string): IPublishFs {
  const base = path.resolve(root);
  const full = (relative: string) => {
    const parts = relative.split('/').filter(part => part && part !== '.');
    if (parts.some(part => part === '..')) {
      throw new Error(`${relative} is outside the folder`);
    }
    return path.join(base, ...parts);
  };
  const regularFile = async (file: string) => {
    if (!(await fs.lstat(file)).isFile()) {
      throw new Error('not a regular file');
    }
  };
  // Should a file have become a link since it was listed, opening it fails.
  const noFollow = constants.O_NOFOLLOW ?? 0;
  return {
    list: async relative => {
      const dir = full(relative);
      const stats = relative ? await fs.lstat(dir) : await fs.stat(dir);
      if (!stats.isDirectory()) {
        throw new Error('not a folder');
      }
      const entries = await fs.readdir(dir, { withFileTypes: true });
      return Promise.all(
        entries.map(async (entry): Promise<IPublishItem> => {
          if (entry.isSymbolicLink()) {
            return { name: entry.name, kind: 'link', size: null };
          }
          if (entry.isDirectory()) {
            return { name: entry.name, kind: 'directory', size: null };
          }
          if (!entry.isFile()) {
            return { name: entry.name, kind: 'other', size: null };
          }
          const { size } = await fs.lstat(path.join(dir, entry.name));
          return { name: entry.name, kind: 'file', size };
        })
      );
    },
    readText: async relative => {
      const file = full(relative);
      await regularFile(file);
      const handle = await fs.open(file, constants.O_RDONLY | noFollow);
      try {
        return await handle.readFile('utf-8');
      } finally {
        await handle.close();
      }
    },
    writeText: async (relative, text) => {
      const handle = await fs.open(
        full(relative),
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | noFollow,
        0o666
      );
      try {
        await handle.writeFile(text, 'utf-8');
      } finally {
        await handle.close();
      }
    },
    copyFile: async (from, to) => {
      const source = full(from);
      await regularFile(source);
      const input = await fs.open(source, constants.O_RDONLY | noFollow);
      try {
        const { mode } = await input.stat();
        // A new file only: a copy never writes over anything.
        const output = await fs.open(
          full(to),
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow,
          0o600
        );
        try {
          const buffer = Buffer.alloc(CHUNK);
          for (;;) {
            const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
            if (!bytesRead) {
              break;
            }
            for (let done = 0; done < bytesRead;) {
              const { bytesWritten } = await output.write(
                buffer,
                done,
                bytesRead - done
              );
              done += bytesWritten;
            }
          }
          // The lab's scripts stay executable, its read-only files read-only.
          await output.chmod(mode & 0o777);
        } finally {
          await output.close();
        }
      } finally {
        await input.close();
      }
    },
    checkpoint: async relative => {
      // Where JupyterLab keeps it; a checkpoint that is not a plain file is
      // left for the walk to name.
      const file = full(relative);
      const { dir, name, ext } = path.parse(file);
      const saved = path.join(dir, CHECKPOINTS, `${name}-checkpoint${ext}`);
      await regularFile(saved);
      await regularFile(file);
      const input = await fs.open(file, constants.O_RDONLY | noFollow);
      try {
        const output = await fs.open(
          saved,
          constants.O_WRONLY | constants.O_TRUNC | noFollow
        );
        try {
          await output.writeFile(await input.readFile());
        } finally {
          await output.close();
        }
      } finally {
        await input.close();
      }
    },
    makeDir: async relative => {
      await fs.mkdir(full(relative));
    },
    exists: async relative => {
      try {
        await fs.lstat(full(relative));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return false;
        }
        throw error;
      }
    }
  };
}
