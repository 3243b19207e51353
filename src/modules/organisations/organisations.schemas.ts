import type { FieldErrors } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';

export const ORG_ROLES = ['host', 'partner'] as const;
export const ORG_KINDS = [
  'local_authority',
  'fire_and_rescue',
  'police',
  'health',
  'voluntary',
  'private',
  'internal_directorate',
] as const;
export const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;

export type OrgRole = (typeof ORG_ROLES)[number];
export type OrgKind = (typeof ORG_KINDS)[number];
export type Division = (typeof DIVISIONS)[number];

export interface OrganisationInput {
  code: string;
  name: string;
  role: OrgRole;
  kind: OrgKind;
  parentId: string | null;
  bankHolidayDivision: Division;
}

const CODE = /^[A-Z][A-Z0-9-]{1,15}$/;

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

/**
 * Checks an organisation from a form or the API. Field names are the API's (camelCase); the
 * values are message keys. Code is case-folded to capitals, as people type it either way.
 */
export function validateOrganisation(input: Record<string, unknown>): {
  value: OrganisationInput;
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const code = typeof input.code === 'string' ? input.code.trim().toUpperCase() : '';
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const role = oneOf(ORG_ROLES, input.role);
  const kind = oneOf(ORG_KINDS, input.kind);
  const division = oneOf(DIVISIONS, input.bankHolidayDivision);
  const rawParent = input.parentId;
  const parentId =
    typeof rawParent === 'string' && rawParent !== ''
      ? rawParent
      : rawParent === undefined || rawParent === null || rawParent === ''
        ? null
        : '?';

  if (!code) errors.code = 'organisations.errors.codeMissing';
  else if (!CODE.test(code)) errors.code = 'organisations.errors.codeFormat';
  if (!name) errors.name = 'organisations.errors.nameMissing';
  else if (name.length > 200) errors.name = 'organisations.errors.nameTooLong';
  if (!role) errors.role = 'organisations.errors.roleMissing';
  if (!kind) errors.kind = 'organisations.errors.kindMissing';
  if (parentId !== null && !isUuid(parentId)) errors.parentId = 'organisations.errors.parentUnknown';
  if (!division) errors.bankHolidayDivision = 'organisations.errors.divisionMissing';

  return {
    value: {
      code,
      name,
      role: role ?? 'partner',
      kind: kind ?? 'local_authority',
      parentId,
      bankHolidayDivision: division ?? 'england-and-wales',
    },
    errors,
  };
}
