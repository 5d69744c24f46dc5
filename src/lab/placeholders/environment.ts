/**
 * Defaults the Jupyter server's environment knows: on Chameleon's JupyterHub
 * the project is in OS_PROJECT_NAME and the user in USER. The endpoint comes
 * with the Python package; without it there are simply no defaults.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { Values } from '../../core/placeholders/values';

/** The field each variable of the endpoint's answer offers a default for. */
const SERVER_DEFAULTS: {
  [key: string]: { field: string; variable: string };
} = {
  project: { field: 'project', variable: 'OS_PROJECT_NAME' },
  user: { field: 'netID', variable: 'USER' }
};

/** The variable a field's server default comes from. */
export function defaultVariable(field: string): string | undefined {
  return Object.values(SERVER_DEFAULTS).find(d => d.field === field)?.variable;
}

export async function fetchServerDefaults(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<Values> {
  const url = URLExt.join(
    settings.baseUrl,
    'jupyterlab-testbed',
    'environment'
  );
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, {}, settings);
  } catch {
    return {};
  }
  if (!response.ok) {
    return {};
  }
  const body: unknown = await response.json().catch(() => null);
  const values: Values = {};
  if (body && typeof body === 'object') {
    for (const [key, { field }] of Object.entries(SERVER_DEFAULTS)) {
      const value = (body as { [key: string]: unknown })[key];
      if (typeof value === 'string' && value.length <= 200) {
        values[field] = value;
      }
    }
  }
  return values;
}
