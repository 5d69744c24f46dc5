/**
 * What counts as a step of a lab, read from cell text alone.
 */
import type { IFencedBlock } from './markdown';

/** Which fenced blocks are command steps. */
export interface IStepRules {
  /** Info strings of command blocks (`bash`, `sh`...); `''` is a block without one. */
  commandLanguages: string[];
}

export const DEFAULT_STEP_RULES: IStepRules = {
  commandLanguages: ['bash', 'sh', 'shell', 'console', 'zsh']
};

/**
 * The start of a first line such as `# run on node1 host` or `# runs inside
 * alpine container`; the rest of the (trimmed) line says where. Matched as
 * a prefix: `(.+?)\s*$` backtracked quadratically over a long line of spaces.
 */
const WHERE_MARKER = /^#\s*runs?\s+(?:on|in|inside)\s+(?=\S)/i;

/**
 * Whether a fenced block is a command the student is meant to run.
 */
export function isCommandBlock(
  block: IFencedBlock,
  rules: IStepRules
): boolean {
  const language = block.info.split(/[\s{]/)[0].toLowerCase();
  return (
    rules.commandLanguages.includes(language) || whereToRun(block.body) !== null
  );
}

/**
 * The place a command block says it runs (`node1 host`), if it says.
 */
export function whereToRun(body: string): string | null {
  const first = firstLine(body);
  const match = WHERE_MARKER.exec(first);
  const where = match ? first.slice(match[0].length) : '';
  // `.` never matched a line break: a line holding one was no marker.
  return where && !/[\r\u2028\u2029]/.test(where) ? where : null;
}

/**
 * The short label of a command: its first line that is not a comment.
 */
export function commandLabel(source: string): string {
  const lines = source
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l);
  const command = lines.find(l => !l.startsWith('#'));
  return truncate(command ?? lines[0] ?? '');
}

/**
 * The short label of a markdown step: its first heading or first line.
 */
export function markdownLabel(source: string): string {
  return truncate(firstLine(source).replace(/^#+\s*/, ''));
}

/**
 * Keys for the command blocks of one cell: the fingerprint of the block's
 * text, with `.2`, `.3`... for repeated identical blocks, so a tick stays on
 * its block when the prose around it is edited.
 */
export function blockKeys(fingerprints: string[]): string[] {
  const seen = new Map<string, number>();
  return fingerprints.map(print => {
    const count = (seen.get(print) ?? 0) + 1;
    seen.set(print, count);
    return count === 1 ? print : `${print}.${count}`;
  });
}

/**
 * The first non-blank line, trimmed, without splitting a long text.
 */
export function firstLine(text: string): string {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) {
      end = text.length;
    }
    const line = text.slice(start, end).trim();
    if (line) {
      return line;
    }
    start = end + 1;
  }
  return '';
}

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
