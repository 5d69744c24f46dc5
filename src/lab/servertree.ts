/**
 * The server extension's folder listing (`jupyterlab-testbed/tree`): unlike
 * the contents API it names links instead of following them, and it shows
 * no more than the contents API would (hidden files stay hidden).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export interface IServerTreeItem {
  name: string;
  kind: 'file' | 'directory' | 'link' | 'other';
  size: number | null;
  /** ISO time of the last change, for files. */
  modified?: string | null;
}

/** The entries of a folder of the server; rejects with why it cannot be listed. */
export async function listServerFolder(
  path: string,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<IServerTreeItem[]> {
  const url = URLExt.join(settings.baseUrl, 'jupyterlab-testbed', 'tree');
  const query = URLExt.objectToQueryString({ path });
  const response = await ServerConnection.makeRequest(
    url + query,
    {},
    settings
  );
  if (!response.ok) {
    let message = '';
    try {
      message = (await response.json())?.message ?? '';
    } catch {
      // The status says enough.
    }
    throw new Error(
      `${path || 'the server root'} cannot be listed: ${
        message || response.statusText || response.status
      }`
    );
  }
  const body = await response.json();
  return Array.isArray(body?.items) ? (body.items as IServerTreeItem[]) : [];
}
