/**
 * Saves of the student's values, one after the other, each from what the
 * settings hold by then, so two fields saved together do not overwrite each
 * other. A save that fails (a full disk, a work folder gone read-only) is
 * reported with why; the value stays in the form, and the next save or a
 * retry writes everything the settings hold again, that value included.
 */
export namespace ValueSaver {
  export interface IOptions {
    /** Store one value; rejects when the server could not write it. */
    write: (
      field: string,
      value: string,
      folder: string | null
    ) => Promise<void>;
    /** Write everything the settings hold again. */
    rewrite: () => Promise<void>;
    /** The student's words for a failure. */
    explain: (reason: unknown) => Promise<string>;
    /** Show why nothing was saved, with a retry; null once a save worked. */
    report: (message: string | null, retry?: () => void) => void;
  }
}

export class ValueSaver {
  constructor(options: ValueSaver.IOptions) {
    this._options = options;
  }

  /** Store a value after the saves asked for before it. */
  save(field: string, value: string, folder: string | null): Promise<void> {
    return this._queue(() => this._options.write(field, value, folder));
  }

  /** Write everything again, after a failure. */
  retry(): Promise<void> {
    return this._queue(() => this._options.rewrite());
  }

  private _queue(write: () => Promise<void>): Promise<void> {
    this._saving = this._saving.then(async () => {
      try {
        await write();
        this._options.report(null);
      } catch (reason) {
        console.error('jupyterlab-testbed: cannot save a value.', reason);
        const message = await this._options.explain(reason);
        this._options.report(message, () => void this.retry());
      }
    });
    return this._saving;
  }

  private _options: ValueSaver.IOptions;
  private _saving: Promise<void> = Promise.resolve();
}
