/**
 * Reading the parts of a markdown cell that matter to a lab: its headings
 * and its fenced code blocks, in document order.
 *
 * This is a line scanner, not a markdown renderer: it follows CommonMark
 * where the labs need it (ATX and setext headings, ``` and ~~~ fences of any
 * length, fences indented inside list items) so that a `# comment` inside a
 * fence is never taken for a heading.
 */

export interface IHeading {
  kind: 'heading';
  /** 1 for `#`, 6 for `######`. */
  level: number;
  /** The heading as plain text, markup removed. */
  text: string;
  /** 0-based line of the heading in the cell source. */
  line: number;
}

export interface IFencedBlock {
  kind: 'block';
  /** The info string after the opening fence, e.g. `bash`. */
  info: string;
  /** The lines between the fences, without the fences' indentation. */
  body: string;
  /** 0-based line of the opening fence. */
  line: number;
}

export type MarkdownPart = IHeading | IFencedBlock;

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

/**
 * List the headings and fenced blocks of a markdown source in order.
 */
export function parseMarkdown(source: string): MarkdownPart[] {
  const lines = source.split(/\r?\n/);
  const parts: MarkdownPart[] = [];
  let fence: {
    marker: string;
    indent: number;
    info: string;
    line: number;
  } | null = null;
  let body: string[] = [];
  let paragraph: { text: string; line: number } | null = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      const closing = line.trim();
      if (
        closing.length >= fence.marker.length &&
        closing === fence.marker[0].repeat(closing.length)
      ) {
        parts.push(Private.block(fence.info, body, fence.line));
        fence = null;
      } else {
        body.push(Private.dedent(line, fence.indent));
      }
      continue;
    }
    const open = FENCE.exec(line);
    // A backtick fence's info string may not contain backticks (CommonMark).
    if (open && !(open[2][0] === '`' && open[3].includes('`'))) {
      fence = {
        marker: open[2],
        indent: open[1].length,
        info: open[3].trim(),
        line: i
      };
      body = [];
      paragraph = null;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      parts.push({
        kind: 'heading',
        level: atx[1].length,
        text: plainText(atx[2] ?? ''),
        line: i
      });
      paragraph = null;
      continue;
    }
    const underline = SETEXT.exec(line);
    if (underline && paragraph) {
      parts.push({
        kind: 'heading',
        level: underline[1][0] === '=' ? 1 : 2,
        text: plainText(paragraph.text),
        line: paragraph.line
      });
      paragraph = null;
      continue;
    }
    if (line.trim() === '' || /^ {4,}|^\t/.test(line)) {
      paragraph = null;
    } else if (!paragraph && !/^ {0,3}([-*+]\s|\d+[.)]\s|>|<)/.test(line)) {
      paragraph = { text: line.trim(), line: i };
    } else if (paragraph) {
      // Only a one-line paragraph becomes a setext heading in practice.
      paragraph = null;
    }
  }
  if (fence) {
    // An unclosed fence runs to the end of the cell, as in CommonMark.
    parts.push(Private.block(fence.info, body, fence.line));
  }
  return parts;
}

/**
 * Heading markup reduced to the words a reader sees.
 */
export function plainText(markup: string): string {
  return (
    markup
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]*>/g, '')
      // Underscores stay: they are part of the labs' resource names.
      .replace(/[`*]+/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

namespace Private {
  export function block(
    info: string,
    lines: string[],
    line: number
  ): IFencedBlock {
    return { kind: 'block', info, body: lines.join('\n'), line };
  }

  export function dedent(line: string, indent: number): string {
    let cut = 0;
    while (cut < indent && (line[cut] === ' ' || line[cut] === '\t')) {
      cut++;
    }
    return line.slice(cut);
  }
}
