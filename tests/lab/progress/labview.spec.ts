import type { Contents } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { DEFAULT_OUTLINE_OPTIONS } from '../../../src/core/progress/outline';
import { LabView } from '../../../src/lab/progress/labview';
import { bigNotebook } from '../../helpers';

/**
 * Folders of notebooks behind a contents manager that counts what is read
 * (each folder's listing, each notebook's file), how many reads run at once,
 * and answers a read only when the test lets it (`release`).
 */
function labFolders(folders: { [folder: string]: string[] }) {
  const modified = new Map<string, string | undefined>();
  for (const [folder, names] of Object.entries(folders)) {
    names.forEach(name => modified.set(`${folder}/${name}`, 't0'));
  }
  const reads: string[] = [];
  const waiting: (() => void)[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const fileChanged = new Signal<unknown, Contents.IChangedArgs>({});
  const contents = {
    fileChanged,
    get: async (path: string) => {
      if (path in folders) {
        return {
          type: 'directory',
          content: [...modified]
            .filter(([file]) => file.startsWith(`${path}/`))
            .map(([file, time]) => ({
              type: 'notebook',
              name: file.slice(path.length + 1),
              path: file,
              last_modified: time
            }))
        };
      }
      reads.push(path);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>(resolve => waiting.push(resolve));
      running--;
      return { type: 'notebook', content: bigNotebook(4) };
    }
  } as unknown as Contents.IManager;
  /**
   * Answer the reads, bounded, until none is left waiting; then let the
   * list draw what was read (once a frame).
   */
  const release = async () => {
    for (let i = 0; i < 200; i++) {
      waiting.splice(0).forEach(answer => answer());
      await new Promise(resolve => setTimeout(resolve, 0));
      if (!waiting.length && !running) {
        await new Promise(resolve => setTimeout(resolve, 50));
        return;
      }
    }
    throw new Error(`reads still running: ${running}`);
  };
  return {
    contents,
    fileChanged,
    reads,
    release,
    mostAtOnce: () => mostAtOnce,
    touch: (path: string, time: string | undefined) => modified.set(path, time)
  };
}

function setUp(folders: { [folder: string]: string[] }) {
  const lab = labFolders(folders);
  const open = new Set<string>();
  const view = new LabView({
    contents: lab.contents,
    outlineOptions: () => DEFAULT_OUTLINE_OPTIONS,
    live: path => (open.has(path) ? { done: 1, total: 9 } : null),
    open: () => undefined
  });
  Widget.attach(view, document.body);
  return { ...lab, open, view };
}

const counts = (view: LabView) =>
  Array.from(view.node.querySelectorAll('.jp-testbed-Lab-count')).map(
    count => count.textContent
  );

describe('LabView', () => {
  it('reads the notebooks beside the open one, not the open one', async () => {
    const lab = setUp({ lab: ['1.ipynb', '2.ipynb', '3.ipynb'] });
    lab.open.add('lab/1.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    expect(lab.reads.sort()).toEqual(['lab/2.ipynb', 'lab/3.ipynb']);
    // The open notebook's count is its live one.
    expect(counts(lab.view)[0]).toBe('1/9');
    expect(counts(lab.view)[1]).toMatch(/^0\/\d+$/);
    lab.view.dispose();
  });

  it('reads again only what changed when a notebook of the lab is opened again', async () => {
    const lab = setUp({ lab: ['1.ipynb', '2.ipynb', '3.ipynb'] });
    lab.open.add('lab/1.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    lab.reads.length = 0;
    // Closed, then opened again: the folder is listed again.
    lab.open.delete('lab/1.ipynb');
    lab.view.currentPath = null;
    lab.touch('lab/3.ipynb', 't1');
    lab.open.add('lab/1.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    expect(lab.reads).toEqual(['lab/3.ipynb']);
    lab.view.dispose();
  });

  it('reads a notebook closed without saving, on screen or not', async () => {
    const lab = setUp({ lab: ['1.ipynb', '2.ipynb', '3.ipynb'] });
    ['lab/1.ipynb', 'lab/2.ipynb', 'lab/3.ipynb'].forEach(path =>
      lab.open.add(path)
    );
    lab.view.currentPath = 'lab/2.ipynb';
    await lab.release();
    expect(lab.reads).toEqual([]);
    // 2, on screen, is closed: 1 is on screen now.
    lab.open.delete('lab/2.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    expect(lab.reads).toEqual(['lab/2.ipynb']);
    // 3, in the background, is closed.
    lab.open.delete('lab/3.ipynb');
    lab.view.notebookClosed();
    await lab.release();
    expect(lab.reads).toEqual(['lab/2.ipynb', 'lab/3.ipynb']);
    expect(counts(lab.view)[2]).toMatch(/^0\/\d+$/);
    lab.view.dispose();
  });

  it('reads a listing without modification times once, not over and over', async () => {
    const names = ['1.ipynb', '2.ipynb', '3.ipynb'];
    const lab = setUp({ lab: names });
    names.forEach(name => lab.touch(`lab/${name}`, undefined));
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    await lab.release();
    expect(lab.reads.sort()).toEqual(names.map(name => `lab/${name}`));
    lab.view.dispose();
  });

  it('reads at most four at once, however many are listed', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `${i}.ipynb`);
    const lab = setUp({ lab: names });
    lab.view.currentPath = 'lab/0.ipynb';
    await new Promise(resolve => setTimeout(resolve, 0));
    // More notebooks appear while the first reads wait: listed again.
    for (let i = 12; i < 20; i++) {
      lab.touch(`lab/${i}.ipynb`, 't0');
    }
    lab.fileChanged.emit({
      type: 'new',
      oldValue: null,
      newValue: { path: 'lab/19.ipynb' }
    } as Contents.IChangedArgs);
    await lab.release();
    expect(lab.mostAtOnce()).toBe(4);
    expect(new Set(lab.reads).size).toBe(20);
    expect(counts(lab.view)).not.toContain('…');
    lab.view.dispose();
  });

  it('shows every count after a switch to another folder and back while reading', async () => {
    // More than four in a: some wait in the queue when b is shown.
    const inA = Array.from({ length: 6 }, (_, i) => `${i}.ipynb`);
    const lab = setUp({ a: inA, b: ['9.ipynb'] });
    lab.view.currentPath = 'a/0.ipynb';
    await new Promise(resolve => setTimeout(resolve, 0));
    lab.view.currentPath = 'b/9.ipynb';
    // a's first reads end while b is on screen.
    await lab.release();
    lab.view.currentPath = 'a/0.ipynb';
    await lab.release();
    expect(counts(lab.view)).toHaveLength(6);
    expect(counts(lab.view).every(count => /^0\/\d+$/.test(count!))).toBe(true);
    lab.view.dispose();
  });

  it('reads nothing while hidden, and what is due once shown', async () => {
    const lab = setUp({ lab: ['1.ipynb', '2.ipynb'] });
    lab.open.add('lab/1.ipynb');
    lab.open.add('lab/2.ipynb');
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    lab.view.hide();
    // 2 is closed without saving while the section is collapsed.
    lab.open.delete('lab/2.ipynb');
    lab.view.notebookClosed();
    lab.view.currentPath = 'lab/1.ipynb';
    await lab.release();
    expect(lab.reads).toEqual([]);
    lab.view.show();
    await lab.release();
    expect(lab.reads).toEqual(['lab/2.ipynb']);
    lab.view.dispose();
  });
});
