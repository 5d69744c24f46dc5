import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

/** The folder selected in the file browser, else the one it shows. */
export function selectedFolder(browser: IDefaultFileBrowser | null): string {
  const selected = browser?.selectedItems().next();
  return selected && !selected.done && selected.value.type === 'directory'
    ? selected.value.path
    : (browser?.model.path ?? '');
}
