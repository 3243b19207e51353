import crypto from 'node:crypto';

/** A new random secret of 256 bits, URL-safe. */
export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Sessions and API tokens are stored only as this hash, so a copy of the database cannot be replayed. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** API tokens carry a recognisable prefix so that secret scanners and people can spot a leaked one. */
export const API_TOKEN_PREFIX = 'tdm_';

export function newApiToken(): string {
  return API_TOKEN_PREFIX + newSecret();
}

export function looksLikeApiToken(value: string): boolean {
  return /^tdm_[A-Za-z0-9_-]{43}$/.test(value);
}

export function looksLikeSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
