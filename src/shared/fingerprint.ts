import { nodeCrypto } from './lazy-builtins.js';

/** A stable, non-reversible name for a secret, so two reports can be compared without either holding it. */
export function keyFingerprint(key: string): { fingerprint: string; last4: string } {
  const hex = nodeCrypto().createHash('sha256').update(key, 'utf8').digest('hex');
  // For very short keys the last four characters would be most of the key: show none.
  const last4 = key.length >= 8 ? key.slice(-4) : '';
  return { fingerprint: `sha256:${hex.slice(0, 12)}`, last4 };
}

/**
 * Whether a secret may be named by its fingerprint. An unsalted hash of a short or human-chosen secret (a password,
 * `user:pass` of Basic auth) could be reversed by guessing offline: those are shown as a plain [REDACTED].
 */
export function fingerprintable(secret: string): boolean {
  return secret.length >= MIN_FINGERPRINTED && !secret.includes(':');
}

/** Shorter secrets get no fingerprint; API keys are longer (Mashvisor's and RapidAPI's are 32 characters or more). */
export const MIN_FINGERPRINTED = 16;

/** What a masked field shows where the secret sat. */
export function maskFor(secret: string): string {
  return fingerprintable(secret) ? `[REDACTED:${keyFingerprint(secret).fingerprint}]` : '[REDACTED]';
}
