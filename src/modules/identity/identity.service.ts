import {
  decoyPasswordHash,
  hashPassword,
  hashSecret,
  isHostOnlyRole,
  isPlatformAdmin,
  newApiToken,
  newSecret,
  scopeOf,
  verifyPassword,
  type MembershipSummary,
  type Principal,
  type Role,
  type Caller,
  type CredentialCache,
} from '../../platform/auth/index.js';
import {
  authenticationStatement,
  inScope,
  NO_SCOPE,
  type Database,
  type Scope,
  type Tx,
} from '../../platform/db/index.js';
import {
  DomainError,
  forbidden,
  notFound,
  validationFailed,
  type FieldErrors,
} from '../../platform/errors.js';
import { auditBy, recordAudit, recordHostAudit } from '../audit/index.js';
import { identityRepository as repo, type AuthenticatedRow } from './identity.repository.js';
import { passwordProblem } from './passwords.policy.js';
import {
  isUuid,
  normaliseEmail,
  validateNewUser,
  validateRoles,
  validateTokenRequest,
} from './identity.schemas.js';
import { IDENTITY_ERRORS } from './identity.errors.js';
import { storedUserAgent } from './browsers.js';

export interface IdentityOptions {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Recent answers to "whose is this credential?"; the use cases below drop them on changes. */
  credentials: CredentialCache<AuthenticatedRow>;
}

/** Failed sign-ins allowed per address in the window before the address is locked for a while. */
export const THROTTLE = { perEmail: 5, perClient: 50, windowMinutes: 15, lockMinutes: 15 };

/** A use case's caller (see `Caller`). */
export type Context = Caller;

export type SignInResult =
  | { ok: true; sessionToken: string; principal: Principal }
  | { ok: false; reason: 'invalid' | 'throttled' | 'no-memberships'; minutes?: number };

function pickOrganisation(
  memberships: MembershipSummary[],
  preferredOrgId: string,
): MembershipSummary | undefined {
  return memberships.find((m) => m.orgId === preferredOrgId) ?? memberships[0];
}

/** An answer shared by every request that reuses it: nothing may change it. */
function frozen(row: AuthenticatedRow): AuthenticatedRow {
  for (const membership of row.memberships) {
    Object.freeze(membership.roles);
    Object.freeze(membership);
  }
  Object.freeze(row.memberships);
  return Object.freeze(row);
}

