/**
 * A short, stable fingerprint of a text (32-bit FNV-1a as 8 hex digits).
 *
 * It only has to tell apart the versions of one cell or one block, so a
 * small non-cryptographic hash keeps the stored records short.
 */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
