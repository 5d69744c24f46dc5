/** Text from files, safe to print on a terminal: see ../invisible.ts. */
export { printable } from '../../core/invisible';

/** Why something failed, as text to print. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
