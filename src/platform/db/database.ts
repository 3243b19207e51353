import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Schema } from './schema.js';
import { acquireLock } from './lock.js';
import { sendWithPreamble } from './pipeline.js';

// Exact values from the database: bigint counts and numeric money stay strings, never floats.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export type Engine = 'embedded' | 'server';

/** An open database: a Kysely instance connected as the owner of the schema, and how to close it. */
export interface Database {
  readonly engine: Engine;
  readonly kysely: Kysely<Schema>;
  /** True when the embedded data folder was created by this open (no database existed before). */
  readonly created: boolean;
  /** A tarball of the embedded database, to restore quickly elsewhere (tests); absent on a server. */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  /** Restore an embedded database from a dump instead of opening a folder (tests). */
  loadDataDir?: Blob | File;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openServer(options.databaseUrl, options.poolSize ?? 10);
  return openEmbedded(options);
}

const PREPARED = Symbol('tandem.prepared');
const MAX_STATEMENTS = 2_000;
const statementNames = new Map<string, string>();

/**
 * The name under which a parameterised statement is prepared on every connection. Prepared
 * statements are planned once per connection instead of at every execution; with row level
 * security policies in every plan, planning costs several times what running the query does.
 */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_STATEMENTS) {
    name = `tandem_${statementNames.size.toString(36)}`;
    statementNames.set(text, name);
  }
  return name;
}

type Client = pg.PoolClient & { [PREPARED]?: true };

/** A pool whose clients prepare every parameterised query they run (see `statementName`). */
function preparingPool(pool: pg.Pool) {
  return {
    async connect(): Promise<pg.PoolClient> {
      const client: Client = await pool.connect();
      if (!client[PREPARED]) {
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        const prepared = async (text: unknown, values?: unknown) => {
          if (typeof text !== 'string') return query(text, values);
          const parameters = Array.isArray(values) ? (values as unknown[]) : [];
          // The first query of a unit of work carries its opening statements (see pipeline.ts).
          const viaPreamble = await sendWithPreamble(client, query, text, parameters, statementName(text));
          if (viaPreamble !== undefined) return viaPreamble;
          const name = parameters.length > 0 ? statementName(text) : undefined;
          return name ? query({ name, text, values: parameters }) : query(text, values);
        };
        client.query = prepared as typeof client.query;
        client[PREPARED] = true;
      }
      return client;
    },
    end: () => pool.end(),
  };
}

async function openServer(connectionString: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return {
    engine: 'server',
    kysely,
    created: false,
    close: () => kysely.destroy(),
  };
}

async function openEmbedded(options: OpenOptions): Promise<Database> {
  let release = () => {};
  let created = false;
  let pglite: PGlite;
  if (options.loadDataDir) {
    pglite = await PGlite.create({ loadDataDir: options.loadDataDir });
  } else if (options.dataDir === undefined || options.dataDir === 'memory://') {
    pglite = await PGlite.create();
    created = true;
  } else {
    const dataDir = path.resolve(options.dataDir);
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    release = acquireLock(`${dataDir}.lock`);
    created = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      pglite = await PGlite.create(dataDir);
    } catch (error) {
      release();
      throw error;
    }
  }
  // PGlite is one session: a pool larger than one interleaves transactions and crashes the driver.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return {
    engine: 'embedded',
    kysely,
    created,
    dump: () => pglite.dumpDataDir('none'),
    async close() {
      await kysely.destroy();
      await pglite.close();
      release();
    },
  };
}
