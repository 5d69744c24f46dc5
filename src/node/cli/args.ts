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

/**
 * Runs a command: its exit code is main's, or 1 with the stack of an error
 * that main did not expect (its own errors it prints and turns into codes).
 */
export function runCommand(
  name: string,
  main: (argv: string[]) => Promise<number>
): void {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(
        `${name}: ${error instanceof Error ? error.stack : error}\n`
      );
      process.exitCode = 1;
    }
  );
}
