/**
 * What a server restart keeps: the server's report of the work folder that
 * holds the lab's settings (see jupyterlab_testbed/persistence.py), and the
 * words the sidebar uses for it and for a value that could not be saved.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

export interface IPersistenceStatus {
  /** The work folder, `''` when there is none. */
  workDir: string;
  /** Where the settings are kept, when they persist. */
  folder: string | null;
  persisted: boolean;
  /** The environment variable that names a work folder. */
  variable: string;
  /** Why the work folder is not used, or why saving fails now. */
  problem: string | null;
}

/** The server's report, kept only when it has the expected shape. */
export function readPersistence(reply: unknown): IPersistenceStatus | null {
  if (!reply || typeof reply !== 'object') {
    return null;
  }
  const status = reply as { [name: string]: unknown };
  const textOrNull = (value: unknown) =>
    value === null || typeof value === 'string';
  if (
    typeof status.workDir !== 'string' ||
    typeof status.persisted !== 'boolean' ||
    typeof status.variable !== 'string' ||
    !textOrNull(status.folder) ||
    !textOrNull(status.problem)
  ) {
    return null;
  }
  return status as unknown as IPersistenceStatus;
}

/** What the sidebar says once about where values are kept, or null. */
export function persistenceNote(
  status: IPersistenceStatus | null,
  trans: TranslationBundle
): { text: string; kind: 'info' | 'warning' } | null {
  if (!status) {
    return null;
  }
  if (status.problem) {
    return { text: status.problem, kind: 'warning' };
  }
  if (!status.persisted && !status.workDir) {
    return {
      text: trans.__(
        'No work folder on this server: your values and terminal settings are kept in the home folder, which some hubs wipe at each restart. A hub operator can name a folder that persists with $%1.',
        status.variable
      ),
      kind: 'info'
    };
  }
  return null;
}

/** "Not saved: <why>", from the server's report or else the failure itself. */
export function notSavedMessage(
  status: IPersistenceStatus | null,
  reason: unknown,
  trans: TranslationBundle
): string {
  const why =
    status?.problem ??
    (reason instanceof Error && reason.message
      ? reason.message
      : String(reason));
  return trans.__(
    'Not saved: %1 Your values stay in this form; they are saved again with your next change or Try Again.',
    why
  );
}

/** Ask the server; null when it cannot tell (an older server, no answer). */
export async function fetchPersistence(
  settings: ServerConnection.ISettings
): Promise<IPersistenceStatus | null> {
  const url = URLExt.join(
    settings.baseUrl,
    'jupyterlab-testbed',
    'persistence'
  );
  try {
    const response = await ServerConnection.makeRequest(url, {}, settings);
    return response.ok ? readPersistence(await response.json()) : null;
  } catch {
    return null;
  }
}
