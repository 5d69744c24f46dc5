/**
 * Changes of a notebook's metadata that the capabilities read declarations
 * from (placeholders, nodes, wordings), told apart in one place.
 */
import { differsInLogOnly, METADATA_KEY } from '../../core/metadata/format';

/** A change of one key of a notebook's metadata, as the model signals it. */
export interface IMetadataChange {
  key: string;
  oldValue?: unknown;
  newValue?: unknown;
}

/**
 * Whether the change may change what the notebook declares: a change of
 * our record beyond its log, which is rewritten about once a second while
 * cells run.
 */
export function declarationsMayChange(change: IMetadataChange): boolean {
  return (
    change.key === METADATA_KEY &&
    !differsInLogOnly(change.oldValue, change.newValue)
  );
}
