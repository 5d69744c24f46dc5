/**
 * How a block sent to a terminal ended, read from the terminal's output.
 *
 * A bash with the lab's shell integration (jupyterlab_testbed/shellmarks.bash,
 * started by the server: shellmarks.py) writes OSC 133 marks, which
 * terminals (xterm.js too) do not display: `ESC ] 133 ; C BEL` (PS0) as
 * each command starts, `ESC ] 133 ; D ; <status> BEL` (PROMPT_COMMAND)
 * when bash is about to prompt again.
 *
 * When a block ends: bash takes a block sent as one bracketed paste as one
 * input, runs each command of it (a C each) and prompts once, after the
 * last; so the block ends at the first D that follows a C seen after the
 * block was sent, and its status is bash's `$?` then: the last command's
 * (`false; true` ends 0, as in a script). A D with no C before it is an
 * empty line or the first prompt, not an end. Ctrl-C gives 130. A terminal
 * that ends first leaves the end unknown; a shell that writes no marks
 * (not bash, or no integration) leaves the tick as "sent".
 *
 * The marks are output: a program can print a fake one. The record says
 * what the terminal reported, not a proof (checks prove a step worked).
 */
import type { ITrans } from '../i18n';
import type { TickEnd } from '../metadata/format';

/** A mark the integration wrote. */
export type ShellMark =
  { kind: 'start' } | { kind: 'end'; status: number | null };

/** The interrupted status: 128 + SIGINT. */
export const INTERRUPTED = 130;

/** `ESC ] 133 ; <letter> [; <field>] (BEL | ESC \)`. */
const MARK = /\x1b\]133;([A-D])(?:;([^\x07\x1b]{0,32}))?(?:\x07|\x1b\\)/g;
/** The longest mark; a chunk's tail this long may be the start of one. */
const MAX_MARK = 48;
const MARK_START = '\x1b]133;';

/**
 * Reads marks from a terminal's output chunks, a mark split across two
 * chunks included.
 */
export class ShellMarkReader {
  /** The marks in the next chunk of output, in order. */
  read(chunk: string): ShellMark[] {
    const text = this._tail + chunk;
    const marks: ShellMark[] = [];
    let last = 0;
    MARK.lastIndex = 0;
    for (let found = MARK.exec(text); found; found = MARK.exec(text)) {
      last = MARK.lastIndex;
      if (found[1] === 'C') {
        marks.push({ kind: 'start' });
      } else if (found[1] === 'D') {
        const status = /^\d{1,3}$/.test(found[2] ?? '')
          ? Number(found[2])
          : null;
        marks.push({
          kind: 'end',
          status: status !== null && status <= 255 ? status : null
        });
      }
    }
    this._tail = Private.openTail(text, last);
    return marks;
  }

  private _tail = '';
}

/** How a sent block ended, or that it still runs. */
export interface IBlockEnd {
  end: TickEnd;
  /** How long it ran, once it ended. */
  ms?: number;
}

/**
 * Follows one block from the moment it was sent: `running` once its first
 * command starts, then its status at the first end after that.
 */
export class BlockEndWatch {
  /** Whether the shell reported any mark for this block (it is integrated). */
  get started(): boolean {
    return this._startedAt !== null;
  }

  /**
   * The block's state after a mark at time `now`: `running` on its first
   * start, its end on the end after that, else null (nothing new).
   */
  mark(mark: ShellMark, now: number): IBlockEnd | null {
    if (this._ended) {
      return null;
    }
    if (mark.kind === 'start') {
      if (this._startedAt !== null) {
        return null;
      }
      this._startedAt = now;
      return { end: 'running' };
    }
    if (this._startedAt === null) {
      return null;
    }
    this._ended = true;
    return {
      end: mark.status ?? 'unknown',
      ms: Math.max(0, Math.round(now - this._startedAt))
    };
  }

  /** The terminal or its connection ended: unknown, if the block ran. */
  lost(): IBlockEnd | null {
    if (this._ended || this._startedAt === null) {
      return null;
    }
    this._ended = true;
    return { end: 'unknown' };
  }

  private _startedAt: number | null = null;
  private _ended = false;
}

/** How a tick's end reads: ✓, ✗ exit N, interrupted, unknown, running. */
export function describeEnd(
  end: TickEnd,
  ms: number | undefined,
  trans: Pick<ITrans, '__'>
): { symbol: string; text: string; brief: string } {
  const took =
    ms === undefined ? '' : ` ${trans.__('in %1 s', (ms / 1000).toFixed(1))}`;
  if (end === 'running') {
    const text = trans.__('running');
    return { symbol: '…', text, brief: text };
  }
  if (end === 'unknown') {
    return {
      symbol: '?',
      text: trans.__(
        'ended unknown: the terminal or its connection ended first'
      ),
      brief: trans.__('unknown')
    };
  }
  if (end === INTERRUPTED) {
    return {
      symbol: '✗',
      text: trans.__('interrupted (exit 130)') + took,
      brief: trans.__('interrupted')
    };
  }
  const exit = trans.__('exit %1', end);
  return { symbol: end === 0 ? '✓' : '✗', text: exit + took, brief: exit };
}

namespace Private {
  /**
   * What may be the start of a mark cut by the chunk's end, after `from`
   * (where the last whole mark ended): an open mark, or the first
   * characters of one.
   */
  export function openTail(text: string, from: number): string {
    const open = text.lastIndexOf(MARK_START);
    if (open >= from) {
      return text.length - open < MAX_MARK ? text.slice(open) : '';
    }
    const escape = text.lastIndexOf('\x1b');
    const rest = escape >= from ? text.slice(escape) : '';
    return MARK_START.startsWith(rest) ? rest : '';
  }
}
