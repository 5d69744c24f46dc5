import { LiveSummary, MIN_GAP_MS, SETTLE_MS } from '../../src/lab/liveregion';

/** What a screen reader would have heard: each text the region took. */
function listen(summary: LiveSummary): string[] {
  const heard: string[] = [];
  new MutationObserver(() =>
    heard.push(summary.node.textContent ?? '')
  ).observe(summary.node, {
    childList: true,
    characterData: true,
    subtree: true
  });
  return heard;
}

/** Let fake time pass, then let the observer report. */
async function wait(ms: number): Promise<void> {
  jest.advanceTimersByTime(ms);
  await Promise.resolve();
}

describe('LiveSummary', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is one polite, atomic status region that is not drawn', () => {
    const summary = new LiveSummary();
    expect(summary.node.getAttribute('role')).toBe('status');
    expect(summary.node.getAttribute('aria-live')).toBe('polite');
    expect(summary.node.getAttribute('aria-atomic')).toBe('true');
    expect(summary.node.classList).toContain('jp-testbed-srOnly');
  });

  it('announces a run-all of quick cells once, with the last summary', async () => {
    const summary = new LiveSummary();
    const heard = listen(summary);
    let computed = 0;
    for (let done = 1; done <= 50; done++) {
      summary.changed(() => {
        computed++;
        return `${done} of 50 steps done`;
      });
      await wait(200);
    }
    expect(heard).toEqual([]);
    await wait(SETTLE_MS);
    expect(heard).toEqual(['50 of 50 steps done']);
    // Computed when announced, not per change.
    expect(computed).toBe(1);
  });

  it('keeps slow cells of a run-all to one summary per gap', async () => {
    const gap = 10000;
    const summary = new LiveSummary({ settleMs: 1000, minGapMs: gap });
    const heard = listen(summary);
    const cells = 30;
    const everyMs = 3000;
    for (let done = 1; done <= cells; done++) {
      summary.changed(() => `${done} of ${cells} steps done`);
      await wait(everyMs);
    }
    await wait(gap);
    const bound = Math.ceil((cells * everyMs) / gap) + 1;
    expect(heard.length).toBeGreaterThan(1);
    expect(heard.length).toBeLessThanOrEqual(bound);
    expect(heard[heard.length - 1]).toBe(`${cells} of ${cells} steps done`);
  });

  it('does not repeat the same summary, nor speak after disposal', async () => {
    const summary = new LiveSummary();
    const heard = listen(summary);
    summary.changed(() => 'node1: connected');
    await wait(SETTLE_MS);
    summary.changed(() => 'node1: connected');
    await wait(MIN_GAP_MS);
    summary.changed(() => 'node1: ssh ended');
    summary.dispose();
    await wait(MIN_GAP_MS);
    expect(heard).toEqual(['node1: connected']);
    expect(summary.isDisposed).toBe(true);
  });
});
