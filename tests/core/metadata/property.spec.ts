/**
 * Random and mutated metadata and notebooks, from a fixed seed, through every
 * reader and writer of the metadata format and of notebook files: no
 * exception escapes, every call ends within its budget, and nothing written
 * changes a cell's source except an honest fill or restore.
 *
 * The generator is ours (a seeded xorshift, no dependency): a failure prints
 * its case number, and `PROPERTY_SEED`/`PROPERTY_CASES` replay or widen it.
 */
import * as path from 'path';
import { cleanNotebookText } from '../../../src/core/authoring/clean';
import { lintNotebookText } from '../../../src/core/authoring/lint';
import { summarizeText } from '../../../src/core/grading/evidence';
import {
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord,
  withFill,
  withKeptOutputs,
  withLogEntries,
  withManualStep,
  withRun,
  withTick
} from '../../../src/core/metadata/format';
import { fingerprint } from '../../../src/core/notebook/hash';
import { parseNotebookFile, sourceText } from '../../../src/core/notebook/file';
import { parseMarkdown } from '../../../src/core/notebook/markdown';
import { definitionsOf } from '../../../src/core/placeholders/authored';
import { planFill, planReset } from '../../../src/core/placeholders/engine';
import { refuseTemplate } from '../../../src/core/placeholders/template';
import { TokenScanner } from '../../../src/core/placeholders/tokenscan';
import { buildOutline } from '../../../src/core/progress/outline';
import {
  declaredMarkers,
  DEFAULT_MARKERS,
  compileMarkers,
  targetNodes
} from '../../../src/core/terminals/markers';
import { EXTENSION_VERSION } from '../../../src/core/version';
import { readNotebook, SAMPLE_DIR } from '../../helpers';
import { STUDENT, useAsStudent } from '../../helpers/student';
import { fillable } from '../../helpers';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261201);
const CASES = Number(process.env.PROPERTY_CASES ?? 10000);
/** Per call: generous, it catches a blowup, not a slow machine. */
const BUDGET_MS = 1000;

/** xorshift32: small, fast and the same everywhere. */
class Random {
  constructor(private state: number) {}
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const KEYS = [
  'v',
  'run',
  'ticks',
  'fill',
  'tpl',
  'out',
  'log',
  'by',
  'n',
  'f',
  'first',
  'last',
  'ms',
  'error',
  'src',
  'c',
  'at',
  'via',
  'cell',
  'step',
  'keep',
  'placeholders',
  'nodes',
  'markers',
  'token',
  'field',
  'pattern',
  'example',
  '__proto__',
  'constructor',
  'toString'
];
const PIECES = [
  'netID',
  'CHI-XXXXXX',
  'A.B.C.D',
  '10.56.X.Y',
  'ff524',
  '129.114.25.134',
  '# ',
  '#',
  '```',
  '~~~',
  '`',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u2028',
  '\u202e',
  '\0',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '# run on node1 ',
  'node1',
  'echo hi',
  '$(x)',
  ';',
  '|',
  '2026-11-23T16:02:11Z',
  'tick:tick',
  'ok',
  '3f9a1b2c',
  '(a+)+',
  '\\',
  '"',
  'é',
  '😀'
];

function randomString(random: Random, long = false): string {
  const parts: string[] = [];
  const count = random.int(long ? 16 : 6);
  for (let i = 0; i < count; i++) {
    const piece = random.pick(PIECES);
    parts.push(random.chance(0.05) ? piece.repeat(1 + random.int(200)) : piece);
  }
  return parts.join('');
}

function randomValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 3 ? 5 : 8)) {
    case 0:
      return randomString(random);
    case 1:
      return random.pick([0, 1, -1, 1.5, 2 ** 53, NaN, 1e308]);
    case 2:
      return random.pick([null, true, false, undefined]);
    case 3:
      return random.pick([1, 2, 'v1', 99]);
    case 4:
      return '';
    case 5:
    case 6: {
      const object: { [key: string]: unknown } = {};
      for (let i = random.int(6); i > 0; i--) {
        object[random.pick(KEYS)] = randomValue(random, depth + 1);
      }
      if (random.chance(0.7)) {
        object.v = random.chance(0.8) ? 1 : randomValue(random, depth + 1);
      }
      return object;
    }
    default:
      return Array.from({ length: random.int(5) }, () =>
        randomValue(random, depth + 1)
      );
  }
}

