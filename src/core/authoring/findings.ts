/**
 * The findings of one notebook's lint as they are collected: each with its
 * severity and path, and capped, so that a notebook full of addresses
 * cannot make a report without end. One finding more says how many were
 * left out, and is a leak when any of them was.
 */

/** What a lint rule looks for: RULE_MEANINGS in lint.ts says it in words. */
export type LintRule =
  | 'undeclared-token'
  | 'unused-placeholder'
  | 'undeclared-node'
  | 'profile-value'
  | 'address'
  | 'project'
  | 'private-key'
  | 'secret'
  | 'demo-credential'
  | 'email'
  | 'output'
  | 'execution-count'
  | 'progress'
  | 'metadata';

export interface ILintFinding {
  rule: LintRule;
  /** 'leak': would publish someone's data; 'warning': would confuse students or is left over. */
  severity: 'leak' | 'warning';
  /** The notebook's path relative to the linted folder (or its name for one notebook). */
  path: string;
  /** 0-based cell index; null for the notebook as a whole. */
  cell: number | null;
  /** 1-based line of the cell's source; null for outputs and metadata. */
  line: number | null;
  where: 'source' | 'output' | 'metadata';
  /** One English sentence; cells are counted from 1 in it, as a reader counts them. */
  message: string;
}

/** At most this many findings are kept per notebook; one more finding says how many were left out. */
export const MAX_FINDINGS = 500;

/** Findings of one notebook, capped, each kept once. */
export class Findings {
  constructor(private _path: string) {}

  add(
    finding: Omit<ILintFinding, 'path' | 'severity'> & {
      severity?: ILintFinding['severity'];
    }
  ): void {
    const severity =
      finding.severity ??
      (Private.LEAK_RULES.has(finding.rule) ? 'leak' : 'warning');
    if (this._list.length >= MAX_FINDINGS) {
      this._omitted++;
      this._omittedLeak = this._omittedLeak || severity === 'leak';
      return;
    }
    this._list.push({ ...finding, severity, path: this._path });
  }

  result(): ILintFinding[] {
    if (!this._omitted) {
      return this._list;
    }
    return [
      ...this._list,
      {
        rule: 'metadata',
        severity: this._omittedLeak ? 'leak' : 'warning',
        path: this._path,
        cell: null,
        line: null,
        where: 'metadata',
        message: `${plural(this._omitted, 'more finding')} left out: only the first ${MAX_FINDINGS} are listed.`
      }
    ];
  }

  private _list: ILintFinding[] = [];
  private _omitted = 0;
  private _omittedLeak = false;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A value shortened for a message. */
export function shorten(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

namespace Private {
  export const LEAK_RULES = new Set<LintRule>([
    'profile-value',
    'address',
    'project',
    'private-key',
    'secret',
    'email',
    'progress'
  ]);
}
