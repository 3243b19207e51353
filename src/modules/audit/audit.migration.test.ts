import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, migrate, MIGRATIONS_DIR, readMigrations } from '../../platform/db/index.js';
import { openBlankDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { recordAudit, verifyAuditLog } from './index.js';

// Migration 0010 puts the entries already written into chains: an existing log must come out whole.
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await openBlankDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-audit-migration-'));
});
afterAll(async () => {
  await db?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

const OPERATOR = { orgIds: [], platformAdmin: true };

/** Migrates up to (not including) `version`, or all the way. */
async function migrateUpTo(version = Infinity): Promise<void> {
  for (const migration of readMigrations().filter((m) => m.version < version))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, migration.name), path.join(dir, migration.name));
  await migrate(db, { dir });
}

describe('migration 0010 on a log written before it', () => {
  it('gives entries with no organisation to the host, chains every entry in the order written, and records the heads', async () => {
    await migrateUpTo(10);
    const orgs = await sql<{ id: string; code: string }>`
      insert into organisations (code, name, role, kind, bank_holiday_division)
      values ('HOST', 'Host Council', 'host', 'local_authority', 'england-and-wales'),
             ('PART', 'Partner Council', 'partner', 'local_authority', 'scotland')
      returning id, code`.execute(db.kysely);
    const [host, partner] = [orgs.rows[0]!.id, orgs.rows[1]!.id];
    // Written as the application did before: some with no organisation, times out of order.
    await sql`
      insert into audit_events (at, org_id, action, entity_type, after)
      values ('2026-01-05T10:00:00Z', null, 'sign-in.failed', 'user', '{"email": "x@example.org"}'),
             ('2026-01-04T09:00:00Z', ${partner}, 'organisation.update', 'organisation', '{"name": "Partner"}'),
             ('2026-01-06T11:30:00.123456Z', ${host}, 'organisation.add', 'organisation', null),
             ('2026-01-07T12:00:00Z', null, 'bank-holidays.load', 'bank_holidays', '{"scotland": 9}'),
             ('2026-01-08T08:00:00Z', ${partner}, 'organisation.update', 'organisation', '{"name": "Partner €"}')`.execute(
      db.kysely,
    );

    await migrateUpTo();

    const entries = await db.kysely
      .selectFrom('audit_events')
      .select(['id', 'org_id', 'action', 'seq'])
      .orderBy('id')
      .execute();
    expect(entries.map((e) => [e.org_id === host ? 'HOST' : 'PART', e.action, Number(e.seq)])).toEqual([
      ['HOST', 'sign-in.failed', 1],
      ['PART', 'organisation.update', 1],
      ['HOST', 'organisation.add', 2],
      ['HOST', 'bank-holidays.load', 3],
      ['PART', 'organisation.update', 2],
    ]);
    const check = await verifyAuditLog(db, OPERATOR);
    expect(check.breaks).toEqual([]);
    expect(check.chains.map((chain) => [chain.organisation, chain.entries])).toEqual([
      ['HOST', 3],
      ['PART', 2],
    ]);

    // What is written afterwards continues the same chains.
    await inScope(db, OPERATOR, (tx) =>
      recordAudit(tx, { actorUserId: null, orgId: partner, action: 'after.migration', entityType: 'test' }),
    );
    const after = await verifyAuditLog(db, OPERATOR);
    expect(after.breaks).toEqual([]);
    expect(after.chains.find((chain) => chain.organisation === 'PART')?.entries).toBe(3);
  });
});
