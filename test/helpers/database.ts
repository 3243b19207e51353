import fs from 'node:fs';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/index.js';
import { adminUrl, databaseUrl, LOGIN_ROLE, testEngine } from './engine.js';

export interface TestDatabase extends Database {
  /** Closes the database and, on a server, drops it. */
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * On a server, connect the application as the login role (LOGIN_ROLE), as production does, with
   * migrations run as the server's superuser, who owns the tables. Otherwise (and always on the
   * embedded engine) the application's connection is the superuser's.
   */
  asLoginRole?: boolean;
  /** Server connections for single-statement reads (see pipelined.ts). */
  pipelines?: number;
}

/** A database of its own for one test file: migrated, with the demo partnership loaded. */
export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const template = inject('template');
  if (testEngine() === 'embedded') {
    const dump = new Blob([fs.readFileSync(template)]);
    const db = await openDatabase({ loadDataDir: dump });
    return { ...db, destroy: () => db.close() };
  }
  return openServerDatabase(`template ${template}`, options);
}

/** A database of its own with nothing in it, not even the migrations: for tests of migrating. */
export async function openBlankDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (testEngine() === 'embedded') {
    const db = await openDatabase({ dataDir: 'memory://' });
    return { ...db, destroy: () => db.close() };
  }
  return openServerDatabase('', options);
}

/**
 * A new database on the test server (`how` says from what, e.g. `template …`), opened with the
 * options given, and dropped by `destroy`. With `owner`, that role owns the database and runs the
 * migrations; otherwise the server's superuser does. `connectAs` names who the application
 * connects as, if not the login role (`asLoginRole`) or the superuser.
 */
export async function openServerDatabase(
  how: string,
  options: TestDatabaseOptions & { owner?: string; connectAs?: string } = {},
): Promise<TestDatabase & { name: string }> {
  const name = `tandem_test_${crypto.randomBytes(6).toString('hex')}`;
  await asServerAdmin((admin) =>
    sql.raw(`create database ${name} ${how} ${options.owner ? `owner ${options.owner}` : ''}`).execute(admin),
  );
  const db = await openDatabase({
    databaseUrl: databaseUrl(name, options.connectAs ?? (options.asLoginRole ? LOGIN_ROLE : undefined)),
    migrationUrl: databaseUrl(name, options.owner),
    poolSize: 4,
    ...(options.pipelines === undefined ? {} : { pipelines: options.pipelines }),
  });
  return {
    ...db,
    name,
    async destroy() {
      await db.close();
      await asServerAdmin((admin) => sql.raw(`drop database if exists ${name} with (force)`).execute(admin));
    },
  };
}

/** Runs `work` as the test server's superuser, on its maintenance database. */
export async function asServerAdmin<T>(work: (admin: Database['kysely']) => Promise<T>): Promise<T> {
  const admin = await openDatabase({ databaseUrl: adminUrl(), poolSize: 1, pipelines: 0 });
  try {
    return await work(admin.kysely);
  } finally {
    await admin.close();
  }
}

/** Ids by organisation code and by email address, read as the owner: for tests to name rows. */
export async function demoIds(
  db: Database,
): Promise<{ orgs: Record<string, string>; users: Record<string, string> }> {
  const orgs = await db.kysely.selectFrom('organisations').select(['id', 'code']).execute();
  const users = await db.kysely.selectFrom('users').select(['id', 'email']).execute();
  return {
    orgs: Object.fromEntries(orgs.map((org) => [org.code, org.id])),
    users: Object.fromEntries(users.map((user) => [user.email, user.id])),
  };
}
