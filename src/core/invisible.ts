/**
 * Characters that text from a notebook or a file name must not carry into
 * what the CLIs print or write: C0 and C1 controls (a terminal takes ESC and
 * CSI for commands that move the cursor, change colours or set the title),
 * and the marks that reorder how text is shown (bidi overrides, isolates and
 * direction marks), which make a name or a line of code read as another.
 * U+2028 and U+2029 end lines in some readers.
 */
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same, less the tab and line feed a quoted CSV field may keep. */
const INVISIBLE_IN_FIELD =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Those JSON.stringify writes as they are: it escapes C0 in strings, and the
 * only C0 left in its text is the layout's line feeds.
 */
const UNESCAPED_BY_JSON =
  /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print on a terminal: each such character becomes `?`. */
export function printable(text: string): string {
  return text.replace(INVISIBLE, '?');
}

/** A CSV field's text: such characters become U+FFFD, tab and line feed stay. */
export function fieldText(text: string): string {
  return text.replace(INVISIBLE_IN_FIELD, '\ufffd');
}

/**
 * JSON whose strings show no such character raw. Outside strings JSON has
 * none of them, and inside one `\uXXXX` means the same character, so
 * nothing read back changes.
 */
export function safeJSON(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    UNESCAPED_BY_JSON,
    char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}
