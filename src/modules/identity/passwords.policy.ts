import { COMMON_PASSWORDS } from './common-passwords.js';

const COMMON = new Set(COMMON_PASSWORDS.map((password) => password.toLowerCase()));

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** The message key for what is wrong with a proposed password, or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'users.errors.passwordShort';
  if (length > PASSWORD_MAX) return 'users.errors.passwordLong';
  const folded = password.toLowerCase();
  if (COMMON.has(folded)) return 'users.errors.passwordCommon';
  if (email && (folded === email.toLowerCase() || folded === email.split('@')[0]?.toLowerCase())) {
    return 'users.errors.passwordCommon';
  }
  // A single repeated character, however long, is as guessable as a common password.
  if (new Set(folded).size === 1) return 'users.errors.passwordCommon';
  return undefined;
}
