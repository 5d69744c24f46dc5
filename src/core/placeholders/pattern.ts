/**
 * Placeholder patterns from notebooks, matched in time linear in the value.
 *
 * A pattern an author declares comes with the notebook, and JavaScript's
 * regular expressions backtrack: `^(a+)+$` against a few dozen characters
 * takes minutes. So a notebook's pattern is never handed to `RegExp`; it
 * is parsed here in a documented subset and run on a Pike VM (a Thompson
 * NFA simulated breadth first), whose time is the value's length times the
 * program's size, both capped.
 *
 * The subset: literal characters; escapes of punctuation (`\.`, `\-`...),
 * `\d \D \w \W \s \S` and `\n \r \t \f \v`; classes `[a-z_]` and `[^...]`
 * with ranges and those escapes; `.` (any character but a line break);
 * anchors `^` and `$`; groups `( )` and `(?: )`; alternation `|`; and
 * `? * +` and `{m}`, `{m,}`, `{m,n}` with bounds up to MAX_REPEAT (a lazy
 * `?` after one is accepted and changes nothing, since only whole values
 * are tested). Backreferences, lookaround, named groups, `\b` and other
 * escapes are outside it. The pattern must match the whole value, as the
 * placeholders always matched (`^(?:pattern)$`).
 */

/** The largest bound of `{m,n}`. */
export const MAX_REPEAT = 100;

/**
 * The largest compiled program, in instructions. Matching costs the
 * program's size for every character of a value (200 at most), and Restore
 * may test a few candidates per token: a placeholder's pattern (an address,
 * a net ID) compiles to tens of instructions, so this leaves ample room and
 * keeps a crafted one to milliseconds per test.
 */
const MAX_PROGRAM = 2000;

/** A compiled pattern: whether a value matches it in full. */
export interface ISafePattern {
  test(value: string): boolean;
}

/** Why a pattern is outside the subset (a sentence part), or the pattern. */
export function compilePattern(source: string): ISafePattern | string {
  let program: Instruction[];
  try {
    const parser = new Private.Parser(source);
    const tree = parser.parse();
    program = Private.compile(tree);
  } catch (error) {
    if (error instanceof Private.Unsupported) {
      return error.message;
    }
    throw error;
  }
  return { test: value => Private.run(program, value) };
}

type CharTest = (code: number) => boolean;

type Instruction =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; a: number; b: number }
  | { op: 'jump'; to: number }
  | { op: 'start' }
  | { op: 'end' }
  | { op: 'match' };

type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number | null };

namespace Private {
  export class Unsupported extends Error {}

