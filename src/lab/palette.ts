/**
 * What every capability's commands share: the palette category, and the
 * description of a command that takes no arguments.
 */
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';

/** `describedBy` of a command without arguments. */
export const NO_ARGS: CommandRegistry.Description = {
  args: { type: 'object', properties: {} }
};

/** Put a capability's commands in the palette, under the Testbed category. */
export function addToPalette(
  palette: ICommandPalette | null,
  trans: TranslationBundle,
  commands: string[]
): void {
  const category = trans.__('Testbed');
  for (const command of commands) {
    palette?.addItem({ command, category });
  }
}
