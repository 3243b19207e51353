import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { embeddedClient } from './embedded.js';
import { startEmbedded } from './embedded-engine.js';
import type { Schema } from './schema.js';
import { sendWithPreamble } from './pipeline.js';
import { pipelinedPool } from './pipelined.js';

// Exact values from the database: bigint counts and numeric money stay strings, never floats.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export type Engine = 'embedded' | 'server';

/**
 * An open database: the application's connections, and how to close them. Every unit of work on
 * them runs as tandem_app (unit-of-work.ts), whoever they connect as: on a server the role in
 * DATABASE_URL (in production a login role that is only a member of tandem_app, see roles.ts); on
 * the embedded engine the superuser postgres, which is also the owner of the schema.
 */
export interface Database {
  readonly engine: Engine;
  readonly kysely: Kysely<Schema>;
  /**
   * Where single-statement reads go (`readInScope`): on a server, a few connections that many
   * requests share at once (see pipelined.ts), unless there are none (`pipelines: 0`); otherwise,
   * and on the embedded engine, the same as `kysely`.
   */
  readonly reads: Kysely<Schema>;
  /**
   * Runs `work` on one connection as the owner of the schema, for migrations: on a server the
   * migration connection (`migrationUrl`), opened for the work and closed after, or the
   * application's own when there is none apart; on the embedded engine its one session.
   */
  asOwner<T>(work: (owner: Kysely<Schema>) => Promise<T>): Promise<T>;
  /** True when the embedded data folder was created by this open (no database existed before). */
  readonly created: boolean;
  /** A tarball of the embedded database, to restore quickly elsewhere (tests); absent on a server. */
  dump?: () => Promise<Blob>;
  /**
   * Hears `channel`'s notifications from every session of the database (`pg_notify`), calling
   * `heard` with each payload, and `state` with whether they can be heard: false when the
   * connection is lost (it is retried), true once listening again. Returns how to stop.
   * The embedded engine is one process's alone (the folder's lock), so there is nobody else to
   * hear: it reports itself listening at once.
   */
  listen(channel: string, handlers: ListenHandlers): () => Promise<void>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  heard(payload: string): void;
  state(listening: boolean): void;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** The owner of the schema on that server, for migrations; `databaseUrl` when not given. */
  migrationUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  /**
   * Server connections shared by single-statement reads (see pipelined.ts); 1 unless given. With 0
   * there are none: those reads take a connection from the pool like any unit of work.
   */
  pipelines?: number;
  /** Restore an embedded database from a dump instead of opening a folder (tests). */
  loadDataDir?: Blob | File;
}

/**
 * A database being opened: its handle, usable at once, and `opened`, which settles once it is open.
 * Queries sent before then wait. What needs only the handle (building the web app) can be done
 * meanwhile: the embedded engine takes about a second to open. If opening fails, `opened` rejects
 * and the handle has been closed.
 */
export interface Opening {
  db: Database;
  opened: Promise<void>;
}

export async function startOpening(options: OpenOptions): Promise<Opening> {
  if (options.databaseUrl) {
    // A server's connections are made when first needed.
    const db = openServer({
      connectionString: options.databaseUrl,
      migrationUrl: options.migrationUrl || options.databaseUrl,
      max: options.poolSize ?? 10,
      pipelines: options.pipelines ?? 1,
    });
    return { db, opened: Promise.resolve() };
  }
  return openEmbedded(options);
}

