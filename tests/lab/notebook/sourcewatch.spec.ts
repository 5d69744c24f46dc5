import { NotebookModel } from '@jupyterlab/notebook';
import { SourceWatch } from '../../../src/lab/notebook/sourcewatch';
import { codeCell, notebookOf } from '../../helpers/lint';

describe('SourceWatch', () => {
  it('passes on source changes of each cell watched, once, and nothing else', () => {
    const model = new NotebookModel();
    model.fromJSON(notebookOf([codeCell('ls'), codeCell('pwd')]) as any);
    const [first, second] = [model.cells.get(0), model.cells.get(1)];
    const changed: string[] = [];
    const watch = new SourceWatch(cell => changed.push(cell.id));
    expect(watch.add(first)).toBe(true);
    expect(watch.add(first)).toBe(false);
    watch.add(second);
    first.sharedModel.setSource('ls -l');
    // A run: a count and an output, no source change.
    (second.sharedModel as any).execution_count = 3;
    second.sharedModel.setSource('pwd -P');
    expect(changed).toEqual([first.id, second.id]);
    watch.dispose();
    first.sharedModel.setSource('ls -la');
    expect(watch.add(first)).toBe(false);
    expect(changed).toEqual([first.id, second.id]);
  });
});
