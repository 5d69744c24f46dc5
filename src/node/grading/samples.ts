/// <reference types="node" />
/**
 * Sample class folders for tests, demos and benchmarks: a lab handed in by a
 * class, written the way the extension writes it. Each student's session is
 * simulated with the real record writers, so an honest hand-in must show no
 * flag; some students then tamper with their file in one way each, and the
 * generator says which flags that file must show. Deterministic for a seed.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CELL_TICK,
  errorLabel,
  ICellRecord,
  INotebookRecord,
  METADATA_KEY,
  timestamp,
  withLogEntries,
  withManualStep,
  withCheck,
  withCheckResult,
  withRun,
  withTick
} from '../../core/metadata/format';
import { checkVersion } from '../../core/checks/status';
import { fingerprint } from '../../core/notebook/hash';
import { DEFAULT_STEP_RULES } from '../../core/notebook/steps';
import { analyzeCell } from '../../core/progress/outline';
import type { FlagKind } from '../../core/grading/types';

export type SampleLayout = 'nbgrader' | 'per-student' | 'flat';

export interface ISampleOptions {
  /** Students besides the hostile ones (default 12); up to 9 of them tamper. */
  students?: number;
  layout?: SampleLayout;
  /** Cells of the first lab notebook (default 60, at least 20). */
  cells?: number;
  /** Add hostile files: markup in names and texts, huge and malformed files. */
  hostile?: boolean;
  /** Add a notebook with a 50 MB output. */
  huge?: boolean;
  seed?: number;
}

/** What a file of the sample must show when summarized. */
export interface IExpectation {
  /** Exactly these kinds of flags (in any number). */
  flags: FlagKind[];
  /** Whether the file cannot be summarized at all. */
  problem: boolean;
}

export interface ISampleClass {
  /** Every file written, relative to the folder. */
  files: string[];
  /** By the relative path of each notebook handed in. */
  expected: { [relativePath: string]: IExpectation };
}

/** The lab's notebooks, as named in every student's hand-in. */
export const SAMPLE_NOTEBOOKS = ['1_provision_cli', '2_configure_network'];

/** The nbgrader assignment the notebooks belong to. */
const ASSIGNMENT = 'lab1';

/**
 * Write a sample class into `dir` (created if needed).
 */
export function writeSampleClass(
  dir: string,
  options: ISampleOptions = {}
): ISampleClass {
  const writer = new Private.ClassWriter(dir, options);
  writer.writeStudents(options.students ?? 12);
  if (options.hostile) {
    writer.writeHostile();
  }
  if (options.huge) {
    writer.writeHuge();
  }
  return writer.result;
}

namespace Private {
  interface ICell {
    id: string;
    cell_type: 'markdown' | 'code';
    source: string;
    metadata: { [key: string]: unknown };
    execution_count?: number | null;
    outputs?: unknown[];
  }

  interface INotebook {
    cells: ICell[];
    metadata: { [key: string]: unknown };
    nbformat: number;
    nbformat_minor: number;
  }

  interface ISession {
    /** Share of the lab's steps done, 0 to 1. */
    reach: number;
    /** A run that fails: then succeeds on a retry, or stays failed. */
    fail: 'retry' | 'stay' | null;
    logLimit?: number;
    /** The error a failing run reports (bash_kernel: no name, status as value). */
    ename?: string;
  }

  interface ITampering {
    kind: FlagKind;
    /** Share of the lab done before tampering. */
    reach: number;
    apply(notebook: INotebook, savedAt: number): void;
  }

  const BASE_TIME = Date.parse('2026-03-02T09:00:00Z');
  const LOG_LIMIT = 100;
  const MIN_CELLS = 20;
  /** The file is saved this long after the last event. */
  const SAVE_DELAY = 2 * 60 * 1000;
  const TOPICS = [
    'Reserve a node',
    'Launch an instance',
    'Attach a floating IP',
    'Open the firewall',
    'Install the software',
    'Run the experiment',
    'Collect the results',
    'Clean up'
  ];
  const COMMANDS = [
    'openstack server list',
    'openstack server show',
    'openstack floating ip list',
    'openstack security group rule list',
    'ssh cc@node1 uptime'
  ];
  const FIRST_NAMES = (
    'maria wei amara lukas priya omar sofia kenji fatima diego ' +
    'ingrid tunde chloe arjun lena mateo aisha jonas mei pablo'
  ).split(' ');
  const LAST_NAMES = (
    'garcia chen okafor muller sharma haddad rossi tanaka diallo lopez ' +
    'berg adeyemi martin patel novak silva khan weber wang costa'
  ).split(' ');

