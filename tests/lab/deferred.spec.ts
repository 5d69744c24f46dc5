import { DeferredTask } from '../../src/lab/deferred';

describe('DeferredTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

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

  it('forgets cancelled work, and can be scheduled again', () => {
    const run = jest.fn();
    const task = new DeferredTask(run, 100);
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
    const task = new DeferredTask(run);
    task.schedule();
    task.dispose();
    task.schedule();
    jest.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
    expect(task.isDisposed).toBe(true);
  });
});