/** A small notebook of random cells with random records. */
function randomNotebook(random: Random): any {
  const cells = Array.from({ length: 1 + random.int(5) }, (_, i) => {
    const type = random.pick(['code', 'markdown', 'raw', 'other']);
    const source = randomString(random, true);
    const metadata: any = random.chance(0.8)
      ? { [METADATA_KEY]: randomValue(random, 1) }
      : {};
    if (random.chance(0.3)) {
      // A fill record whose fingerprint matches: the public part.
      metadata[METADATA_KEY] = {
        v: 1,
        fill: { tpl: randomString(random, true), out: fingerprint(source) }
      };
    }
    return {
      cell_type: type,
      id: `c${i}`,
      metadata,
      source: random.chance(0.5) ? source : source.split(/(?<=\n)/),
      ...(type === 'code' ? { outputs: [], execution_count: null } : {})
    };
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { [METADATA_KEY]: randomValue(random, 1) },
    cells
  };
}

/** Replace one random part of a value by a random value, in place. */
function mutate(random: Random, value: any, depth = 0): any {
  if (value === null || typeof value !== 'object' || depth > 6) {
    return random.chance(0.5) ? randomValue(random) : value;
  }
  const keys = Object.keys(value);
  if (!keys.length || random.chance(0.15)) {
    return randomValue(random);
  }
  const key = random.pick(keys);
  if (typeof value[key] === 'string' && random.chance(0.5)) {
    const text = value[key] as string;
    const at = random.int(text.length + 1);
    value[key] = text.slice(0, at) + randomString(random) + text.slice(at);
  } else {
    value[key] = mutate(random, value[key], depth + 1);
  }
  return value;
}

const OPTIONS = {
  commandLanguages: ['bash', 'sh'],
  maxSectionLevel: 3,
  version: EXTENSION_VERSION,
  savedAt: '2026-11-30T12:00:00Z'
};

/** Each call must neither throw nor overrun its budget. */
function call<T>(what: string, action: () => T): T {
  const start = performance.now();
  let result: T;
  try {
    result = action();
  } catch (error) {
    throw new Error(`${what} threw: ${error}`);
  }
  const took = performance.now() - start;
  if (took > BUDGET_MS) {
    throw new Error(`${what} took ${took.toFixed(0)} ms`);
  }
  return result;
}

/** What a written cell may be: as it was, or its honest restore. */
function expectHonest(before: any, after: any, tokens: TokenScanner): void {
  if (typeof before !== 'object' || before === null) {
    // As JSON writes it (an undefined or NaN cell becomes null).
    expect(after).toEqual(JSON.parse(JSON.stringify([before]))[0]);
    return;
  }
  const old = sourceText(before.source);
  const now = sourceText(after.source);
  if (old === now) {
    return;
  }
  const fill = before.metadata?.[METADATA_KEY]?.fill;
  expect(fill?.tpl).toBe(now);
  expect(fingerprint(old)).toBe(fill.out);
  expect(refuseTemplate(old, now, tokens)).toBeNull();
}

describe('random and mutated notebooks through every reader and writer', () => {
  const used = useAsStudent(
    readNotebook(path.join(SAMPLE_DIR, '1_provision_cli.ipynb'))
  ).used as any;
  const values = fillable(STUDENT).values;
  const markers = compileMarkers(DEFAULT_MARKERS).patterns;

  it(`holds for ${CASES} cases (seed ${SEED})`, () => {
    const random = new Random(SEED);
    for (let n = 0; n < CASES; n++) {
      try {
        let notebook: any;
        if (n % 2) {
          notebook = randomNotebook(random);
        } else {
          // A few cells of a real used lab, then mutated.
          const start = random.int(used.cells.length);
          notebook = JSON.parse(
            JSON.stringify({
              ...used,
              cells: used.cells.slice(start, start + 1 + random.int(4))
            })
          );
          for (let m = 1 + random.int(3); m > 0; m--) {
            notebook = mutate(random, notebook);
          }
        }
        checkOne(notebook, random);
      } catch (error) {
        throw new Error(`case ${n} (seed ${SEED}): ${error}`);
      }
    }
  }, 120000);

  function checkOne(notebook: any, random: Random): void {
    const text = call('stringify', () => JSON.stringify(notebook) ?? 'null');
    const record = notebook?.metadata?.[METADATA_KEY];
    call('readNotebookRecord', () => readNotebookRecord(record));
    const definitions = call('definitionsOf', () => definitionsOf(record));
    const tokens = new TokenScanner(definitions.placeholders.map(p => p.token));
    call('declaredMarkers', () => declaredMarkers(record));
    const file = call('parseNotebookFile', () => parseNotebookFile(text));
    call('summarizeText', () => summarizeText(text, OPTIONS));
    call('lintNotebookText', () =>
      lintNotebookText(text, 'n.ipynb', { profileValues: ['ff524'] })
    );
    const cleaned = call('cleanNotebookText', () => cleanNotebookText(text));
    if (cleaned.text !== null) {
      const after = JSON.parse(cleaned.text);
      expect(after.cells.length).toBe(notebook.cells.length);
      notebook.cells.forEach((cell: any, i: number) =>
        expectHonest(cell, after.cells[i], tokens)
      );
    }
    call('buildOutline', () =>
      buildOutline(
        file.cells.map((cell, i) => ({
          id: String(i),
          type: cell.type,
          source: cell.source,
          record: cell.record
        })),
        OPTIONS
      )
    );
    for (const cell of file.cells) {
      call('readCellRecord', () => readCellRecord(cell.record));
      call('parseMarkdown', () => parseMarkdown(cell.source));
      call('targetNodes', () =>
        targetNodes(cell.source, markers, ['node1', 'node2'])
      );
      const read = readCellRecord(cell.record);
      const previous = read.status === 'ok' ? read.record : null;
      call('writers', () => {
        withRun(previous, {
          start: new Date(0),
          ms: 5,
          ok: random.chance(0.5),
          src: fingerprint(cell.source)
        });
        withTick(previous, randomString(random), null);
        withFill(previous, { tpl: cell.source, out: fingerprint(cell.source) });
        withKeptOutputs(previous, true);
        withManualStep(previous, random.chance(0.5));
      });
      const fill = previous?.fill;
      const reset = call('planReset', () =>
        planReset(cell.source, fill, definitions.placeholders, {
          hints: values
        })
      );
      const refill = call('planFill', () =>
        planFill(cell.source, fill, values, definitions.placeholders)
      );
      if (reset.kind === 'write') {
        expect(refuseTemplate(cell.source, reset.source, tokens)).toBeNull();
      }
      if (refill.kind === 'write' && fill) {
        expect(refuseTemplate(cell.source, fill.tpl, tokens)).toBeNull();
      }
    }
    const notebookRecord = readNotebookRecord(record);
    call('withLogEntries', () =>
      withLogEntries(
        notebookRecord.status === 'ok' ? notebookRecord.record : null,
        [{ at: new Date(0), result: 'ok', ref: randomString(random) }],
        500
      )
    );
  }
});
