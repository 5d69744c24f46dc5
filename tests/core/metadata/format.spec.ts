import {
  differsInLogOnly,
  errorLabel,
  firstRun,
  FORMAT_VERSION,
  ICellRecord,
  INotebookRecord,
  MAX_TICKS_PER_CELL,
  METADATA_KEY,
  readCellRecord,
  readNotebookRecord,
  timestamp,
  withLogEntries,
  withKeptOutputs,
  withManualStep,
  withRun,
  withTick
} from '../../../src/core/metadata/format';
import { EXTENSION_VERSION } from '../../../src/core/version';

const run = { n: 1, last: 't', ms: 5, src: 'abcd1234' };

describe('reading records', () => {
  it('accepts an absent record and a valid one', () => {
    expect(readCellRecord(undefined)).toEqual({
      status: 'absent',
      record: null
    });
    const record = {
      v: 1,
      run,
      ticks: { cell: { at: 't', via: 'tick' } },
      step: 'manual'
    };
    expect(readCellRecord(record)).toEqual({ status: 'ok', record });
  });

  it('reads how a sent block ended: a status, running or unknown', () => {
    for (const end of [0, 1, 130, 255, 'running', 'unknown']) {
      const record = {
        v: 1,
        ticks: { k: { at: 't', via: 'node1', end, ms: 5 } }
      };
      expect(readCellRecord(record)).toEqual({ status: 'ok', record });
    }
  });

  it('keeps fields it does not know (a later minor revision)', () => {
    const read = readCellRecord({ v: 1, future: [1, 2] });
    expect(read.status).toBe('ok');
    expect(read.status === 'ok' && read.record.future).toEqual([1, 2]);
  });

  it('reports a newer format instead of guessing', () => {
    expect(readCellRecord({ v: FORMAT_VERSION + 1, run: 'whatever' })).toEqual({
      status: 'newer',
      version: FORMAT_VERSION + 1
    });
  });

  it.each([
    ['a string', 'done', 'the record is a string, not an object'],
    ['a list', [1], 'the record is a list, not an object'],
    ['no version', { run }, 'the record has no valid format version ("v")'],
    [
      'a bad version',
      { v: '1' },
      'the record has no valid format version ("v")'
    ],
    [
      'a bad run count',
      { v: 1, run: { ...run, n: 0 } },
      '"run.n" is not a positive number'
    ],
    [
      'a run without a time',
      { v: 1, run: { ...run, last: 5 } },
      '"run.last" is not a text'
    ],
    [
      'a run with a non-text error',
      { v: 1, run: { ...run, error: {} } },
      '"run.error" is not a text'
    ],
    [
      'an execution count that is not one',
      { v: 1, run: { ...run, c: 1.5 } },
      '"run.c" is not an execution count'
    ],
    [
      'a bad tick',
      { v: 1, ticks: { cell: true } },
      'tick "cell" is not {at, via}'
    ],
    [
      'a sent block whose end is no exit status',
      { v: 1, ticks: { k: { at: 't', via: 'node1', end: 256 } } },
      'tick "k" has an "end" that is no exit status'
    ],
    [
      'a sent block whose end is a word it does not know',
      { v: 1, ticks: { k: { at: 't', via: 'node1', end: 'ok' } } },
      'tick "k" has an "end" that is no exit status'
    ],
    [
      'a sent block whose duration is negative',
      { v: 1, ticks: { k: { at: 't', via: 'node1', end: 0, ms: -1 } } },
      'tick "k" has an "ms" that is no duration'
    ],
    [
      'an unknown step kind',
      { v: 1, step: '<script>' },
      '"step" must be "manual"'
    ]
  ])('calls %s corrupt, with a specific reason', (_, value, problem) => {
    expect(readCellRecord(value)).toEqual({ status: 'corrupt', problem });
  });

  it('checks the notebook log', () => {
    expect(readNotebookRecord({ v: 1, log: ['a'] }).status).toBe('ok');
    expect(readNotebookRecord({ v: 1, log: [{}] })).toEqual({
      status: 'corrupt',
      problem: '"log" is not a list of texts'
    });
  });
});