  const DIGIT: CharTest = c => c >= 48 && c <= 57;
  const WORD: CharTest = c =>
    DIGIT(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  // JavaScript's \s.
  const SPACE: CharTest = c =>
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff;
  const LINE_BREAK: CharTest = c =>
    c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
  const not =
    (test: CharTest): CharTest =>
    c =>
      !test(c);
  const CONTROL: { [letter: string]: number } = {
    n: 10,
    r: 13,
    t: 9,
    f: 12,
    v: 11
  };
  const SETS: { [letter: string]: CharTest } = {
    d: DIGIT,
    D: not(DIGIT),
    w: WORD,
    W: not(WORD),
    s: SPACE,
    S: not(SPACE)
  };

  /**
   * A test that decides each character once: a class is a list of ranges as
   * long as the notebook made it, and the matcher asks it for every thread
   * at every character.
   */
  function memoized(test: CharTest): CharTest {
    const known = new Map<number, boolean>();
    return c => {
      let answer = known.get(c);
      if (answer === undefined) {
        answer = test(c);
        known.set(c, answer);
      }
      return answer;
    };
  }

  /** A recursive-descent parser of the subset. */
  export class Parser {
    constructor(private source: string) {}

    parse(): Node {
      const tree = this.alternation(0);
      if (this.at < this.source.length) {
        throw new Unsupported(`has an unmatched “)” at ${this.at + 1}`);
      }
      return tree;
    }

    private alternation(depth: number): Node {
      if (depth > 50) {
        throw new Unsupported('nests groups more than 50 deep');
      }
      const options = [this.sequence(depth)];
      while (this.peek() === '|') {
        this.at++;
        options.push(this.sequence(depth));
      }
      return options.length === 1 ? options[0] : { kind: 'alt', options };
    }

    private sequence(depth: number): Node {
      const items: Node[] = [];
      while (this.at < this.source.length) {
        const char = this.peek();
        if (char === '|' || char === ')') {
          break;
        }
        const atom = this.atom(depth);
        items.push(this.quantified(atom));
      }
      return { kind: 'seq', items };
    }

    private atom(depth: number): Node {
      const char = this.source[this.at++];
      switch (char) {
        case '^':
          return { kind: 'start' };
        case '$':
          return { kind: 'end' };
        case '.':
          return { kind: 'char', test: not(LINE_BREAK) };
        case '(': {
          if (this.peek() === '?') {
            if (this.source[this.at + 1] !== ':') {
              throw new Unsupported(
                'uses lookaround or a named group “(?…”, which placeholder patterns do not support'
              );
            }
            this.at += 2;
          }
          const inner = this.alternation(depth + 1);
          if (this.source[this.at++] !== ')') {
            throw new Unsupported('has a “(” that is never closed');
          }
          return inner;
        }
        case '[':
          return { kind: 'char', test: this.charClass() };
        case '\\':
          return { kind: 'char', test: this.escape() };
        case '*':
        case '+':
        case '?':
          throw new Unsupported(`has “${char}” with nothing to repeat`);
        case '{':
          throw new Unsupported('has a “{” that is not a repeat count');
        default: {
          const code = char.charCodeAt(0);
          return { kind: 'char', test: c => c === code };
        }
      }
    }

    private quantified(atom: Node): Node {
      const char = this.peek();
      let min: number;
      let max: number | null;
      if (char === '*' || char === '+' || char === '?') {
        this.at++;
        min = char === '+' ? 1 : 0;
        max = char === '?' ? 1 : null;
      } else if (char === '{') {
        const bounds = /^\{(\d{1,3})(,(\d{1,3})?)?\}/.exec(
          this.source.slice(this.at, this.at + 10)
        );
        if (!bounds) {
          throw new Unsupported(
            `has a “{” that is not a repeat count of at most ${MAX_REPEAT}`
          );
        }
        this.at += bounds[0].length;
        min = Number(bounds[1]);
        max =
          bounds[2] === undefined
            ? min
            : bounds[3] === undefined
              ? null
              : Number(bounds[3]);
        if (
          min > MAX_REPEAT ||
          (max !== null && (max > MAX_REPEAT || max < min))
        ) {
          throw new Unsupported(
            `repeats more than ${MAX_REPEAT} times or with bounds out of order`
          );
        }
      } else {
        return atom;
      }
      if (atom.kind === 'start' || atom.kind === 'end') {
        throw new Unsupported('repeats an anchor');
      }
      if (this.peek() === '?') {
        this.at++;
      }
      const after = this.peek();
      if (after !== undefined && '*+?{'.includes(after)) {
        throw new Unsupported('repeats a repeat; put it in a group');
      }
      return { kind: 'repeat', item: atom, min, max };
    }

    /** After `[`: the class up to its `]`. */
    private charClass(): CharTest {
      const negated = this.peek() === '^';
      if (negated) {
        this.at++;
      }
      const tests: CharTest[] = [];
      let first = true;
      while (this.peek() !== ']' || first) {
        first = false;
        if (this.at >= this.source.length) {
          throw new Unsupported('has a “[” that is never closed');
        }
        const low = this.classAtom();
        if (
          this.peek() === '-' &&
          this.source[this.at + 1] !== ']' &&
          this.at + 1 < this.source.length
        ) {
          this.at++;
          const high = this.classAtom();
          if (typeof low !== 'number' || typeof high !== 'number') {
            throw new Unsupported(
              'has a range with a set such as \\d at an end'
            );
          }
          if (high < low) {
            throw new Unsupported('has a range out of order');
          }
          tests.push(c => c >= low && c <= high);
        } else {
          tests.push(typeof low === 'number' ? c => c === low : low);
        }
      }
      this.at++;
      const inClass = memoized(c => tests.some(test => test(c)));
      return negated ? not(inClass) : inClass;
    }

    /** One character of a class (its code) or a set escape. */
    private classAtom(): number | CharTest {
      const char = this.source[this.at++];
      if (char !== '\\') {
        return char.charCodeAt(0);
      }
      if (this.peek() === 'b') {
        this.at++;
        return 8;
      }
      const letter = this.peek();
      const test = this.escape();
      return letter !== undefined && SETS[letter]
        ? test
        : this.escaped(letter!);
    }

    /** The code of an escaped character (checked by `escape`). */
    private escaped(letter: string): number {
      return CONTROL[letter] ?? letter.charCodeAt(0);
    }

    /** After `\`: the escaped character or set. */
    private escape(): CharTest {
      const letter = this.source[this.at++];
      if (letter === undefined) {
        throw new Unsupported('ends with “\\”');
      }
      if (SETS[letter]) {
        return SETS[letter];
      }
      if (CONTROL[letter] === undefined && /[A-Za-z0-9]/.test(letter)) {
        throw new Unsupported(
          `uses “\\${letter}”, which placeholder patterns do not support`
        );
      }
      const code = this.escaped(letter);
      return c => c === code;
    }

    private peek(): string | undefined {
      return this.source[this.at];
    }

    private at = 0;
  }

  /** The program of a tree, ending in `match`. */
  export function compile(tree: Node): Instruction[] {
    const program: Instruction[] = [];
    const emit = (instruction: Instruction) => {
      if (program.length >= MAX_PROGRAM) {
        throw new Unsupported('is too large once its repeats are counted');
      }
      program.push(instruction);
      return program.length - 1;
    };
    const node = (tree: Node): void => {
      switch (tree.kind) {
        case 'char':
          emit({ op: 'char', test: tree.test });
          return;
        case 'start':
        case 'end':
          emit({ op: tree.kind });
          return;
        case 'seq':
          tree.items.forEach(node);
          return;
        case 'alt': {
          const jumps: number[] = [];
          tree.options.forEach((option, i) => {
            if (i < tree.options.length - 1) {
              const split = emit({ op: 'split', a: 0, b: 0 });
              (program[split] as { a: number }).a = split + 1;
              node(option);
              jumps.push(emit({ op: 'jump', to: 0 }));
              (program[split] as { b: number }).b = program.length;
            } else {
              node(option);
            }
          });
          jumps.forEach(jump => {
            (program[jump] as { to: number }).to = program.length;
          });
          return;
        }
        case 'repeat': {
          for (let i = 0; i < tree.min; i++) {
            node(tree.item);
          }
          if (tree.max === null) {
            const split = emit({ op: 'split', a: 0, b: 0 });
            node(tree.item);
            emit({ op: 'jump', to: split });
            program[split] = { op: 'split', a: split + 1, b: program.length };
            return;
          }
          const splits: number[] = [];
          for (let i = tree.min; i < tree.max; i++) {
            splits.push(emit({ op: 'split', a: 0, b: 0 }));
            node(tree.item);
          }
          splits.forEach(split => {
            program[split] = { op: 'split', a: split + 1, b: program.length };
          });
          return;
        }
      }
    };
    node(tree);
    emit({ op: 'match' });
    return program;
  }

  /**
   * Whether the program matches the whole value: every thread advances one
   * character at a time together, each instruction at most once a step.
   */
  export function run(program: Instruction[], value: string): boolean {
    let current: number[] = [];
    let next: number[] = [];
    const seen = new Int32Array(program.length).fill(-1);
    let generation = 0;
    const add = (list: number[], start: number, at: number) => {
      const stack = [start];
      while (stack.length) {
        const pc = stack.pop()!;
        if (seen[pc] === generation) {
          continue;
        }
        seen[pc] = generation;
        const instruction = program[pc];
        switch (instruction.op) {
          case 'jump':
            stack.push(instruction.to);
            break;
          case 'split':
            stack.push(instruction.b, instruction.a);
            break;
          case 'start':
            if (at === 0) {
              stack.push(pc + 1);
            }
            break;
          case 'end':
            if (at === value.length) {
              stack.push(pc + 1);
            }
            break;
          default:
            list.push(pc);
        }
      }
    };
    add(current, 0, 0);
    for (let at = 0; at < value.length && current.length; at++) {
      const code = value.charCodeAt(at);
      generation++;
      next = [];
      for (const pc of current) {
        const instruction = program[pc];
        if (instruction.op === 'char' && instruction.test(code)) {
          add(next, pc + 1, at + 1);
        }
      }
      current = next;
    }
    return current.some(pc => program[pc].op === 'match');
  }
}
