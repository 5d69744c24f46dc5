import * as fs from 'fs';
import * as path from 'path';
import {
  cleanNotebookText,
  sourceLines
} from '../../../src/core/authoring/clean';
import {
  ILintFinding,
  isLeak,
  lintNotebookText
} from '../../../src/core/authoring/lint';
import {
  METADATA_KEY,
  readCellRecord,
  withFill
} from '../../../src/core/metadata/format';
import { sourceText } from '../../../src/core/notebook/file';
import { fingerprint } from '../../../src/core/notebook/hash';
import { hasReal, REAL_DIR, SAMPLE_DIR } from '../../helpers';
import { STUDENT, useAsStudent } from '../../helpers/student';

type Json = { [key: string]: any };

const PROFILE = Object.values(STUDENT);

const write = (nb: Json) => JSON.stringify(nb, null, 1) + '\n';

function labs(dir: string): { name: string; text: string }[] {
  return fs
    .readdirSync(dir)
    .filter(name => name.endsWith('.ipynb'))
    .map(name => ({
      name,
      text: fs.readFileSync(path.join(dir, name), 'utf-8')
    }));
}

const leaks = (findings: ILintFinding[]) =>
  findings.filter(f => f.severity === 'leak');

/**
 * The checks every lab goes through: used as a student, the lint finds each
 * filled cell and each output; cleaned, it is the author's file again.
 */
function checkLab(name: string, text: string): { filled: number } {
  const original = JSON.parse(text);
  const { used, filled, code } = useAsStudent(original);
  const usedText = write(used);

  const findings = lintNotebookText(usedText, name, { profileValues: PROFILE });
  for (const index of filled) {
    const template = sourceText(original.cells[index].source).split('\n');
    const lines = sourceText(used.cells[index].source).split('\n');
    lines.forEach((line, i) => {
      if (line !== template[i]) {
        expect(
          leaks(findings).filter(
            f => f.cell === index && f.line === i + 1 && f.where === 'source'
          )
        ).not.toEqual([]);
      }
    });
  }
  for (const index of code) {
    expect(
      leaks(findings).filter(f => f.cell === index && f.where === 'output')
    ).not.toEqual([]);
  }
  expect(findings.some(f => f.rule === 'progress' && f.cell === null)).toBe(
    true
  );

  const cleaned = cleanNotebookText(usedText);
  expect(cleaned.problem).toBeUndefined();
  // The author's file, byte for byte.
  expect(cleaned.text).toBe(text);
  const result = JSON.parse(cleaned.text!);
  result.cells.forEach((cell: Json, index: number) => {
    expect(sourceText(cell.source)).toBe(
      sourceText(original.cells[index].source)
    );
    expect(cell.attachments).toEqual(original.cells[index].attachments);
  });
  expect(cleaned.changes).toEqual({
    restored: filled.length,
    editedAfterFill: [],
    refusedTemplates: [],
    records: used.cells.filter((c: Json) => {
      const read = readCellRecord(c.metadata[METADATA_KEY]);
      return read.status === 'ok' && (read.record.run || read.record.ticks);
    }).length,
    outputsCleared: code.length,
    countsCleared: code.length,
    log: true,
    otherMetadata: code.length
  });
  expect(
    leaks(lintNotebookText(cleaned.text!, name, { profileValues: PROFILE }))
  ).toEqual([]);
  return { filled: filled.length };
}

