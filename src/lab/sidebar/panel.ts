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
  /**
   * @param open - makes the panel the shown one of its area (the shell's
   * business, so the plugin gives it).
   */
  constructor(
    translator: ITranslator = nullTranslator,
    private readonly _open: (panel: TestbedSidebar) => void = () => undefined
  ) {
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

  showSection(section: Widget, focus?: HTMLElement | null): void {
    this._open(this);
    const index = this.widgets.indexOf(section);
    if (index < 0) {
      return;
    }
    // A collapsed section would leave the student looking at its title only.
    if (this.content instanceof AccordionPanel) {
      this.content.expand(index);
    }
    const target =
      focus && section.node.contains(focus)
        ? focus
        : this.content instanceof AccordionPanel
          ? this.content.titles[index]
          : section.node;
    target.focus();
  }

  /**
   * Expand every section when the restored layout left them all collapsed
   * and the panel is not shown. JupyterLab 4.4 (until jupyterlab#19415)
   * saves a side panel's sections as collapsed whenever the panel is not
   * the shown one (it stores whether each is visible, not whether it is
   * hidden), so after a reload the student saw only the titles.
   * A student who collapsed them all with the panel open keeps that.
   */
  expandLostSections(): void {
    const content = this.content;
    if (
      !(content instanceof AccordionPanel) ||
      !this.isHidden ||
      !this.widgets.length ||
      !this.widgets.every(w => w.isHidden)
    ) {
      return;
    }
    this.widgets.forEach((_, index) => content.expand(index));
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
