/**
 * A lab folder as "Prepare for publishing" sees it in JupyterLab: listed by
 * the server extension (which names links instead of following them), read,
 * written and copied through the contents API, so the server's own checks
 * and its root apply to every file.
 */
import { Contents, ServerConnection } from '@jupyterlab/services';
import { listServerFolder } from '../servertree';
import type { IPublishFs } from '../../core/authoring/publish';

/**
 * The contents manager's files, with links named by the server.
 */
export function contentsFs(
  contents: Contents.IManager,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): IPublishFs {
  return {
    list: path => listServerFolder(path, settings),
    readText: async path => {
      const model = await contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      if (typeof model.content !== 'string') {
        throw new Error(`${path}: the server sent no text`);
      }
      return model.content;
    },
    writeText: async (path, text) => {
      await contents.save(path, {
        type: 'file',
        format: 'text',
        content: text
      });
    },
    copyFile: async (from, to) => {
      // The server copies into a folder under the same name when it is free;
      // the target folder is new, so it is.
      const copied = await contents.copy(from, Private.parent(to));
      if (copied.path !== to) {
        await contents.rename(copied.path, to);
      }
    },
    makeDir: async path => {
      await contents.save(path, { type: 'directory' });
    },
    checkpoint: async path => {
      await contents.createCheckpoint(path);
    },
    exists: async path => {
      try {
        await contents.get(path, { content: false });
        return true;
      } catch (error) {
        if (
          error instanceof ServerConnection.ResponseError &&
          error.response.status === 404
        ) {
          return false;
        }
        throw error;
      }
    }
  };
}

namespace Private {
  export function parent(path: string): string {
    const index = path.lastIndexOf('/');
    return index < 0 ? '' : path.slice(0, index);
  }
}