describe('a lab used as a student, then cleaned', () => {
  it('is the sample lab again, and the lint found every value first', () => {
    const filled = labs(SAMPLE_DIR).map(({ name, text }) =>
      checkLab(name, text)
    );
    // 1_provision_cli and 2_docker_kubernetes have tokens in code cells.
    expect(filled.map(f => f.filled)).toEqual([0, 15, 2]);
  });

  (hasReal ? it : it.skip)(
    'is each real Chameleon lab again, attachments and all',
    () => {
      const all = labs(REAL_DIR);
      const filled = all.map(({ name, text }) => checkLab(name, text));
      expect(filled.reduce((sum, f) => sum + f.filled, 0)).toBeGreaterThan(10);
      expect(all.some(({ text }) => text.includes('"attachments"'))).toBe(true);
    }
  );

  it('finds the floating IP and project without the author’s profile', () => {
    const sources = labs(SAMPLE_DIR).map(({ name, text }) => {
      const { used } = useAsStudent(JSON.parse(text));
      return lintNotebookText(write(used), name, { profileValues: [] })
        .filter(f => f.where === 'source')
        .map(f => [f.rule, f.cell]);
    });
    // The net ID and the sharednet address are found only as the author's values.
    expect(sources).toEqual([
      [],
      [['project', 4]],
      [
        ['address', 2],
        ['address', 6]
      ]
    ]);
  });

  it('keeps a hand-edited filled cell as it is, and names it', () => {
    const [lab] = labs(SAMPLE_DIR).filter(
      l => l.name === '1_provision_cli.ipynb'
    );
    const { used, filled } = useAsStudent(JSON.parse(lab.text));
    const edited = filled[1];
    const text = sourceText(used.cells[edited].source) + '\n# my own note';
    used.cells[edited].source = sourceLines(text);
    const cleaned = cleanNotebookText(write(used));
    expect(cleaned.changes.editedAfterFill).toEqual([edited]);
    expect(cleaned.changes.restored).toBe(filled.length - 1);
    const cell = JSON.parse(cleaned.text!).cells[edited];
    expect(sourceText(cell.source)).toBe(text);
    expect(cell.metadata[METADATA_KEY]).toBeUndefined();
    const findings = lintNotebookText(cleaned.text!, lab.name, {
      profileValues: PROFILE
    });
    expect(leaks(findings).map(f => [f.rule, f.cell])).toEqual([
      ['profile-value', edited]
    ]);
  });

  it('keeps the outputs of a cell marked to keep them', () => {
    const [lab] = labs(SAMPLE_DIR).filter(
      l => l.name === '1_provision_cli.ipynb'
    );
    const { used, code } = useAsStudent(JSON.parse(lab.text), {
      keep: { cell: 8 }
    });
    const cleaned = cleanNotebookText(write(used));
    const result = JSON.parse(cleaned.text!);
    expect(result.cells[8].outputs).toEqual(used.cells[8].outputs);
    // The fourth code cell run.
    expect(result.cells[8].execution_count).toBe(4);
    expect(result.cells[8].metadata[METADATA_KEY]).toEqual({
      v: 1,
      keep: true
    });
    expect(cleaned.changes.outputsCleared).toBe(code.length - 1);
    // What the kept output shows is still a leak: prepare will not call it clean.
    expect(
      isLeak(
        lintNotebookText(cleaned.text!, lab.name, { profileValues: PROFILE })
      )
    ).toBe(true);
  });

  it('is idempotent', () => {
    for (const { text } of labs(SAMPLE_DIR)) {
      const once = cleanNotebookText(
        write(useAsStudent(JSON.parse(text)).used)
      );
      const twice = cleanNotebookText(once.text!);
      expect(twice.text).toBe(once.text);
      expect(twice.changes).toEqual({
        restored: 0,
        editedAfterFill: [],
        refusedTemplates: [],
        records: 0,
        outputsCleared: 0,
        countsCleared: 0,
        log: false,
        otherMetadata: 0
      });
    }
  });
});