  /** The check the tamperings declare on a cell. */
  const SAMPLE_CHECK = { cmd: 'test -f ~/done', on: 'node1' };

  /** One tampering per way a record can disagree with its notebook. */
  const TAMPERINGS: ITampering[] = [
    {
      kind: 'edited',
      reach: 1,
      apply: notebook => {
        const cell = ranCells(notebook).find(c => !runOf(c).error)!;
        cell.source += '\n# changed after it ran';
      }
    },
    {
      kind: 'cleared',
      reach: 1,
      apply: notebook => {
        for (const cell of notebook.cells) {
          if (cell.cell_type === 'code') {
            cell.outputs = [];
            cell.execution_count = null;
          }
        }
      }
    },
    {
      kind: 'result',
      reach: 1,
      apply: notebook => {
        delete runOf(ranCells(notebook).find(c => runOf(c).error)!).error;
      }
    },
    {
      kind: 'count',
      reach: 1,
      apply: notebook => {
        const cell = ranCells(notebook)[1];
        cell.execution_count = (cell.execution_count ?? 0) + 100;
      }
    },
    {
      kind: 'unlogged',
      reach: 0.7,
      apply: notebook => {
        // A run written by hand into a cell that never ran, at a time the
        // log covers, with matching outputs and count.
        const cell = notebook.cells.find(
          c => c.cell_type === 'code' && !recordOf(c)?.run
        )!;
        const at = logMiddle(notebook);
        const count =
          Math.max(...notebook.cells.map(c => c.execution_count ?? 0)) + 1;
        cell.metadata[METADATA_KEY] = withRun(recordOf(cell), {
          start: at,
          ms: 900,
          ok: true,
          src: fingerprint(cell.source),
          count
        });
        cell.execution_count = count;
        cell.outputs = outputs(true, cell.source);
      }
    },
    {
      kind: 'time',
      reach: 1,
      apply: notebook => {
        const run = runOf(ranCells(notebook)[0]);
        run.first = timestamp(new Date(Date.parse(run.last) + 60 * 1000));
      }
    },
    {
      kind: 'time',
      reach: 1,
      apply: (notebook, savedAt) => {
        // A tick dated after the save, logged consistently: only its time tells.
        const cell = notebook.cells.find(c => recordOf(c)?.ticks?.[CELL_TICK])!;
        const at = timestamp(new Date(savedAt + 24 * 3600 * 1000));
        cell.metadata[METADATA_KEY] = withTick(recordOf(cell), CELL_TICK, {
          at,
          via: 'tick'
        });
        notebook.metadata[METADATA_KEY] = withLogEntries(
          notebook.metadata[METADATA_KEY] as INotebookRecord,
          [{ at: new Date(at), result: 'tick:tick', ref: CELL_TICK }],
          LOG_LIMIT
        );
      }
    },
    {
      kind: 'check',
      reach: 1,
      apply: notebook => {
        // A pass of another check than the one the cell declares, logged
        // as the extension logs it: the check was changed after it passed.
        const times = logTimes(notebook);
        const at = new Date(times[times.length - 1] + 1000);
        const ver = checkVersion({ ...SAMPLE_CHECK, cmd: 'true' });
        recordPass(ranCells(notebook)[0], at, ver);
        notebook.metadata[METADATA_KEY] = withLogEntries(
          notebook.metadata[METADATA_KEY] as INotebookRecord,
          [{ at, result: 'check:pass', ref: ver }],
          LOG_LIMIT
        );
      }
    },
    {
      kind: 'unlogged',
      reach: 1,
      apply: notebook => {
        // A pass of the check the cell declares, written by hand at a time
        // the log covers: the log has no such check.
        const at = logMiddle(notebook);
        recordPass(ranCells(notebook)[0], at, checkVersion(SAMPLE_CHECK));
      }
    },
    {
      kind: 'format',
      reach: 1,
      apply: notebook => {
        (notebook.metadata[METADATA_KEY] as INotebookRecord).by = '0.0.9';
      }
    },
    {
      kind: 'format',
      reach: 1,
      apply: notebook => {
        recordOf(ranCells(notebook)[0])!.v = 2;
      }
    }
  ];

