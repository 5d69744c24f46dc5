/**
 * The grading views, in a chunk of their own that the browser downloads on
 * first use (a graded notebook on screen, the class overview opened): a
 * student never needs them, so nothing here is loaded at page load. The
 * plugin and the overview's commands reach this module only through
 * `import()`.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { ITranslator } from '@jupyterlab/translation';
import { EXTENSION_VERSION } from '../../core/version';
import type { IOutlineOptions } from '../../core/progress/outline';
import type { IGrading } from '../tokens';
import { contentsSource } from './contentssource';
import { ClassOverview } from './overview';
import { OverviewModel } from './overviewmodel';

export { EvidenceSection } from './section';

/** The class overview of the submissions under `root`, in the main area. */
export function createOverview(
  app: JupyterFrontEnd,
  options: {
    root: string;
    grading: IGrading;
    translator: ITranslator;
    outlineOptions: () => IOutlineOptions;
  }
): MainAreaWidget<ClassOverview> {
  const { root, grading, translator } = options;
  const trans = translator.load('jupyterlab_testbed');
  const model = new OverviewModel({
    root,
    source: contentsSource(
      app.serviceManager.contents,
      root,
      app.serviceManager.serverSettings
    ),
    readOptions: () => ({
      ...options.outlineOptions(),
      version: EXTENSION_VERSION
    })
  });
  const content = new ClassOverview({
    model,
    translator,
    open: (path, section) =>
      void grading.open(PathExt.join(root, path), {
        section: section ?? undefined
      }),
    download
  });
  const widget = new MainAreaWidget({ content });
  widget.title.label = trans.__('Class: %1', PathExt.basename(root) || '/');
  widget.title.caption = trans.__('Class overview of %1', root || '/');
  widget.title.closable = true;
  return widget;
}

/**
 * Hand a text to the browser as a download: exports go to the grader's
 * machine, never into the submissions folder.
 */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
