/**
 * What the UI tests share: putting files on the server the way a student's
 * browser reaches it, and opening a notebook.
 */
import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import * as path from 'path';

export const SAMPLE_LAB = path.resolve(__dirname, '../../notebooks');

/**
 * Load the app, then create tmpPath and upload files into it.
 *
 * Galata's own set-up of tmpPath resolves the contents API against the
 * host, not the server's base URL; with the app loaded, page.contents goes
 * through the page's base URL, as a student's browser does.
 */
export async function prepare(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  upload: (destination: string) => Promise<unknown> = destination =>
    page.contents.uploadDirectory(SAMPLE_LAB, destination)
): Promise<void> {
  await page.goto();
  if (!(await page.contents.directoryExists(tmpPath))) {
    await page.contents.createDirectory(tmpPath);
  }
  await upload(tmpPath);
}

/** Open a notebook of tmpPath and make it the active tab. */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string
): Promise<void> {
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
}

/** Run a JupyterLab command in the page, as the app would. */
export const execute = (
  page: IJupyterLabPageFixture | Page,
  command: string,
  args: { [key: string]: unknown } = {}
) =>
  page.evaluate(
    ({ id, args }) => (window as any).jupyterapp.commands.execute(id, args),
    { id: command, args }
  );

/** A bash notebook of the given cells, as text for page.contents.uploadContent. */
export function notebookText(
  cells: { cell_type: 'markdown' | 'code'; source: string; metadata?: object }[]
): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' }
    },
    cells: cells.map((cell, i) => ({
      id: `cell-${i}`,
      metadata: {},
      ...cell,
      ...(cell.cell_type === 'code'
        ? { outputs: [], execution_count: null }
        : {})
    }))
  });
}

/**
 * A server URL under the project's base URL (`baseURL` has no trailing
 * slash, so a relative path would drop its last segment).
 */
export function serverUrl(baseURL: string, path: string): string {
  return `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The extension's ssh endpoints that connect, touch the agent or write the config. */
export const CONNECTING =
  /\/jupyterlab-testbed\/ssh\/(probe|agent|config|forget)\b/;

/**
 * Answer those endpoints in the page, for a test whose addresses are no
 * machine of ours: the Terminals section's key check and probe reach nothing.
 */
export async function answerConnecting(page: Page): Promise<void> {
  await page.route(CONNECTING, route =>
    route.fulfill({ status: 503, json: { message: 'Not in this test.' } })
  );
}

/** The names of the server's terminals. */
export async function terminalNames(
  request: APIRequestContext,
  baseURL: string
): Promise<string[]> {
  const listed = await request.get(serverUrl(baseURL, 'api/terminals'));
  expect(listed.ok()).toBe(true);
  return ((await listed.json()) as { name: string }[]).map(t => t.name);
}

/** Shut down every terminal of the server. */
export async function removeTerminals(
  request: APIRequestContext,
  baseURL: string
): Promise<void> {
  for (const name of await terminalNames(request, baseURL)) {
    await request.delete(
      serverUrl(baseURL, `api/terminals/${encodeURIComponent(name)}`)
    );
  }
}

/** The source of cell `index` of the current notebook. */
export const cellSource = (page: Page, index: number): Promise<string> =>
  page.evaluate(
    (i: number) =>
      (window as any).jupyterapp.shell.currentWidget.content.model.cells
        .get(i)
        .sharedModel.getSource(),
    index
  );

/** Show the Testbed sidebar and return its Terminals section. */
export async function openTerminalsSection(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('testbed:show-sidebar')
  );
  const section = page.locator('#jp-testbed-terminals');
  await expect(section).toBeVisible();
  return section;
}

/**
 * The text of the terminal whose session is `name`, wrapped lines joined,
 * or null while it has none on screen. The renderer draws on a canvas, so
 * this reads xterm's buffer.
 */
export function terminalText(page: Page, name: string): Promise<string | null> {
  return page.evaluate((wanted: string) => {
    const app = (window as any).jupyterapp;
    const widget = Array.from(app.shell.widgets('main') as Iterable<any>).find(
      w => w.content?.session?.name === wanted
    );
    const buffer = widget?.content?._term?.buffer?.active;
    if (!buffer) {
      return null;
    }
    let text = '';
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) {
        continue;
      }
      text +=
        (i > 0 && !line.isWrapped ? '\n' : '') + line.translateToString(true);
    }
    // Spaces the shell wrote stay in xterm's cells: drop them at line ends.
    return text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
  }, name);
}
