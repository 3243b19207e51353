import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Database } from './database.js';
import { isUuid } from '../ids.js';
import { pendingScope, type PendingScope, type Preamble } from './pipeline.js';
import { refusalOf } from './refusals.js';

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

/** The call that makes the rest of the transaction run as the application role, with the scope. */
function enterScope(scope: Scope): Preamble {
  const orgIds = scope.orgIds.map(assertUuid).join(',');
  const userId = scope.userId ? assertUuid(scope.userId) : '';
  return { name: 'tandem_enter_scope', values: [userId, orgIds, scope.platformAdmin ? 'on' : ''] };
}

/**
 * Runs `work` in one transaction as the application role with the given scope. Everything the
 * application does to tenant data goes through here. BEGIN and the scope travel with the first
 * query (see pipeline.ts), so a unit of work costs one round trip more than its queries: COMMIT.
 * Do not open a unit of work inside another: on the embedded engine there is one connection, and
 * the inner one would wait for ever.
 */
export async function inScope<T>(db: Database, scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
  const pending: PendingScope = {
    preamble: [{ name: 'tandem_begin', values: [] }, enterScope(scope)],
    sent: false,
    single: false,
  };
  return db.kysely.connection().execute((connection) =>
    pendingScope.run(pending, async () => {
      let result: T;
      try {
        result = await work(connection);
      } catch (error) {
        if (pending.sent && !pending.committed) await sql.raw('rollback').execute(connection);
        throw refusalOf(error) ?? error;
      }
      if (pending.sent && !pending.committed) await sql.raw('commit').execute(connection);
      return result;
    }),
  );
}

/**
 * Runs `last`, whose one query must be its unit of work's last statement: COMMIT goes in the same
 * round trip, so that locks its statement takes (an organisation's next reference, its audit
 * chain) are held while PostgreSQL runs it and commits, not also while the answer travels to this
 * process and COMMIT travels back. Nothing may touch the database after it (a statement is
 * refused), and nothing after it should fail: what it wrote is kept. If it fails, nothing is kept.
 * Outside a unit of work it only runs `last`.
 */
export async function commitWith<T>(last: () => Promise<T>): Promise<T> {
  const pending = pendingScope.getStore();
  if (!pending || pending.single) return last();
  pending.commitWithNext = true;
  try {
    return await last();
  } finally {
    pending.commitWithNext = false;
  }
}

/**
 * Runs one statement as the application role with the given scope, in a single round trip: the
 * scope and the statement go together and PostgreSQL runs them as one implicit transaction. For
 * reads that need one query; a second statement in `work` is refused.
 */
export async function readInScope<T>(db: Database, scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
  const pending: PendingScope = { preamble: [enterScope(scope)], sent: false, single: true };
  try {
    return await db.reads
      .connection()
      .execute((connection) => pendingScope.run(pending, () => work(connection)));
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
}

/**
 * The database outside any unit of work, as the role the application connects as (see database.ts).
 * Only for the one statement that finds who is asking (`authenticate()`, which switches to the
 * application role before it reads anything), so that signing a request in costs one round trip
 * rather than three.
 */
export function authenticationStatement(db: Database): Tx {
  return db.kysely;
}
