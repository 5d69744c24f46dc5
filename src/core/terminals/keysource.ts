/**
 * Which key file the lab's nodes use and why, in words for the sidebar.
 * The chameleon preset's key is what the server reports (Chameleon names the
 * key it generated in `$OS_KEYPAIR_PRIVATE_KEY`); the student's own key
 * file setting wins over it.
 */
import type { ITrans } from '../i18n';
import type { ITopologySettings } from './topology';

/** The chameleon preset's key, as the server sees it. */
export interface IPresetKey {
  path: string;
  /** `environment`: named by `variable`; `documented`: the labs' own path. */
  source: 'environment' | 'documented';
  variable: string;
  /** What is wrong with the file and what to do, or null when it reads. */
  problem: string | null;
}

export interface IKeyLine {
  path: string;
  /** "Key: <path>, <why>". */
  text: string;
  problem: string | null;
}

/** What labs document when the server names no key. */
export const DOCUMENTED_CHAMELEON_KEY = '~/.ssh/id_rsa_chameleon';

/**
 * The key every node of the lab uses, or null when the layout's nodes say
 * it themselves (the custom or direct layouts). A notebook's nodes get the
 * student's key too, never one the notebook names.
 */
export function keyLine(
  settings: Pick<ITopologySettings, 'preset' | 'keyFile'>,
  presetKey: IPresetKey | null,
  trans: ITrans
): IKeyLine | null {
  const own = settings.keyFile.trim();
  if (own) {
    return {
      path: own,
      text: trans.__('Key: %1, your key file setting', own),
      problem: null
    };
  }
  if (settings.preset !== 'chameleon') {
    return null;
  }
  if (!presetKey) {
    return {
      path: DOCUMENTED_CHAMELEON_KEY,
      text: trans.__(
        'Key: %1, the key Chameleon labs document',
        DOCUMENTED_CHAMELEON_KEY
      ),
      problem: null
    };
  }
  return {
    path: presetKey.path,
    text:
      presetKey.source === 'environment'
        ? trans.__(
            'Key: %1, Chameleon’s key for this server ($%2)',
            presetKey.path,
            presetKey.variable
          )
        : trans.__('Key: %1, the key Chameleon labs document', presetKey.path),
    problem: presetKey.problem
  };
}

/** The server's report, kept only when it has the expected shape. */
export function readPresetKey(reply: unknown): IPresetKey | null {
  if (!reply || typeof reply !== 'object') {
    return null;
  }
  const key = reply as { [name: string]: unknown };
  const text = (value: unknown) => typeof value === 'string' && value !== '';
  if (
    !text(key.path) ||
    !text(key.variable) ||
    (key.source !== 'environment' && key.source !== 'documented') ||
    (key.problem !== null && typeof key.problem !== 'string')
  ) {
    return null;
  }
  return key as unknown as IPresetKey;
}
