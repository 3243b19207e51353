import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Database } from './database.js';
import { isUuid } from '../ids.js';

/** The database handle a repository method receives: one connection, inside one scoped transaction. */
export type Tx = Kysely<Schema>;

/** The role every unit of work runs as. It owns nothing and cannot bypass row level security. */
export const APP_ROLE = 'tandem_app';

/** What the caller of a unit of work may see. Row level security reads these settings. */
export interface Scope {
  /** The acting user, if any. */
  userId?: string | undefined;
  /** Organisations whose rows are visible and writable. */
  orgIds: readonly string[];
  /** Platform administrators manage organisations and users across the platform. */
  platformAdmin?: boolean | undefined;
}

/** A scope that sees no tenant data at all: sign-in, public pages. */
export const NO_SCOPE: Scope = { orgIds: [] };

function assertUuid(value: string): string {
  if (!isUuid(value)) throw new TypeError(`not a uuid: ${String(value)}`);
  return value.toLowerCase();
}

/**
 * The statement that opens a unit of work. The scope is validated (uuids only) and inlined so that
 * BEGIN, the role switch and the settings travel in one round trip instead of three.
 */
function openingStatement(scope: Scope): string {
  const orgIds = scope.orgIds.map(assertUuid).join(',');
  const userId = scope.userId ? assertUuid(scope.userId) : '';
  const admin = scope.platformAdmin ? 'on' : '';
  return (
    `begin; select set_config('role', '${APP_ROLE}', true), set_config('app.user_id', '${userId}', true), ` +
    `set_config('app.org_ids', '${orgIds}', true), set_config('app.platform_admin', '${admin}', true)`
  );
}

/**
 * Runs `work` in one transaction as the application role with the given scope. Everything the
 * application does to tenant data goes through here. Do not open a unit of work inside another:
 * on the embedded engine there is one connection, and the inner one would wait for ever.
 */
export async function inScope<T>(db: Database, scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
  const opening = openingStatement(scope);
  return db.kysely.connection().execute(async (connection) => {
    await sql.raw(opening).execute(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      await sql.raw('rollback').execute(connection);
      throw error;
    }
    await sql.raw('commit').execute(connection);
    return result;
  });
}

/**
 * The database outside any unit of work, as its owner. Only for the one statement that finds who is
 * asking (`authenticate()`, which switches to the application role before it reads anything), so
 * that signing a request in costs one round trip rather than three.
 */
export function authenticationStatement(db: Database): Tx {
  return db.kysely;
}
