/**
 * Code that only author mode, grading or a rarely used command needs is in
 * chunks of its own, downloaded on first use instead of at page load. A
 * chunk's download can fail (the server is gone, or an update of the
 * extension replaced its files while the page was open): the user is told,
 * and the next use tries again.
 */
import { showErrorMessage } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { errorText } from '../core/helpers';

/**
 * A module loaded on first call, then kept. Calls while it loads share the
 * one download; a failure is given to `failed` once, resolves to null, and
 * lets the next call try again.
 */
export function loadOnce<T>(
  load: () => Promise<T>,
  failed: (reason: unknown) => void
): () => Promise<T | null> {
  let loading: Promise<T | null> | null = null;
  return () =>
    (loading ??= load().catch(reason => {
      loading = null;
      failed(reason);
      return null;
    }));
}

/** Tell the user that a part of the extension (`what`) could not be loaded. */
export function showLoadError(
  trans: TranslationBundle,
  what: string
): (reason: unknown) => void {
  return reason => {
    console.error(`jupyterlab-testbed: ${what} could not be loaded.`, reason);
    void showErrorMessage(
      trans.__('%1 could not be loaded', what),
      trans.__(
        'The browser could not download this part of the Testbed lab extension (%1). Reload the page and try again; if the extension was just updated on the server, the reload loads the new version.',
        errorText(reason)
      )
    );
  };
}
