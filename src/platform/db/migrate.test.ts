import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from './index.js';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
});
afterAll(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tableExists = async (name: string) =>
  (await sql<{ found: boolean }>`select to_regclass(${name}) is not null as found`.execute(db.kysely))
    .rows[0]!.found;

describe('migrations', () => {
  it('records every migration once, and applying again changes nothing', async () => {
    const recorded = await db.kysely
      .selectFrom('schema_migrations')
      .select('name')
      .orderBy('version')
      .execute();
    expect(recorded.map((row) => row.name)).toEqual(readMigrations().map((m) => m.name));
    expect(await migrate(db)).toEqual([]);
  });

  it('rolls a failing migration back whole, names the file and the reason, and keeps the previous version', async () => {
    fs.writeFileSync(path.join(dir, '0900_broken.sql'), 'create table half_done (id int);\nselect 1 / 0;\n');
    let failure: unknown;
    try {
      await migrate(db, { dir });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).file).toBe('0900_broken.sql');
    expect((failure as MigrationError).message).toMatch(/0900_broken\.sql.*division by zero/);
    expect(await tableExists('half_done')).toBe(false);
    const versions = await db.kysely.selectFrom('schema_migrations').select('version').execute();
    expect(versions.map((row) => row.version)).not.toContain(900);
    fs.rmSync(path.join(dir, '0900_broken.sql'));
  });

  it('applies a new migration and records it', async () => {
    fs.writeFileSync(path.join(dir, '0901_extra.sql'), 'create table extra_thing (id int primary key);\n');
    expect(await migrate(db, { dir })).toEqual(['0901_extra.sql']);
    expect(await tableExists('extra_thing')).toBe(true);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    fs.appendFileSync(path.join(dir, '0901_extra.sql'), '-- edited\n');
    await expect(migrate(db, { dir })).rejects.toThrow(/0901_extra\.sql.*changed after it was applied/);
  });
});
