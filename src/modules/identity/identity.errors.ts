import { refusedBy } from '../../platform/db/index.js';
import { DomainError, defineErrorCodes } from '../../platform/errors.js';

/** The identity module's error codes. */
export const IDENTITY_ERRORS = defineErrorCodes({
  ERR_EMAIL_TAKEN: 409,
  /** A role that only the host organisation's people may hold, asked for in a partner. */
  ERR_ROLE_HOST_ONLY: 400,
  /** An organisation whose people hold host-only roles, asked to stop being the host. */
  ERR_HOST_ROLES_HELD: 409,
});

// The database's own refusals of the same rules (migration 0011), for writes that reach it without
// passing the service's check first.
refusedBy(
  'memberships_host_only_roles',
  () =>
    new DomainError(
      IDENTITY_ERRORS.ERR_ROLE_HOST_ONLY,
      'Those roles can be given only in the host organisation',
      { fields: { roles: 'identity.roles.hostOnlyAny' } },
    ),
);
refusedBy(
  'organisations_keep_host_roles',
  () =>
    new DomainError(
      IDENTITY_ERRORS.ERR_HOST_ROLES_HELD,
      'People hold roles here that only the host organisation may give; remove them first',
      { fields: { role: 'identity.roles.hostRolesHeld' } },
    ),
);
