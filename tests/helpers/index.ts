import * as fs from 'fs';
import * as path from 'path';
import type * as nbformat from '@jupyterlab/nbformat';
import { DEFAULT_STEP_RULES } from '../../src/core/notebook/steps';
import { Context } from '@jupyterlab/docregistry';
import {
  INotebookModel,
  NotebookModel,
  NotebookModelFactory,
  NotebookPanel
} from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import { ServiceManagerMock } from '@jupyterlab/services/lib/testutils';
import type { ICellModel } from '@jupyterlab/cells';
import { fingerprint } from '../../src/core/notebook/hash';
import { METADATA_KEY, withLogEntries } from '../../src/core/metadata/format';
import {
  CHAMELEON_PLACEHOLDERS,
  IPlaceholder
} from '../../src/core/placeholders/definitions';
import {
  fillableValues,
  resolveValues,
  Values
} from '../../src/core/placeholders/values';
import { ProgressModel } from '../../src/lab/progress/model';
import type {
  ICellInput,
  IOutlineOptions
} from '../../src/core/progress/outline';
import { recordRun } from '../../src/lab/progress/records';

export const OPTIONS: IOutlineOptions = {
  ...DEFAULT_STEP_RULES,
  maxSectionLevel: 3
};

/** The sample lab shipped in notebooks/. */
export const SAMPLE_DIR = path.resolve(__dirname, '../../notebooks');

/** Real lab notebooks, present beside a developer's clone only. */
export const REAL_DIR = path.resolve(
  __dirname,
  '../../../shared/fixtures/real'
);
export const hasReal = fs.existsSync(REAL_DIR);

export function readNotebook(file: string): nbformat.INotebookContent {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

export function md(
  source: string,
  record?: unknown,
  id = `m${Math.random()}`
): ICellInput {
  return { id, type: 'markdown', source, record };
}

export function code(
  source: string,
  record?: unknown,
  id = `c${Math.random()}`
): ICellInput {
  return { id, type: 'code', source, record };
}

/** A notebook of `count` cells: a heading every 10 cells, bash cells between. */
export function bigNotebook(count: number): nbformat.INotebookContent {
  const cells: nbformat.ICell[] = [];
  for (let i = 0; i < count; i++) {
    cells.push(
      i % 10 === 0
        ? {
            cell_type: 'markdown',
            metadata: {},
            source: `## Part ${i / 10}\nSome text.`
          }
        : {
            cell_type: 'code',
            metadata: {},
            source: `echo step ${i}`,
            outputs: [],
            execution_count: null
          }
    );
  }
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      kernelspec: { name: 'bash', display_name: 'Bash', language: 'bash' }
    },
    cells
  };
}

/** An active progress model of a notebook model, rebuilding without delay. */
export function progressOf(model: NotebookModel): ProgressModel {
  const progress = new ProgressModel({
    model,
    outlineOptions: () => OPTIONS,
    log: null,
    rebuildDelay: 0
  });
  progress.isActive = true;
  return progress;
}

/** Record a successful run of a cell's current source. */
export function markRan(model: NotebookModel, cell: ICellModel): void {
  recordRun(
    model,
    cell,
    {
      start: new Date(),
      end: new Date(),
      ok: true,
      src: fingerprint(cell.sharedModel.getSource())
    },
    null
  );
}

/** The token → value map a student's values give, or why none may be filled. */
export function fillable(
  values: Values,
  placeholders: IPlaceholder[] = CHAMELEON_PLACEHOLDERS
): { values: Map<string, string>; problems: string[] } {
  return fillableValues(
    resolveValues(placeholders, { values, folders: {} }, {}, 'lab.ipynb')
  );
}

/**
 * A notebook panel at a path, on mock services, holding `content`: what a
 * plugin sees of a notebook opened in JupyterLab.
 */
export async function openPanel(
  path: string,
  content: nbformat.INotebookContent
): Promise<{
  panel: NotebookPanel;
  context: Context<INotebookModel>;
  manager: InstanceType<typeof ServiceManagerMock>;
}> {
  const manager = new ServiceManagerMock();
  const context = new Context<INotebookModel>({
    manager,
    factory: new NotebookModelFactory({}),
    path
  });
  await context.initialize(true);
  context.model.fromJSON(JSON.parse(JSON.stringify(content)));
  const panel: NotebookPanel = NBTestUtils.createNotebookPanel(context);
  return { panel, context, manager };
}

/**
 * One event added to the notebook's log, as the event log writes it while
 * cells run (about once a second): the record changes in its log alone.
 */
export function logEvent(model: INotebookModel, second: number): void {
  model.setMetadata(
    METADATA_KEY,
    withLogEntries(
      model.getMetadata(METADATA_KEY) as any,
      [{ at: new Date(second * 1000), result: 'ok', ref: `c${second}` }],
      100
    ) as any
  );
}
