/**
 * The words of an ssh command line read as OpenSSH's getopt reads them:
 * flags may be joined (`-NL 8443:127.0.0.1:8443`, `-fNT`), and an option's
 * value may follow its letter (`-p2222`, `-L8443:...`) or be the next word.
 * As ssh does, options written after the destination count too
 * (`ssh cc@A.B.C.D -L 8443:...`), up to the first word that is none: the
 * remote command. After `--`, no word is an option.
 * Shared by the topology a lab's ssh lines propose and by its forwards, so
 * both read one line alike.
 */

/** Options without a value (`ssh -h` of OpenSSH 9). */
const FLAGS = new Set('46AaCfGgKkMNnqsTtVvXxYy');
/** Options that take a value. */
const VALUED = new Set('BbcDEeFIiJLlmOoPpQRSWw');

/** One option with its value, as `-L 8443:...` gives `{ letter: 'L', value: '8443:...' }`. */
export interface ISshOption {
  letter: string;
  value: string;
}

export interface ISshArguments {
  /** The options with a value, in the order written. */
  options: ISshOption[];
  /** Letters that are no ssh option; the rest of their word is skipped. */
  unknown: string[];
  /** The first word that is no option (`cc@A.B.C.D`), if any. */
  destination?: string;
}

/** Read the words after `ssh` up to the remote command. */
export function readSshArguments(words: string[]): ISshArguments {
  const read: ISshArguments = { options: [], unknown: [] };
  let terminated = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--' && !terminated) {
      terminated = true;
      continue;
    }
    if (terminated || !word.startsWith('-') || word === '-') {
      if (read.destination !== undefined) {
        break;
      }
      read.destination = word;
      if (terminated) {
        break;
      }
      continue;
    }
    for (let j = 1; j < word.length; j++) {
      const letter = word[j];
      if (FLAGS.has(letter)) {
        continue;
      }
      if (VALUED.has(letter)) {
        read.options.push({
          letter,
          value: word.slice(j + 1) || words[++i] || ''
        });
      } else {
        read.unknown.push(letter);
      }
      break;
    }
  }
  return read;
}