  /** Writes the files of one class folder and what they must show. */
  export class ClassWriter {
    constructor(dir: string, options: ISampleOptions) {
      this._dir = dir;
      this._layout = options.layout ?? 'per-student';
      // Every tampering needs a section with a manual step.
      this._cells = Math.max(MIN_CELLS, options.cells ?? 60);
      this._random = mulberry32(options.seed ?? 1);
      fs.mkdirSync(dir, { recursive: true });
    }

    readonly result: ISampleClass = { files: [], expected: {} };

    writeStudents(count: number): void {
      const names = studentNames(count, this._random);
      const tampered = Math.min(TAMPERINGS.length, Math.max(0, count - 3));
      // Tampering students are spread among the honest ones.
      const roles = shuffle(
        names.map((_, i) => i),
        this._random
      );
      names.forEach((student, i) => {
        const role = roles[i];
        if (role < tampered) {
          this._writeTampered(student, TAMPERINGS[role]);
        } else {
          this._writeHonest(student, role - tampered);
        }
      });
      if (this._layout === 'nbgrader') {
        // The course folder also holds the assignment's source.
        this._writeFile(
          `source/${ASSIGNMENT}/${SAMPLE_NOTEBOOKS[0]}.ipynb`,
          notebookText(this._lab(0))
        );
      }
    }

    writeHostile(): void {
      const session: ISession = { reach: 1, fail: 'stay' };
      // Markup in sources and in an error name: views must show it as text.
      const markup = this._lab(0, '<img src=x onerror=alert(1)>');
      this._simulate(markup, {
        ...session,
        ename: '<script>alert(1)</script>'
      });
      this._writeNotebook('<b>evil', 0, markup, []);
      // A formula for spreadsheets; an escape sequence for terminals.
      for (const student of [
        "=cmd|' -C calc'!A0",
        '\u001b[2J\u001b]0;owned\u0007mallory'
      ]) {
        const notebook = this._lab(0);
        this._simulate(notebook, session);
        this._writeNotebook(student, 0, notebook, []);
      }

      // 200 000 old events before the session's own, none dropped.
      const long = this._lab(0);
      this._simulate(long, { ...session, logLimit: Number.MAX_SAFE_INTEGER });
      const record = long.metadata[METADATA_KEY] as INotebookRecord;
      const start = Date.parse(record.log![0].split(' ')[0]);
      record.log = [
        ...Array.from(
          { length: 200000 },
          (_, i) =>
            `${timestamp(new Date(start - (200000 - i) * 1000))} ok ${fingerprint(String(i))}`
        ),
        ...record.log!
      ];
      this._writeNotebook('hugelog', 0, long, []);

      // 100 000 ticks on one cell, from before the log begins.
      const ticked = this._lab(0);
      this._simulate(ticked, session);
      const manual = ticked.cells.find(c => recordOf(c)?.step === 'manual')!;
      const ticks = recordOf(manual)!.ticks!;
      for (let i = 0; i < 100000; i++) {
        ticks[`k${i}`] = {
          at: timestamp(new Date(BASE_TIME - 86400 * 1000 - i * 1000)),
          via: 'tick'
        };
      }
      this._writeNotebook('manyticks', 0, ticked, []);

      // Wrong types: a record that is not one, cells that are not a list.
      const typed = this._lab(0);
      this._simulate(typed, session);
      (recordOf(ranCells(typed)[0]) as { run: unknown }).run = 'yes';
      this._writeNotebook('wrongtypes', 0, typed, ['format']);
      this._writeSubmission(
        'wrongtypes',
        1,
        '{"cells": {}, "metadata": {}}',
        true
      );

      // Nesting 100 000 deep under the notebook's record.
      const deep = this._lab(0);
      this._simulate(deep, session);
      (deep.metadata[METADATA_KEY] as INotebookRecord).deep = 'DEEP';
      const depth = 100000;
      this._writeSubmission(
        'deepnest',
        0,
        notebookText(deep).replace(
          '"DEEP"',
          '['.repeat(depth) + ']'.repeat(depth)
        ),
        false,
        [],
        this._savedAt.get(deep)
      );

      // nbformat 4.4: no cell ids.
      const old = this._lab(0);
      this._simulate(old, session);
      old.nbformat_minor = 4;
      this._writeNotebook('oldformat', 0, old, [], false);

      this._writeSubmission('garbage', 0, 'this is not { json', true);
      this._writeSubmission('zerobytes', 0, '', true);
      // A student folder with no notebook in it.
      this._writeFile(this._studentFolder('nothing') + 'notes.txt', 'to do\n');
    }

