import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import { MIGRATIONS_DIR } from '../db/index.js';

/** SQL with its layout and statement ends taken out, to compare what it does rather than how it is set out. */
const bare = (text: string) => text.replace(/[\s;]+/g, '');

describe("pg-boss's tables in migration 0012", () => {
  it('are what the installed pg-boss would build (so `migrate: false` finds its version)', () => {
    const migration = fs.readFileSync(`${MIGRATIONS_DIR}/0012_jobs_and_outbox.sql`, 'utf8');
    const begins = migration.indexOf('-- pg-boss construction plan begins');
    const ends = migration.indexOf('-- pg-boss construction plan ends');
    expect(begins).toBeGreaterThan(0);
    expect(ends).toBeGreaterThan(begins);
    const ours = migration.slice(migration.indexOf('\n', begins), ends);

    const plan = PgBoss.getConstructionPlans('pgboss');
    // pg-boss wraps its plan in a transaction with a lock; the migration runner gives it its own.
    const body = plan.slice(plan.indexOf('CREATE SCHEMA')).replace(/COMMIT;\s*$/, '');
    expect(bare(ours)).toBe(bare(body));
  });
});
