/**
 * The author's own values: what they typed into the Placeholders form while
 * trying their lab. Each of them in a published notebook is a leak.
 */
import { isObject } from '../helpers';

/** The author's values by placeholder field. */
export type KnownValues = { [field: string]: string[] };

/**
 * Every value of a placeholders settings object (`{values, folders}`),
 * once each. The settings may have been edited by hand: anything that is
 * not a text is passed over.
 */
export function profileValues(settings: unknown): string[] {
  return [...new Set(Object.values(profileFields(settings)).flat())];
}

/**
 * The values of a placeholders settings object by field, once each: what a
 * filled cell of the author's may hold (Prepare for Publishing restores a
 * cell only when its values are these).
 */
export function profileFields(settings: unknown): KnownValues {
  const found = new Map<string, Set<string>>();
  const addAll = (values: unknown) => {
    if (!isObject(values)) {
      return;
    }
    for (const [field, value] of Object.entries(values)) {
      if (typeof value === 'string' && value.trim()) {
        const set = found.get(field) ?? new Set();
        set.add(value.trim());
        found.set(field, set);
      }
    }
  };
  if (isObject(settings)) {
    addAll(settings.values);
    if (isObject(settings.folders)) {
      Object.values(settings.folders).forEach(addAll);
    }
  }
  const known: KnownValues = {};
  found.forEach((values, field) => {
    known[field] = [...values];
  });
  return known;
}