    writeHuge(): void {
      const notebook = this._lab(0);
      this._simulate(notebook, { reach: 1, fail: null });
      const cell = ranCells(notebook)[0];
      cell.outputs = [
        {
          output_type: 'stream',
          name: 'stdout',
          text: `${'y'.repeat(99)}\n`.repeat(500000)
        }
      ];
      this._writeNotebook('bigoutput', 0, notebook, []);
    }

    private _writeHonest(student: string, index: number): void {
      const random = this._random;
      const sessions: ISession[] = [
        { reach: 1, fail: 'retry' },
        { reach: 0.4 + 0.4 * random(), fail: 'stay' },
        { reach: 1, fail: 'stay' },
        { reach: 0.2 + 0.3 * random(), fail: null }
      ];
      const session = sessions[index % sessions.length];
      const first = this._lab(0);
      this._simulate(first, session);
      this._writeNotebook(student, 0, first, []);
      const second = this._lab(1);
      if (session.reach === 1) {
        this._simulate(second, { reach: 0.5 + 0.5 * random(), fail: null });
      } else if (index % 8 >= 4) {
        // Never started the second notebook, nor handed it in.
        return;
      }
      this._writeNotebook(student, 1, second, []);
    }

    private _writeTampered(student: string, tampering: ITampering): void {
      const notebook = this._lab(0);
      const savedAt = this._simulate(notebook, {
        reach: tampering.reach,
        fail: 'stay'
      });
      tampering.apply(notebook, savedAt);
      this._writeNotebook(student, 0, notebook, [tampering.kind]);
      const second = this._lab(1);
      this._simulate(second, { reach: 1, fail: null });
      this._writeNotebook(student, 1, second, []);
    }

    /**
     * The lab as handed out: notebook 0 is the long one. `markup` goes into
     * a heading and a command.
     */
    private _lab(which: number, markup?: string): INotebook {
      const size =
        which === 0 ? this._cells : Math.max(4, Math.round(this._cells / 3));
      const cells: ICell[] = [
        markdown(
          `# Lab ${which + 1}: ${which === 0 ? 'Provision with the CLI' : 'Configure the network'}\n\nWork through the sections in order.`
        )
      ];
      for (let s = 1; cells.length < size; s++) {
        const topic = TOPICS[(s - 1) % TOPICS.length];
        cells.push(markdown(`## ${s}. ${s === 2 && markup ? markup : topic}`));
        if (s === 2) {
          cells.push(
            markdown(
              `Install the tools on the node:\n\n\`\`\`bash\n# run on node1\nsudo apt-get install -y iperf3 # lab ${which + 1}\n\`\`\``
            )
          );
        }
        if (s === 3) {
          const manual = markdown(
            'Check in the dashboard that your lease is active.'
          );
          manual.metadata[METADATA_KEY] = withManualStep(null, true);
          cells.push(manual);
        }
        if (s === 4) {
          cells.push(markdown(`### ${s}.1 Check the result`));
        }
        for (let j = 1; j <= 4; j++) {
          const command =
            s === 2 && j === 1 && markup
              ? `echo '${markup}'`
              : `${COMMANDS[(s + j) % COMMANDS.length]} --name lab${which + 1}-${s}-${j}`;
          cells.push(code(`# ${topic}, step ${j}\n${command}`));
        }
      }
      cells.length = size;
      cells.forEach((cell, i) => (cell.id = `cell-${which}-${i}`));
      return {
        cells,
        metadata: {
          kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' },
          language_info: { name: 'bash' }
        },
        nbformat: 4,
        nbformat_minor: 5
      };
    }

