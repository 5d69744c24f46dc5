/**
 * What the capabilities say when grader mode stops them from writing into
 * a notebook, in the same words everywhere.
 */
import { Notification } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IGrading } from './tokens';

/** Whether a notebook is open for grading (never, without the grading plugin). */
export function isGraded(
  grading: IGrading | null,
  panel: NotebookPanel | null
): boolean {
  return !!panel && !!grading?.isGrading(panel.context.path);
}

/** Say that a change to a graded notebook was refused. */
export function refuseWhileGrading(trans: TranslationBundle): void {
  Notification.warning(
    trans.__(
      'This notebook is open for grading: the student’s record is read-only.'
    ),
    { autoClose: 5000 }
  );
}

/** The note on views of a graded notebook. */
export function gradingNote(trans: TranslationBundle): string {
  return trans.__(
    'Grading: read-only. This is the student’s record as saved; your runs and ticks are not recorded and your placeholder values are not filled in.'
  );
}
