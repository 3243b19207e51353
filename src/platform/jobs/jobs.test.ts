import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, NO_SCOPE } from '../db/index.js';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { pause, until } from '../../../test/helpers/waiting.js';
import { createJobs, type Job, type Jobs } from './index.js';

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

describe('jobs (pg-boss on the application database)', () => {
  it('work a job sent before or after starting once, and only once', async () => {
    const seen: Job<{ n: number }>[] = [];
    // Registered before start: set up by start, after the migrations have made pg-boss's tables.
    await jobs.work<{ n: number }>('test.once', async (batch) => {
      seen.push(...batch);
    });
    const early = await jobs.send('test.once', { n: 1 });
    await jobs.start();
    const late = await jobs.send('test.once', { n: 2 });
    await until(() => seen.length === 2);
    await pause(800); // another poll or so: nothing arrives twice
    expect(seen.map((job) => job.data.n).sort()).toEqual([1, 2]);
    expect(seen.map((job) => job.id).sort()).toEqual([early, late].sort());
    expect((await jobRow(early!))?.state).toBe('completed');
  });

  it('hold back a job whose singleton key is already waiting', async () => {
    const first = await jobs.send(
      'test.keyed',
      { n: 1 },
      { singletonKey: 'request-1', startAfter: new Date(Date.now() + 60_000) },
    );
    const again = await jobs.send('test.keyed', { n: 2 }, { singletonKey: 'request-1' });
    const other = await jobs.send('test.keyed', { n: 3 }, { singletonKey: 'request-2' });
    const unkeyed = [await jobs.send('test.keyed', { n: 4 }), await jobs.send('test.keyed', { n: 5 })];
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    expect(other).toEqual(expect.any(String));
    expect(unkeyed.every((id) => typeof id === 'string')).toBe(true);
  });

  it('add a job inside a unit of work only if it commits, and refuse one sent round it', async () => {
    const seen: string[] = [];
    await jobs.work<{ what: string }>('test.transactional', async ([job]) => {
      seen.push(job!.data.what);
    });
    await inScope(db, NO_SCOPE, (tx) => jobs.send('test.transactional', { what: 'committed' }, { tx }));
    await expect(
      inScope(db, NO_SCOPE, async (tx) => {
        await jobs.send('test.transactional', { what: 'rolled back' }, { tx });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await expect(
      inScope(db, NO_SCOPE, () => jobs.send('test.transactional', { what: 'round it' })),
    ).rejects.toThrow(/inside a unit of work/);
    await until(() => seen.length === 1);
    await pause(800);
    expect(seen).toEqual(['committed']);
  });

  it('stop after the job in hand finishes, leaving no timers or queries behind', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    await jobs.work('test.slow', async () => {
      started = true;
      await held;
      finished = true;
    });
    const id = await jobs.send('test.slow', {});
    await until(() => started);
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const stopped = jobs.stop();
    await pause(200);
    expect(finished).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    expect((await jobRow(id!))?.state).toBe('completed');
    await jobs.stop(); // again: nothing to do
    await pause(1_100); // pg-boss's last check that its workers have ended
    const timersAfter = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    expect(timersAfter).toBeLessThan(timersBefore);
    await expect(jobs.work('test.late', async () => {})).rejects.toThrow(/stopped/);
    expect(errors).toEqual([]);
  });
});
