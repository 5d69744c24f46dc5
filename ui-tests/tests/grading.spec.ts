/**
 * Grading on a real JupyterLab, as a grader sees it: the class overview of a
 * folder of hand-ins, a notebook opened from it in grader mode with its
 * Evidence, the CSV export, and a real student session that the evidence
 * must find honest.
 *
 * The hand-ins are sample classes written by the same generator as the unit
 * tests and the benchmark: it says which flags each file must show.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkVersion } from '../../src/core/checks/status';
import { FLAG_MEANINGS } from '../../src/core/grading/evidence';
import {
  ISampleClass,
  ISampleOptions,
  writeSampleClass
} from '../../src/node/grading/samples';
import type { FlagKind } from '../../src/core/grading/types';
import { parseCSV } from '../../tests/helpers/csv';
import { openNotebook, prepare } from './lab';

const SIDEBAR = 'jp-testbed-sidebar';
const EVIDENCE = '#jp-testbed-evidence';
const OVERVIEW = '.jp-testbed-Class';
const METADATA_KEY = 'jupyterlab-testbed';

test.use({
  autoGoto: false,
  // The lab's cells run unfilled in the real session below.
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-testbed:placeholders': { checkBeforeRun: 'off' }
  }
});

interface IUploaded {
  /** The class folder on the server. */
  root: string;
  sample: ISampleClass;
}

/**
 * Write a sample class into a fresh local folder, upload it to
 * `<tmpPath>/class` through the page's base URL, and delete the local copy.
 */
async function uploadClass(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  options: ISampleOptions
): Promise<IUploaded> {
  const root = `${tmpPath}/class`;
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-grading-'));
  let sample: ISampleClass | undefined;
  await prepare(page, tmpPath, async () => {
    try {
      sample = writeSampleClass(local, options);
      for (const file of sample.files) {
        // The server does not take hidden files (the checkpoint copy); the
        // overview would leave them out anyway.
        if (file.split('/').some(part => part.startsWith('.'))) {
          continue;
        }
        const content = fs
          .readFileSync(path.join(local, ...file.split('/')))
          .toString('base64');
        // Students' names hold markup, quotes and control characters.
        const destination = [
          root,
          ...file.split('/').map(encodeURIComponent)
        ].join('/');
        expect(
          await page.contents.uploadContent(content, 'base64', destination),
          `upload of ${JSON.stringify(file)}`
        ).toBe(true);
      }
    } finally {
      fs.rmSync(local, { recursive: true, force: true });
    }
  });
  return { root, sample: sample! };
}

/** Open the class overview of a folder and wait until it is read. */
async function openOverview(page: IJupyterLabPageFixture, root: string) {
  await page.evaluate(async (path: string) => {
    await (window as any).jupyterapp.commands.execute(
      'testbed:grading-overview',
      { path }
    );
  }, root);
  const overview = page.locator(OVERVIEW);
  await expect(overview.locator('.jp-testbed-Class-status')).toHaveText(
    /^\d+ notebooks of \d+ students/,
    { timeout: 60000 }
  );
  return overview;
}

/** The student of a sample file, `<student>/<notebook>.ipynb`. */
const studentOf = (file: string) => file.split('/')[0];

/** A pattern for exactly this text. */
function exactly(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp('^' + escaped + '$');
}

/** The row of one student in the overview. */
function studentRow(page: IJupyterLabPageFixture, student: string) {
  return page.locator(`${OVERVIEW} .jp-testbed-Class-row`).filter({
    has: page.locator('.jp-testbed-Class-student', {
      hasText: exactly(student)
    })
  });
}

/**
 * A student of the sample who handed in both notebooks, neither tampered
 * with nor broken.
 */
function honestStudent(sample: ISampleClass): string {
  const honest = (file: string) =>
    !!sample.expected[file] &&
    !sample.expected[file].problem &&
    !sample.expected[file].flags.length;
  const file = Object.keys(sample.expected).find(
    file =>
      file.endsWith('/1_provision_cli.ipynb') &&
      honest(file) &&
      honest(`${studentOf(file)}/2_configure_network.ipynb`)
  );
  expect(file, 'an honest student in the sample').toBeDefined();
  return studentOf(file!);
}

