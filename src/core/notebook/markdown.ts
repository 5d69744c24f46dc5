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

// Lines are scanned by hand, not by regular expressions that backtrack:
// the cell is the notebook's, and a crafted line of a few hundred KB
// (`# ` and spaces, backticks and a carriage return) made those quadratic.
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

/** Heading markup longer than this is cut before it is made plain text. */
const MAX_HEADING_MARKUP = 1000;

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
    if (Private.commentStart(line)) {
      // An HTML comment block is not rendered, fences in it included
      // (CommonMark: it ends on the line that holds `-->`).
      let end = line.indexOf('-->', line.indexOf('<!--') + 4);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        end = lines[i].indexOf('-->');
      }
      paragraph = null;
      continue;
    }
    const open = Private.fence(line);
    if (open) {
      fence = { ...open, line: i };
      body = [];
      paragraph = null;
      continue;
    }
    const atx = Private.atx(line);
    if (atx) {
      parts.push({
        kind: 'heading',
        level: atx.level,
        text: plainText(atx.markup.slice(0, MAX_HEADING_MARKUP)),
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
  const isBlank = (char: string | undefined) => char === ' ' || char === '\t';
  /** What `.` in a regular expression does not match: not part of a line. */
  const LINE_BREAK = /[\r\u2028\u2029]/;

  /**
   * An opening fence: indentation, three or more backticks or tildes, and
   * the info string (a backtick fence's may not hold backticks).
   */
  export function fence(
    line: string
  ): { marker: string; indent: number; info: string } | null {
    let indent = 0;
    while (isBlank(line[indent])) {
      indent++;
    }
    const char = line[indent];
    if (char !== '`' && char !== '~') {
      return null;
    }
    let end = indent;
    while (line[end] === char) {
      end++;
    }
    const info = line.slice(end);
    if (
      end - indent < 3 ||
      LINE_BREAK.test(info) ||
      (char === '`' && info.includes('`'))
    ) {
      return null;
    }
    return { marker: line.slice(indent, end), indent, info: info.trim() };
  }

  /**
   * An ATX heading (CommonMark): up to three spaces, one to six `#`, then
   * the markup after spaces, without a closing run of `#` after spaces.
   */
  export function atx(line: string): { level: number; markup: string } | null {
    let start = 0;
    while (start < 3 && line[start] === ' ') {
      start++;
    }
    let hashes = start;
    while (line[hashes] === '#') {
      hashes++;
    }
    const level = hashes - start;
    const rest = line.slice(hashes);
    if (
      level < 1 ||
      level > 6 ||
      (rest && !isBlank(rest[0])) ||
      LINE_BREAK.test(rest)
    ) {
      return null;
    }
    let end = rest.length;
    while (isBlank(rest[end - 1])) {
      end--;
    }
    let closing = end;
    while (closing > 0 && rest[closing - 1] === '#') {
      closing--;
    }
    // The closing run needs blanks of its own after the opening's.
    if (closing < end && closing >= 2 && isBlank(rest[closing - 1])) {
      end = closing;
      while (isBlank(rest[end - 1])) {
        end--;
      }
    }
    let from = 0;
    while (from < end && isBlank(rest[from])) {
      from++;
    }
    return { level, markup: rest.slice(from, end) };
  }

  export function block(
    info: string,
    lines: string[],
    line: number
  ): IFencedBlock {
    return { kind: 'block', info, body: lines.join('\n'), line };
  }

  /** Whether a line opens an HTML comment block: up to 3 spaces, `<!--`. */
  export function commentStart(line: string): boolean {
    let indent = 0;
    while (indent < 3 && line[indent] === ' ') {
      indent++;
    }
    return line.startsWith('<!--', indent);
  }

  export function dedent(line: string, indent: number): string {
    let cut = 0;
    while (cut < indent && (line[cut] === ' ' || line[cut] === '\t')) {
      cut++;
    }
    return line.slice(cut);
  }
}
