/**
 * JupyterLab's checkpoints in a lab cleaned in place. Each `.ipynb_checkpoints`
 * folder keeps the last saved copy of the files beside it, as the student
 * (or the author trying the lab) left them. After the files are cleaned,
 * each checkpoint is made what its file is now; a checkpoint whose file is
 * gone cannot be, and is named.
 */
import { errorText } from '../helpers';
import { IPublishFs, IPublishItem, join } from './walk';

/** `name-checkpoint.ext` is the checkpoint of `name.ext`. */
const CHECKPOINT_NAME = /^(.+)-checkpoint(\.[^.]*)?$/;

/**
 * Bring the checkpoints of a lab cleaned in place up to date.
 *
 * @param folders - the checkpoint folders the walk found, relative to `source`.
 * @param files - the lab's files the cleaning went through, relative to `source`.
 * @returns what is left in each checkpoint folder that still holds old copies.
 */
export async function refreshCheckpoints(
  fs: IPublishFs,
  source: string,
  folders: string[],
  files: Set<string>
): Promise<{ path: string; why: string }[]> {
  const checkpoint = fs.checkpoint?.bind(fs);
  if (!checkpoint) {
    return folders.map(folder => ({ path: folder, why: Private.CANNOT }));
  }
  const left: { path: string; why: string }[] = [];
  for (const folder of folders) {
    let items: IPublishItem[];
    try {
      items = await fs.list(join(source, folder));
    } catch (error) {
      left.push({
        path: folder,
        why: `could not be listed (${errorText(error)}); ${Private.DELETE}`
      });
      continue;
    }
    const parent = folder.slice(0, Math.max(0, folder.lastIndexOf('/')));
    const stale: string[] = [];
    for (const item of items) {
      const match = CHECKPOINT_NAME.exec(item.name);
      const original = match ? join(parent, match[1] + (match[2] ?? '')) : '';
      if (item.kind !== 'file' || !files.has(original)) {
        stale.push(item.name);
        continue;
      }
      try {
        await checkpoint(join(source, original));
      } catch (error) {
        stale.push(`${item.name} (${errorText(error)})`);
      }
    }
    if (stale.length) {
      left.push({
        path: folder,
        why: `old copies not brought up to date: ${stale.join(', ')}; ${Private.DELETE}`
      });
    }
  }
  return left;
}

namespace Private {
  export const DELETE = 'delete them before publishing';

  export const CANNOT = `JupyterLab’s checkpoints (autosaved copies that may hold a student’s work): not cleaned; ${DELETE}`;
}