/** The notebook on screen, open for grading, with its badge. */
async function expectGraded(page: IJupyterLabPageFixture, name: string) {
  await expect(
    page.getByRole('main').getByRole('tab', { name, selected: true })
  ).toBeVisible({ timeout: 30000 });
  const panel = page.locator('.jp-NotebookPanel:visible');
  await expect(panel).toHaveClass(/\bjp-testbed-mod-grading\b/);
  await expect(panel.locator('.jp-testbed-GradingBadge')).toBeVisible();
  await expect(panel.locator('.jp-testbed-GradingBadge')).toHaveText(
    'Grading: read-only'
  );
}

/** The flag kinds the Evidence section lists, once it has summarized. */
async function evidenceKinds(page: IJupyterLabPageFixture): Promise<string[]> {
  const evidence = page.locator(EVIDENCE);
  await expect(evidence).toBeVisible();
  await expect(evidence.locator('.jp-testbed-Evidence-flags')).toBeVisible({
    timeout: 30000
  });
  return evidence
    .locator('.jp-testbed-Evidence-kind')
    .evaluateAll(nodes =>
      nodes.map(node => (node as HTMLElement).dataset.kind!)
    );
}

/** Every record of the notebook on screen: its cells' and its own. */
function records(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate((key: string) => {
    const model = (window as any).jupyterapp.shell.currentWidget.content.model;
    const cells = [];
    for (let i = 0; i < model.cells.length; i++) {
      cells.push(model.cells.get(i).getMetadata(key) ?? null);
    }
    return JSON.stringify({ notebook: model.getMetadata(key) ?? null, cells });
  }, METADATA_KEY);
}

/** Every file under a folder of the server, with its size and time. */
function listFiles(page: IJupyterLabPageFixture, root: string) {
  return page.evaluate(async (root: string) => {
    const contents = (window as any).jupyterapp.serviceManager.contents;
    const found: string[] = [];
    const walk = async (folder: string) => {
      const model = await contents.get(folder, { content: true });
      for (const item of model.content) {
        if (item.type === 'directory') {
          await walk(item.path);
        } else {
          found.push(`${item.path} ${item.size} ${item.last_modified}`);
        }
      }
    };
    await walk(root);
    return found.sort();
  }, root);
}

test('grader mode on a tampered hand-in: the flags, and nothing recorded', async ({
  page,
  tmpPath
}) => {
  const { root, sample } = await uploadClass(page, tmpPath, {
    students: 8,
    layout: 'per-student'
  });
  const overview = await openOverview(page, root);
  await expect(overview.locator('.jp-testbed-Class-status')).toHaveText(
    /^16 notebooks of 8 students/
  );

  // Most flags first: a new column sorts ascending, a second click flips it.
  const flagsHead = overview.locator('th', {
    has: page.locator('.jp-testbed-Class-sort', { hasText: /^Flags$/ })
  });
  await flagsHead.locator('.jp-testbed-Class-sort').click();
  await expect(flagsHead).toHaveAttribute('aria-sort', 'ascending');
  await flagsHead.locator('.jp-testbed-Class-sort').click();
  await expect(flagsHead).toHaveAttribute('aria-sort', 'descending');

  const first = overview.locator('.jp-testbed-Class-row').first();
  const student = (await first
    .locator('.jp-testbed-Class-student')
    .textContent())!;
  const file = `${student}/1_provision_cli.ipynb`;
  const expected = sample.expected[file]?.flags ?? [];
  expect(expected.length, `${file} is a tampered hand-in`).toBeGreaterThan(0);
  await expect(
    first.locator('.jp-testbed-Class-badge.jp-mod-flag').last()
  ).toBeVisible();

  await first.locator('.jp-testbed-Class-open').first().click();
  await expectGraded(page, '1_provision_cli.ipynb');

  const kinds = await evidenceKinds(page);
  expect(kinds.sort()).toEqual([...new Set(expected)].sort());
  for (const kind of expected) {
    await expect(
      page.locator(
        `${EVIDENCE} .jp-testbed-Evidence-kind[data-kind="${kind}"] .jp-testbed-Evidence-meaning`
      )
    ).toHaveText(FLAG_MEANINGS[kind as FlagKind]);
  }

  // The grader runs a cell: the student's record stays as it was saved.
  const before = await records(page);
  const cell = await page.evaluate(() => {
    const model = (window as any).jupyterapp.shell.currentWidget.content.model;
    for (let i = 0; i < model.cells.length; i++) {
      const c = model.cells.get(i);
      if (
        c.type === 'code' &&
        c.sharedModel.getSource().includes('openstack')
      ) {
        return i;
      }
    }
    return -1;
  });
  expect(cell).toBeGreaterThan(0);
  expect(await page.notebook.runCell(cell)).toBe(true);
  await expect
    .poll(() =>
      page.evaluate(
        (i: number) =>
          (
            window as any
          ).jupyterapp.shell.currentWidget.content.model.cells.get(i)
            .executionCount,
        cell
      )
    )
    .toBeGreaterThan(0);
  // A recorder writes when the run's reply comes; give it the time to.
  await page.waitForTimeout(1000);
  expect(await records(page)).toBe(before);
});