export function identityService(db: Database, options: IdentityOptions) {
  const { credentials } = options;
  /** A unit of work that changes what some credential stands for (see `CredentialCache.changing`). */
  const changingCredentials = <T>(scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> =>
    credentials.changing(() => inScope(db, scope, work));
  const authenticate = (kind: 'session' | 'token', tokenHash: string) =>
    credentials.lookup(
      `${kind}:${tokenHash}`,
      async () => {
        const row = await repo.authenticate(
          authenticationStatement(db),
          kind,
          tokenHash,
          options.sessionIdleMinutes,
        );
        return row && frozen(row);
      },
      (row) => row.expiresAt.getTime(),
    );

  const toPrincipal = (
    row: { userId: string; email: string; name: string; memberships: MembershipSummary[] },
    orgId: string,
    via: Principal['via'],
    sessionHash?: string,
  ): Principal | undefined => {
    const org = pickOrganisation(row.memberships, orgId);
    if (!org) return undefined;
    // An API token acts only in the organisation it was made for.
    if (via === 'token' && org.orgId !== orgId) return undefined;
    const principal: Principal = {
      userId: row.userId,
      email: row.email,
      name: row.name,
      org,
      memberships: row.memberships,
      via,
    };
    if (sessionHash) principal.sessionHash = sessionHash;
    return principal;
  };

  return {
    /** The person behind a session cookie, or undefined when it is unknown, expired or idle too long. */
    async principalForSession(sessionToken: string): Promise<Principal | undefined> {
      const tokenHash = hashSecret(sessionToken);
      const row = await authenticate('session', tokenHash);
      return row && toPrincipal(row, row.orgId, 'session', tokenHash);
    },

    async principalForToken(apiToken: string): Promise<Principal | undefined> {
      // Tokens never go idle (the idle limit is not applied to them): their expiry is fixed when made.
      const row = await authenticate('token', hashSecret(apiToken));
      return row && toPrincipal(row, row.orgId, 'token');
    },

    async signIn(input: {
      email: string;
      password: string;
      clientAddress: string;
      requestId?: string;
      /** The browser's User-Agent header, kept so that its owner can recognise the session. */
      userAgent?: string | string[] | undefined;
    }): Promise<SignInResult> {
      const email = normaliseEmail(input.email);
      const keys = [`email:${email}`, `client:${input.clientAddress}`];
      // The lock-out and the account in one unit of work: the account is read only when not locked.
      const { locked, account } = await inScope(db, NO_SCOPE, async (tx) => {
        const until = await repo.lockedUntil(tx, keys);
        if (until && until.getTime() > Date.now()) {
          const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
          return { locked: minutes, account: undefined };
        }
        return { locked: 0, account: await repo.findForSignIn(tx, email) };
      });
      if (locked) return { ok: false, reason: 'throttled', minutes: locked };

      // Hash even when no account matches, so the time taken does not reveal which addresses exist.
      const passwordOk = await verifyPassword(
        input.password,
        account?.password_hash ?? (await decoyPasswordHash()),
      );
      if (!account || !passwordOk || account.disabled_at) {
        await inScope(db, NO_SCOPE, async (tx) => {
          await repo.recordFailure(
            tx,
            keys[0]!,
            THROTTLE.perEmail,
            THROTTLE.windowMinutes,
            THROTTLE.lockMinutes,
          );
          await repo.recordFailure(
            tx,
            keys[1]!,
            THROTTLE.perClient,
            THROTTLE.windowMinutes,
            THROTTLE.lockMinutes,
          );
          await recordHostAudit(tx, {
            actorUserId: null,
            action: 'sign-in.failed',
            entityType: 'user',
            entityId: account?.id ?? null,
            after: {
              email,
              reason: !account ? 'unknown-email' : account.disabled_at ? 'disabled' : 'wrong-password',
            },
            requestId: input.requestId ?? null,
          });
        });
        return { ok: false, reason: 'invalid' };
      }

      const sessionToken = newSecret();
      const tokenHash = hashSecret(sessionToken);
      const principal = await inScope(db, NO_SCOPE, async (tx) => {
        await repo.actAs(tx, account.id);
        const memberships = await repo.membershipsOf(tx, account.id);
        const org = memberships[0];
        if (!org) return undefined;
        await repo.actAs(tx, account.id, org.orgId);
        await repo.createSession(tx, {
          tokenHash,
          userId: account.id,
          orgId: org.orgId,
          expiresAt: new Date(Date.now() + options.sessionAbsoluteHours * 3_600_000),
          userAgent: storedUserAgent(input.userAgent),
        });
        await repo.clearFailures(tx, keys[0]!);
        await recordAudit(tx, {
          actorUserId: account.id,
          orgId: org.orgId,
          action: 'sign-in',
          entityType: 'user',
          entityId: account.id,
          requestId: input.requestId ?? null,
        });
        return toPrincipal(
          { userId: account.id, email: account.email, name: account.name, memberships },
          org.orgId,
          'session',
          tokenHash,
        );
      });
      if (!principal) return { ok: false, reason: 'no-memberships' };
      return { ok: true, sessionToken, principal };
    },

    async signOut(ctx: Context): Promise<void> {
      const { principal } = ctx;
      if (!principal.sessionHash) return;
      const sessionHash = principal.sessionHash;
      await changingCredentials(scopeOf(principal), async (tx) => {
        await repo.endSession(tx, sessionHash);
        await auditBy(tx, ctx, {
          orgId: principal.org.orgId,
          action: 'sign-out',
          entityType: 'user',
          entityId: principal.userId,
        });
      });
    },

    async switchOrganisation(ctx: Context, orgId: string): Promise<void> {
      const { principal } = ctx;
      const target = principal.memberships.find((m) => m.orgId === orgId);
      if (!target || !principal.sessionHash) throw notFound('That organisation');
      const sessionHash = principal.sessionHash;
      await changingCredentials(scopeOf(principal), (tx) =>
        repo.switchSessionOrganisation(tx, sessionHash, orgId),
      );
    },

    /** The caller's own sessions that still let them in, this one marked. */
    async listSessions(ctx: Context) {
      const { principal } = ctx;
      return inScope(db, scopeOf(principal), (tx) =>
        repo.activeSessionsOf(tx, principal.userId, principal.sessionHash ?? '', options.sessionIdleMinutes),
      );
    },

    /**
     * Ends one of the caller's own sessions (another person's answers "not found", whoever asks);
     * ending the one in use signs the caller out. Says which it was.
     */
    async endSession(ctx: Context, sessionId: string): Promise<{ current: boolean }> {
      const { principal } = ctx;
      if (!isUuid(sessionId)) throw notFound('That session');
      return changingCredentials(scopeOf(principal), async (tx) => {
        const ended = await repo.endSessionById(tx, principal.userId, sessionId);
        if (!ended) throw notFound('That session');
        const current = ended.token_hash === principal.sessionHash;
        await auditBy(tx, ctx, {
          orgId: principal.org.orgId,
          action: 'session.end',
          entityType: 'session',
          entityId: ended.id,
          before: { signedInAt: ended.created_at, userAgent: ended.user_agent, current },
        });
        return { current };
      });
    },

    // Users and roles: platform administrators only.
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

    /** Sets a person's roles in one organisation; no roles removes them from it. */
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

    // API tokens: each person's own, in the organisation they act in.
    async listTokens(ctx: Context) {
      const { principal } = ctx;
      return inScope(db, scopeOf(principal), (tx) =>
        repo.listTokens(tx, principal.org.orgId, principal.userId),
      );
    },

    /** Makes a token and returns its secret, which is never stored and cannot be shown again. */
    async createToken(ctx: Context, input: Record<string, unknown>) {
      const { principal } = ctx;
      const { value, errors } = validateTokenRequest(input);
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      const secret = newApiToken();
      const token = await inScope(db, scopeOf(principal), async (tx) => {
        const row = await repo.insertToken(tx, {
          orgId: principal.org.orgId,
          userId: principal.userId,
          name: value.name,
          tokenHash: hashSecret(secret),
          expiresAt: new Date(Date.now() + value.expiresInDays * 86_400_000),
        });
        await auditBy(tx, ctx, {
          orgId: principal.org.orgId,
          action: 'api-token.create',
          entityType: 'api_token',
          entityId: row.id,
          after: { name: row.name, expiresAt: row.expires_at },
        });
        return row;
      });
      return { ...token, secret };
    },

    async revokeToken(ctx: Context, tokenId: string) {
      const { principal } = ctx;
      await changingCredentials(scopeOf(principal), async (tx) => {
        const revoked = await repo.revokeToken(tx, principal.org.orgId, principal.userId, tokenId);
        if (!revoked) throw notFound('That token');
        await auditBy(tx, ctx, {
          orgId: principal.org.orgId,
          action: 'api-token.revoke',
          entityType: 'api_token',
          entityId: tokenId,
          after: { name: revoked.name },
        });
      });
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;

export type { FieldErrors, Role };
