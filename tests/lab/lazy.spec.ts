import { loadOnce } from '../../src/lab/lazy';

/** A download the test settles by hand, counting the attempts. */
function download<T>() {
  const attempts: {
    resolve: (value: T) => void;
    reject: (reason: unknown) => void;
  }[] = [];
  const load = jest.fn(
    () =>
      new Promise<T>((resolve, reject) => attempts.push({ resolve, reject }))
  );
  return { load, attempts };
}

describe('a module loaded on first use', () => {
  it('is downloaded once, however many ask for it while it loads and after', async () => {
    const { load, attempts } = download<string>();
    const failed = jest.fn();
    const get = loadOnce(load, failed);
    const first = get();
    const second = get();
    attempts[0].resolve('module');
    await expect(first).resolves.toBe('module');
    await expect(second).resolves.toBe('module');
    await expect(get()).resolves.toBe('module');
    expect(load).toHaveBeenCalledTimes(1);
    expect(failed).not.toHaveBeenCalled();
  });

  it('reports a failed download once to everyone waiting, and tries again on the next use', async () => {
    const { load, attempts } = download<string>();
    const failed = jest.fn();
    const get = loadOnce(load, failed);
    const waiting = [get(), get()];
    const reason = new Error('Loading chunk testbed-authoring failed.');
    attempts[0].reject(reason);
    await expect(Promise.all(waiting)).resolves.toEqual([null, null]);
    expect(failed).toHaveBeenCalledTimes(1);
    expect(failed).toHaveBeenCalledWith(reason);

    const retry = get();
    expect(load).toHaveBeenCalledTimes(2);
    attempts[1].resolve('module');
    await expect(retry).resolves.toBe('module');
    expect(failed).toHaveBeenCalledTimes(1);
  });
});