/** Opens the database, resolving once it can be used. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const { db, opened } = await startOpening(options);
  await opened;
  return db;
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
function preparingPool(pool: { connect(): Promise<pg.PoolClient>; end(): Promise<void> }) {
  return {
    async connect(): Promise<pg.PoolClient> {
      const client: Client = await pool.connect();
      if (!client[PREPARED]) {
        // A connection lost while a client is checked out fails that client's queries; without a
        // listener, node-postgres would also raise it as an uncaught error and stop the process.
        // The pool discards a client in that state when it is released.
        client.on('error', () => {});
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

function openServer(options: {
  connectionString: string;
  migrationUrl: string;
  max: number;
  pipelines: number;
}): Database {
  const { connectionString, migrationUrl, max, pipelines } = options;
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  const reads =
    pipelines > 0
      ? new Kysely<Schema>({
          dialect: new PostgresDialect({
            pool: preparingPool(pipelinedPool(connectionString, pipelines)),
          }),
        })
      : kysely;
  return {
    engine: 'server',
    kysely,
    reads,
    created: false,
    asOwner: (work) =>
      migrationUrl === connectionString
        ? kysely.connection().execute(work)
        : onConnectionOf(migrationUrl, work),
    listen: (channel, handlers) => listenOnServer(connectionString, channel, handlers),
    async close() {
      await Promise.all([kysely.destroy(), ...(reads === kysely ? [] : [reads.destroy()])]);
    },
  };
}

/** Runs `work` on a connection of its own to `connectionString`, closed afterwards. */
async function onConnectionOf<T>(
  connectionString: string,
  work: (connection: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  const pool = new pg.Pool({ connectionString, max: 1, application_name: 'tandem migrate' });
  pool.on('error', () => {});
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    return await kysely.connection().execute(work);
  } finally {
    await kysely.destroy();
  }
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** How often the listening connection proves it is alive, and how long an answer may take. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;

/**
 * A connection of its own that LISTENs, reconnecting (after 0.5 s, then up to 30 s) when lost.
 * A connection can die without a word (a network partition, a failover), so it is asked a
 * question every few seconds; no timely answer counts as lost.
 */
function listenOnServer(connectionString: string, channel: string, handlers: ListenHandlers) {
  if (!CHANNEL.test(channel)) throw new TypeError(`not a channel name: ${channel}`);
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let delay = 500;
  const beat = (attempt: pg.Client) => {
    const late = setTimeout(() => {
      if (client === attempt) lost();
    }, HEARTBEAT_TIMEOUT_MS);
    attempt.query('select 1').then(
      () => clearTimeout(late),
      () => {
        clearTimeout(late);
        if (client === attempt) lost();
      },
    );
  };
  const lost = () => {
    if (!client) return;
    clearInterval(heartbeat);
    const gone = client;
    client = undefined;
    gone.removeAllListeners();
    gone.on('error', () => {});
    void gone.end().catch(() => {});
    handlers.state(false);
    if (!stopped) retry = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30_000);
  };
  const connect = () => {
    retry = undefined;
    const attempt = new pg.Client({
      connectionString,
      application_name: 'tandem listen',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client = attempt;
    attempt.on('error', lost);
    attempt.on('end', lost);
    attempt.on('notification', (message) => {
      if (message.channel === channel) handlers.heard(message.payload ?? '');
    });
    attempt
      .connect()
      .then(() => attempt.query(`listen ${channel}`))
      .then(
        () => {
          if (client !== attempt) return;
          delay = 500;
          heartbeat = setInterval(() => beat(attempt), HEARTBEAT_MS);
          heartbeat.unref();
          handlers.state(true);
        },
        () => {
          if (client === attempt) lost();
        },
      );
  };
  handlers.state(false);
  connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    clearInterval(heartbeat);
    const last = client;
    client = undefined;
    if (last) {
      last.removeAllListeners();
      last.on('error', () => {});
      await last.end().catch(() => {});
    }
  };
}

async function openEmbedded(options: OpenOptions): Promise<Opening> {
  const { engine, opened, created, release } = await startEmbedded(options);
  // The embedded database is one session: a pool larger than one would interleave transactions.
  // Its one client is kept however long it is idle (the session, and what it has prepared, lives on).
  const pool = new pg.Pool({ Client: embeddedClient(engine), max: 1, idleTimeoutMillis: 0 });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  const db: Database = {
    engine: 'embedded',
    kysely,
    reads: kysely,
    created,
    asOwner: (work) => kysely.connection().execute(work),
    dump: () => engine.dump(),
    listen(_channel, handlers) {
      handlers.state(true);
      return async () => {};
    },
    async close() {
      try {
        await kysely.destroy();
        await engine.close();
      } finally {
        release();
      }
    },
  };
  return {
    db,
    opened: opened.catch(async (error: unknown) => {
      await db.close().catch(() => {});
      throw error;
    }),
  };
}
