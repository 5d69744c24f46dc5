/**
 * The tokens through which the capabilities reach each other, so that each
 * can be disabled alone, and the ids of the commands they register.
 *
 * Interfaces only: a capability knows another's state through what is
 * declared here, never through its classes. Each setting has one owning
 * plugin; the others read it through that plugin's token.
 */
import type { IBlockEnd } from '../core/terminals/shellmarks';
import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { ICheckResult } from '../core/metadata/format';
import type { IDefinitions } from '../core/placeholders/authored';
import type {
  IResolvedValue,
  IStoredValues
} from '../core/placeholders/values';
import type { IOutline, IOutlineOptions } from '../core/progress/outline';

/**
 * The one testbed panel in the left area; capabilities add sections to it.
 */
export interface ITestbedSidebar {
  /** The panel's id in the shell. */
  readonly id: string;
  /**
   * Add a section; sections are ordered by rank, lowest first, and share
   * the height in proportion to their weight (1 by default).
   */
  addSection(widget: Widget, rank: number, weight?: number): void;
  /**
   * Open the sidebar with this section expanded, and focus `focus` (an
   * element of the section), else the section's title. A section not in
   * the sidebar (now) leaves the sidebar open as it is.
   */
  showSection(section: Widget, focus?: HTMLElement | null): void;
}

export const ITestbedSidebar = new Token<ITestbedSidebar>(
  'jupyterlab-testbed:ITestbedSidebar',
  'The testbed lab sidebar, to which each capability adds its section.'
);

/**
 * Progress of the open notebooks, for capabilities that complete steps
 * (the terminals tick a block once they have sent it to a node).
 */
export interface IProgress {
  /** The progress of an open notebook, created on first use. */
  modelFor(panel: NotebookPanel): INotebookProgress;
  /**
   * What counts as a section and a step (the progress settings), for the
   * capabilities that build outlines of their own (grading, authoring).
   */
  readonly outlineOptions: IOutlineOptions;
  /** Emits when the outline options (or any progress setting) changed. */
  readonly settingsChanged: ISignal<IProgress, void>;
}

/** What another capability may do with the progress of one notebook. */
export interface INotebookProgress {
  /**
   * Record that the block of a cell was sent to `node`; false when the
   * cell is gone or its text is no longer the text sent.
   */
  recordSent(cellId: string, text: string, node: string): boolean;
  /**
   * Record how the block sent last to `node` (`recordSent`) ended, or that
   * it runs; false when its tick is gone or now says another node.
   */
  recordSentEnd(
    cellId: string,
    text: string,
    node: string,
    end: IBlockEnd
  ): boolean;
  /**
   * Record the result of a step's check (`key`: the step's key under the
   * cell's `checks`) in the cell and in the notebook's log; false, changing
   * nothing, when the cell is gone or its record cannot be read.
   */
  recordCheck(cellId: string, key: string, result: ICheckResult): boolean;
  /** The notebook's sections and steps as Progress shows them (null until built). */
  readonly outline: IOutline | null;
}

export const IProgress = new Token<IProgress>(
  'jupyterlab-testbed:IProgress',
  'The progress of the open lab notebooks.'
);

/**
 * The student's values for the lab's placeholders (the terminals read the
 * floating IP from here).
 */
export interface IPlaceholders {
  /** The stored values and the placeholders of any notebook; `changed` tells. */
  readonly model: IPlaceholderValues;
  /** The placeholders of an open notebook and the values for them. */
  forPanel(panel: NotebookPanel): INotebookPlaceholders;
}

export const IPlaceholders = new Token<IPlaceholders>(
  'jupyterlab-testbed:IPlaceholders',
  'The student’s values for the placeholders of the lab notebooks.'
);

/** The student's values, as the other capabilities read them. */
export interface IPlaceholderValues {
  /** Emitted when values, server defaults or options change. */
  readonly changed: ISignal<IPlaceholderValues, void>;
  /** The stored values, app-wide and per folder. */
  readonly stored: IStoredValues;
  /** The placeholders of a notebook at `path` and the values for them. */
  forNotebook(
    model: INotebookModel | null,
    path: string
  ): INotebookPlaceholders;
}

/** The placeholders of one notebook and the values for them. */
export interface INotebookPlaceholders extends IDefinitions {
  resolved: IResolvedValue[];
  /** Token → value to fill; empty while any value is invalid. */
  values: Map<string, string>;
  /** Why nothing may be filled now (invalid values). */
  invalid: string[];
}

