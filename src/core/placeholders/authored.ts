/**
 * Placeholders an author declares in the notebook's metadata, merged over
 * the built-in set. The notebook is handed in by students, so every entry
 * is checked: a bad entry is left out and named, the rest still apply.
 */
import { readNotebookRecord } from '../metadata/format';
import { MAX_REPEAT } from './pattern';
import {
  CHAMELEON_PLACEHOLDERS,
  IPlaceholder,
  safePattern,
  shellMeaning
} from './definitions';

/** At most this many definitions are read from one notebook. */
export const MAX_DEFINITIONS = 50;
const MAX_TOKEN_LENGTH = 100;
const MAX_TEXT_LENGTH = 500;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** The placeholders that apply to a notebook, and what was left out. */
export interface IDefinitions {
  placeholders: IPlaceholder[];
  problems: string[];
}

/**
 * The built-in placeholders with the author's, read from the notebook's
 * metadata under our key, winning over a built-in one with the same token.
 */
export function definitionsOf(notebookMetadata: unknown): IDefinitions {
  const read = readNotebookRecord(notebookMetadata);
  if (read.status === 'newer' || read.status === 'corrupt') {
    // The progress view already reports the record itself.
    return { placeholders: CHAMELEON_PLACEHOLDERS, problems: [] };
  }
  const declared = read.record?.placeholders;
  if (declared === undefined) {
    return { placeholders: CHAMELEON_PLACEHOLDERS, problems: [] };
  }
  if (!Array.isArray(declared)) {
    return {
      placeholders: CHAMELEON_PLACEHOLDERS,
      problems: [
        'The notebook’s placeholder definitions are not a list; only the built-in ones apply.'
      ]
    };
  }
  const problems: string[] = [];
  const authored = new Map<string, IPlaceholder>();
  declared.slice(0, MAX_DEFINITIONS).forEach((entry, index) => {
    const result = readDefinition(entry);
    if (typeof result === 'string') {
      problems.push(
        `Placeholder definition ${index + 1} ${result}; it is left out.`
      );
    } else {
      authored.set(result.token, result);
    }
  });
  if (declared.length > MAX_DEFINITIONS) {
    problems.push(
      `Only the first ${MAX_DEFINITIONS} placeholder definitions are used.`
    );
  }
  const builtIn = CHAMELEON_PLACEHOLDERS.filter(p => !authored.has(p.token));
  return { placeholders: [...builtIn, ...authored.values()], problems };
}

/** A definition, or what is wrong with it (to follow "definition N"). */
export function readDefinition(entry: unknown): IPlaceholder | string {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    return 'is not an object';
  }
  const raw = entry as { [key: string]: unknown };
  const token = raw.token;
  if (typeof token !== 'string' || !token.trim()) {
    return 'has no token';
  }
  if (token.length > MAX_TOKEN_LENGTH || /[\r\n]/.test(token)) {
    return `has a token that is too long or spans lines`;
  }
  // Restore writes tokens back into cells: one must mean nothing to a shell
  // there, or be a name in angle brackets (`<your-ip>`, which a shell
  // refuses as a syntax error rather than run).
  const meaning = shellMeaning(token.replace(/^<([^<>]+)>$/, '$1'));
  if (meaning) {
    return `(“${token}”) has a token a shell would read once restored: ${meaning.why}`;
  }
  for (const key of ['field', 'label', 'description', 'pattern', 'example']) {
    const value = raw[key];
    if (
      value !== undefined &&
      (typeof value !== 'string' || value.length > MAX_TEXT_LENGTH)
    ) {
      return `(“${token}”) has a “${key}” that is not a short text`;
    }
  }
  const builtIn = CHAMELEON_PLACEHOLDERS.find(p => p.token === token);
  const field = (raw.field as string | undefined) ?? builtIn?.field ?? token;
  if (raw.field !== undefined && !FIELD_NAME.test(field)) {
    return `(“${token}”) has a field name that is not a simple name`;
  }
  const fallback = builtIn?.pattern ?? '.+';
  const pattern = (raw.pattern as string | undefined) ?? fallback;
  // Compiled by our linear-time matcher, never by RegExp: see ./pattern.ts.
  const unsupported = safePattern(pattern);
  if (typeof unsupported === 'string') {
    return validRegExp(pattern)
      ? `(“${token}”) has a pattern placeholders do not support (it ${unsupported}; a pattern may use characters, escapes, [classes], ., ^ $, groups, | and ? * + {m,n} up to ${MAX_REPEAT})`
      : `(“${token}”) has a pattern that is not a valid regular expression`;
  }
  return {
    token,
    field,
    label: (raw.label as string | undefined) || builtIn?.label || token,
    description:
      (raw.description as string | undefined) ?? builtIn?.description ?? '',
    pattern,
    example: (raw.example as string | undefined) ?? builtIn?.example ?? ''
  };
}

/** Whether a source compiles as a regular expression (it is never run). */
function validRegExp(source: string): boolean {
  try {
    new RegExp(`^(?:${source})$`);
    return true;
  } catch {
    return false;
  }
}
