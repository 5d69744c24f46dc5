import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileSystemSource } from '../../../src/node/cli/fssource';
import { detectLayout } from '../../../src/core/grading/layout';
import {
  IClassEntry,
  IFileSource,
  IFolderItem,
  IReadOptions,
  listFolder,
  MAX_LIST_DEPTH,
  MAX_LIST_FILES,
  readClass
} from '../../../src/core/grading/reader';
import {
  ISampleClass,
  SampleLayout,
  writeSampleClass
} from '../../../src/node/grading/samples';
import { classTable, toCSV, toJSON } from '../../../src/core/grading/table';
import { FLAG_KINDS } from '../../../src/core/grading/types';
import { DEFAULT_STEP_RULES } from '../../../src/core/notebook/steps';
import { EXTENSION_VERSION } from '../../../src/core/version';

const READ: IReadOptions = {
  ...DEFAULT_STEP_RULES,
  maxSectionLevel: 3,
  version: EXTENSION_VERSION
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-class-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A source of texts in memory; `read` of a missing path rejects. */
function memorySource(texts: { [path: string]: string }): IFileSource & {
  reads: string[];
} {
  const reads: string[] = [];
  return {
    reads,
    list: async () => ({
      files: Object.keys(texts).map(p => ({
        path: p,
        size: texts[p].length,
        modified: null
      })),
      notes: []
    }),
    read: async p => {
      reads.push(p);
      if (p.includes('locked')) {
        throw new Error('EACCES: permission denied');
      }
      return texts[p];
    }
  };
}

const NOTEBOOK = JSON.stringify({
  cells: [{ cell_type: 'code', source: 'ls', metadata: {}, outputs: [] }],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5
});

describe.each<SampleLayout>(['per-student', 'nbgrader', 'flat'])(
  'a sample class, %s',
  layout => {
    let sample: ISampleClass;
    let entries: IClassEntry[];
    const dir = path.join(tmp, layout);

    beforeAll(async () => {
      sample = writeSampleClass(dir, {
        layout,
        students: 14,
        cells: 24,
        hostile: true,
        seed: 7
      });
      ({ entries } = await readClass(fileSystemSource(dir), READ));
    });

    it('reads every notebook handed in, and nothing else', () => {
      expect(entries.map(e => e.file.path).sort()).toEqual(
        Object.keys(sample.expected).sort()
      );
    });

    it('shows each tampered file exactly its flags, and honest files none', () => {
      const shown = entries.map(({ file, summary }) => ({
        path: file.path,
        flags: [...new Set(summary.flags.map(f => f.kind))].sort(),
        problem: !!summary.problem
      }));
      const expected = entries.map(({ file }) => ({
        path: file.path,
        flags: [...sample.expected[file.path].flags].sort(),
        problem: sample.expected[file.path].problem
      }));
      expect(shown).toEqual(expected);
      // The sample exercises every kind, and honest students are there too.
      const kinds = new Set(
        Object.values(sample.expected).flatMap(e => e.flags)
      );
      expect([...kinds].sort()).toEqual([...FLAG_KINDS].sort());
      expect(
        Object.values(sample.expected).filter(
          e => !e.flags.length && !e.problem
        ).length
      ).toBeGreaterThan(10);
    });

    it('makes a problem of each broken file, not a failure', () => {
      const problems = entries
        .filter(e => e.summary.problem)
        .map(e => `${e.file.student}: ${e.summary.problem}`);
      expect(problems).toEqual([
        expect.stringMatching(/^garbage.*: not a notebook \(not valid JSON/),
        expect.stringMatching(
          /^wrongtypes.*: not a notebook \(no list of cells\)/
        ),
        expect.stringMatching(/^zerobytes.*: not a notebook \(not valid JSON/)
      ]);
    });

    it('tells students apart by name, hostile names included', () => {
      const students = new Set(entries.map(e => e.file.student));
      expect(students.size).toBe(14 + 10);
      expect(
        [...students].filter(s => /^(<b>evil|=cmd|\u001b)/.test(s))
      ).toHaveLength(3);
      expect(new Set(entries.map(e => e.file.notebook)).size).toBe(2);
    });

    it('makes a table and exports of it all without throwing', () => {
      const table = classTable(entries);
      expect(table.rows.length).toBe(24);
      expect(toCSV(entries)).toContain("\r\n'=cmd|' -C calc'!A0");
      const json = JSON.parse(toJSON(entries));
      expect(json.notebooks).toHaveLength(entries.length);
    });
  }
);

describe('readClass', () => {
  it('hands on each summary as it is read, then all in order', async () => {
    const texts: { [path: string]: string } = {};
    for (const student of ['carl', 'anna', 'bea']) {
      texts[`${student}/lab.ipynb`] = NOTEBOOK;
    }
    const seen: string[] = [];
    let resolved = false;
    const reading = readClass(
      memorySource(texts),
      { ...READ, concurrency: 1 },
      (entry, read, total) => {
        expect(resolved).toBe(false);
        seen.push(`${entry.file.student} ${read}/${total}`);
      }
    );
    reading.then(() => (resolved = true));
    const result = await reading;
    expect(seen).toEqual(['anna 1/3', 'bea 2/3', 'carl 3/3']);
    expect(result.entries.map(e => e.file.student)).toEqual([
      'anna',
      'bea',
      'carl'
    ]);
    expect(result.layout.kind).toBe('per-student');
    expect(result.entries[0].summary).toMatchObject({ done: 0, total: 1 });
  });

  it('reads several files at once, never more than asked', async () => {
    let open = 0;
    let most = 0;
    const source: IFileSource = {
      list: async () => ({
        files: Array.from({ length: 20 }, (_, i) => ({
          path: `s${i}/lab.ipynb`,
          size: null,
          modified: null
        })),
        notes: ['a note']
      }),
      read: async () => {
        most = Math.max(most, ++open);
        await new Promise(resolve => setTimeout(resolve, 5));
        open--;
        return NOTEBOOK;
      }
    };
    const result = await readClass(source, { ...READ, concurrency: 4 });
    expect(most).toBe(4);
    expect(result.entries).toHaveLength(20);
    expect(result.notes).toEqual(['a note']);
  });

  it('makes a file that cannot be read, or is too large, a problem of its own', async () => {
    const source = memorySource({
      'anna/lab.ipynb': NOTEBOOK,
      'bea/locked.ipynb': NOTEBOOK,
      'carl/lab.ipynb': `${NOTEBOOK}${' '.repeat(2000)}`
    });
    const { entries } = await readClass(source, { ...READ, maxBytes: 1000 });
    expect(entries.map(e => e.summary.problem)).toEqual([
      undefined,
      'could not be read: EACCES: permission denied',
      expect.stringMatching(/^not read: .* MB, more than the .* MB limit$/)
    ]);
    // The large file was not even read.
    expect(source.reads.sort()).toEqual(['anna/lab.ipynb', 'bea/locked.ipynb']);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const texts: { [path: string]: string } = {};
    for (let i = 0; i < 10; i++) {
      texts[`s${i}/lab.ipynb`] = NOTEBOOK;
    }
    const source = memorySource(texts);
    const reading = readClass(
      source,
      { ...READ, concurrency: 1, signal: controller.signal },
      (_, read) => read === 2 && controller.abort()
    );
    await expect(reading).rejects.toBeTruthy();
    expect(source.reads).toHaveLength(2);
  });

  it('fails when the folder itself cannot be listed', async () => {
    await expect(
      readClass(fileSystemSource(path.join(tmp, 'missing')), READ)
    ).rejects.toThrow(/ENOENT/);
  });
});

describe('listFolder', () => {
  function tree(items: {
    [folder: string]: IFolderItem[];
  }): (folder: string) => Promise<IFolderItem[]> {
    return async folder => {
      if (!(folder in items)) {
        throw new Error('forbidden');
      }
      return items[folder];
    };
  }
  const file = (name: string): IFolderItem => ({
    name,
    kind: 'file',
    size: 1,
    modified: null
  });
  const dir = (name: string): IFolderItem => ({
    name,
    kind: 'directory',
    size: null,
    modified: null
  });

  it('lists files below the root, but not in hidden folders', async () => {
    const listing = await listFolder(
      tree({
        '': [dir('b'), file('a.ipynb'), dir('.git'), dir('locked')],
        b: [file('x.ipynb'), { ...file('link.ipynb'), kind: 'other' }]
      })
    );
    expect(listing.files.map(f => f.path)).toEqual(['a.ipynb', 'b/x.ipynb']);
    expect(listing.notes).toEqual([
      'could not list locked: forbidden',
      'skipped 1 link(s) or special file(s), such as b/link.ipynb'
    ]);
  });

  it(`stops after ${MAX_LIST_FILES} files and ${MAX_LIST_DEPTH} levels`, async () => {
    const many = await listFolder(
      tree({
        '': Array.from({ length: MAX_LIST_FILES + 10 }, (_, i) =>
          file(`${i}.ipynb`)
        )
      })
    );
    expect(many.files).toHaveLength(MAX_LIST_FILES);
    expect(many.notes).toEqual([
      `stopped listing after ${MAX_LIST_FILES} files`
    ]);

    const levels: { [folder: string]: IFolderItem[] } = {};
    let folder = '';
    for (let depth = 0; depth < 10; depth++) {
      levels[folder] = [dir('d'), file('f.ipynb')];
      folder = folder ? `${folder}/d` : 'd';
    }
    const deep = await listFolder(tree(levels));
    expect(deep.files).toHaveLength(MAX_LIST_DEPTH + 1);
    expect(deep.notes[0]).toMatch(
      new RegExp(
        `^did not look into 1 folder\\(s\\) more than ${MAX_LIST_DEPTH} levels deep`
      )
    );
  });

  it('rejects when the root cannot be listed', async () => {
    await expect(listFolder(tree({}))).rejects.toThrow('forbidden');
  });
});

describe('fileSystemSource', () => {
  it('never follows a link out of the folder', async () => {
    const root = path.join(tmp, 'links');
    const outside = path.join(tmp, 'outside.ipynb');
    fs.mkdirSync(path.join(root, 'alice'), { recursive: true });
    fs.writeFileSync(outside, NOTEBOOK);
    fs.writeFileSync(path.join(root, 'alice', 'lab.ipynb'), NOTEBOOK);
    fs.symlinkSync(outside, path.join(root, 'alice', 'stolen.ipynb'));
    fs.symlinkSync(tmp, path.join(root, 'bob'));
    const source = fileSystemSource(root);
    const listing = await source.list();
    expect(listing.files.map(f => f.path)).toEqual(['alice/lab.ipynb']);
    expect(listing.notes).toEqual([
      'skipped 2 link(s) or special file(s), such as bob'
    ]);
    await expect(source.read('alice/stolen.ipynb')).rejects.toThrow(
      'not a regular file'
    );
    await expect(source.read('../outside.ipynb')).rejects.toThrow(
      'outside the folder'
    );
    expect(listing.files[0].modified).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('reads a notebook with a 50 MB output', async () => {
    const root = path.join(tmp, 'huge');
    try {
      const sample = writeSampleClass(root, {
        students: 1,
        cells: 12,
        huge: true
      });
      const big = Object.keys(sample.expected).find(p =>
        p.startsWith('bigoutput')
      )!;
      expect(fs.statSync(path.join(root, big)).size).toBeGreaterThan(50e6);
      const { entries } = await readClass(fileSystemSource(root), READ);
      const summary = entries.find(e => e.file.path === big)!.summary;
      expect(summary.problem).toBeUndefined();
      expect(summary.flags).toEqual([]);
      expect(summary.done).toBe(summary.total);
      const small = await readClass(fileSystemSource(root), {
        ...READ,
        maxBytes: 10 * 1024 * 1024
      });
      expect(
        small.entries.find(e => e.file.path === big)!.summary.problem
      ).toMatch(/^not read: \d+(\.\d)? MB, more than the 10 MB limit$/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 120000);
});

describe('the sample generator', () => {
  it('is the same for the same seed, and differs with another', () => {
    const texts = (seed: number) => {
      const root = path.join(tmp, `seed-${seed}-${Math.random()}`);
      const sample = writeSampleClass(root, { students: 5, cells: 12, seed });
      return sample.files.map(f =>
        fs.readFileSync(path.join(root, f), 'utf-8')
      );
    };
    expect(texts(3)).toEqual(texts(3));
    expect(texts(3)).not.toEqual(texts(4));
  });

  it('saves each notebook after its last recorded event', () => {
    const root = path.join(tmp, 'saved');
    const sample = writeSampleClass(root, { students: 4, cells: 12 });
    const layout = detectLayout(
      sample.files.map(p => ({ path: p, size: null, modified: null }))
    );
    for (const { path: p } of layout.submissions) {
      const text = fs.readFileSync(path.join(root, p), 'utf-8');
      const log: string[] =
        JSON.parse(text).metadata['jupyterlab-testbed']?.log ?? [];
      if (log.length) {
        const last = Date.parse(log[log.length - 1].split(' ')[0]);
        expect(fs.statSync(path.join(root, p)).mtimeMs).toBeGreaterThan(last);
      }
    }
  });
});
