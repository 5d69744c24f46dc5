/**
 * The testbed sidebar: one accordion of sections, one per capability.
 */
import type { ITranslator } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import type { ITestbedSidebar } from '../tokens';
import { testbedIcon } from './icon';

export class TestbedSidebar extends SidePanel implements ITestbedSidebar {
  constructor(translator: ITranslator = nullTranslator) {
    super({ translator });
    const trans = translator.load('jupyterlab_testbed');
    this.id = 'jp-testbed-sidebar';
    this.addClass('jp-testbed-Sidebar');
    this.title.icon = testbedIcon;
    this.title.caption = trans.__('Lab progress, placeholders and terminals');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('Testbed lab'));
    const heading = document.createElement('h2');
    heading.className = 'jp-testbed-Sidebar-title';
    heading.textContent = trans.__('Testbed lab');
    this.header.node.appendChild(heading);
  }

  addSection(widget: Widget, rank: number): void {
    this._ranks.set(widget, rank);
    const index = this.widgets.filter(w => (this._ranks.get(w) ?? 0) <= rank).length;
    this.insertWidget(index, widget);
  }

  private _ranks = new WeakMap<Widget, number>();
}
