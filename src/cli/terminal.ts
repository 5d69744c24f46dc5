/**
 * Text from files, safe to print on a terminal: a name holding control or
 * direction characters could otherwise move the cursor, change colours or
 * reorder what the reader sees.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    '?'
  );
}

/** Why something failed, as text to print. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
