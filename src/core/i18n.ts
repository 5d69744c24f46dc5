/**
 * What core code may call on a translator: the structural subset of
 * JupyterLab's `TranslationBundle` that it uses. Core modules take an
 * `ITrans` so they stay free of JupyterLab imports; the lab layer passes its
 * `TranslationBundle`, which satisfies this interface as it is.
 */
export interface ITrans {
  /** The translation of `msgid`, with `%1`, `%2`… replaced by `args`. */
  __(msgid: string, ...args: any[]): string;
  /** The singular or plural translation for `n`, with `args` substituted. */
  _n(msgid: string, msgidPlural: string, n: number, ...args: any[]): string;
}
