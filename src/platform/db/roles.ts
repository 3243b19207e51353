import { sql } from 'kysely';
import type { Database } from './database.js';

/**
 * Whom the application connects to a PostgreSQL server as.
 *
 * Every unit of work runs as tandem_app (`SET LOCAL ROLE`, unit-of-work.ts), which owns nothing and
 * cannot bypass row level security. But a statement can say `RESET ROLE`, and is then the role it
 * connected as: if that is a superuser, a role with BYPASSRLS, or the owner of the tables (or a
 * member of any of them), row level security no longer stands between one partner and another.
 * So in production the application connects as a login role that is only a member of tandem_app,
 * and migrations run over a connection of their own as the owner (DATABASE_MIGRATION_URL).
 *
 * The embedded engine connects as its superuser by design (it has no other) and is one process's
 * alone; this applies to servers.
 */
export class UnsafeDatabaseRoleError extends Error {
  readonly code = 'ERR_UNSAFE_DATABASE_ROLE';
  constructor(
    readonly role: string,
    readonly reasons: string[],
  ) {
    super(
      `Tandem will not serve in production connected to the database as "${role}": ${reasons.join('; ')}. ` +
        'Row level security would not hold for a statement that resets its role. Set DATABASE_URL to a ' +
        'login role that is only a member of tandem_app, and DATABASE_MIGRATION_URL to the owner of ' +
        'the tables (README: Configuration).',
    );
  }
}

interface RoleFacts {
  role: string;
  superuser: boolean;
  bypass_rls: boolean;
  /** Roles it is a member of (or can become) that are superusers or bypass row level security. */
  powerful: string[];
  /** Owners of the database's tables that it is, or is a member of. */
  owners: string[];
}

/**
 * Why the role a server connection logs in as could reach past row level security: empty when it
 * cannot. Asks about the session's own role, whatever a unit of work switches to.
 */
export async function applicationRoleProblems(db: Database): Promise<{ role: string; reasons: string[] }> {
  const { rows } = await sql<RoleFacts>`
    select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypass_rls,
           array(select m.rolname::text from pg_roles m
                  where m.oid <> r.oid and (m.rolsuper or m.rolbypassrls)
                    and pg_has_role(r.oid, m.oid, 'member')
                  order by 1) as powerful,
           array(select distinct o.rolname::text
                   from pg_class c
                   join pg_namespace n on n.oid = c.relnamespace
                   join pg_roles o on o.oid = c.relowner
                  where c.relkind in ('r', 'p')
                    and n.nspname not in ('pg_catalog', 'information_schema')
                    and n.nspname !~ '^pg_toast'
                    and pg_has_role(r.oid, c.relowner, 'member')
                  order by 1) as owners
      from pg_roles r
     where r.rolname = session_user`.execute(db.kysely);
  const facts = rows[0];
  if (!facts) return { role: 'unknown', reasons: ['its role could not be found'] };
  // A superuser counts as a member of every role: that it is one says it all.
  if (facts.superuser) return { role: facts.role, reasons: ['it is a superuser'] };
  const reasons: string[] = [];
  if (facts.bypass_rls) reasons.push('it has BYPASSRLS');
  if (facts.powerful.length > 0)
    reasons.push(`it is a member of ${facts.powerful.join(', ')}, which can bypass row level security`);
  const owners = facts.owners.filter((owner) => owner !== facts.role);
  if (facts.owners.includes(facts.role)) reasons.push('it owns tables');
  if (owners.length > 0)
    reasons.push(
      `it is a member of ${owners.join(', ')}, ${owners.length === 1 ? 'owner' : 'owners'} of tables`,
    );
  return { role: facts.role, reasons };
}

/**
 * Refuses to go on, with what to do, when the server connection's role could reach past row level
 * security. For production; the embedded engine is not asked.
 */
export async function refuseUnsafeApplicationRole(db: Database): Promise<void> {
  if (db.engine !== 'server') return;
  const { role, reasons } = await applicationRoleProblems(db);
  if (reasons.length > 0) throw new UnsafeDatabaseRoleError(role, reasons);
}
