import { isRole, ROLES, type Role } from '../../platform/auth/index.js';
import type { FieldErrors } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export { isUuid };

export function normaliseEmail(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A list from a form field that may arrive once (a string) or several times (an array). */
export function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

export function validateNewUser(input: Record<string, unknown>) {
  const errors: FieldErrors = {};
  const value = {
    name: text(input.name),
    email: normaliseEmail(input.email),
    password: typeof input.password === 'string' ? input.password : '',
  };
  if (!value.name) errors.name = 'users.errors.nameMissing';
  else if (value.name.length > 200) errors.name = 'users.errors.nameTooLong';
  if (!value.email) errors.email = 'users.errors.emailMissing';
  else if (!EMAIL.test(value.email) || value.email.length > 254) errors.email = 'users.errors.emailFormat';
  if (!value.password) errors.password = 'users.errors.passwordShort';
  return { value, errors };
}

export function validateRoles(input: { orgId: unknown; roles: unknown }) {
  const errors: FieldErrors = {};
  const roles = list(input.roles);
  if (!isUuid(input.orgId)) errors.orgId = 'users.errors.organisationMissing';
  if (!roles.every(isRole)) errors.roles = 'users.errors.roleUnknown';
  // Keep the canonical order, drop repeats.
  const value = {
    orgId: typeof input.orgId === 'string' ? input.orgId : '',
    roles: ROLES.filter((role: Role) => roles.includes(role)),
  };
  return { value, errors };
}

export function validateTokenRequest(input: Record<string, unknown>) {
  const errors: FieldErrors = {};
  const name = text(input.name);
  const rawDays = input.expiresInDays ?? '90';
  const days =
    typeof rawDays === 'number'
      ? rawDays
      : typeof rawDays === 'string' && /^\d+$/.test(rawDays.trim())
        ? Number(rawDays.trim())
        : NaN;
  if (!name) errors.name = 'tokens.errors.nameMissing';
  else if (name.length > 100) errors.name = 'tokens.errors.nameTooLong';
  if (!Number.isInteger(days) || days < 1 || days > 365) errors.expiresInDays = 'tokens.errors.expiryRange';
  return { value: { name, expiresInDays: days }, errors };
}
