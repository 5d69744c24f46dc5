/**
 * The author's own values: what they typed into the Placeholders form while
 * trying their lab. Each of them in a published notebook is a leak.
 */

/**
 * Every value of a placeholders settings object (`{values, folders}`),
 * once each. The settings may have been edited by hand: anything that is
 * not a text is passed over.
 */
export function profileValues(settings: unknown): string[] {
  const found = new Set<string>();
  const addAll = (values: unknown) => {
    if (!Private.isObject(values)) {
      return;
    }
    for (const value of Object.values(values)) {
      if (typeof value === 'string' && value.trim()) {
        found.add(value.trim());
      }
    }
  };
  if (Private.isObject(settings)) {
    addAll(settings.values);
    if (Private.isObject(settings.folders)) {
      Object.values(settings.folders).forEach(addAll);
    }
  }
  return [...found];
}

namespace Private {
  export function isObject(
    value: unknown
  ): value is { [key: string]: unknown } {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