test('an honest hand-in in grader mode shows no flags', async ({
  page,
  tmpPath
}) => {
  const { root, sample } = await uploadClass(page, tmpPath, {
    students: 6,
    layout: 'per-student'
  });
  const student = honestStudent(sample);

  await openOverview(page, root);
  const row = studentRow(page, student);
  await expect(row).toHaveCount(1);
  await expect(row.locator('.jp-testbed-Class-badge.jp-mod-flag')).toHaveCount(
    0
  );
  await row.locator('.jp-testbed-Class-open').first().click();
  await expectGraded(page, '1_provision_cli.ipynb');

  expect(await evidenceKinds(page)).toEqual([]);
  await expect(
    page.locator(
      `${EVIDENCE} .jp-testbed-Evidence-flags .jp-testbed-Evidence-empty`
    )
  ).toHaveText(
    'No flags: wherever it could be checked, the record agrees with the notebook.'
  );
  await expect(
    page.locator(`${EVIDENCE} .jp-testbed-Evidence-fact`, {
      hasText: /^0 flags\.$/
    })
  ).toHaveCount(1);
});

test('a real session, saved, is honest in grader mode', async ({
  page,
  tmpPath
}) => {
  await prepare(page, tmpPath);
  await openNotebook(page, tmpPath, '1_provision_cli.ipynb');
  // As in progress.spec.ts: the openstack stand-in and the exports succeed,
  // the project check fails while CHI-XXXXXX is not replaced.
  await page.notebook.runCell(2);
  await page.notebook.runCell(4);
  await page.notebook.runCell(6);
  // Saved once the recorder has logged the three runs.
  await expect
    .poll(() =>
      page.evaluate(
        (key: string) =>
          (
            window as any
          ).jupyterapp.shell.currentWidget.content.model.getMetadata(key)?.log
            ?.length ?? 0,
        METADATA_KEY
      )
    )
    .toBe(3);
  await page.notebook.save();
  await expect(
    page.locator('.jp-NotebookPanel:visible .jp-mod-dirty')
  ).toHaveCount(0);

  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('testbed:grading-toggle')
  );
  await expectGraded(page, '1_provision_cli.ipynb');
  const kinds = await evidenceKinds(page);
  for (const kind of ['count', 'unlogged', 'result', 'time']) {
    expect(kinds, `a ${kind} flag on a real session`).not.toContain(kind);
  }
  const evidence = page.locator(EVIDENCE);
  await expect(
    evidence.locator('.jp-testbed-Evidence-fact', {
      hasText: /^2 of \d+ steps done; 1 failed at their last run\.$/
    })
  ).toHaveCount(1);
  // The three runs, in the log, each matched to its cell.
  const events = evidence.locator(
    '.jp-testbed-Evidence-timeline .jp-testbed-Evidence-item'
  );
  await expect(events).toHaveCount(3);
  await expect(events.first()).toContainText('failed');
  await expect(events.locator('.jp-testbed-Evidence-link')).toHaveCount(3);
});

