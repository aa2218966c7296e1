/** Per-source secrets: 32 random bytes (base64url), compared in constant time. */
import crypto from 'node:crypto';

export const newSecret = (): string => crypto.randomBytes(24).toString('base64url');

/** Constant-time comparison (hashes first, so lengths do not leak either). */
export function secretMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}
