import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as nbformat from '@jupyterlab/nbformat';
import {
  checkTroviForm,
  ITroviForm,
  troviCrate
} from '../../../src/core/authoring/trovi';
import {
  IPublishFs,
  lintFolder,
  prepareFolder,
  PrepareRefused
} from '../../../src/core/authoring/publish';
import { ILintFinding, isLeak } from '../../../src/core/authoring/lint';
import { publishFs } from '../../../src/node/cli/publishfs';
import { ICellRecord, METADATA_KEY } from '../../../src/core/metadata/format';
import { sourceText } from '../../../src/core/notebook/file';
import { readNotebook, SAMPLE_DIR } from '../../helpers';
import { STUDENT, useAsStudent } from '../../helpers/student';

const LINT = { profileValues: Object.values(STUDENT) };

/** What the link points to: it must never reach a copy. */
const OUTSIDE = 'OUTSIDE-THE-LAB-do-not-copy';

/** Bytes that are not UTF-8 text: a copy as text would change them. */
const IMAGE = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0xc3, 0x28,
  0x80, 0x00, 0x01
]);

const FORM: ITroviForm = {
  name: 'Provision with the openstack CLI',
  shortDescription: 'Two more VMs on KVM@TACC, by command',
  description: 'A **bash** lab.',
  keywords: ['chameleon', 'openstack'],
  authors: [
    { name: 'Ada Author', affiliation: 'NYU', email: 'ada@example.org' }
  ]
};

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-publish-'));
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The sample lab's provisioning notebook after a student's session, as the
 * extension writes it. One cell's outputs are marked by the author to be
 * kept: they show no value of the student's.
 */
function usedNotebook(): nbformat.INotebookContent {
  const notebook = readNotebook(path.join(SAMPLE_DIR, '1_provision_cli.ipynb'));
  const catalog = notebook.cells.findIndex(
    cell => sourceText(cell.source) === 'openstack catalog list'
  );
  return useAsStudent(notebook, {
    keep: {
      cell: catalog,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: 'compute  nova\n' }
      ]
    }
  }).used;
}

function nbText(notebook: unknown): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

function write(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/**
 * A lab folder as a student left it, beside a file outside it:
 * `<tmp>/lab` and `<tmp>/outside/secret.txt`.
 */
function usedLab(): string {
  const lab = path.join(tmp, 'lab');
  const used = nbText(usedNotebook());
  write(path.join(lab, '1_provision_cli.ipynb'), used);
  write(
    path.join(lab, 'more', '2_docker_kubernetes.ipynb'),
    fs.readFileSync(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb'))
  );
  write(path.join(lab, 'images', 'topology.png'), IMAGE);
  write(path.join(lab, '.gitignore'), '*.pyc\n');
  write(
    path.join(lab, '.ipynb_checkpoints', '1_provision_cli-checkpoint.ipynb'),
    used
  );
  write(path.join(lab, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  write(path.join(lab, 'notes.ipynb'), 'these are my notes, not a notebook');
  write(path.join(tmp, 'outside', 'secret.txt'), OUTSIDE);
  fs.symlinkSync(
    path.join(tmp, 'outside', 'secret.txt'),
    path.join(lab, 'secret.txt')
  );
  fs.symlinkSync(path.join(tmp, 'outside'), path.join(lab, 'outside-folder'));
  return lab;
}

/** Every file below a folder (links too, unfollowed), by relative path. */
function tree(dir: string): Map<string, Buffer | 'link'> {
  const files = new Map<string, Buffer | 'link'>();
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), {
      withFileTypes: true
    })) {
      const name = path.join(relative, entry.name);
      if (entry.isSymbolicLink()) {
        files.set(name, 'link');
      } else if (entry.isDirectory()) {
        walk(name);
      } else {
        files.set(name, fs.readFileSync(path.join(dir, name)));
      }
    }
  };
  walk('');
  return files;
}

function sources(file: string): string[] {
  return readNotebook(file).cells.map(cell => sourceText(cell.source));
}

