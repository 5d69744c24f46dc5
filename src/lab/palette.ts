import type { ICommandPalette } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

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
