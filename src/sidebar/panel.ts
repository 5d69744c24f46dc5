/**
 * The testbed sidebar: one accordion of sections, one per capability.
 */
import type { ITranslator } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { AccordionPanel, Widget } from '@lumino/widgets';
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
    // Focusable by script only: see onActivateRequest.
    this.node.tabIndex = -1;
  }

  addSection(widget: Widget, rank: number, weight = 1): void {
    this._sections.set(widget, { rank, weight });
    // A section scrolls when its content is taller than its share: a tab
    // stop lets a keyboard scroll it even when it holds nothing to focus.
    widget.node.tabIndex = 0;
    const index = this.widgets.filter(
      w => (this._sections.get(w)?.rank ?? 0) <= rank
    ).length;
    this.insertWidget(index, widget);
    // An even split would give a three-line list as much room as an outline.
    if (this.content instanceof AccordionPanel) {
      this.content.setRelativeSizes(
        this.widgets.map(w => this._sections.get(w)?.weight ?? 1)
      );
    }
  }

  /**
   * Showing the sidebar (its command, its tab) brings the keyboard along,
   * as the file browser does: the next Tab reaches its first control.
   */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (!this.node.contains(document.activeElement)) {
      this.node.focus();
    }
  }

  private _sections = new WeakMap<Widget, { rank: number; weight: number }>();
}
