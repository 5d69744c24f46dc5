/**
 * The server's check endpoint (jupyterlab_testbed/checks.py). Its reply is
 * checked before use: a check's output is shown, never interpreted.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  ICheckReply,
  ICheckRequest,
  isCheckReply
} from '../../core/checks/plan';

export class CheckClient {
  constructor(trans: TranslationBundle) {
    this._trans = trans;
  }

  /** Run one check; rejects with a message the student can read. */
  async run(request: ICheckRequest): Promise<ICheckReply> {
    const url = URLExt.join(
      this._settings.baseUrl,
      'jupyterlab-testbed',
      'checks',
      'run'
    );
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'POST', body: JSON.stringify(request) },
        this._settings
      );
    } catch (reason) {
      throw new Error(
        this._trans.__(
          'The Jupyter server did not answer: %1',
          (reason as Error).message
        )
      );
    }
    const data: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const message = (data as { message?: unknown } | null)?.message;
      throw new Error(
        typeof message === 'string'
          ? message
          : this._trans.__('The server refused (%1).', response.status)
      );
    }
    if (!isCheckReply(data)) {
      throw new Error(this._trans.__('The server’s reply is not a result.'));
    }
    return data;
  }

  private _trans: TranslationBundle;
  private _settings = ServerConnection.makeSettings();
}
