import { describeStep, sentEnd } from '../../../src/core/progress/describe';
import type { IStep } from '../../../src/core/progress/outline';
import type { ITick } from '../../../src/core/metadata/format';

const trans = {
  __: (text: string, ...args: unknown[]) =>
    args.reduce<string>((t, a, i) => t.replace(`%${i + 1}`, String(a)), text),
  _n: (one: string) => one,
  _p: (_: string, text: string) => text
} as any;

const sent = (tick: Partial<ITick>) =>
  ({
    label: 'Install',
    status: 'ticked',
    tick: { at: '2026-12-02T05:00:00Z', via: 'node1', ...tick }
  }) as unknown as IStep;

describe('how a sent block ended, in Progress', () => {
  it('shows ✓ or ✗ with the exit status on the row, and the duration in the tooltip', () => {
    const failed = describeStep(sent({ end: 1, ms: 2300 }), trans);
    // A narrow sidebar keeps room for the step's own label.
    expect(failed.meta).toBe('✗ exit 1');
    expect(failed.title).toContain('sent to node1');
    expect(failed.title).toContain('✗ exit 1 in 2.3 s');
    expect(describeStep(sent({ end: 0, ms: 40 }), trans).meta).toBe('✓ exit 0');
    expect(sentEnd(sent({ end: 130, ms: 900 }).tick!, trans)).toEqual({
      full: '✗ interrupted (exit 130) in 0.9 s',
      brief: '✗ interrupted'
    });
    expect(sentEnd(sent({ end: 'unknown' }).tick!, trans)).toEqual({
      full: expect.stringMatching(/^\? ended unknown/),
      brief: '? unknown'
    });
    expect(sentEnd(sent({ end: 'running' }).tick!, trans)?.brief).toBe(
      '… running'
    );
  });

  it('says only “sent” when no end was reported (a shell that is not bash)', () => {
    const plain = describeStep(sent({}), trans);
    expect(sentEnd(sent({}).tick!, trans)).toBeNull();
    expect(plain.meta).not.toMatch(/exit|running|unknown/);
    expect(plain.title).toContain('sent to node1');
  });
});
