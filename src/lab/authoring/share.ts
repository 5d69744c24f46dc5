/**
 * One notebook's declarations (placeholders, nodes, marker wordings) for
 * the whole lab folder, so an author declares them once.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { METADATA_KEY } from '../../core/metadata/format';
import {
  checkDeclarations,
  isValid,
  readDeclarations,
  sharedDeclarations
} from '../../core/authoring/declarations';
import { errorText } from '../../core/helpers';

/**
 * Write a notebook's declarations into the other notebooks of its
 * folder: into the model of one that is open (the author saves it), else
 * into the file. A notebook whose record cannot be read is left alone.
 */
export async function shareDeclarations(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  trans: TranslationBundle,
  panel: NotebookPanel
): Promise<void> {
  const title = trans.__('Declarations for the Whole Lab');
  const read = readDeclarations(panel.model?.getMetadata(METADATA_KEY));
  if (!read.ok || !isValid(checkDeclarations(read.declarations))) {
    await showErrorMessage(
      title,
      read.ok
        ? trans.__(
            'Some declarations of this notebook are not valid yet: fix the rows marked in the Author section first.'
          )
        : read.problem
    );
    return;
  }
  const contents = app.serviceManager.contents;
  const local = (path: string) => contents.localPath(path);
  const path = local(panel.context.path);
  const folder = PathExt.dirname(path);
  const listing = await contents.get(folder, { content: true });
  const others = (listing.content as Contents.IModel[]).filter(
    item => item.type === 'notebook' && item.path !== path
  );
  if (!others.length) {
    await showErrorMessage(
      title,
      trans.__('%1 holds no other notebook.', folder || '/')
    );
    return;
  }
  const answer = await showDialog({
    title,
    body: trans.__(
      'Replace the placeholders, nodes and marker wordings of %1 with those of %2? Nothing else in them changes.',
      others.map(item => item.name).join(', '),
      PathExt.basename(path)
    ),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Replace') })
    ]
  });
  if (!answer.button.accept) {
    return;
  }
  const done: string[] = [];
  const problems: string[] = [];
  for (const item of others) {
    const open = tracker.find(w => local(w.context.path) === item.path);
    try {
      if (open?.model) {
        const shared = sharedDeclarations(
          open.model.getMetadata(METADATA_KEY),
          read.declarations
        );
        if (!shared.ok) {
          problems.push(`${item.name}: ${shared.problem}`);
          continue;
        }
        if (shared.record) {
          open.model.setMetadata(METADATA_KEY, shared.record as any);
        } else {
          open.model.deleteMetadata(METADATA_KEY);
        }
      } else {
        const model = await contents.get(item.path, {
          type: 'notebook',
          content: true
        });
        const content = model.content as { metadata?: any };
        content.metadata = content.metadata ?? {};
        const shared = sharedDeclarations(
          content.metadata[METADATA_KEY],
          read.declarations
        );
        if (!shared.ok) {
          problems.push(`${item.name}: ${shared.problem}`);
          continue;
        }
        if (shared.record) {
          content.metadata[METADATA_KEY] = shared.record;
        } else {
          delete content.metadata[METADATA_KEY];
        }
        await contents.save(item.path, {
          type: 'notebook',
          format: 'json',
          content
        });
      }
      done.push(item.name);
    } catch (error) {
      problems.push(`${item.name}: ${errorText(error)}`);
    }
  }
  const message = trans.__(
    'Declarations written into %1 of %2 notebooks.',
    done.length,
    others.length
  );
  if (problems.length) {
    Notification.warning(`${message}\n${problems.join('\n')}`, {
      autoClose: false
    });
  } else {
    Notification.success(message, { autoClose: 5000 });
  }
}
