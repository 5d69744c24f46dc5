/**
 * Open in browser: a block for the student's computer that opens an SSH
 * local forward (`ssh -L 8443:127.0.0.1:8443 cc@A.B.C.D`) gets a button that
 * asks the server for the same forward over the lab's connection and opens
 * it, through jupyter-server-proxy, in a new browser tab. It connects only
 * on the student's click and only to a node of the accepted topology; the
 * page keeps the forward alive while the tab is open.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { whereText } from '../../core/terminals/markers';
import { placeOf } from '../../core/terminals/places';
import {
  browseTarget,
  forwardNode,
  localForwards
} from '../../core/terminals/forwards';
import { el } from '../dom';
import type { TerminalsModel } from './model';

export const TUNNEL_BUTTON_CLASS = 'jp-testbed-TunnelButton';
/** How often the page says the tab is still open (the server's timeout is longer). */
const KEEP_ALIVE_MS = 10_000;

/** Whether the block is for the student's computer and opens a forward. */
export function opensForward(block: string, markers: RegExp[]): boolean {
  const where = whereText(block, markers);
  return (
    where !== null &&
    placeOf(where) === 'local' &&
    localForwards(block).length > 0
  );
}

/**
 * Add (or remove) Open in browser on a block's bar, next to Copy. The bar's
 * other buttons are redrawn by RunButtons; this one is kept once added.
 */
export function decorateTunnelBar(
  bar: HTMLElement,
  block: string,
  markers: RegExp[],
  trans: TranslationBundle,
  open: () => void
): void {
  const existing = bar.querySelector(`.${TUNNEL_BUTTON_CLASS}`);
  if (!opensForward(block, markers) || !bar.querySelector('button')) {
    existing?.remove();
    return;
  }
  if (existing) {
    return;
  }
  const button = el('button', TUNNEL_BUTTON_CLASS);
  button.type = 'button';
  button.textContent = trans.__('Open in browser');
  button.title = trans.__(
    'Open this forward from the Jupyter server to the lab node, and its page in a new browser tab'
  );
  button.addEventListener('mousedown', event => {
    event.stopPropagation();
    event.preventDefault();
  });
  button.addEventListener('click', event => {
    event.stopPropagation();
    open();
  });
  bar.appendChild(button);
}

interface IForwardReply {
  /** The number the server gave the forward. */
  id: number;
  url: string;
}

async function request<T>(
  path: string,
  body: unknown,
  trans: TranslationBundle
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'jupyterlab-testbed', path);
  const response = await ServerConnection.makeRequest(
    url,
    { method: 'POST', body: JSON.stringify(body) },
    settings
  );
  const data: any = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(
      typeof data?.message === 'string'
        ? data.message
        : trans.__('The server refused (%1).', response.status)
    );
  }
  return data as T;
}

/**
 * Open the block's first forward: the block's text with the student's
 * values filled in, the surrounding cell text for where to browse.
 */
export async function openForward(options: {
  block: string;
  context: string;
  model: TerminalsModel;
  trans: TranslationBundle;
}): Promise<void> {
  const { block, context, model, trans } = options;
  const forward = localForwards(block)[0];
  const result = model.topology?.result;
  if (!forward) {
    throw new Error(trans.__('This block opens no ssh -L forward.'));
  }
  if (!result?.ok) {
    throw new Error(
      result
        ? result.problems.join(' ')
        : trans.__('Open a lab notebook first: its nodes come from it.')
    );
  }
  const hosts: { [node: string]: string[] } = {};
  for (const node of result.nodes) {
    hosts[node.name] = [node.host, node.name];
  }
  const node = forwardNode(forward.target, hosts);
  if (!node) {
    throw new Error(
      trans.__(
        'The ssh line goes to %1, which is no node of this lab (%2): fill in its address first.',
        forward.target,
        result.nodes.map(n => `${n.name} ${n.host}`).join(', ')
      )
    );
  }
  const browse = browseTarget(context, forward);
  // Opened now, within the click, or a popup blocker would stop it.
  const tab = window.open('', '_blank');
  try {
    // The lab's config written and its keys in the agent, as for a terminal.
    await model.connectLine(node);
    const reply = await request<IForwardReply>(
      'tunnels',
      {
        node,
        host: forward.host,
        port: forward.remotePort,
        scheme: browse.scheme
      },
      trans
    );
    // reply.url is a path under the server's base URL, as the browser sees it.
    const path = URLExt.join(reply.url, browse.path.replace(/^\//, ''));
    const url = new URL(path, window.location.origin).href;
    if (tab) {
      tab.location.href = url;
      keepAlive(tab, reply.id, trans);
    }
  } catch (reason) {
    tab?.close();
    throw reason;
  }
}

/** Keep the forward while its tab is open; close it when the tab is gone. */
function keepAlive(tab: Window, id: number, trans: TranslationBundle): void {
  const timer = setInterval(() => {
    const path = tab.closed ? 'tunnels/close' : 'tunnels/keepalive';
    if (tab.closed) {
      clearInterval(timer);
    }
    request(path, { id }, trans).catch(() => clearInterval(timer));
  }, KEEP_ALIVE_MS);
}
