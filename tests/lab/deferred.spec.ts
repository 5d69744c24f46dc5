import {
  afterNextPaint,
  DeferredTask,
  QuietTask
} from '../../src/lab/deferred';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe.each([
  ['DeferredTask', (run: () => void) => new DeferredTask(run, 100)],
  ['QuietTask', (run: () => void) => new QuietTask(run, 100)]
])('%s', (_, create) => {
  it('forgets cancelled work, and can be scheduled again', () => {
    const run = jest.fn();
    const task = create(run);
    task.schedule();
    task.cancel();
    jest.advanceTimersByTime(200);
    expect(run).not.toHaveBeenCalled();
    task.schedule();
    jest.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('does nothing once disposed, whatever waited', () => {
    const run = jest.fn();
    const task = create(run);
    task.schedule();
    task.dispose();
    task.schedule();
    jest.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
    expect(task.isDisposed).toBe(true);
  });
});

describe('DeferredTask', () => {
  it('does the work once for every call before its delay ends', () => {
    const run = jest.fn();
    const task = new DeferredTask(run, 100);
    task.schedule();
    jest.advanceTimersByTime(60);
    task.schedule();
    task.schedule();
    expect(run).not.toHaveBeenCalled();
    jest.advanceTimersByTime(40);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('without a delay, forgets the frame it waited for once disposed', () => {
    const run = jest.fn();
    const task = new DeferredTask(run);
    task.schedule();
    task.dispose();
    jest.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
  });

  it('without a delay, does the work at the next frame', () => {
    const run = jest.fn();
    const task = new DeferredTask(run);
    task.schedule();
    expect(run).not.toHaveBeenCalled();
    jest.advanceTimersByTime(20);
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('QuietTask', () => {
  it('does the work once, when the changes have paused for its delay', () => {
    const run = jest.fn();
    const task = new QuietTask(run, 100);
    task.schedule();
    jest.advanceTimersByTime(60);
    task.schedule();
    jest.advanceTimersByTime(60);
    task.schedule();
    // 100 ms after the first change, 40 after the last: not yet.
    jest.advanceTimersByTime(80);
    expect(run).not.toHaveBeenCalled();
    jest.advanceTimersByTime(20);
    expect(run).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('sets no timer per change: a burst of a thousand sets one or two', () => {
    const run = jest.fn();
    const task = new QuietTask(run, 100);
    const timers = jest.spyOn(globalThis, 'setTimeout');
    try {
      for (let i = 0; i < 1000; i++) {
        task.schedule();
        jest.advanceTimersByTime(i % 20 ? 0 : 1);
      }
      jest.advanceTimersByTime(100);
      expect(run).toHaveBeenCalledTimes(1);
      expect(timers.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      timers.mockRestore();
    }
  });
});

describe('afterNextPaint', () => {
  it('calls once the next frame has run, not in it', () => {
    const order: string[] = [];
    afterNextPaint(() => order.push('after'));
    requestAnimationFrame(() => order.push('frame'));
    expect(order).toEqual([]);
    jest.advanceTimersByTime(16);
    expect(order).toEqual(['frame']);
    jest.advanceTimersByTime(1);
    expect(order).toEqual(['frame', 'after']);
    // The fallback for pages without frames calls nothing twice.
    jest.advanceTimersByTime(2000);
    expect(order).toEqual(['frame', 'after']);
  });

  it('calls within a second on a page whose frames have stopped', () => {
    const frames = jest
      .spyOn(window, 'requestAnimationFrame')
      .mockImplementation(() => 0);
    try {
      const call = jest.fn();
      afterNextPaint(call);
      jest.advanceTimersByTime(999);
      expect(call).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(call).toHaveBeenCalledTimes(1);
    } finally {
      frames.mockRestore();
    }
  });
});
