import { once } from 'node:events';
import { sql, type CompiledQuery } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Engine, Tx } from '../../platform/db/index.js';

/** One row of an import file, checked on its own, waiting in the staging table. */
export interface StagedUsage {
  at: number;
  key: string;
  orgCode: string;
  offeringCode: string;
  quantity: bigint;
  occurredAt: Date;
  note: string | null;
}

/** Where an import's rows wait, in its transaction, until they are checked and moved together. */
export interface Staging {
  add(row: StagedUsage): Promise<void>;
  /** Sends what is left; the table `usage_staging` then holds every row added. */
  finish(): Promise<void>;
}

const COLUMNS = 'at, key, org_code, offering_code, quantity, occurred_at, note';

/** Creates the staging table (dropped at commit) and a writer that fills it as the engine allows. */
export async function openStaging(tx: Tx, engine: Engine): Promise<Staging> {
  await sql`
    create temporary table usage_staging (
      at integer not null, key text not null, org_code text not null, offering_code text not null,
      quantity bigint not null, occurred_at timestamptz not null, note text
    ) on commit drop`.execute(tx);
  return engine === 'server' ? copyStaging(tx) : batchedStaging(tx);
}

/**
 * The embedded engine: batched `insert … select from unnest(…)`. (COPY FROM STDIN through its
 * node-postgres connection stops the engine; see STACK.md.)
 */
function batchedStaging(tx: Tx): Staging {
  const BATCH = 5_000;
  let rows: StagedUsage[] = [];
  const flush = async () => {
    if (!rows.length) return;
    const batch = rows;
    rows = [];
    const column = <T>(pick: (row: StagedUsage) => T) => batch.map(pick);
    await sql`
      insert into usage_staging (${sql.raw(COLUMNS)})
      select * from unnest(${column((r) => r.at)}::int[], ${column((r) => r.key)}::text[],
                           ${column((r) => r.orgCode)}::text[], ${column((r) => r.offeringCode)}::text[],
                           ${column((r) => r.quantity)}::bigint[],
                           ${column((r) => r.occurredAt.toISOString())}::timestamptz[],
                           ${column((r) => r.note)}::text[])`.execute(tx);
  };
  return {
    async add(row) {
      rows.push(row);
      if (rows.length >= BATCH) await flush();
    },
    finish: flush,
  };
}

/** A field in COPY's text format. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/**
 * A server: COPY FROM STDIN, streamed while the file is read, so that PostgreSQL stores rows on one
 * core while this process parses the next on the other.
 *
 * The unit of work's connection is reached through Kysely's `executeQuery`, whose PostgreSQL driver
 * hands the statement to node-postgres's `client.query` as it is: given the COPY stream (a
 * "submittable") instead of text, node-postgres queues it on the same connection, inside the same
 * transaction, and returns at once; the rows are then written into the stream. The table was
 * created by an earlier statement, so the transaction has begun before the COPY is sent.
 */
function copyStaging(tx: Tx): Staging {
  const stream = copyFrom(`copy usage_staging (${COLUMNS}) from stdin`);
  // The stream's failure, once there is one: checked after every wait, since it may come during one.
  const state: { failure?: Error } = {};
  stream.on('error', (error: Error) => {
    state.failure = error;
  });
  const rethrow = (): void => {
    if (state.failure) throw state.failure;
  };
  const submitted = tx.executeQuery({
    sql: stream as unknown as string,
    parameters: [],
    query: { kind: 'RawNode', sqlFragments: [], parameters: [] },
    queryId: { queryId: 'usage-staging-copy' },
  } as unknown as CompiledQuery);
  let chunk = '';
  const send = async () => {
    rethrow();
    const text = chunk;
    chunk = '';
    if (!stream.write(text)) await once(stream, 'drain');
    rethrow();
  };
  return {
    async add(row) {
      chunk += `${row.at}\t${copyField(row.key)}\t${copyField(row.orgCode)}\t${copyField(row.offeringCode)}\t${row.quantity}\t${row.occurredAt.toISOString()}\t${copyField(row.note)}\n`;
      if (chunk.length >= 65_536) await send();
    },
    async finish() {
      await submitted;
      if (chunk) await send();
      const finished = once(stream, 'finish');
      stream.end();
      await finished;
      rethrow();
    },
  };
}