describe('writing records', () => {
  const start = new Date('2026-11-23T10:00:00.456Z');

  it('counts runs, keeps the first time and the last result', () => {
    const first = withRun(null, {
      start,
      ms: 1200.4,
      ok: false,
      error: 'exit 1',
      src: 'aaaa0000'
    });
    expect(first).toEqual({
      v: 1,
      run: {
        n: 1,
        last: '2026-11-23T10:00:00Z',
        ms: 1200,
        error: 'exit 1',
        src: 'aaaa0000'
      }
    });
    const later = new Date('2026-11-23T11:00:00Z');
    const second = withRun(first, {
      start: later,
      ms: 3,
      ok: true,
      src: 'bbbb1111'
    });
    expect(second.run).toEqual({
      n: 2,
      f: 3600,
      last: '2026-11-23T11:00:00Z',
      ms: 3,
      src: 'bbbb1111'
    });
    expect(firstRun(second.run!)).toBe('2026-11-23T10:00:00Z');
  });

  it('reads and carries on the first run of records written with `first`', () => {
    const old: ICellRecord = {
      v: 1,
      run: {
        n: 4,
        first: '2026-11-20T08:00:00Z',
        last: '2026-11-22T09:00:00Z',
        ms: 5,
        src: 'x'
      }
    };
    expect(readCellRecord(old).status).toBe('ok');
    expect(firstRun(old.run!)).toBe('2026-11-20T08:00:00Z');
    const next = withRun(old, {
      start: new Date('2026-11-23T08:00:00Z'),
      ms: 1,
      ok: true,
      src: 'x'
    });
    expect(next.run).toEqual({
      n: 5,
      f: 3 * 86400,
      last: '2026-11-23T08:00:00Z',
      ms: 1,
      src: 'x'
    });
    expect(firstRun(next.run!)).toBe('2026-11-20T08:00:00Z');
  });

  it('keeps an old first time that is no date as it was, and never throws on a crafted offset', () => {
    const old: ICellRecord = {
      v: 1,
      run: {
        n: 1,
        first: 'yesterday',
        last: '2026-11-22T09:00:00Z',
        ms: 5,
        src: 'x'
      }
    };
    expect(withRun(old, { start, ms: 1, ok: true, src: 'x' }).run?.first).toBe(
      'yesterday'
    );
    const crafted = {
      n: 2,
      f: 9e15,
      last: '2026-11-22T09:00:00Z',
      ms: 5,
      src: 'x'
    };
    expect(readCellRecord({ v: 1, run: crafted }).status).toBe('ok');
    expect(firstRun(crafted)).toBe('2026-11-22T09:00:00Z');
    // A first run after the last is told as such, not hidden (graders flag it).
    expect(firstRun({ ...crafted, f: -60 })).toBe('2026-11-22T09:01:00Z');
    expect(readCellRecord({ v: 1, run: { ...crafted, f: 1.5 } })).toEqual({
      status: 'corrupt',
      problem: '"run.f" is not a number of seconds'
    });
    expect(readCellRecord({ v: 1, run: { ...crafted, f: '60' } }).status).toBe(
      'corrupt'
    );
  });

  it('weighs the same after any number of runs, once the first run is known', () => {
    // A lab cell as a student runs it again and again over three weeks, in
    // the saved file's own layout (one-space indent; key order does not
    // change the size). A record that kept absolute times of more runs, or
    // anything per run, would grow here.
    const saved = (record: ICellRecord | null): number =>
      JSON.stringify(
        { cells: [{ metadata: record ? { [METADATA_KEY]: record } : {} }] },
        null,
        1
      ).length;
    const sizes: number[] = [];
    let record: ICellRecord | null = null;
    for (let run = 0; run < 12; run++) {
      record = withRun(record, {
        start: new Date(
          Date.parse('2026-11-02T09:00:00Z') + run * 2 * 86400_000 + 1234
        ),
        ms: 12345,
        ok: true,
        src: 'aaaa0000',
        count: 487
      });
      sizes.push(saved(record) - saved(null));
    }
    // One run: 183 bytes; from the second on, 20 more for when it first ran
    // (up to 115 days in seconds) and 1 for the count of runs reaching 10.
    expect(sizes[0]).toBeLessThan(190);
    expect(Math.max(...sizes.slice(1))).toBeLessThanOrEqual(sizes[0] + 21);
    expect(firstRun(record!.run!)).toBe('2026-11-02T09:00:01Z');
  });

  it('keeps other fields of the record (an author mark, ticks)', () => {
    const record = withRun(
      { v: 1, step: 'manual', ticks: { cell: { at: 't', via: 'tick' } } },
      { start, ms: 1, ok: true, src: 'x' }
    );
    expect(record.step).toBe('manual');
    expect(record.ticks).toEqual({ cell: { at: 't', via: 'tick' } });
  });

  it('ticks, unticks and drops the ticks object when empty', () => {
    const ticked = withTick(null, 'abcd', { at: 't1', via: 'node1' });
    expect(ticked).toEqual({
      v: 1,
      ticks: { abcd: { at: 't1', via: 'node1' } }
    });
    expect(withTick(ticked, 'abcd', null)).toEqual({ v: 1 });
  });

  it('caps ticks per cell, dropping the oldest', () => {
    let record = withTick(null, 'k0', {
      at: '2026-01-01T00:00:00Z',
      via: 'tick'
    });
    for (let i = 1; i <= MAX_TICKS_PER_CELL + 10; i++) {
      record = withTick(record, `k${i}`, {
        at: `2026-01-02T00:00:${String(i % 60).padStart(2, '0')}Z`,
        via: 'tick'
      });
    }
    expect(Object.keys(record.ticks!)).toHaveLength(MAX_TICKS_PER_CELL);
    expect(record.ticks!.k0).toBeUndefined();
  });

  it('marks and unmarks a manual step without touching the rest', () => {
    const marked = withManualStep({ v: 1, run }, true);
    expect(marked).toEqual({ v: 1, run, step: 'manual' });
    expect(withManualStep(marked, false)).toEqual({ v: 1, run });
  });

  it('marks a cell whose outputs are published, and reads only `true` as the mark', () => {
    const kept = withKeptOutputs({ v: 1, run }, true);
    expect(kept).toEqual({ v: 1, run, keep: true });
    expect(readCellRecord(kept).status).toBe('ok');
    expect(withKeptOutputs(kept, false)).toEqual({ v: 1, run });
    expect(readCellRecord({ v: 1, keep: 'yes' })).toEqual({
      status: 'corrupt',
      problem: '"keep" must be true'
    });
  });

  it('keeps a bounded log however often the notebook runs', () => {
    let record = null;
    for (let i = 0; i < 1000; i++) {
      record = withLogEntries(
        record,
        [{ at: start, result: 'error:Name Error', ref: `r${i}` }],
        100
      );
    }
    expect(record!.log).toHaveLength(100);
    expect(record!.log![99]).toBe('2026-11-23T10:00:00Z error:Name_Error r999');
    expect(
      withLogEntries(null, [{ at: start, result: 'ok', ref: 'r' }], 0).log
    ).toEqual([]);
  });

  it('names the version that wrote the log, and keeps the kernel count of a run', () => {
    const record = withLogEntries(
      null,
      [{ at: start, result: 'ok', ref: 'r' }],
      5
    );
    expect(record.by).toBe(EXTENSION_VERSION);
    expect(readNotebookRecord({ ...record, by: 3 })).toEqual({
      status: 'corrupt',
      problem: '"by" is not a text'
    });
    const counted = withRun(null, {
      start,
      ms: 5,
      ok: true,
      src: 's',
      count: 12
    });
    expect(counted.run!.c).toBe(12);
    expect(
      withRun(null, { start, ms: 5, ok: true, src: 's', count: null }).run
    ).not.toHaveProperty('c');
  });

  it('stores timestamps to the second in UTC', () => {
    expect(timestamp(start)).toBe('2026-11-23T10:00:00Z');
  });

  it.each([
    ['NameError', 'x', 'NameError'],
    ['', '1', 'exit 1'],
    [undefined, '127', 'exit 127'],
    ['', 'weird', 'Error'],
    ['Bad\nName\u0007', '', 'Bad Name'],
    ['E'.repeat(200), '', 'E'.repeat(60)]
  ])('names the error %p / %p as %p', (name, value, label) => {
    expect(errorLabel(name, value)).toBe(label);
  });
});