    /**
     * Work through the lab as a student would, recording as the extension
     * does. Returns when the file was saved.
     */
    private _simulate(notebook: INotebook, session: ISession): number {
      const random = this._random;
      let now = (this._clock += 10 * 60 * 1000 + random() * 5 * 60 * 1000);
      let count = 0;
      const log = (event: { at: Date; result: string; ref: string }) => {
        notebook.metadata[METADATA_KEY] = withLogEntries(
          (notebook.metadata[METADATA_KEY] as INotebookRecord) ?? null,
          [event],
          session.logLimit ?? LOG_LIMIT
        );
      };
      const run = (cell: ICell, ok: boolean) => {
        const start = new Date(now);
        const ms = Math.round(200 + random() * 4000);
        const ename = session.ename ?? '';
        const error = ok ? undefined : errorLabel(ename, '1');
        const src = fingerprint(cell.source);
        count++;
        cell.metadata[METADATA_KEY] = withRun(recordOf(cell), {
          start,
          ms,
          ok,
          error,
          src,
          count
        });
        cell.execution_count = count;
        cell.outputs = outputs(ok, cell.source, ename);
        now += ms;
        // The recorder logs a run when it ends.
        log({
          at: new Date(now),
          result: ok ? 'ok' : `error:${error}`,
          ref: src
        });
      };
      const steps = stepsOf(notebook);
      const reached = Math.round(steps.length * session.reach);
      const runs = steps
        .slice(0, reached)
        .map((step, i) => (step.key === null ? i : -1))
        .filter(i => i >= 0);
      const failing = session.fail
        ? runs[Math.floor(random() * runs.length)]
        : -1;
      steps.slice(0, reached).forEach((step, i) => {
        now += 20 * 1000 + random() * 160 * 1000;
        if (step.key !== null) {
          const at = timestamp(new Date(now));
          step.cell.metadata[METADATA_KEY] = withTick(
            recordOf(step.cell),
            step.key,
            { at, via: 'tick' }
          );
          log({ at: new Date(at), result: 'tick:tick', ref: step.key });
          return;
        }
        const attempts =
          i === failing
            ? session.fail === 'retry'
              ? [false, true]
              : [false]
            : random() < 0.1
              ? [true, true]
              : [true];
        attempts.forEach((ok, attempt) => {
          if (attempt) {
            now += 5 * 1000 + random() * 30 * 1000;
          }
          run(step.cell, ok);
        });
      });
      const savedAt = now + SAVE_DELAY;
      this._savedAt.set(notebook, savedAt);
      return savedAt;
    }

    private _writeNotebook(
      student: string,
      which: number,
      notebook: INotebook,
      flags: FlagKind[],
      withIds = true
    ): void {
      this._writeSubmission(
        student,
        which,
        notebookText(notebook, withIds),
        false,
        flags,
        this._savedAt.get(notebook) ?? this._clock
      );
    }

    private _writeSubmission(
      student: string,
      which: number,
      text: string,
      problem: boolean,
      flags: FlagKind[] = [],
      savedAt?: number
    ): void {
      const name = SAMPLE_NOTEBOOKS[which];
      const relative =
        this._layout === 'flat'
          ? `${student}_${this._studentId(student)}_${name}.ipynb`
          : `${this._studentFolder(student)}${name}.ipynb`;
      this._writeFile(relative, text, savedAt);
      this.result.expected[relative] = { flags, problem };
      if (this._layout === 'per-student' && !this._checkpointWritten) {
        // JupyterLab's checkpoint beside a student's notebook.
        this._checkpointWritten = true;
        this._writeFile(
          `${this._studentFolder(student)}.ipynb_checkpoints/${name}-checkpoint.ipynb`,
          text
        );
      }
      if (this._layout === 'nbgrader' && which === 0) {
        this._writeFile(
          `${this._studentFolder(student)}timestamp.txt`,
          `${new Date(savedAt ?? this._clock).toISOString()}\n`
        );
      }
    }

    private _studentFolder(student: string): string {
      switch (this._layout) {
        case 'nbgrader':
          return `submitted/${student}/${ASSIGNMENT}/`;
        case 'per-student':
          return `${student}/`;
        default:
          return '';
      }
    }

    /** An LMS's number for a student, part of the file names it gives. */
    private _studentId(student: string): number {
      let id = this._ids.get(student);
      if (id === undefined) {
        id = 10000 + 37 * this._ids.size;
        this._ids.set(student, id);
      }
      return id;
    }

