import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../platform/auth/index.js';
import { passwordProblem } from './passwords.policy.js';

describe('password hashing', () => {
  it('verifies the right password and refuses any other', async () => {
    const hash = await hashPassword('a long passphrase');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('a long passphrase', hash)).toBe(true);
    expect(await verifyPassword('a long passphrasE', hash)).toBe(false);
    expect(await verifyPassword('a long passphrase', 'md5$whatever')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });
});

describe('password policy', () => {
  it.each([
    ['short', 'users.errors.passwordShort'],
    ['1234567', 'users.errors.passwordShort'],
    ['password1', 'users.errors.passwordCommon'],
    ['Password123', 'users.errors.passwordCommon'],
    ['qwertyuiop', 'users.errors.passwordCommon'],
    ['zzzzzzzzzzzz', 'users.errors.passwordCommon'],
    ['x'.repeat(129), 'users.errors.passwordLong'],
    ['correct horse battery', undefined],
    ['x'.repeat(63) + 'y', undefined],
  ])('%s → %s', (password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  it('refuses the email address or its local part as the password', () => {
    expect(passwordProblem('julia.bennett', 'julia.bennett@wyvern.example')).toBe(
      'users.errors.passwordCommon',
    );
  });
});
