import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

// node:crypto is loaded on the first fingerprint, not with this module: every command imports the scrubber, few
// runs mask a secret, and a static import adds ~3 ms to a cold `validate` (paired runs: 24.1 → 27.0–27.4 ms, node
// -e 0 at 17 ms), taking the bench's cold-validate row from 1.43× to 1.60×, past its 1.5× target. Kept for that alone.
let crypto: typeof Crypto | undefined;
const sha256 = (text: string) => (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto)
  .createHash('sha256').update(text, 'utf8').digest('hex');

/** A stable, non-reversible name for a secret, so two reports can be compared without either holding it. */
export function keyFingerprint(key: string): { fingerprint: string; last4: string } {
  const hex = sha256(key);
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
