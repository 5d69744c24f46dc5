import type { Contents } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { DEFAULT_OUTLINE_OPTIONS } from '../../../src/core/progress/outline';
import { LabView } from '../../../src/lab/progress/labview';
import { bigNotebook } from '../../helpers';

/**
 * A lab folder of notebooks behind a contents manager that counts what is
 * read: the folder's listing, and each notebook's file.
 */
function labFolder(names: string[]) {
  const modified = new Map(names.map(name => [`lab/${name}`, 't0']));
  const reads: string[] = [];
  let listings = 0;
  const fileChanged = new Signal<unknown, Contents.IChangedArgs>({});
  const contents = {
    fileChanged,
    get: async (path: string) => {
      if (path === 'lab') {
        listings++;
        return {
          type: 'directory',
          content: [...modified].map(([file, time]) => ({
            type: 'notebook',
            name: file.slice(4),
            path: file,
            last_modified: time
          }))
        };
      }
      reads.push(path);
      return { type: 'notebook', content: bigNotebook(4) };
    }
  } as unknown as Contents.IManager;
  return {
    contents,
    reads,
    listings: () => listings,
    touch: (name: string, time: string) => modified.set(`lab/${name}`, time)
  };
}

function setUp(names: string[]) {
  const folder = labFolder(names);
  const open = new Set<string>();
  const view = new LabView({
    contents: folder.contents,
    outlineOptions: () => DEFAULT_OUTLINE_OPTIONS,
    live: path => (open.has(path) ? { done: 1, total: 9 } : null),
    open: () => undefined
  });
  Widget.attach(view, document.body);
  return { ...folder, open, view };
}

/** Until every read the view started has ended (bounded). */
async function settled(view: LabView): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
    if (!view.node.textContent?.includes('…')) {
      return;
    }
  }
}

const counts = (view: LabView) =>
  Array.from(view.node.querySelectorAll('.jp-testbed-Lab-count')).map(
    count => count.textContent
  );

describe('LabView', () => {
  it('reads the notebooks beside the open one, not the open one', async () => {
    const lab = setUp(['1.ipynb', '2.ipynb', '3.ipynb']);
    lab.open.add('lab/1.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await settled(lab.view);
    expect(lab.reads.sort()).toEqual(['lab/2.ipynb', 'lab/3.ipynb']);
    // The open notebook's count is its live one.
    expect(counts(lab.view)[0]).toBe('1/9');
    expect(counts(lab.view)[1]).toMatch(/^0\/\d+$/);
    lab.view.dispose();
  });

  it('reads again only what changed when a notebook of the lab is opened again', async () => {
    const lab = setUp(['1.ipynb', '2.ipynb', '3.ipynb']);
    lab.open.add('lab/1.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await settled(lab.view);
    lab.reads.length = 0;
    // Closed, then opened again: the folder is listed again.
    lab.open.delete('lab/1.ipynb');
    lab.view.currentPath = null;
    lab.touch('3.ipynb', 't1');
    lab.open.add('lab/1.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await settled(lab.view);
    expect(lab.listings()).toBe(2);
    expect(lab.reads).toEqual(['lab/3.ipynb']);
    lab.view.dispose();
  });

  it('reads a notebook that was closed without saving', async () => {
    const lab = setUp(['1.ipynb', '2.ipynb']);
    lab.open.add('lab/1.ipynb');
    lab.open.add('lab/2.ipynb');
    lab.view.currentPath = 'lab/2.ipynb';
    await settled(lab.view);
    expect(lab.reads).toEqual([]);
    // 2 is closed: 1 is on screen, and 2's row shows its file's count.
    lab.open.delete('lab/2.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await settled(lab.view);
    expect(lab.reads).toEqual(['lab/2.ipynb']);
    expect(counts(lab.view)[1]).toMatch(/^0\/\d+$/);
    lab.view.dispose();
  });
});
