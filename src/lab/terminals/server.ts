/**
 * The server side of the terminals: where the lab's ssh state lives, the
 * generated config, the agent holding the key, a probe of node1 and which
 * terminals are running ssh. It comes with the Python package; the front
 * end never carries a command line to it, only the config text it checks.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';

/** Where the lab's ssh state lives on the server. */
export interface ISshPaths {
  configFile: string;
  /**
   * What the node terminals connect with: the lab's config, and a bash that
   * reports how each command ended (jupyterlab_testbed/shellmarks.py).
   */
  terminalsConfigFile?: string;
  knownHostsFile: string;
  controlDir: string;
  /** The agent the lab uses, when one answers. */
  agentSocket: string | null;
  /** The chameleon preset's key and why; read with `readPresetKey`. */
  chameleonKey?: unknown;
}

export interface IKeyStatus {
  path: string;
  exists: boolean;
  fingerprint: string | null;
  loaded: boolean;
  /** Why it could not be loaded. */
  message?: string;
}

export interface IAgentStatus {
  agentSocket: string | null;
  running: boolean;
  keys: IKeyStatus[];
}

export type HostKeyState = 'unknown' | 'known' | 'changed';

export interface IProbe {
  reachable: boolean;
  banner: string | null;
  error: string | null;
  hostKey: HostKeyState | null;
}

/** A request the server refused, with its reason. */
export class SshServerError extends Error {}

export class SshServer {
  constructor(
    settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
    trans: TranslationBundle = nullTranslator.load('jupyterlab_testbed')
  ) {
    this._settings = settings;
    this._trans = trans;
  }

  paths(): Promise<ISshPaths> {
    return this._request('');
  }

  writeConfig(text: string): Promise<ISshPaths> {
    return this._request('config', 'PUT', { text });
  }

  agent(keys: string[]): Promise<IAgentStatus> {
    const query = keys.map(k => `key=${encodeURIComponent(k)}`).join('&');
    return this._request(`agent${query ? `?${query}` : ''}`);
  }

  loadKeys(keys: string[]): Promise<IAgentStatus> {
    return this._request('agent', 'POST', { keys });
  }

  forgetHost(host: string, port = 22): Promise<{ removed: boolean }> {
    return this._request('forget', 'POST', { host, port });
  }

  /**
   * Whether a node of the lab answers. A POST, as it opens a connection:
   * the server checks the XSRF token, and answers only for a host and port
   * of the config it last wrote (`writeConfig`).
   */
  probe(host: string, port = 22): Promise<IProbe> {
    return this._request('probe', 'POST', { host, port });
  }

  /**
   * Start a lab's Jupyter terminal with the bash that reports how each
   * command ended; the page then connects to it by name. A used name is
   * left as it is.
   */
  startShell(name: string, cwd: string): Promise<{ created: boolean }> {
    return this._request('shell', 'POST', { name, cwd });
  }

  /** Whether each running terminal's shell is running ssh, by name. */
  async terminals(): Promise<{ [name: string]: { ssh: boolean } }> {
    const body = await this._request<{
      terminals: { [name: string]: { ssh: boolean } };
    }>('terminals');
    return body.terminals ?? {};
  }

  private async _request<T>(
    path: string,
    method = 'GET',
    body?: unknown
  ): Promise<T> {
    const url = URLExt.join(
      this._settings.baseUrl,
      'jupyterlab-testbed',
      'ssh',
      path
    );
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this._settings);
    } catch (reason) {
      throw new SshServerError(
        this._trans.__(
          'The Jupyter server did not answer: %1',
          (reason as Error).message
        )
      );
    }
    const data: any = await response.json().catch(() => null);
    if (!response.ok) {
      throw new SshServerError(
        response.status === 404
          ? this._trans.__(
              'The server part of jupyterlab-testbed is not enabled, so terminals cannot be pre-wired.'
            )
          : typeof data?.message === 'string'
            ? data.message
            : this._trans.__('The server refused (%1).', response.status)
      );
    }
    return data as T;
  }

  private _settings: ServerConnection.ISettings;
  private _trans: TranslationBundle;
}
