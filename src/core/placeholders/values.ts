/**
 * Where a student's value comes from: this lab folder's override, the
 * student's settings, or what the Jupyter server's environment knows.
 */
import { checkValue, IPlaceholder } from './definitions';

export type Values = { [field: string]: string };

/** The values a student entered, as kept in the settings. */
export interface IStoredValues {
  /** For every lab. */
  values: Values;
  /** Per folder of the server (`''` is the root), overriding `values`. */
  folders: { [folder: string]: Values };
}

/** Where a value comes from. */
export type ValueSource = 'folder' | 'user' | 'server';

export interface IResolvedValue {
  placeholder: IPlaceholder;
  /** The value in use, `''` when none. */
  value: string;
  source: ValueSource | null;
  /** The folder whose override applies, when `source` is `folder`. */
  folder?: string;
  /** Why the value cannot be used, or null. */
  problem: string | null;
}

/** The folder of a path relative to the server root (`''` for the root). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * The override of the nearest folder holding the file that sets the field,
 * so a lab folder's subfolders share its values.
 */
function folderValue(
  folders: IStoredValues['folders'],
  path: string,
  field: string
): { folder: string; value: string } | null {
  for (let folder = folderOf(path); ; folder = folderOf(folder)) {
    const value = folders[folder]?.[field];
    if (typeof value === 'string' && value.trim()) {
      return { folder, value: value.trim() };
    }
    if (!folder) {
      return null;
    }
  }
}

/**
 * The value of every placeholder for a notebook at `path`: the folder's
 * override, else the student's own, else the server's default when it is
 * valid, each checked as it would be filled.
 */
export function resolveValues(
  placeholders: IPlaceholder[],
  stored: IStoredValues,
  server: Values,
  path: string
): IResolvedValue[] {
  return placeholders.map(placeholder => {
    const { field } = placeholder;
    const fromFolder = folderValue(stored.folders, path, field);
    const own = (stored.values[field] ?? '').trim();
    const offered = (server[field] ?? '').trim();
    let resolved: Omit<IResolvedValue, 'problem'>;
    if (fromFolder) {
      resolved = {
        placeholder,
        value: fromFolder.value,
        source: 'folder',
        folder: fromFolder.folder
      };
    } else if (own) {
      resolved = { placeholder, value: own, source: 'user' };
    } else if (offered && !checkValue(placeholder, offered, placeholders)) {
      resolved = { placeholder, value: offered, source: 'server' };
    } else {
      resolved = { placeholder, value: '', source: null };
    }
    return {
      ...resolved,
      problem: checkValue(placeholder, resolved.value, placeholders)
    };
  });
}

/**
 * The token → value map to fill, or the reasons nothing may be filled:
 * nothing is filled while any value is invalid.
 */
export function fillableValues(resolved: IResolvedValue[]): {
  values: Map<string, string>;
  problems: string[];
} {
  const problems = resolved
    .map(r => r.problem)
    .filter((p): p is string => p !== null);
  const values = new Map<string, string>();
  if (!problems.length) {
    for (const r of resolved) {
      if (r.value) {
        values.set(r.placeholder.token, r.value);
      }
    }
  }
  return { values, problems: [...new Set(problems)] };
}
