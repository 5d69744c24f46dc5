/**
 * Nodes a notebook declares are its proposal: the student accepts them
 * once per notebook and set of nodes before anything connects to them.
 * An acceptance is the notebook's path and a fingerprint of its nodes as
 * they are read (name, host, user, jump; nothing else of a node is used),
 * so a changed declaration asks again.
 *
 * The fingerprint is SHA-256: whoever wrote an accepted notebook may later
 * change it, and must not find another node set with the same fingerprint.
 */
import type { INode } from './sshconfig';

/** Acceptances kept, the newest; older notebooks ask again. */
export const MAX_ACCEPTED = 100;
/** Longest notebook path kept (the schema says the same). */
export const MAX_PATH_LENGTH = 1000;

/** One acceptance, as stored in the terminals settings. */
export interface IAcceptedNodes {
  path: string;
  fingerprint: string;
}

/** The fingerprint of a declared node set (64 hex digits). */
export function nodesFingerprint(nodes: INode[]): string {
  const normalised = nodes.map(node => [
    node.name,
    node.host,
    node.user,
    node.jump ?? null
  ]);
  return sha256(JSON.stringify(normalised));
}

/** The stored acceptances that are well formed, others left out. */
export function readAccepted(value: unknown): IAcceptedNodes[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value
    .filter(
      (entry): entry is IAcceptedNodes =>
        !!entry &&
        typeof entry === 'object' &&
        typeof entry.path === 'string' &&
        entry.path.length <= MAX_PATH_LENGTH &&
        typeof entry.fingerprint === 'string' &&
        /^[0-9a-f]{64}$/.test(entry.fingerprint)
    )
    .slice(-MAX_ACCEPTED);
}

export function isAccepted(
  accepted: IAcceptedNodes[],
  path: string,
  fingerprint: string
): boolean {
  return accepted.some(
    entry => entry.path === path && entry.fingerprint === fingerprint
  );
}

/**
 * The acceptances with this one added as the newest: an older one for the
 * same notebook is replaced, the oldest beyond the bound dropped. Null when
 * the path is too long to keep.
 */
export function withAccepted(
  accepted: IAcceptedNodes[],
  path: string,
  fingerprint: string
): IAcceptedNodes[] | null {
  if (path.length > MAX_PATH_LENGTH || !/^[0-9a-f]{64}$/.test(fingerprint)) {
    return null;
  }
  return [
    ...readAccepted(accepted).filter(entry => entry.path !== path),
    { path, fingerprint }
  ].slice(-MAX_ACCEPTED);
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);

/**
 * SHA-256 of a text's UTF-8 bytes, as hex. Synchronous, unlike Web
 * Crypto's, which a page served over plain http does not have.
 */
export function sha256(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const length = Math.ceil((bytes.length + 9) / 64) * 64;
  const data = new Uint8Array(length);
  data.set(bytes);
  data[bytes.length] = 0x80;
  const view = new DataView(data.buffer);
  view.setUint32(length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(length - 4, (bytes.length * 8) >>> 0);
  const hash = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
    0x1f83d9ab, 0x5be0cd19
  ]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < length; offset += 64) {
    for (let i = 0; i < 16; i++) {
      w[i] = view.getUint32(offset + i * 4);
    }
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, h] = hash;
    for (let i = 0; i < 64; i++) {
      const t1 =
        (h +
          (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
          ((e & f) ^ (~e & g)) +
          K[i] +
          w[i]) >>>
        0;
      const t2 =
        ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
          ((a & b) ^ (a & c) ^ (b & c))) >>>
        0;
      [h, g, f, e, d, c, b, a] = [
        g,
        f,
        e,
        (d + t1) >>> 0,
        c,
        b,
        a,
        (t1 + t2) >>> 0
      ];
    }
    [a, b, c, d, e, f, g, h].forEach((value, i) => (hash[i] += value));
  }
  return Array.from(hash, x => x.toString(16).padStart(8, '0')).join('');
}
