import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';
import { isRole, type MembershipSummary, type Role } from '../../platform/auth/index.js';

/** Where the database announces changes that could alter what `authenticate` answers (migration 0005). */
export const CREDENTIAL_CHANNEL = 'tandem_credentials';

export interface AuthenticatedRow {
  userId: string;
  email: string;
  name: string;
  orgId: string;
  expiresAt: Date;
  tokenId: string | null;
  memberships: MembershipSummary[];
}

interface MembershipJson {
  orgId: string;
  code: string;
  name: string;
  role: 'host' | 'partner';
  roles: string[];
}

function toMemberships(value: unknown): MembershipSummary[] {
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as MembershipJson[];
  return list.map((m) => ({ ...m, roles: m.roles.filter(isRole) }));
}

export const identityRepository = {
  /**
   * The person behind a session or API token secret's hash, with every membership they hold,
   * in one round trip. Sets app.user_id for the rest of the transaction.
   */
  async authenticate(tx: Tx, kind: 'session' | 'token', tokenHash: string, idleMinutes: number) {
    const result = await sql<{
      user_id: string;
      email: string;
      name: string;
      org_id: string;
      expires_at: Date;
      token_id: string | null;
      memberships: unknown;
    }>`select * from authenticate(${kind}, ${tokenHash}, make_interval(mins => ${idleMinutes}))`.execute(tx);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      orgId: row.org_id,
      expiresAt: row.expires_at,
      tokenId: row.token_id,
      memberships: toMemberships(row.memberships),
    } satisfies AuthenticatedRow;
  },

  /** The account for a sign-in attempt. Visible only because the unit of work names the address. */
  async findForSignIn(tx: Tx, email: string) {
    await sql`select set_config('app.sign_in_email', ${email}, true)`.execute(tx);
    return tx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'password_hash', 'disabled_at'])
      .where('email', '=', email)
      .executeTakeFirst();
  },

  /**
   * Once a person has proved who they are: makes their own rows visible for the rest of the
   * transaction and, when given, the organisation they act in.
   */
  async actAs(tx: Tx, userId: string, orgId?: string): Promise<void> {
    await sql`select set_config('app.user_id', ${userId}, true), set_config('app.sign_in_email', '', true),
                     set_config('app.org_ids', ${orgId ?? ''}, true)`.execute(tx);
  },

  /** A person and every organisation they have roles in, in one query (as far as the caller may see). */
  async profile(tx: Tx, userId: string) {
    // Written as one SQL text: it runs at every GET /api/v1/me, and building it is dearer than running it.
    const result = await sql<{ id: string; email: string; name: string; memberships: unknown }>`
      select u.id, u.email, u.name,
             coalesce((select jsonb_agg(jsonb_build_object('orgId', o.id, 'code', o.code, 'name', o.name,
                                                           'role', o.role, 'roles', m.roles) order by o.name)
                         from memberships m join organisations o on o.id = m.org_id
                        where m.user_id = u.id), '[]'::jsonb) as memberships
        from users u
       where u.id = ${userId}`.execute(tx);
    const row = result.rows[0];
    return (
      row && { id: row.id, email: row.email, name: row.name, memberships: toMemberships(row.memberships) }
    );
  },

  async membershipsOf(tx: Tx, userId: string): Promise<MembershipSummary[]> {
    const rows = await tx
      .selectFrom('memberships as m')
      .innerJoin('organisations as o', 'o.id', 'm.org_id')
      .select(['o.id as orgId', 'o.code', 'o.name', 'o.role', 'm.roles'])
      .where('m.user_id', '=', userId)
      .orderBy('o.name')
      .execute();
    return rows.map((row) => ({ ...row, roles: row.roles.filter(isRole) }));
  },

  async createSession(
    tx: Tx,
    session: { tokenHash: string; userId: string; orgId: string; expiresAt: Date; userAgent: string | null },
  ) {
    await tx
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        org_id: session.orgId,
        expires_at: session.expiresAt,
        user_agent: session.userAgent,
      })
      .execute();
  },

  /**
   * A person's sessions that still let them in (neither expired nor idle too long), most recently
   * active first, with whether each is the one whose secret hashes to `currentHash`.
   */
  async activeSessionsOf(tx: Tx, userId: string, currentHash: string, idleMinutes: number) {
    return tx
      .selectFrom('sessions')
      .select(['id', 'created_at', 'last_seen_at', 'user_agent'])
      .select(sql<boolean>`token_hash = ${currentHash}`.as('current'))
      .where('user_id', '=', userId)
      .where('expires_at', '>', sql<Date>`now()`)
      .where('last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
      .orderBy('last_seen_at', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
  },

  /** Ends one of a person's sessions by its id; undefined when they have no session with that id. */
  async endSessionById(tx: Tx, userId: string, sessionId: string) {
    return tx
      .deleteFrom('sessions')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .returning(['id', 'token_hash', 'created_at', 'user_agent'])
      .executeTakeFirst();
  },

  async endSession(tx: Tx, tokenHash: string): Promise<void> {
    await tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  },

  async switchSessionOrganisation(tx: Tx, tokenHash: string, orgId: string): Promise<void> {
    await tx.updateTable('sessions').set({ org_id: orgId }).where('token_hash', '=', tokenHash).execute();
  },

  async endSessionsOf(tx: Tx, userId: string): Promise<number> {
    const result = await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  },

  // Failed sign-ins, counted per key (an e-mail address or a client address) in a sliding window.
  /** The latest time until which any of these keys is locked out, if one is locked. */
  async lockedUntil(tx: Tx, keys: string[]): Promise<Date | undefined> {
    const row = await tx
      .selectFrom('sign_in_throttle')
      .select((eb) => eb.fn.max('locked_until').as('until'))
      .where('key', 'in', keys)
      .executeTakeFirst();
    return row?.until ?? undefined;
  },

  async recordFailure(tx: Tx, key: string, limit: number, windowMinutes: number, lockMinutes: number) {
    await sql`
      insert into sign_in_throttle as t (key, failures, window_started_at)
      values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when t.window_started_at < now() - make_interval(mins => ${windowMinutes})
                        then 1 else t.failures + 1 end,
        window_started_at = case when t.window_started_at < now() - make_interval(mins => ${windowMinutes})
                                 then now() else t.window_started_at end,
        locked_until = case when t.window_started_at >= now() - make_interval(mins => ${windowMinutes})
                                 and t.failures + 1 >= ${limit}
                            then now() + make_interval(mins => ${lockMinutes}) else t.locked_until end`.execute(
      tx,
    );
  },

  async clearFailures(tx: Tx, key: string): Promise<void> {
    await tx.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
  },

  // Users, as a platform administrator manages them.
  async listUsers(tx: Tx) {
    return tx
      .selectFrom('users as u')
      .select(['u.id', 'u.email', 'u.name', 'u.disabled_at', 'u.created_at'])
      .select(
        sql<string[]>`coalesce((select array_agg(o.code order by o.code) from memberships m
                          join organisations o on o.id = m.org_id where m.user_id = u.id), '{}')`.as(
          'orgCodes',
        ),
      )
      .orderBy('u.name')
      .execute();
  },

  async findUser(tx: Tx, id: string) {
    return tx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'disabled_at', 'created_at', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async findUserByEmail(tx: Tx, email: string) {
    return tx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'disabled_at'])
      .where('email', '=', email)
      .executeTakeFirst();
  },

  async insertUser(tx: Tx, user: { email: string; name: string; passwordHash: string }) {
    return tx
      .insertInto('users')
      .values({ email: user.email, name: user.name, password_hash: user.passwordHash })
      .returning(['id', 'email', 'name'])
      .executeTakeFirstOrThrow();
  },

  async setDisabled(tx: Tx, id: string, disabled: boolean) {
    return tx
      .updateTable('users')
      .set({ disabled_at: disabled ? sql<Date>`now()` : null, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning(['id', 'disabled_at'])
      .executeTakeFirst();
  },

  async findMembership(tx: Tx, orgId: string, userId: string) {
    return tx
      .selectFrom('memberships')
      .select(['org_id', 'user_id', 'roles'])
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  },

  async upsertMembership(tx: Tx, orgId: string, userId: string, roles: Role[]): Promise<void> {
    await tx
      .insertInto('memberships')
      .values({ org_id: orgId, user_id: userId, roles })
      .onConflict((oc) =>
        oc.columns(['org_id', 'user_id']).doUpdateSet({ roles, updated_at: sql<Date>`now()` }),
      )
      .execute();
  },

  async removeMembership(tx: Tx, orgId: string, userId: string): Promise<void> {
    await tx.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  },

  // API tokens: a user's own, within the organisation they act in.
  async insertToken(
    tx: Tx,
    token: { orgId: string; userId: string; name: string; tokenHash: string; expiresAt: Date },
  ) {
    return tx
      .insertInto('api_tokens')
      .values({
        org_id: token.orgId,
        user_id: token.userId,
        name: token.name,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
      })
      .returning(['id', 'name', 'created_at', 'expires_at'])
      .executeTakeFirstOrThrow();
  },

  async listTokens(tx: Tx, orgId: string, userId: string) {
    return tx
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  },

  async revokeToken(tx: Tx, orgId: string, userId: string, id: string) {
    return tx
      .updateTable('api_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(['id', 'name'])
      .executeTakeFirst();
  },
};