test('the class overview by section, a section opened for grading, and the CSV export', async ({
  page,
  tmpPath
}) => {
  const { root, sample } = await uploadClass(page, tmpPath, {
    students: 6,
    layout: 'per-student',
    hostile: true
  });
  const files = await listFiles(page, root);
  const overview = await openOverview(page, root);

  await overview.locator('.jp-testbed-Class-notebook').selectOption({
    label: 'Sections of 1_provision_cli'
  });
  const heads = overview.locator('th .jp-testbed-Class-sort');
  await expect(heads.filter({ hasText: /^1\. Reserve a node$/ })).toHaveCount(
    1
  );
  await expect(
    heads.filter({ hasText: /^3\. Attach a floating IP$/ })
  ).toHaveCount(1);
  await expect(heads.filter({ hasText: /^1_provision_cli$/ })).toHaveCount(0);
  const labels = await heads.allTextContents();
  const column = labels.indexOf('3. Attach a floating IP');

  const honest = `${honestStudent(sample)}/1_provision_cli.ipynb`;
  const cell = studentRow(page, studentOf(honest))
    .locator('td')
    .nth(column)
    .locator('.jp-testbed-Class-open');
  await expect(cell).toHaveAttribute('title', `Open ${honest} for grading`);
  await cell.click();
  await expectGraded(page, '1_provision_cli.ipynb');
  await expect(
    page.locator('.jp-NotebookPanel:visible .jp-RenderedMarkdown h2', {
      hasText: '3. Attach a floating IP'
    })
  ).toBeInViewport();

  // Back to the overview: the export is a download, whatever is shown.
  await page
    .getByRole('main')
    .getByRole('tab', { name: 'Class: class' })
    .click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    overview.getByRole('button', { name: 'Export CSV' }).click()
  ]);
  expect(download.suggestedFilename()).toBe('progress-class.csv');
  const text = fs.readFileSync((await download.path())!, 'utf-8');
  expect(text.endsWith('\r\n')).toBe(true);
  const [header, ...rows] = parseCSV(text);
  expect(header.slice(0, 3)).toEqual(['student', 'notebook', 'section']);
  const at = (name: string) => header.indexOf(name);
  for (const row of rows) {
    expect(row).toHaveLength(header.length);
    // Nothing a spreadsheet would take for a formula.
    for (const field of row) {
      expect(field).not.toMatch(/^[=+\-@]/);
    }
  }

  // One whole-notebook row (no section) per notebook handed in; neither a
  // formula nor a terminal escape survives into the file.
  const inert = (text: string) => {
    const shown = text.replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g,
      '\ufffd'
    );
    return /^[=+\-@\t\r]/.test(shown) ? `'${shown}` : shown;
  };
  const whole = rows.filter(row => row[at('section')] === '');
  expect(whole.map(row => row[at('file')]).sort()).toEqual(
    Object.keys(sample.expected).map(inert).sort()
  );
  for (const row of whole) {
    expect(row[at('file')]).toBe(
      inert(
        `${row[at('student')].replace(/^'/, '')}/${row[at('notebook')]}.ipynb`
      )
    );
  }
  const students = new Set(whole.map(row => row[at('student')]));
  expect(students).toContain('<b>evil');
  expect(students).toContain("'=cmd|' -C calc'!A0");
  // Sections follow, for the notebooks that could be read.
  expect(rows.length).toBeGreaterThan(whole.length);

  // Grading wrote nothing into the hand-ins.
  expect(await listFiles(page, root)).toEqual(files);
});

