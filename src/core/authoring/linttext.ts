/**
 * The text the lint examines: a cell's source, or the texts of an output a
 * reader sees. Embedded images and terminal colours are taken out, and the
 * text is capped per piece and per notebook, because the notebook is
 * untrusted: a hostile one must not make the check slow.
 */
import { isObject } from '../helpers';

/** At most this much of one cell source or one output is examined (characters). */
const MAX_TEXT_CHECKED = 1_000_000;

/** At most this much text of one notebook is examined (characters). */
const MAX_NOTEBOOK_TEXT = 20_000_000;

/** Why a text was examined only in part. */
export type Cut = 'piece' | 'notebook' | null;

/** The text left to examine in one notebook. */
export class Budget {
  /** Up to `MAX_TEXT_CHECKED` of a text, within what is left of the notebook's. */
  take(text: string): { text: string; cut: Cut } {
    const allowed = Math.min(MAX_TEXT_CHECKED, this._left);
    if (text.length <= allowed) {
      this._left -= text.length;
      return { text, cut: null };
    }
    this._left -= allowed;
    return {
      text: text.slice(0, allowed),
      cut: allowed < MAX_TEXT_CHECKED ? 'notebook' : 'piece'
    };
  }

  private _left = MAX_NOTEBOOK_TEXT;
}

/** Why a part was not checked in full, to follow "Cell 3" or "Cell 3, output 1". */
export function cutReason(cut: Exclude<Cut, null>, what: string): string {
  return cut === 'notebook'
    ? `was not checked in full for a student’s data: the notebook holds more than ${Private.megabytes(MAX_NOTEBOOK_TEXT)} of text.`
    : `is too ${what} to check in full: only part of it was checked for a student’s data.`;
}

/** The texts of an output a reader sees: streams, text and JSON data, errors. */
export function outputText(
  output: unknown,
  budget: Budget
): { text: string; cut: Cut } {
  const builder = new Private.TextBuilder(MAX_TEXT_CHECKED);
  if (isObject(output)) {
    builder.add(output.text);
    builder.add(output.ename);
    builder.add(output.evalue);
    builder.add(output.traceback);
    if (isObject(output.data)) {
      for (const [type, value] of Object.entries(output.data)) {
        if (type.startsWith('text/')) {
          builder.add(value);
        } else if (type === 'application/json' || type.endsWith('+json')) {
          builder.addJson(value);
        }
      }
    }
  }
  const taken = budget.take(
    withoutData(builder.text.replace(Private.ANSI, ''))
  );
  return {
    text: taken.text,
    cut: taken.cut ?? (builder.cut ? 'piece' : null)
  };
}

export function withoutData(text: string): string {
  return text.includes(';base64,')
    ? text.replace(Private.DATA_URI, 'data:…')
    : text;
}

export function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

namespace Private {
  /** Terminal colours: `\x1b[1;32m129.114.99.7\x1b[0m` is an address too. */
  export const ANSI = /\u001b\[[0-9;]{0,20}[A-Za-z]/g;

  /** Embedded images (`data:image/png;base64,…`) hold no text to check. */
  export const DATA_URI =
    /data:[\w.+-]{1,40}\/[\w.+-]{1,80};base64,[A-Za-z0-9+/=]{64,}/g;

  const MAX_JSON_DEPTH = 100;
  const MAX_JSON_NODES = 200_000;

  /** Text gathered from an output, never more than its cap. */
  export class TextBuilder {
    constructor(private _cap: number) {}

    text = '';
    cut = false;

    /** A string, or nbformat's list of lines. */
    add(value: unknown): void {
      if (typeof value === 'string') {
        this._push(value, '\n');
      } else if (Array.isArray(value)) {
        for (const part of value) {
          if (this.cut) {
            return;
          }
          if (typeof part === 'string') {
            this._push(part, '');
          }
        }
        this._push('', '\n');
      }
    }

    /** The keys, strings and numbers of JSON data, walked without recursion. */
    addJson(value: unknown): void {
      const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
      let visits = 0;
      while (stack.length && !this.cut) {
        const item = stack.pop()!;
        if (++visits > MAX_JSON_NODES || item.depth > MAX_JSON_DEPTH) {
          this.cut = true;
          return;
        }
        if (typeof item.value === 'string' || typeof item.value === 'number') {
          this._push(String(item.value), '\n');
        } else if (Array.isArray(item.value)) {
          for (let i = item.value.length - 1; i >= 0; i--) {
            stack.push({ value: item.value[i], depth: item.depth + 1 });
          }
        } else if (isObject(item.value)) {
          for (const [key, inner] of Object.entries(item.value).reverse()) {
            stack.push({ value: inner, depth: item.depth + 1 });
            stack.push({ value: key, depth: item.depth + 1 });
          }
        }
        if (stack.length > MAX_JSON_NODES) {
          this.cut = true;
        }
      }
    }

    private _push(text: string, end: string): void {
      const room = this._cap - this.text.length;
      if (text.length > room) {
        this.text += text.slice(0, room);
        this.cut = true;
        return;
      }
      this.text += text + end.slice(0, room - text.length);
    }
  }

  export function megabytes(characters: number): string {
    return `${Math.round(characters / 1_000_000)} MB`;
  }
}
