import { NotebookModel } from '@jupyterlab/notebook';
import * as path from 'path';
import { METADATA_KEY } from '../../../src/core/metadata/format';
import { applyPlans, undoChanges } from '../../../src/lab/placeholders/apply';
import { planFill, planReset } from '../../../src/core/placeholders/engine';
import { CHAMELEON_PLACEHOLDERS } from '../../../src/core/placeholders/definitions';
import { fillable, readNotebook, SAMPLE_DIR } from '../../helpers';

const valuesOf = (sharednetIp: string) =>
  fillable({
    netID: 'ff524',
    project: 'CHI-231095',
    floatingIp: '129.114.25.134',
    sharednetIp
  }).values;

function sampleModel(): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON(readNotebook(path.join(SAMPLE_DIR, '1_provision_cli.ipynb')));
  return model;
}

const codeSources = (model: NotebookModel) =>
  sources(model).filter((_, i) => model.cells.get(i).type === 'code');

const sources = (model: NotebookModel) => {
  const all: string[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    all.push(model.cells.get(i).sharedModel.getSource());
  }
  return all;
};

describe('filling a live notebook', () => {
  it('fills, refills, keeps a hand edit, and resets to the exact original', () => {
    const model = sampleModel();
    const original = sources(model);
    const filled = applyPlans(model, (s, r) =>
      planFill(s, r, valuesOf('10.56.2.117'))
    );
    expect(filled.written.length).toBeGreaterThan(5);
    expect(codeSources(model).join('\n')).not.toMatch(
      /netID|CHI-XXXXXX|A\.B\.C\.D|10\.56\.X\.Y/
    );
    // Markdown keeps its tokens: only code cells are filled.
    expect(sources(model).join('\n')).toMatch(/netID/);

    // The student edits one filled cell by hand.
    const editedIndex = filled.written[0] - 1;
    const edited = model.cells.get(editedIndex);
    edited.sharedModel.setSource(
      `${edited.sharedModel.getSource()}\necho mine`
    );

    // A new sharednet address refills every other filled cell, never the edited one.
    const refilled = applyPlans(
      model,
      (s, r) => planFill(s, r, valuesOf('10.56.2.200')),
      true
    );
    expect(refilled.edited).toEqual([editedIndex + 1]);
    expect(edited.sharedModel.getSource()).toMatch(/echo mine$/);
    expect(sources(model).join('\n')).toContain('10.56.2.200');

    const reset = applyPlans(
      model,
      (s, r) => planReset(s, r, CHAMELEON_PLACEHOLDERS),
      true
    );
    expect(reset.edited).toEqual([editedIndex + 1]);
    const after = sources(model);
    after.forEach((source, i) => {
      if (i !== editedIndex) {
        expect(source).toBe(original[i]);
      }
    });
    expect(after[editedIndex]).toMatch(/echo mine$/);
    // Reset cells carry exactly the metadata they came with.
    const records = (m: NotebookModel) =>
      Array.from({ length: m.cells.length }, (_, k) =>
        m.cells.get(k).getMetadata(METADATA_KEY)
      ).filter((_, k) => k !== editedIndex);
    expect(records(model)).toEqual(records(sampleModel()));
  });

  it('leaves a cell with an unreadable record exactly as it is', () => {
    const model = sampleModel();
    let target = 0;
    while (
      !/netID/.test(model.cells.get(target).sharedModel.getSource()) ||
      model.cells.get(target).type !== 'code'
    ) {
      target++;
    }
    const cell = model.cells.get(target);
    const before = cell.sharedModel.getSource();
    cell.setMetadata(METADATA_KEY, { v: 1, fill: 'broken' } as any);
    const applied = applyPlans(model, (s, r) =>
      planFill(s, r, valuesOf('10.56.2.117'))
    );
    expect(applied.unreadable).toEqual([target + 1]);
    expect(cell.sharedModel.getSource()).toBe(before);
    expect(cell.getMetadata(METADATA_KEY)).toEqual({ v: 1, fill: 'broken' });
  });

  it('undoes a whole refill in one step, except a cell edited since', () => {
    const model = sampleModel();
    applyPlans(model, (s, r) => planFill(s, r, valuesOf('10.56.2.117')));
    const filled = sources(model);
    const records = () =>
      Array.from({ length: model.cells.length }, (_, k) =>
        model.cells.get(k).getMetadata(METADATA_KEY)
      );
    const filledRecords = records();
    const refill = applyPlans(
      model,
      (s, r) => planFill(s, r, valuesOf('10.56.2.200')),
      true
    );
    expect(refill.undo).toHaveLength(refill.written.length);
    expect(refill.written.length).toBeGreaterThan(0);

    const undone = undoChanges(model, refill.undo);
    expect(undone).toEqual({ restored: refill.written.length, kept: 0 });
    expect(sources(model)).toEqual(filled);
    // The fill records are back too, so a later refill still works.
    expect(records()).toEqual(filledRecords);

    // Undoing a full fill where one cell was edited in the meantime.
    const again = applyPlans(
      model,
      (s, r) => planReset(s, r, CHAMELEON_PLACEHOLDERS),
      true
    );
    const edited = model.cells.get(again.written[0] - 1);
    edited.sharedModel.setSource('echo mine');
    expect(undoChanges(model, again.undo)).toEqual({
      restored: again.written.length - 1,
      kept: 1
    });
    expect(edited.sharedModel.getSource()).toBe('echo mine');
  });
});