    private _writeFile(relative: string, text: string, savedAt?: number): void {
      const file = path.join(this._dir, ...relative.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      if (savedAt !== undefined) {
        const time = new Date(savedAt);
        fs.utimesSync(file, time, time);
      }
      this.result.files.push(relative);
    }

    private _dir: string;
    private _layout: SampleLayout;
    private _cells: number;
    private _random: () => number;
    private _clock = BASE_TIME;
    private _ids = new Map<string, number>();
    private _checkpointWritten = false;
    /** When each simulated notebook was saved. */
    private _savedAt = new Map<INotebook, number>();
  }

  /** The steps of a lab in order: runs of code cells (key null) and ticks. */
  function stepsOf(notebook: INotebook): { cell: ICell; key: string | null }[] {
    const steps: { cell: ICell; key: string | null }[] = [];
    for (const cell of notebook.cells) {
      if (cell.cell_type === 'code') {
        steps.push({ cell, key: null });
        continue;
      }
      if (recordOf(cell)?.step === 'manual') {
        steps.push({ cell, key: CELL_TICK });
      }
      for (const block of analyzeCell(
        'markdown',
        cell.source,
        DEFAULT_STEP_RULES
      ).blocks) {
        steps.push({ cell, key: block.key });
      }
    }
    return steps;
  }

  function recordOf(cell: ICell): ICellRecord | null {
    return (cell.metadata[METADATA_KEY] as ICellRecord | undefined) ?? null;
  }

  function runOf(cell: ICell): NonNullable<ICellRecord['run']> {
    return recordOf(cell)!.run!;
  }

  /** Declare `SAMPLE_CHECK` on a cell, with a pass of version `ver` at `at`. */
  function recordPass(cell: ICell, at: Date, ver: string): void {
    cell.metadata[METADATA_KEY] = withCheckResult(
      withCheck(recordOf(cell), CELL_TICK, SAMPLE_CHECK),
      CELL_TICK,
      { at: timestamp(at), r: 'pass', ver }
    );
  }

  /** The times of the notebook's log, in ms. */
  function logTimes(notebook: INotebook): number[] {
    const log = (notebook.metadata[METADATA_KEY] as INotebookRecord).log ?? [];
    return log.map(line => Date.parse(line.split(' ')[0]));
  }

  /** The middle of the period the notebook's log covers. */
  function logMiddle(notebook: INotebook): Date {
    const times = logTimes(notebook);
    return new Date((times[0] + times[times.length - 1]) / 2);
  }

  function ranCells(notebook: INotebook): ICell[] {
    return notebook.cells.filter(cell => recordOf(cell)?.run);
  }

  /** What bash_kernel gives: text, and for a non-zero status an error with no name. */
  function outputs(ok: boolean, source: string, ename = ''): unknown[] {
    const stdout = {
      output_type: 'stream',
      name: 'stdout',
      text: `${source.split('\n').pop()}: done\n`
    };
    return ok
      ? [stdout]
      : [
          { output_type: 'stream', name: 'stderr', text: 'command failed\n' },
          { output_type: 'error', ename, evalue: '1', traceback: [] }
        ];
  }

  function markdown(source: string): ICell {
    return { id: '', cell_type: 'markdown', source, metadata: {} };
  }

  function code(source: string): ICell {
    return {
      id: '',
      cell_type: 'code',
      source,
      metadata: {},
      execution_count: null,
      outputs: []
    };
  }

  /** As Jupyter saves it: sources as lists of lines, one-space indent. */
  function notebookText(notebook: INotebook, withIds = true): string {
    const cells = notebook.cells.map(({ id, source, ...cell }) => ({
      ...(withIds ? { id } : {}),
      ...cell,
      source: source.split(/(?<=\n)/)
    }));
    return `${JSON.stringify({ ...notebook, cells }, null, 1)}\n`;
  }

  function studentNames(count: number, random: () => number): string[] {
    const all = shuffle(
      LAST_NAMES.flatMap(last => FIRST_NAMES.map(first => last + first)),
      random
    );
    return Array.from({ length: count }, (_, i) =>
      i < all.length
        ? all[i]
        : `${all[i % all.length]}${Math.floor(i / all.length)}`
    );
  }

  function shuffle<T>(items: T[], random: () => number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }

  /** A small seeded generator: the same class for the same seed. */
  function mulberry32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
}
