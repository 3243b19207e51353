export * from './principal.js';
export { hashPassword, verifyPassword, decoyPasswordHash } from './passwords.js';
export {
  newSecret,
  hashSecret,
  newApiToken,
  looksLikeApiToken,
  looksLikeSessionToken,
  API_TOKEN_PREFIX,
} from './tokens.js';
export { CredentialCache, type CredentialCacheOptions } from './credential-cache.js';