test('names from students are shown as text in the overview', async ({
  page,
  tmpPath
}) => {
  const dialogs: string[] = [];
  page.on('dialog', dialog => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const { root } = await uploadClass(page, tmpPath, {
    students: 4,
    layout: 'per-student',
    hostile: true
  });
  const overview = await openOverview(page, root);
  const names = overview.locator('.jp-testbed-Class-student');
  await expect(names.filter({ hasText: exactly('<b>evil') })).toHaveCount(1);
  await expect(
    names.filter({ hasText: exactly("=cmd|' -C calc'!A0") })
  ).toHaveCount(1);
  await expect(names.filter({ hasText: /mallory$/ })).toHaveCount(1);
  await expect(overview.locator('b, img, script')).toHaveCount(0);
  // Broken files are named, not rendered.
  await expect(
    studentRow(page, 'garbage').locator('.jp-testbed-Class-open')
  ).toHaveText('unreadable');

  // Section titles come from the files too.
  await overview.locator('.jp-testbed-Class-notebook').selectOption({
    label: 'Sections of 1_provision_cli'
  });
  await expect(
    overview.locator('th .jp-testbed-Class-sort', {
      hasText: /^1\. Reserve a node$/
    })
  ).toHaveCount(1);
  await expect(overview.locator('b, img, script')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test('the class overview counts each section’s checks, and a forged pass is flagged', async ({
  page,
  tmpPath
}) => {
  const check = { cmd: 'curl -sf http://localhost/', on: 'node1' };
  const at = '2026-12-01T10:30:00Z';
  /** A hand-in whose Deploy step carries the check, with a result and its log. */
  const handIn = (result?: {
    r: string;
    ver?: string;
    logged: boolean;
  }): string => {
    const ver = result?.ver ?? checkVersion(check);
    const log = [
      '2026-12-01T10:00:00Z tick:tick start',
      ...(result?.logged ? [`${at} check:${result.r} ${ver}`] : []),
      '2026-12-01T11:00:00Z tick:tick end'
    ];
    const record = {
      v: 1,
      step: 'manual',
      checks: { cell: check },
      ...(result ? { chk: { cell: { at, r: result.r, ver } } } : {})
    };
    return JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' },
        [METADATA_KEY]: { v: 1, log }
      },
      cells: [
        {
          cell_type: 'markdown',
          id: 'deploy',
          metadata: { [METADATA_KEY]: record },
          source: '## Deploy\n\nStart the web server on node1.'
        },
        {
          cell_type: 'markdown',
          id: 'clean',
          metadata: {},
          source: '## Clean up'
        },
        {
          cell_type: 'code',
          id: 'ls',
          metadata: {},
          source: 'ls',
          outputs: [],
          execution_count: null
        }
      ]
    });
  };
  const root = `${tmpPath}/checks-class`;
  const students: [string, string][] = [
    ['alice', handIn({ r: 'pass', logged: true })],
    ['bob', handIn({ r: 'fail', logged: true })],
    // A pass written by hand, of the check as declared, but never logged.
    ['carol', handIn({ r: 'pass', logged: false })],
    // A pass of another check than the one the notebook declares.
    [
      'dave',
      handIn({
        r: 'pass',
        ver: checkVersion({ ...check, cmd: 'true' }),
        logged: true
      })
    ]
  ];
  await prepare(page, tmpPath, async () => {
    for (const [student, text] of students) {
      expect(
        await page.contents.uploadContent(
          text,
          'text',
          `${root}/${student}/lab.ipynb`
        )
      ).toBe(true);
    }
  });
  const overview = await openOverview(page, root);
  await overview.locator('.jp-testbed-Class-notebook').selectOption({
    label: 'Sections of lab'
  });
  const heads = overview.locator('th .jp-testbed-Class-sort');
  await expect(heads.filter({ hasText: /^Checks: Deploy$/ })).toHaveCount(1);
  const labels = await heads.allTextContents();
  // Only the section whose step has a check gets a Checks column.
  expect(labels.filter(label => label.startsWith('Checks'))).toEqual([
    'Checks: Deploy'
  ]);
  const column = labels.indexOf('Checks: Deploy');
  const passed = (student: string) =>
    studentRow(page, student).locator('td').nth(column);
  await expect(passed('alice')).toHaveText('✓ 1/1');
  await expect(passed('bob')).toHaveText('✓ 0/1');
  await expect(passed('dave')).toHaveText('✓ 0/1');

  for (const [student, kind] of [
    ['carol', 'unlogged'],
    ['dave', 'check'],
    ['alice', null]
  ] as const) {
    await page
      .getByRole('main')
      .getByRole('tab', { name: 'Class: checks-class' })
      .click();
    await studentRow(page, student)
      .locator('td')
      .nth(labels.indexOf('Deploy'))
      .locator('.jp-testbed-Class-open')
      .click();
    await expectGraded(page, 'lab.ipynb');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('testbed:show-sidebar')
    );
    // The Evidence follows the notebook on screen: it may show the one before first.
    await expect
      .poll(() => evidenceKinds(page), { message: student })
      .toEqual(kind ? [kind] : []);
  }
});
