import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { until } from '../../../test/helpers/waiting.js';
import { createJobs, type Jobs } from './index.js';

let db: TestDatabase;
let jobs: Jobs;
const errors: unknown[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  jobs = createJobs(db, {
    pollingIntervalSeconds: 0.5,
    cronMonitorIntervalSeconds: 1,
    cronWorkerIntervalSeconds: 1,
    onError: (error) => errors.push(error),
  });
});
afterAll(async () => {
  await jobs.stop();
  await db.destroy();
});

/** A job's row as pg-boss keeps it, read as the owner. */
async function jobRow(id: string) {
  const { rows } = await sql<{ state: string; retry_count: number; wait_ms: number }>`
    select state::text, retry_count, (extract(epoch from start_after - now()) * 1000)::float8 as wait_ms
      from pgboss.job where id = ${id}`.execute(db.kysely);
  return rows[0];
}

describe('jobs as time passes', () => {
  beforeAll(() => jobs.start());

  it('retry a failing job with a growing delay, then complete it', async () => {
    const attempts: number[] = [];
    await jobs.work('test.flaky', async () => {
      attempts.push(Date.now());
      if (attempts.length < 3) throw new Error(`attempt ${attempts.length} failed`);
    });
    const id = await jobs.send('test.flaky', {}, { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true });

    // First retry: between 1 and 2 seconds later (the delay, plus up to as much again in jitter).
    await until(async () => (await jobRow(id!))?.state === 'retry');
    const first = (await jobRow(id!))!;
    expect(first.retry_count).toBe(0);
    expect(first.wait_ms).toBeGreaterThan(500);
    expect(first.wait_ms).toBeLessThanOrEqual(2_000);
    await until(() => attempts.length === 2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);

    // Second retry: the delay has doubled (2 to 4 seconds). Brought forward here to keep the test short.
    await until(async () => (await jobRow(id!))?.state === 'retry' && (await jobRow(id!))!.retry_count === 1);
    const second = (await jobRow(id!))!;
    expect(second.wait_ms).toBeGreaterThan(1_500);
    expect(second.wait_ms).toBeLessThanOrEqual(4_000);
    await sql`update pgboss.job set start_after = now() where id = ${id}`.execute(db.kysely);

    await until(async () => (await jobRow(id!))?.state === 'completed');
    expect(attempts).toHaveLength(3);
  });

  it('fire a scheduled timer', async () => {
    const fired: object[] = [];
    await jobs.work('test.timer', async ([job]) => {
      fired.push(job!.data);
    });
    // Every minute: pg-boss sends the tick for the minute just begun as soon as it looks.
    await jobs.schedule('test.timer', '* * * * *', { from: 'timer' });
    await until(() => fired.length >= 1, 6_000);
    expect(fired[0]).toEqual({ from: 'timer' });
  });
});
