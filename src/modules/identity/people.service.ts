import { hashPassword, isHostOnlyRole, isPlatformAdmin, scopeOf } from '../../platform/auth/index.js';
import { inScope, type Database } from '../../platform/db/index.js';
import { DomainError, forbidden, notFound, validationFailed } from '../../platform/errors.js';
import { auditBy } from '../audit/index.js';
import { identityRepository as repo } from './identity.repository.js';
import { passwordProblem } from './passwords.policy.js';
import { validateNewUser, validateRoles } from './identity.schemas.js';
import { IDENTITY_ERRORS } from './identity.errors.js';
import type { ChangingCredentials, Context } from './identity.service.js';

/** People and their roles: the platform administrators' use cases. */
export function peopleUseCases(db: Database, changingCredentials: ChangingCredentials) {
  return {
    async listUsers(ctx: Context) {
      if (!isPlatformAdmin(ctx.principal)) throw forbidden();
      return inScope(db, scopeOf(ctx.principal), (tx) => repo.listUsers(tx));
    },

    async getUser(ctx: Context, userId: string) {
      if (!isPlatformAdmin(ctx.principal)) throw notFound('That user');
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const user = await repo.findUser(tx, userId);
        if (!user) throw notFound('That user');
        return { ...user, memberships: await repo.membershipsOf(tx, userId) };
      });
    },

    async addUser(ctx: Context, input: Record<string, unknown>) {
      if (!isPlatformAdmin(ctx.principal)) throw forbidden();
      const { value, errors } = validateNewUser(input);
      const problem = value.password ? passwordProblem(value.password, value.email) : undefined;
      if (problem && !errors.password) errors.password = problem;
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      const passwordHash = await hashPassword(value.password);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        if (await repo.findUserByEmail(tx, value.email)) {
          throw new DomainError('ERR_EMAIL_TAKEN', 'Another user already has that email address', {
            fields: { email: 'users.errors.emailTaken' },
          });
        }
        const user = await repo.insertUser(tx, { email: value.email, name: value.name, passwordHash });
        await auditBy(tx, ctx, {
          orgId: ctx.principal.org.orgId,
          action: 'user.add',
          entityType: 'user',
          entityId: user.id,
          after: { email: user.email, name: user.name },
        });
        return user;
      });
    },

    /** Gives, changes or (with no roles) removes a person's roles in one organisation; says which it did. */
    async setRoles(
      ctx: Context,
      userId: string,
      input: { orgId: unknown; roles: unknown },
    ): Promise<'given' | 'changed' | 'removed'> {
      if (!isPlatformAdmin(ctx.principal)) throw forbidden();
      const { value, errors } = validateRoles(input);
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      return changingCredentials(scopeOf(ctx.principal), async (tx) => {
        const user = await repo.findUser(tx, userId);
        if (!user) throw notFound('That user');
        const org = await tx
          .selectFrom('organisations')
          .select(['id', 'role'])
          .where('id', '=', value.orgId)
          .executeTakeFirst();
        if (!org) throw validationFailed({ orgId: 'users.errors.organisationMissing' });
        const hostOnly = value.roles.filter(isHostOnlyRole);
        if (org.role !== 'host' && hostOnly.length > 0) {
          throw new DomainError(
            IDENTITY_ERRORS.ERR_ROLE_HOST_ONLY,
            `${hostOnly.join(', ')} can be given only in the host organisation`,
            { fields: { roles: `identity.roles.hostOnly.${hostOnly[0]}` }, roles: hostOnly },
          );
        }
        const before = await repo.findMembership(tx, value.orgId, userId);
        // No roles for someone who has none there: nothing to save, and saying "saved" would mislead.
        if (value.roles.length === 0 && !before)
          throw validationFailed({ roles: 'users.errors.rolesNoneToRemove' });
        if (value.roles.length === 0) await repo.removeMembership(tx, value.orgId, userId);
        else await repo.upsertMembership(tx, value.orgId, userId, value.roles);
        await auditBy(tx, ctx, {
          orgId: value.orgId,
          action:
            value.roles.length === 0 ? 'membership.remove' : before ? 'membership.change' : 'membership.add',
          entityType: 'membership',
          entityId: `${value.orgId}:${userId}`,
          before: before ? { roles: before.roles } : undefined,
          after: value.roles.length ? { roles: value.roles } : undefined,
        });
        return value.roles.length === 0 ? 'removed' : before ? 'changed' : 'given';
      });
    },

    /** Disabling a user also ends every session they have, at once. */
    async setDisabled(ctx: Context, userId: string, disabled: boolean) {
      if (!isPlatformAdmin(ctx.principal)) throw forbidden();
      if (disabled && userId === ctx.principal.userId) {
        throw validationFailed({ status: 'users.errors.disableSelf' });
      }
      await changingCredentials(scopeOf(ctx.principal), async (tx) => {
        const before = await repo.findUser(tx, userId);
        if (!before) throw notFound('That user');
        await repo.setDisabled(tx, userId, disabled);
        const ended = disabled ? await repo.endSessionsOf(tx, userId) : 0;
        await auditBy(tx, ctx, {
          orgId: ctx.principal.org.orgId,
          action: disabled ? 'user.disable' : 'user.enable',
          entityType: 'user',
          entityId: userId,
          before: { disabled: before.disabled_at !== null },
          after: { disabled, sessionsEnded: ended },
        });
      });
    },
  };
}
