import { nodeCrypto } from './lazy-builtins.js';

/** A stable, non-reversible name for a secret, so two reports can be compared without either holding it. */
export function keyFingerprint(key: string): { fingerprint: string; last4: string } {
  const hex = nodeCrypto().createHash('sha256').update(key, 'utf8').digest('hex');
  // For very short keys the last four characters would be most of the key: show none.
  const last4 = key.length >= 8 ? key.slice(-4) : '';
  return { fingerprint: `sha256:${hex.slice(0, 12)}`, last4 };
}

/** What a masked field shows where the secret sat. */
export function maskFor(secret: string): string {
  return `[REDACTED:${keyFingerprint(secret).fingerprint}]`;
}
