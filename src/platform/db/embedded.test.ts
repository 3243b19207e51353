import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { embeddedClient } from './embedded.js';
import { EmbeddedWorker } from './embedded-engine.js';
import { markPrepared } from './pipeline.js';
import { testEngine } from '../../../test/helpers/engine.js';

// The embedded engine's own plumbing; the rest of the suite runs every database test through it.
describe.runIf(testEngine() === 'embedded')('the embedded database in its worker', () => {
  let engine: EmbeddedWorker;
  let pool: pg.Pool;

  beforeAll(async () => {
    const started = EmbeddedWorker.start({});
    await started.opened;
    engine = started.engine;
    pool = new pg.Pool({ Client: embeddedClient(engine), max: 1 });
    await pool.query(`create procedure app_enter_scope(a text, b text, c text) language sql as 'select 1'`);
  });
  afterAll(async () => {
    await pool.end();
    await engine.close();
  });

  it('answers the statements of several queries sent at once, in order, an error failing only its own', async () => {
    const results = await Promise.allSettled([
      pool.query('select $1::int + 1 as n', [41]),
      pool.query('select 1 / $1::int as n', [0]),
      pool.query<{ word: string }>('select $1::text as word', ['after']),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 42 }] } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { rows: [{ word: 'after' }] } });
  });

  it('keeps what its one session has prepared when the client using it is replaced', async () => {
    const first = await pool.connect();
    await markPrepared(first);
    first.release(true);
    // A new client on the same session must not prepare the statements again (that would fail).
    const second = await pool.connect();
    try {
      await markPrepared(second);
      expect((await second.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    } finally {
      second.release();
    }
  });

  it('ends a transaction a discarded client left open, before the next client starts', async () => {
    const first = await pool.connect();
    await first.query('begin');
    await first.query('create temporary table left_open (x int)');
    first.release(true);
    const second = await pool.connect();
    try {
      const found = await second.query(`select 1 from pg_class where relname = 'left_open'`);
      expect(found.rowCount).toBe(0);
    } finally {
      second.release();
    }
  });

  it('reports a failure to prepare the scope statements instead of waiting for ever, and refuses work once closed', async () => {
    const { engine: bare, opened } = EmbeddedWorker.start({});
    await opened;
    const Client = embeddedClient(bare);
    const client = new Client();
    try {
      await client.connect();
      await expect(markPrepared(client)).rejects.toThrow(/app_enter_scope/);
      expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
    } finally {
      await client.end();
      await bare.close();
    }
    // Once closed, it refuses work with a clear error.
    await expect(bare.exec(new Uint8Array([0x53, 0, 0, 0, 4]))).rejects.toThrow(/embedded database stopped/);
  });
});