describe('a notebook record whose log alone changed', () => {
  const declared = { v: 1, nodes: [{ name: 'node1', host: '10.0.0.1' }] };
  const logged = (record: INotebookRecord, ref: string) =>
    withLogEntries(record, [{ at: new Date(0), result: 'ok', ref }], 10);

  it('is told apart from one whose declarations changed', () => {
    const before = logged(declared, 'a');
    expect(differsInLogOnly(before, logged(before, 'b'))).toBe(true);
    expect(differsInLogOnly(declared, logged(declared, 'a'))).toBe(true);
    const renamed = { ...before, nodes: [{ name: 'web', host: '10.0.0.1' }] };
    expect(differsInLogOnly(before, renamed)).toBe(false);
    expect(differsInLogOnly(before, { ...before, markers: ['x'] })).toBe(false);
  });

  it('counts a record added, removed or of another shape as changed', () => {
    expect(differsInLogOnly(undefined, declared)).toBe(false);
    expect(differsInLogOnly(declared, undefined)).toBe(false);
    expect(differsInLogOnly([1], [1])).toBe(false);
    expect(differsInLogOnly('text', 'text')).toBe(false);
  });

  it('counts mending a log that hid every declaration as changed', () => {
    // A record whose log is not a list of texts cannot be read: its nodes
    // are not used until the log is mended.
    const unreadable = { ...declared, log: 5 };
    expect(readNotebookRecord(unreadable).status).toBe('corrupt');
    expect(differsInLogOnly(unreadable, logged(declared, 'a'))).toBe(false);
    expect(differsInLogOnly({ ...declared, by: 7 }, declared)).toBe(false);
  });

  it('sees inherited and __proto__ keys, and reads again what JSON cannot write', () => {
    const hidden = Object.create({ nodes: [{ name: 'web', host: 'x' }] });
    Object.assign(hidden, { v: 1 });
    expect(differsInLogOnly({ v: 1 }, hidden)).toBe(false);
    const proto = JSON.parse('{"v": 1, "__proto__": {"nodes": []}}');
    expect(differsInLogOnly({ v: 1 }, proto)).toBe(false);
    expect(differsInLogOnly(proto, proto)).toBe(true);
    const big = { v: 1, size: BigInt(1) };
    expect(differsInLogOnly(big, big)).toBe(false);
  });
});