/**
 * The terminals' settings as the other capabilities need them: the author's
 * preview and leak check name the lab's nodes and markers as the terminals
 * will use them.
 */
export interface ITerminals {
  /** The names of the nodes of the layout in the settings, in card order. */
  readonly settingsNodes: string[];
  /** The settings' “run on” markers, when they are not the built-in one. */
  readonly ownMarkers: string[];
  /** Emits when the terminals' settings changed. */
  readonly settingsChanged: ISignal<ITerminals, void>;
  /**
   * Whether a notebook's code may reach the nodes its lab uses: the
   * student's own, or the notebook's (declared or named in its text) once
   * accepted; false while they are only proposed.
   */
  nodesAccepted(panel: NotebookPanel): boolean;
}

export const ITerminals = new Token<ITerminals>(
  'jupyterlab-testbed:ITerminals',
  'The lab’s nodes and “run on” markers from the terminals’ settings.'
);

/**
 * Grader mode: which notebooks are open for grading. The capabilities ask
 * it before they write anything into a notebook, so a grader's runs, ticks
 * and values never reach a student's record.
 */
export interface IGrading {
  /** Whether the notebook at this path is open for grading. */
  isGrading(path: string): boolean;
  /** Turn grader mode on or off for a path (the command and the overview use it). */
  setGrading(path: string, on: boolean): void;
  /**
   * Emits the path whose mode changed (relative to the server root), or ''
   * when the submissions folders changed and any path may have.
   */
  readonly changed: ISignal<IGrading, string>;
  /** Open a notebook in grader mode, scrolled to a section (outline index) or cell. */
  open(
    path: string,
    at?: { section?: number; cellIndex?: number }
  ): Promise<void>;
}

export const IGrading = new Token<IGrading>(
  'jupyterlab-testbed:IGrading',
  'Which notebooks are open for grading, read-only.'
);

export namespace CommandIDs {
  export const showSidebar = 'testbed:show-sidebar';
  export const continueLab = 'testbed:progress-continue';
  export const tickCell = 'testbed:progress-tick-cell';
  export const markManualStep = 'testbed:progress-mark-manual-step';
  export const toggleTracking = 'testbed:progress-toggle-tracking';
  export const refreshLab = 'testbed:progress-refresh-lab';
  export const about = 'testbed:progress-about';
  export const showProgress = 'testbed:progress-show';
  export const fillPlaceholders = 'testbed:placeholders-fill';
  export const resetPlaceholders = 'testbed:placeholders-reset';
  export const nextPlaceholder = 'testbed:placeholders-next';
  export const undoFill = 'testbed:placeholders-undo';
  export const showPlaceholders = 'testbed:placeholders-show';
  export const showTerminals = 'testbed:terminals-show';
  export const openNode = 'testbed:terminals-open';
  export const openAllNodes = 'testbed:terminals-open-all';
  export const reconnectNode = 'testbed:terminals-reconnect';
  export const checkNodes = 'testbed:terminals-check';
  export const loadKeys = 'testbed:terminals-load-keys';
  export const forgetHostKey = 'testbed:terminals-forget-host-key';
  export const runCellOnNode = 'testbed:terminals-run-cell';
  export const runInJupyterTerminal = 'testbed:run-in-jupyter-terminal';
  export const openForward = 'testbed:open-forward';
  export const acceptNodes = 'testbed:terminals-accept-nodes';
  export const keepOwnNodes = 'testbed:terminals-keep-own-nodes';
  export const setNodeAddress = 'testbed:terminals-set-node-address';
  export const gradingToggle = 'testbed:grading-toggle';
  export const classOverview = 'testbed:grading-overview';
  export const classOverviewHere = 'testbed:grading-overview-here';
  export const exportClassCsv = 'testbed:grading-export-csv';
  export const exportClassJson = 'testbed:grading-export-json';
  export const authorMode = 'testbed:authoring-toggle';
  export const lintLab = 'testbed:authoring-lint';
  export const prepareLab = 'testbed:authoring-prepare';
  export const keepOutputs = 'testbed:authoring-keep-outputs';
  export const shareDeclarations = 'testbed:authoring-share-declarations';
  export const editCheck = 'testbed:authoring-edit-check';
  export const checkStep = 'testbed:check-step';
  export const checkSection = 'testbed:check-section';
  export const checkAll = 'testbed:check-all';
}
