import {
  decoyPasswordHash,
  hashSecret,
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
import { notFound, type FieldErrors } from '../../platform/errors.js';
import { auditBy, recordAudit, recordHostAudit } from '../audit/index.js';
import { identityRepository as repo, type AuthenticatedRow } from './identity.repository.js';
import { peopleUseCases } from './people.service.js';
import { tokenUseCases } from './tokens.service.js';
import { isUuid, normaliseEmail } from './identity.schemas.js';
import { storedUserAgent } from './browsers.js';

/** A unit of work that changes what some credential stands for (see `CredentialCache.changing`). */
export type ChangingCredentials = <T>(scope: Scope, work: (tx: Tx) => Promise<T>) => Promise<T>;

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
  const changingCredentials: ChangingCredentials = (scope, work) =>
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

    ...peopleUseCases(db, changingCredentials),
    ...tokenUseCases(db, changingCredentials),
  };
}

export type IdentityService = ReturnType<typeof identityService>;

export type { FieldErrors, Role };