describe('prepareFolder', () => {
  it('writes a clean copy: no leak, the author’s sources, every other file', async () => {
    usedLab();
    const report = await prepareFolder(publishFs(tmp), {
      source: 'lab',
      target: 'lab-clean',
      lint: LINT
    });
    const copy = path.join(tmp, 'lab-clean');
    expect(report.folder).toBe('lab-clean');
    expect(report.backup).toBeNull();
    expect(report.findings.filter(f => f.severity === 'leak')).toEqual([]);
    expect(report.clean).toBe(true);

    // Filled cells are back to the author's text.
    const cleaned = path.join(copy, '1_provision_cli.ipynb');
    expect(sources(cleaned)).toEqual(
      sources(path.join(SAMPLE_DIR, '1_provision_cli.ipynb'))
    );
    const text = fs.readFileSync(cleaned, 'utf-8');
    for (const value of Object.values(STUDENT)) {
      expect(text).not.toContain(value);
    }
    const notebook = readNotebook(cleaned);
    expect(notebook.metadata[METADATA_KEY]).toBeUndefined();
    const code = notebook.cells.filter(
      cell => cell.cell_type === 'code'
    ) as nbformat.ICodeCell[];
    const kept = code.filter(cell => cell.outputs.length);
    expect(kept.map(cell => sourceText(cell.source))).toEqual([
      'openstack catalog list'
    ]);
    expect(code.filter(cell => cell.execution_count !== null)).toEqual(kept);
    // The author's manual step stays.
    expect(
      notebook.cells.filter(
        cell =>
          (cell.metadata[METADATA_KEY] as ICellRecord | undefined)?.step ===
          'manual'
      )
    ).toHaveLength(1);

    const changes = report.notebooks.find(
      n => n.path === '1_provision_cli.ipynb'
    )!.changes!;
    expect(changes.restored).toBeGreaterThan(10);
    expect(changes.outputsCleared).toBeGreaterThan(10);
    expect(changes.countsCleared).toBeGreaterThan(10);
    expect(changes.log).toBe(true);

    // Everything else, byte for byte; hidden files of the lab too.
    expect(fs.readFileSync(path.join(copy, 'images', 'topology.png'))).toEqual(
      IMAGE
    );
    expect(fs.readFileSync(path.join(copy, '.gitignore'), 'utf-8')).toBe(
      '*.pyc\n'
    );
    expect(
      sources(path.join(copy, 'more', '2_docker_kubernetes.ipynb'))
    ).toEqual(sources(path.join(SAMPLE_DIR, '2_docker_kubernetes.ipynb')));
    // Not a notebook: copied as it is, and said so.
    expect(fs.readFileSync(path.join(copy, 'notes.ipynb'), 'utf-8')).toBe(
      'these are my notes, not a notebook'
    );
    expect(report.notebooks.find(n => n.path === 'notes.ipynb')).toEqual({
      path: 'notes.ipynb',
      changes: null,
      problem: expect.stringMatching(/copied as it is$/)
    });

    // Links, checkpoints and Git are left out, with why.
    const copied = tree(copy);
    expect([...copied.keys()].sort()).toEqual(
      [
        '.gitignore',
        '1_provision_cli.ipynb',
        path.join('images', 'topology.png'),
        path.join('more', '2_docker_kubernetes.ipynb'),
        'notes.ipynb'
      ].sort()
    );
    for (const content of copied.values()) {
      expect(content.toString()).not.toContain(OUTSIDE);
    }
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { path: 'secret.txt', why: 'a link; not followed' },
        { path: 'outside-folder', why: 'a link; not followed' },
        {
          path: '.ipynb_checkpoints',
          why: expect.stringContaining('checkpoints')
        },
        { path: '.git', why: expect.stringContaining('Git') }
      ])
    );
    expect(report.copied).toBe(5);
    expect(report.trovi).toBe(false);
  });

  it('leaves the lab itself untouched when copying', async () => {
    const lab = usedLab();
    const before = tree(lab);
    await prepareFolder(publishFs(tmp), {
      source: 'lab',
      target: 'lab-clean',
      lint: LINT
    });
    expect(tree(lab)).toEqual(before);
  });

  it('cleans in place after a byte-identical backup', async () => {
    const lab = usedLab();
    const before = tree(lab);
    const report = await prepareFolder(publishFs(tmp), {
      source: 'lab',
      target: '',
      inPlace: { backup: 'lab.originals' },
      lint: LINT
    });
    expect(report.folder).toBe('lab');
    expect(report.backup).toBe('lab.originals');
    expect(report.findings.filter(f => f.severity === 'leak')).toEqual([]);
    // The student's autosave is now the cleaned notebook.
    expect(report.clean).toBe(true);
    expect(
      fs.readFileSync(
        path.join(lab, '.ipynb_checkpoints', '1_provision_cli-checkpoint.ipynb')
      )
    ).toEqual(fs.readFileSync(path.join(lab, '1_provision_cli.ipynb')));
    expect(report.skipped.map(s => s.path)).not.toContain('.ipynb_checkpoints');

    const backup = tree(path.join(tmp, 'lab.originals'));
    for (const [name, content] of before) {
      if (
        content === 'link' ||
        name.startsWith('.ipynb_checkpoints') ||
        name.startsWith('.git' + path.sep)
      ) {
        expect(backup.has(name)).toBe(false);
      } else {
        expect({ name, content: backup.get(name) }).toEqual({ name, content });
      }
    }
    expect(sources(path.join(lab, '1_provision_cli.ipynb'))).toEqual(
      sources(path.join(SAMPLE_DIR, '1_provision_cli.ipynb'))
    );
    const after = tree(lab);
    // Only the used notebook and its checkpoint changed; links stay links.
    const cleaned = [
      '1_provision_cli.ipynb',
      path.join('.ipynb_checkpoints', '1_provision_cli-checkpoint.ipynb')
    ];
    for (const [name, content] of before) {
      if (!cleaned.includes(name)) {
        expect({ name, content: after.get(name) }).toEqual({ name, content });
      }
    }

    // The autosave of a notebook since deleted cannot be cleaned: named.
    const used = nbText(usedNotebook());
    write(path.join(lab, '.ipynb_checkpoints', 'gone-checkpoint.ipynb'), used);
    const again = await prepareFolder(publishFs(tmp), {
      source: 'lab',
      target: '',
      inPlace: { backup: 'lab.originals-2' },
      lint: LINT
    });
    expect(again.clean).toBe(false);
    expect(again.skipped).toContainEqual({
      path: '.ipynb_checkpoints',
      why: 'old copies not brought up to date: gone-checkpoint.ipynb; delete them before publishing'
    });
    // A file system that keeps no checkpoints of its own cannot vouch for them.
    fs.rmSync(path.join(lab, '.ipynb_checkpoints', 'gone-checkpoint.ipynb'));
    const { checkpoint, ...withoutCheckpoints } = publishFs(tmp);
    expect(checkpoint).toBeDefined();
    const blind = await prepareFolder(withoutCheckpoints, {
      source: 'lab',
      target: '',
      inPlace: { backup: 'lab.originals-3' },
      lint: LINT
    });
    expect(blind.clean).toBe(false);
    expect(
      blind.skipped.find(s => s.path === '.ipynb_checkpoints')?.why
    ).toMatch(/not cleaned; delete them before publishing/);
    // A second run finds nothing left to restore.
    expect(
      Object.fromEntries(
        again.notebooks.map(n => [n.path, n.changes?.restored ?? n.problem])
      )
    ).toEqual({
      '1_provision_cli.ipynb': 0,
      'more/2_docker_kubernetes.ipynb': 0,
      'notes.ipynb': expect.stringMatching(/not a notebook/)
    });
  });

  it('refuses a target that exists, and writes nothing', async () => {
    usedLab();
    const target = path.join(tmp, 'lab-clean');
    write(path.join(target, 'mine.txt'), 'keep me');
    const before = tree(tmp);
    await expect(
      prepareFolder(publishFs(tmp), {
        source: 'lab',
        target: 'lab-clean',
        lint: LINT
      })
    ).rejects.toThrow(/lab-clean already exists/);
    fs.writeFileSync(path.join(tmp, 'lab.originals'), '');
    await expect(
      prepareFolder(publishFs(tmp), {
        source: 'lab',
        target: '',
        inPlace: { backup: 'lab.originals' },
        lint: LINT
      })
    ).rejects.toBeInstanceOf(PrepareRefused);
    fs.rmSync(path.join(tmp, 'lab.originals'));
    expect(tree(tmp)).toEqual(before);
  });

  it('refuses a target inside the lab, and writes nothing', async () => {
    const lab = usedLab();
    const before = tree(lab);
    for (const target of ['lab/clean', 'lab', 'lab/']) {
      await expect(
        prepareFolder(publishFs(tmp), { source: 'lab', target, lint: LINT })
      ).rejects.toThrow(/inside the lab folder/);
    }
    await expect(
      prepareFolder(publishFs(tmp), {
        source: 'lab',
        target: '',
        inPlace: { backup: 'lab/originals' },
        lint: LINT
      })
    ).rejects.toThrow(/inside the lab folder/);
    expect(tree(lab)).toEqual(before);
  });

  it('rejects a lab that cannot be listed, writing nothing', async () => {
    await expect(
      prepareFolder(publishFs(tmp), {
        source: 'missing',
        target: 'copy',
        lint: LINT
      })
    ).rejects.toThrow(/The lab folder missing cannot be listed: .*ENOENT/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('writes trovi.json from a valid form, and refuses an invalid one first', async () => {
    usedLab();
    write(path.join(tmp, 'lab', 'trovi.json'), '{"old": true}\n');
    expect(checkTroviForm(FORM)).toEqual([]);
    const bad = { ...FORM, name: '' };
    expect(checkTroviForm(bad)).not.toEqual([]);
    await expect(
      prepareFolder(publishFs(tmp), {
        source: 'lab',
        target: 'lab-clean',
        lint: LINT,
        trovi: bad
      })
    ).rejects.toBeInstanceOf(PrepareRefused);
    expect(fs.existsSync(path.join(tmp, 'lab-clean'))).toBe(false);

    const report = await prepareFolder(publishFs(tmp), {
      source: 'lab',
      target: 'lab-clean',
      lint: LINT,
      trovi: FORM
    });
    expect(report.trovi).toBe(true);
    const written = fs.readFileSync(
      path.join(tmp, 'lab-clean', 'trovi.json'),
      'utf-8'
    );
    expect(written).toBe(`${JSON.stringify(troviCrate(FORM), null, 2)}\n`);

    // Without a form, the lab's own trovi.json is copied like any file.
    await prepareFolder(publishFs(tmp), {
      source: 'lab',
      target: 'lab-copy',
      lint: LINT
    });
    expect(
      fs.readFileSync(path.join(tmp, 'lab-copy', 'trovi.json'), 'utf-8')
    ).toBe('{"old": true}\n');
  });

  it('reports a notebook it cannot write in place, cleans the others, and is not clean', async () => {
    const lab = usedLab();
    const used = nbText(usedNotebook());
    write(path.join(lab, 'more', 'readonly.ipynb'), used);
    fs.chmodSync(path.join(lab, 'more', 'readonly.ipynb'), 0o444);
    const real = publishFs(tmp);
    // As the file system refuses it to anyone but root.
    const refusing: IPublishFs = {
      ...real,
      writeText: async (file, text) => {
        if (file === 'lab/more/readonly.ipynb') {
          throw new Error('EACCES: permission denied');
        }
        return real.writeText(file, text);
      }
    };
    const report = await prepareFolder(refusing, {
      source: 'lab',
      target: '',
      inPlace: { backup: 'lab.originals' },
      lint: LINT
    });
    expect(
      report.notebooks.find(n => n.path === 'more/readonly.ipynb')
    ).toEqual({
      path: 'more/readonly.ipynb',
      changes: null,
      problem: expect.stringMatching(
        /could not be written \(EACCES.*left as it was/
      )
    });
    expect(
      fs.readFileSync(path.join(lab, 'more', 'readonly.ipynb'), 'utf-8')
    ).toBe(used);
    expect(
      report.findings.some(
        f => f.path === 'more/readonly.ipynb' && f.severity === 'leak'
      )
    ).toBe(true);
    expect(report.clean).toBe(false);
    expect(sources(path.join(lab, '1_provision_cli.ipynb'))).toEqual(
      sources(path.join(SAMPLE_DIR, '1_provision_cli.ipynb'))
    );
  });
});

describe('a file system that cannot copy some files', () => {
  it('names them with its reason, and still knows the checkpoints', async () => {
    const lab = usedLab();
    write(path.join(lab, '.gitignore'), '*.log\n');
    const real = publishFs(tmp);
    // As JupyterLab's server, which does not copy hidden files.
    const hiding: IPublishFs = {
      ...real,
      list: async folder =>
        (await real.list(folder)).map(item =>
          item.name.startsWith('.')
            ? {
                ...item,
                why: 'hidden, and this server does not copy hidden files'
              }
            : item
        )
    };
    const report = await prepareFolder(hiding, {
      source: 'lab',
      target: 'lab-publish',
      lint: LINT
    });
    expect(report.skipped).toContainEqual({
      path: '.gitignore',
      why: 'hidden, and this server does not copy hidden files'
    });
    expect(
      report.skipped.find(skip => skip.path === '.ipynb_checkpoints')?.why
    ).toMatch(/checkpoints/);
    expect(fs.existsSync(path.join(tmp, 'lab-publish', '.gitignore'))).toBe(
      false
    );
    expect(report.clean).toBe(true);
  });
});

describe('lintFolder', () => {
  it('finds the student’s data in every notebook and names what it skipped', async () => {
    usedLab();
    const { findings, notes, notebooks } = await lintFolder(
      publishFs(tmp),
      'lab',
      LINT
    );
    expect(notebooks).toBe(3);
    expect(isLeak(findings)).toBe(true);
    const rules = (list: ILintFinding[]) =>
      new Set(
        list.filter(f => f.path === '1_provision_cli.ipynb').map(f => f.rule)
      );
    for (const rule of ['profile-value', 'output', 'progress']) {
      expect(rules(findings)).toContain(rule);
    }
    // Without the author's values, by their form.
    const unknown = await lintFolder(publishFs(tmp), 'lab', {
      profileValues: []
    });
    for (const rule of ['project', 'address', 'output', 'progress']) {
      expect(rules(unknown.findings)).toContain(rule);
    }
    expect(findings.some(f => f.path.includes('checkpoint'))).toBe(false);
    expect(notes).toEqual(
      expect.arrayContaining([
        'secret.txt: a link; not followed',
        expect.stringMatching(/^\.ipynb_checkpoints: .*checkpoints/)
      ])
    );
  });

  it('calls a notebook it cannot read a leak: it was not checked', async () => {
    usedLab();
    const real = publishFs(tmp);
    const { findings } = await lintFolder(
      {
        ...real,
        readText: async file =>
          file.endsWith('2_docker_kubernetes.ipynb')
            ? Promise.reject(new Error('EACCES: permission denied'))
            : real.readText(file)
      },
      'lab',
      LINT
    );
    expect(
      findings.filter(f => f.path === 'more/2_docker_kubernetes.ipynb')
    ).toEqual([
      {
        rule: 'metadata',
        severity: 'leak',
        path: 'more/2_docker_kubernetes.ipynb',
        cell: null,
        line: null,
        where: 'metadata',
        message: expect.stringMatching(/could not be read \(EACCES/)
      }
    ]);
  });

  it('never reads through a link given as a path', async () => {
    usedLab();
    const lab = publishFs(path.join(tmp, 'lab'));
    await expect(lab.readText('secret.txt')).rejects.toThrow(
      /not a regular file/
    );
    await expect(lab.list('outside-folder')).rejects.toThrow(/not a folder/);
    await expect(lab.readText('../outside/secret.txt')).rejects.toThrow(
      /outside the folder/
    );
    await expect(lab.copyFile('secret.txt', 'copy.txt')).rejects.toThrow(
      /not a regular file/
    );
  });
});
