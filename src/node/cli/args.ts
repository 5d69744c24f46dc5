/**
 * Reading a command line, for both commands: options with and without a
 * value, and the error that sends the usage text back.
 */

/** A wrong command line: the command prints it with its usage and exits with 2. */
export class UsageError extends Error {}

/** One argument, and how to take the next one as its value. */
export interface IArgument {
  arg: string;
  /** The argument after this option; a missing one or another option is refused. */
  value: () => string;
}

/** The arguments in order; taking a value skips it. */
export function* commandLine(argv: string[]): Generator<IArgument> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    yield {
      arg,
      value: () => {
        const next = argv[++i];
        // `-` is a value: standard input or output.
        if (next === undefined || (next.startsWith('--') && next !== '-')) {
          throw new UsageError(`${arg} needs a value`);
        }
        return next;
      }
    };
  }
}
