/**
 * Run in a Jupyter terminal: a fenced block whose where-it-runs line names
 * the Jupyter side (`# runs in Chameleon Jupyter environment`) is typed
 * into a terminal of this server itself, no ssh, named for the lab so a
 * second click (or a click after a page reload) finds the same terminal.
 *
 * The block comes from the notebook: it is sent only on a click, after the
 * same checks as a block sent to a node (commands.ts).
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Terminal } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { describeArguments } from '../commandargs';
import { CommandIDs } from '../tokens';
import { folderOf } from '../../core/placeholders/values';
import { placeOf } from '../../core/terminals/places';
import { whereText } from '../../core/terminals/markers';
import { INTERRUPT, keystrokes } from '../../core/terminals/typing';
import type { NodeTerminals, NodeTerminalWidget } from './manager';

/** The class of the Run in a Jupyter terminal button on a block's bar. */
export const JUPYTER_RUN_CLASS = 'jp-testbed-JupyterRunButton';

/** The `via` of the tick of a block sent to the Jupyter terminal. */
export const JUPYTER_VIA = 'jupyter';

/** Terminal names are one URL path segment of word characters on the server. */
const NAME_UNSAFE = /[^A-Za-z0-9_]+/g;
/** The longest lab part of a terminal's name. */
const MAX_NAME = 40;
/** After Ctrl-C, time for the foreground program to give the prompt back. */
const INTERRUPT_PAUSE = 300;

/** Whether a block's where-it-runs line names the Jupyter side. */
export function runsInJupyter(text: string, markers: RegExp[]): boolean {
  const where = whereText(text, markers);
  return where !== null && placeOf(where) === 'jupyter';
}

/**
 * The lab a notebook belongs to, as its Jupyter terminal is named: the
 * folder holding it, or the notebook's own name when it is at the root.
 */
export function labName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts.length > 1) {
    return parts[parts.length - 2];
  }
  return (parts[0] ?? '').replace(/\.ipynb$/i, '') || 'lab';
}

/**
 * The name of a lab's Jupyter terminal on the server: the lab's name in
 * word characters, then `_jupyter` (no node's terminal may end so: see
 * sshconfig.ts's checkLab).
 */
export function jupyterTerminalName(path: string): string {
  const lab = labName(path)
    .replace(NAME_UNSAFE, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_NAME);
  return `${lab || 'lab'}_jupyter`;
}

/**
 * Type a block into the lab's Jupyter terminal, found before made; with
 * `interrupt`, a terminal that was already open gets Ctrl-C first.
 */
export async function runInJupyterTerminal(
  terminals: NodeTerminals,
  notebookPath: string,
  block: string,
  options: NodeTerminals.IRunOptions,
  trans: TranslationBundle
): Promise<Terminal.ITerminalConnection> {
  // Refused before any terminal is opened for it.
  const typed = keystrokes(block, options.bracketedPaste);
  const { widget, created } = await terminals.showShell(
    jupyterTerminalName(notebookPath),
    // It starts where the notebook's kernel does: in the notebook's folder.
    folderOf(notebookPath)
  );
  nameTab(widget, trans.__('%1 (Jupyter)', labName(notebookPath)), trans);
  const session = widget.content.session;
  if (!created && options.interrupt) {
    session.send({ type: 'stdin', content: [INTERRUPT] });
    await new Promise(resolve => setTimeout(resolve, INTERRUPT_PAUSE));
  }
  session.send({ type: 'stdin', content: [typed] });
  return session;
}

/** Tabs named for their lab, so a reused one is named once. */
const named = new WeakSet<NodeTerminalWidget>();

/**
 * Name a terminal's tab for the lab. The terminal widget names it
 * `Terminal <name>` once connected, which may come later: that default is
 * replaced again; a title the shell sets (xterm's title sequence) stays.
 */
function nameTab(
  widget: NodeTerminalWidget,
  label: string,
  trans: TranslationBundle
): void {
  const title = widget.content.title;
  const session = widget.content.session.name;
  const defaults = [trans.__('Terminal'), trans.__('Terminal %1', session)];
  title.label = label;
  if (named.has(widget)) {
    return;
  }
  named.add(widget);
  title.changed.connect(() => {
    if (defaults.includes(title.label)) {
      title.label = label;
    }
  });
}

/** The button's label and tooltip. */
export function jupyterRunLabels(trans: TranslationBundle): {
  label: string;
  title: string;
} {
  return {
    label: trans.__('Run in a Jupyter terminal'),
    title: trans.__(
      'Send this block to a terminal of this Jupyter server named for the lab, opening it first if needed'
    )
  };
}

/**
 * Put the Run in a Jupyter terminal button first on a block's bar, or take
 * it away. `create` makes the button (with the bar's own click handling).
 */
export function showJupyterRun(
  bar: HTMLElement,
  shown: boolean,
  create: () => HTMLButtonElement
): void {
  const existing = bar.querySelector(`.${JUPYTER_RUN_CLASS}`);
  if (shown && !existing) {
    bar.prepend(create());
  } else if (!shown && existing) {
    existing.remove();
  }
}

/** The active cell's first Run in a Jupyter terminal button, if any. */
function activeButton(notebooks: INotebookTracker): HTMLButtonElement | null {
  const cell = notebooks.activeCell;
  return cell?.node.querySelector(`button.${JUPYTER_RUN_CLASS}`) ?? null;
}

/**
 * The command presses the active cell's button, so a block runs only as
 * shown on the page and after the button's own checks.
 */
export function addJupyterRunCommand(
  commands: CommandRegistry,
  notebooks: INotebookTracker,
  trans: TranslationBundle
): void {
  commands.addCommand(CommandIDs.runInJupyterTerminal, {
    describedBy: describeArguments(),
    label: trans.__('Run Block in a Jupyter Terminal'),
    caption: trans.__(
      'Send the first block of the active cell whose first line names the Jupyter side to the lab’s Jupyter terminal'
    ),
    isEnabled: () => activeButton(notebooks) !== null,
    execute: () => activeButton(notebooks)?.click()
  });
}
