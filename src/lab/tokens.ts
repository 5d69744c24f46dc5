/**
 * The tokens through which the capabilities reach each other, so that each
 * can be disabled alone, and the ids of the commands they register.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type {
  INotebookPlaceholders,
  PlaceholdersModel
} from './placeholders/model';
import type { ProgressModel } from './progress/model';

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
  modelFor(panel: NotebookPanel): ProgressModel;
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
  /** The stored values, server defaults and options; `changed` tells. */
  readonly model: PlaceholdersModel;
  /** The placeholders of an open notebook and the values for them. */
  forPanel(panel: NotebookPanel): INotebookPlaceholders;
}

export const IPlaceholders = new Token<IPlaceholders>(
  'jupyterlab-testbed:IPlaceholders',
  'The student’s values for the placeholders of the lab notebooks.'
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
  export const acceptNodes = 'testbed:terminals-accept-nodes';
  export const keepOwnNodes = 'testbed:terminals-keep-own-nodes';
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
}
