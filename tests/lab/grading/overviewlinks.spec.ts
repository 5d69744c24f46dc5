/**
 * The class overview never reads through a link out of the submissions
 * folder: in the lab (listed by the server extension, which names links)
 * and in the CLI (lstat, realpath and O_NOFOLLOW).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Contents } from '@jupyterlab/services';
import { ServerConnection } from '@jupyterlab/services';
import { fileSystemSource } from '../../../src/node/cli/fssource';
import { contentsSource } from '../../../src/lab/grading/contentssource';
import { readClass } from '../../../src/core/grading/reader';
import { DEFAULT_STEP_RULES } from '../../../src/core/notebook/steps';
import { EXTENSION_VERSION } from '../../../src/core/version';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-links-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: []
});

describe('the CLI’s reader', () => {
  it('refuses a folder that became a link after it was listed', async () => {
    const root = path.join(tmp, 'class');
    const outside = path.join(tmp, 'elsewhere');
    fs.mkdirSync(path.join(root, 'alice'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'alice', 'lab.ipynb'), NOTEBOOK);
    fs.writeFileSync(path.join(outside, 'lab.ipynb'), '{"secret": 1}');
    const source = fileSystemSource(root);
    const listing = await source.list();
    expect(listing.files.map(f => f.path)).toEqual(['alice/lab.ipynb']);
    fs.renameSync(path.join(root, 'alice'), path.join(tmp, 'alice-moved'));
    fs.symlinkSync(outside, path.join(root, 'alice'));
    await expect(source.read('alice/lab.ipynb')).rejects.toThrow(
      'it leads out of the folder through a link'
    );
  });
});

describe('the lab’s reader', () => {
  it('names a link the server lists, and never asks the contents API for it', async () => {
    // The server extension's listing of a class with links out of it.
    const folders: { [path: string]: object[] } = {
      class: [
        { name: 'alice', kind: 'directory', size: null },
        { name: 'bob', kind: 'link', size: null },
        { name: 'carol', kind: 'directory', size: null }
      ],
      'class/alice': [
        { name: 'lab.ipynb', kind: 'file', size: 10, modified: null }
      ],
      'class/carol': [{ name: 'lab.ipynb', kind: 'link', size: null }]
    };
    const listed: string[] = [];
    const fetch = async (request: RequestInfo | URL) => {
      const url = new URL((request as Request).url);
      const folder = url.searchParams.get('path') ?? '';
      listed.push(`${url.pathname} ${folder}`);
      return new Response(JSON.stringify({ items: folders[folder] ?? [] }), {
        status: folders[folder] ? 200 : 404
      });
    };
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:9300/',
      fetch: fetch as typeof globalThis.fetch
    });
    const read: string[] = [];
    const contents = {
      get: async (file: string) => {
        read.push(file);
        return { content: NOTEBOOK } as Contents.IModel;
      }
    } as unknown as Contents.IManager;
    const result = await readClass(
      contentsSource(contents, 'class', settings),
      {
        ...DEFAULT_STEP_RULES,
        maxSectionLevel: 3,
        version: EXTENSION_VERSION
      }
    );
    expect(listed).toEqual([
      '/jupyterlab-testbed/tree class',
      '/jupyterlab-testbed/tree class/alice',
      '/jupyterlab-testbed/tree class/carol'
    ]);
    expect(read).toEqual(['class/alice/lab.ipynb']);
    expect(result.notes).toEqual([
      'skipped 2 link(s) or special file(s), such as bob'
    ]);
    expect(result.entries.map(entry => entry.file.path)).toEqual([
      'alice/lab.ipynb'
    ]);
  });
});