describe('cleaning one notebook', () => {
  const notebook = (cells: Json[], record?: Json): string =>
    write({
      cells,
      metadata: {
        kernelspec: { name: 'bash' },
        ...(record ? { [METADATA_KEY]: record } : {})
      },
      nbformat: 4,
      nbformat_minor: 5
    });

  it('keeps the author’s marks, unknown fields, ids and other tools’ metadata', () => {
    const cells = [
      {
        cell_type: 'markdown',
        id: 'a1',
        metadata: {
          tags: ['intro'],
          [METADATA_KEY]: {
            step: 'manual',
            v: 1,
            future: { x: 1 },
            ticks: { cell: { at: 'x', via: 'tick' } },
            checks: { cell: { cmd: 'test -f done', on: 'node1' } },
            chk: { cell: { at: 'x', r: 'pass', ver: '00000000' } }
          }
        },
        source: ['Do it.'],
        attachments: { 'a.png': { 'image/png': 'iVBORw0KGgo=' } }
      },
      {
        cell_type: 'code',
        id: 'c1',
        execution_count: 7,
        metadata: {
          collapsed: false,
          ExecuteTime: { end_time: 'x' },
          [METADATA_KEY]: { v: 1, run: { n: 1, last: 'x', ms: 1, src: 'y' } }
        },
        outputs: [{ output_type: 'stream', name: 'stdout', text: 'x' }],
        source: 'ls'
      }
    ];
    const result = cleanNotebookText(
      notebook(cells, {
        v: 1,
        placeholders: [{ token: '<x>' }],
        log: ['a'],
        by: '0.1.0'
      })
    );
    const nb = JSON.parse(result.text!);
    expect(nb.metadata[METADATA_KEY]).toEqual({
      v: 1,
      placeholders: [{ token: '<x>' }]
    });
    expect(nb.cells[0]).toEqual({
      ...cells[0],
      metadata: {
        tags: ['intro'],
        [METADATA_KEY]: {
          step: 'manual',
          v: 1,
          future: { x: 1 },
          checks: { cell: { cmd: 'test -f done', on: 'node1' } }
        }
      }
    });
    expect(nb.cells[1]).toEqual({
      cell_type: 'code',
      id: 'c1',
      execution_count: null,
      metadata: { collapsed: false },
      outputs: [],
      source: 'ls'
    });
    expect(Object.keys(nb.cells[1])).toEqual(Object.keys(cells[1]));
    expect(result.changes).toEqual({
      restored: 0,
      editedAfterFill: [],
      refusedTemplates: [],
      records: 2,
      outputsCleared: 1,
      countsCleared: 1,
      log: true,
      otherMetadata: 1
    });
  });

  it('puts a filled cell back as nbformat writes it', () => {
    const filled = 'ssh cc@129.114.99.7\nls\n';
    const result = cleanNotebookText(
      notebook([
        {
          cell_type: 'code',
          execution_count: null,
          metadata: {
            [METADATA_KEY]: withFill(null, {
              tpl: 'ssh cc@A.B.C.D\nls\n',
              out: fingerprint(filled)
            })
          },
          outputs: [],
          source: filled
        }
      ])
    );
    expect(JSON.parse(result.text!).cells[0]).toEqual({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: ['ssh cc@A.B.C.D\n', 'ls\n']
    });
    expect(result.changes.restored).toBe(1);
  });

  it('leaves an unreadable cell record as it is, counted nowhere', () => {
    const record = { v: 1, run: 'yes', fill: { tpl: 'x', out: 'y' } };
    const result = cleanNotebookText(
      notebook([
        {
          cell_type: 'code',
          execution_count: 2,
          metadata: { [METADATA_KEY]: record },
          outputs: [],
          source: 'ls'
        }
      ])
    );
    const cell = JSON.parse(result.text!).cells[0];
    expect(cell.metadata[METADATA_KEY]).toEqual(record);
    expect(cell.source).toBe('ls');
    expect(result.changes).toMatchObject({
      restored: 0,
      editedAfterFill: [],
      refusedTemplates: [],
      records: 0,
      countsCleared: 1
    });
  });

  it('refuses a file that is no notebook or whose record it cannot read', () => {
    for (const [text, problem] of [
      ['{"cells": [', 'not a notebook (not valid JSON'],
      ['"text"', 'not a notebook (not a JSON object)'],
      ['{"cells": "none"}', 'not a notebook (no list of cells)'],
      [
        notebook([], { v: 2, log: [] }),
        'its jupyterlab-testbed record cannot be read (written by a newer version of jupyterlab-testbed (format 2)); it is left as it is'
      ]
    ]) {
      const result = cleanNotebookText(text);
      expect(result.text).toBeNull();
      expect(result.problem).toContain(problem);
    }
  });

  it('clears a 100,000-level nested output, and refuses to write one it keeps', () => {
    // Written as text: JSON.stringify cannot go that deep.
    const deep = `${'['.repeat(100000)}"x"${']'.repeat(100000)}`;
    const text = (keep: boolean) =>
      `{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": ${
        keep ? `{"${METADATA_KEY}": {"v": 1, "keep": true}}` : '{}'
      }, "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"application/json": ${deep}}}], "source": "ls"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`;
    const start = Date.now();
    const cleared = cleanNotebookText(text(false));
    expect(JSON.parse(cleared.text!).cells[0].outputs).toEqual([]);
    const kept = cleanNotebookText(text(true));
    expect(kept.text).toBeNull();
    expect(kept.problem).toBe('it is nested too deeply to be written back');
    expect(Date.now() - start).toBeLessThan(3000);
  });

  it('clears a 50 MB output quickly', () => {
    const text = notebook([
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        outputs: [
          {
            output_type: 'stream',
            name: 'stdout',
            text: 'x'.repeat(50_000_000)
          }
        ],
        source: 'ls'
      }
    ]);
    const start = Date.now();
    const result = cleanNotebookText(text);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(result.text!.length).toBeLessThan(300);
    expect(result.changes.outputsCleared).toBe(1);
  });
});

describe('sourceLines', () => {
  it('splits as nbformat does, keeping the line breaks', () => {
    expect(sourceLines('')).toEqual([]);
    expect(sourceLines('ls')).toEqual(['ls']);
    expect(sourceLines('a\nb')).toEqual(['a\n', 'b']);
    expect(sourceLines('a\n')).toEqual(['a\n']);
    expect(sourceLines('a\n\nb\n')).toEqual(['a\n', '\n', 'b\n']);
    expect(sourceLines('a\r\nb\rc\u2028d')).toEqual([
      'a\r\n',
      'b\r',
      'c\u2028',
      'd'
    ]);
  });
});
