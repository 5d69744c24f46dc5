import {
  checkDeclarationProblem,
  ICellRecord,
  readCellRecord,
  withCheck,
  withCheckResult
} from '../../../src/core/metadata/format';
import {
  checkPassed,
  checkState,
  checkVersion,
  describeResult
} from '../../../src/core/checks/status';

const check = { cmd: 'systemctl is-active nginx', on: 'node1' };
const at = '2026-12-02T05:00:00Z';

describe('a step with a check', () => {
  it('is done only when its check last passed in its current version', () => {
    let record: ICellRecord = withCheck(null, 'cell', check);
    expect(checkState(record, 'cell')).toEqual({
      state: 'unchecked',
      stale: null
    });
    record = withCheckResult(record, 'cell', {
      at,
      r: 'pass',
      ver: checkVersion(check)
    });
    expect(checkPassed(record, 'cell')).toBe(true);
    expect(checkPassed(record, 'other')).toBe(false);
  });

  it('does not count a pass of an older version of the check', () => {
    const passed = withCheckResult(withCheck(null, 'cell', check), 'cell', {
      at,
      r: 'pass',
      ver: checkVersion(check)
    });
    const changed = withCheck(passed, 'cell', { ...check, cmd: 'true' });
    expect(checkPassed(changed, 'cell')).toBe(false);
    expect(checkState(changed, 'cell')).toMatchObject({
      state: 'unchecked',
      stale: { r: 'pass' }
    });
    // A hint or a timeout changed keeps the pass.
    const hinted = withCheck(passed, 'cell', { ...check, hint: 'Try', t: 5 });
    expect(checkPassed(hinted, 'cell')).toBe(true);
  });

  it('takes its result away with the check', () => {
    const passed = withCheckResult(withCheck(null, 'cell', check), 'cell', {
      at,
      r: 'pass',
      ver: checkVersion(check)
    });
    expect(withCheck(passed, 'cell', null)).toEqual({ v: 1 });
  });

  it('says how it ended', () => {
    const ver = checkVersion(check);
    expect(describeResult({ at, r: 'fail', x: 3, ver })).toBe(
      'failed (exit 3)'
    );
    expect(describeResult({ at, r: 'timeout', ver })).toBe('timed out');
    expect(describeResult({ at, r: 'unreachable', ver })).toBe(
      'node unreachable'
    );
  });
});

describe('a declared check read from a notebook', () => {
  it.each([
    [{ cmd: ' ', on: 'node1' }, 'has no command ("cmd")'],
    [{ cmd: 'true', on: 'all nodes' }, 'does not say where it runs'],
    [{ cmd: 'true', on: 'node1', t: 0 }, 'timeout'],
    [{ cmd: 'true', on: 'node1', t: 1.5 }, 'timeout'],
    [{ cmd: 'true', on: 'node1', hint: 'x'.repeat(301) }, 'hint'],
    [{ cmd: 'true', on: 'node1', par: 'yes' }, '"par"'],
    [{ cmd: 'x'.repeat(2001), on: 'node1' }, 'longer than 2000'],
    [{ cmd: 'true\r\nrm -rf ~', on: 'node1' }, 'carriage return']
  ])('%j is refused, named', (entry, problem) => {
    expect(checkDeclarationProblem(entry)).toContain(problem);
    const read = readCellRecord({ v: 1, checks: { cell: entry } });
    expect(read.status).toBe('corrupt');
  });

  it('accepts the three places', () => {
    for (const on of ['node2', 'all', 'jupyter']) {
      expect(checkDeclarationProblem({ cmd: 'true', on })).toBeNull();
    }
  });

  it('refuses more checks than a cell may hold', () => {
    const checks = Object.fromEntries(
      Array.from({ length: 51 }, (_, i) => [`k${i}`, check])
    );
    expect(readCellRecord({ v: 1, checks })).toMatchObject({
      status: 'corrupt',
      problem: '"checks" has more than 50 steps'
    });
  });
});
