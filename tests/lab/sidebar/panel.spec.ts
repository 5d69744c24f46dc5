import { AccordionPanel, Widget } from '@lumino/widgets';
import { TestbedSidebar } from '../../../src/lab/sidebar/panel';

/** A sidebar attached to the page with three sections, and how often it was opened. */
function sidebarWithSections() {
  const opened: string[] = [];
  const sidebar = new TestbedSidebar(undefined, panel => {
    opened.push(panel.id);
    panel.show();
  });
  const sections = ['progress', 'placeholders', 'terminals'].map(name => {
    const section = new Widget();
    section.id = `jp-testbed-${name}`;
    section.title.label = name;
    const button = document.createElement('button');
    button.textContent = `a control of ${name}`;
    section.node.appendChild(button);
    return section;
  });
  sections.forEach((section, i) => sidebar.addSection(section, i * 100));
  Widget.attach(sidebar, document.body);
  const accordion = sidebar.content as AccordionPanel;
  return { sidebar, sections, accordion, opened };
}

describe('TestbedSidebar.showSection', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('opens the sidebar, expands a collapsed section and focuses what the caller names', () => {
    const { sidebar, sections, accordion, opened } = sidebarWithSections();
    // As JupyterLab 4.4 restores a layout saved while the panel was closed.
    sections.forEach((_, i) => accordion.collapse(i));
    sidebar.hide();
    const control = sections[1].node.querySelector('button')!;

    sidebar.showSection(sections[1], control);

    expect(opened).toEqual(['jp-testbed-sidebar']);
    expect(sidebar.isVisible).toBe(true);
    expect(sections[1].isVisible).toBe(true);
    expect(accordion.titles[1].getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(control);
    // The other sections stay as the student left them.
    expect(sections[0].isHidden).toBe(true);
    expect(sections[2].isHidden).toBe(true);
  });

  it('focuses the section’s title when given nothing to focus, or an element outside the section', () => {
    const { sidebar, sections, accordion } = sidebarWithSections();
    accordion.collapse(2);
    const elsewhere = sections[0].node.querySelector('button')!;

    sidebar.showSection(sections[2], elsewhere);

    expect(sections[2].isVisible).toBe(true);
    expect(document.activeElement).toBe(accordion.titles[2]);
  });

  it('leaves an expanded section expanded', () => {
    const { sidebar, sections, accordion } = sidebarWithSections();

    sidebar.showSection(sections[0]);

    expect(sections[0].isVisible).toBe(true);
    expect(accordion.titles[0].getAttribute('aria-expanded')).toBe('true');
  });

  it('opens the sidebar for a section that is not in it, changing no section', () => {
    const { sidebar, sections, opened } = sidebarWithSections();
    sidebar.hide();

    sidebar.showSection(new Widget());

    expect(opened).toHaveLength(1);
    expect(sections.every(s => s.isVisible)).toBe(true);
  });
});

describe('TestbedSidebar.expandLostSections', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('expands every section of a closed panel restored with all of them collapsed', () => {
    const { sidebar, sections, accordion } = sidebarWithSections();
    sections.forEach((_, i) => accordion.collapse(i));
    sidebar.hide();

    sidebar.expandLostSections();

    sidebar.show();
    expect(sections.every(s => s.isVisible)).toBe(true);
  });

  it('keeps a student’s choice: some sections collapsed, or all collapsed with the panel open', () => {
    const some = sidebarWithSections();
    some.accordion.collapse(0);
    some.sidebar.hide();
    some.sidebar.expandLostSections();
    some.sidebar.show();
    expect(some.sections.map(s => s.isHidden)).toEqual([true, false, false]);

    document.body.replaceChildren();
    const all = sidebarWithSections();
    all.sections.forEach((_, i) => all.accordion.collapse(i));
    all.sidebar.expandLostSections();
    expect(all.sections.every(s => s.isHidden)).toBe(true);
  });
});
