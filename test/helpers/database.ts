import fs from 'node:fs';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/index.js';
import { adminUrl, databaseUrl, testEngine } from './engine.js';

export interface TestDatabase extends Database {
  /** Closes the database and, on a server, drops it. */
  destroy(): Promise<void>;
}

/** A database of its own for one test file: migrated, with the demo partnership loaded. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const template = inject('template');
  if (testEngine() === 'embedded') {
    const dump = new Blob([fs.readFileSync(template)]);
    const db = await openDatabase({ loadDataDir: dump });
    return { ...db, destroy: () => db.close() };
  }
  const name = `tandem_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl: adminUrl(), poolSize: 1 });
  try {
    await sql.raw(`create database ${name} template ${template}`).execute(admin.kysely);
  } finally {
    await admin.close();
  }
  const db = await openDatabase({ databaseUrl: databaseUrl(name), poolSize: 4 });
  return {
    ...db,
    async destroy() {
      await db.close();
      const cleanup = await openDatabase({ databaseUrl: adminUrl(), poolSize: 1 });
      try {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(cleanup.kysely);
      } finally {
        await cleanup.close();
      }
    },
  };
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
