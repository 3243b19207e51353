import { sql, type QueryExecutorProvider } from 'kysely';

/** Which engine database tests run on: the embedded one by default, a server with TANDEM_TEST_ENGINE=postgres. */
export function testEngine(): 'embedded' | 'server' {
  return process.env.TANDEM_TEST_ENGINE === 'postgres' ? 'server' : 'embedded';
}

/** The server to create test databases on. */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A database on the test server, as the user of `adminUrl()` or as `user` (trusted: no password). */
export function databaseUrl(name: string, user?: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/**
 * The login role the application connects as on a server when a test asks for it: a member of
 * tandem_app only, as in production (README, Configuration). Made by the global set-up.
 */
export const LOGIN_ROLE = 'tandem_test_login';

/**
 * Makes a role on the test server, or gives the one there the attributes asked for. Roles belong to
 * the whole server and outlive a run; another run may be making the same one at the same moment.
 */
export async function ensureRole(
  admin: QueryExecutorProvider,
  role: { name: string; attributes: string; memberOf?: string },
): Promise<void> {
  await sql
    .raw(
      `do $$
       begin
         if not exists (select 1 from pg_roles where rolname = '${role.name}') then
           create role ${role.name} ${role.attributes};
         else
           alter role ${role.name} ${role.attributes};
         end if;
       exception when duplicate_object or unique_violation then null;
       end
       $$`,
    )
    .execute(admin);
  if (role.memberOf) {
    await sql
      .raw(
        `do $$
         begin
           if not pg_has_role('${role.name}', '${role.memberOf}', 'member') then
             grant ${role.memberOf} to ${role.name};
           end if;
         exception when unique_violation then null;
         end
         $$`,
      )
      .execute(admin);
  }
}
