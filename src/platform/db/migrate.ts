import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from './database.js';
import { fromRoot } from '../paths.js';

export const MIGRATIONS_DIR = fromRoot('migrations');

export class MigrationError extends Error {
  readonly code = 'ERR_MIGRATION_FAILED';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Migration ${file} failed and was rolled back: ${reason}`);
  }
}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file));
  const migrations = files.sort().map((file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return {
      version: Number(file.slice(0, 4)),
      name: file,
      sql: text,
      checksum: crypto.createHash('sha256').update(text).digest('hex'),
    };
  });
  const versions = new Set<number>();
  for (const migration of migrations) {
    if (versions.has(migration.version)) throw new MigrationError(migration.name, 'duplicate version number');
    versions.add(migration.version);
  }
  return migrations;
}

// Any fixed number: it only has to be the same in every Tandem process sharing a database.
const MIGRATION_LOCK = 7_310_226;

/**
 * Applies the migrations not yet recorded, each in its own transaction, in order, as the owner of
 * the schema (`Database.asOwner`). A failing file is rolled back whole, so the database stays at the
 * previous version. Returns the files applied.
 */
export async function migrate(
  db: Database,
  options: { dir?: string; onApplied?: (file: string) => void } = {},
): Promise<string[]> {
  const migrations = readMigrations(options.dir);
  const applied: string[] = [];
  await db.asOwner(async (connection) => {
    await sql.raw(`select pg_advisory_lock(${MIGRATION_LOCK})`).execute(connection);
    try {
      await sql
        .raw(
          `create table if not exists schema_migrations (
             version integer primary key, name text not null, checksum text not null,
             applied_at timestamptz not null default now())`,
        )
        .execute(connection);
      const done = await connection
        .selectFrom('schema_migrations')
        .select(['version', 'name', 'checksum'])
        .execute();
      const doneByVersion = new Map(done.map((row) => [row.version, row]));
      for (const migration of migrations) {
        const previous = doneByVersion.get(migration.version);
        if (previous) {
          if (previous.checksum !== migration.checksum) {
            throw new MigrationError(
              migration.name,
              'it was changed after it was applied; add a new migration instead',
            );
          }
          continue;
        }
        try {
          // Plain (unparameterised) text: a prepared statement cannot hold several statements.
          await sql.raw(`begin;\n${migration.sql}\n;`).execute(connection);
          await connection
            .insertInto('schema_migrations')
            .values({ version: migration.version, name: migration.name, checksum: migration.checksum })
            .execute();
          await sql.raw('commit').execute(connection);
        } catch (error) {
          await sql.raw('rollback').execute(connection);
          if (error instanceof MigrationError) throw error;
          throw new MigrationError(migration.name, (error as Error).message);
        }
        applied.push(migration.name);
        options.onApplied?.(migration.name);
      }
    } finally {
      await sql.raw(`select pg_advisory_unlock(${MIGRATION_LOCK})`).execute(connection);
    }
  });
  return applied;
}
