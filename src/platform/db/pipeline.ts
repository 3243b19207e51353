import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * Sending a unit of work's opening statements in the same round trip as its first query.
 *
 * On this kind of machine every round trip to PostgreSQL costs far more than the statements
 * themselves, and a unit of work used to spend three on ceremony (BEGIN and the scope; COMMIT)
 * around a single query. PostgreSQL's extended protocol lets a client send several statements
 * before one Sync, and runs them in order in one transaction; node-postgres does not expose that,
 * so the few protocol messages involved are sent here, on its own connection object.
 */

/** A prepared statement bound and executed ahead of a query; it must return no rows. */
export interface Preamble {
  name: string;
  values: Array<string | null>;
}

/** The statements every connection prepares once, before its first unit of work. */
export const PREAMBLE_STATEMENTS: Record<string, string> = {
  tandem_begin: 'begin',
  tandem_enter_scope: 'call app_enter_scope($1, $2, $3)',
};

/** What a unit of work has still to send ahead of its first query, carried across its awaits. */
export interface PendingScope {
  preamble: Preamble[];
  /** True once the preamble has gone out with a query. */
  sent: boolean;
  /** A single-statement unit of work refuses a second query. */
  single: boolean;
}

export const pendingScope = new AsyncLocalStorage<PendingScope>();

// The pieces of node-postgres used here are not in its type definitions.
interface Connection {
  parse(config: { name: string; text: string }): void;
  bind(config: { statement: string; values: Array<string | null> }): void;
  execute(config: Record<string, never>): void;
  sync(): void;
  parsedStatements: Record<string, string>;
}

interface QueryInstance {
  prepare(connection: Connection): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
}

const PgQuery = (pg as unknown as { Query: new (config: object) => QueryInstance }).Query;

/** A query that binds and executes its preamble first, in the same message batch. */
class PreambleQuery extends PgQuery {
  private skip: number;

  constructor(
    config: {
      name?: string | undefined;
      text: string;
      values: unknown[];
      queryMode: 'extended';
      callback: (error: Error | null, result: unknown) => void;
    },
    private readonly preamble: Preamble[],
  ) {
    super(config);
    this.skip = preamble.length;
  }

  override prepare(connection: Connection): void {
    for (const statement of this.preamble) {
      connection.bind({ statement: statement.name, values: statement.values });
      connection.execute({});
    }
    super.prepare(connection);
  }

  // The preamble's statements complete first; only the query's own completion is its result.
  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}

/**
 * Parses the preamble statements on a connection, without running them. On an error the client
 * forgets this query before the server's ReadyForQuery, so the error itself must end it.
 *
 * node-postgres puts its own `callback` on a submitted query when the connection has a read
 * timeout, and only that callback stops the timer: if it is never called, the timer fires long
 * after the work is done and, on a pipelined connection, destroys the connection and whatever
 * reads are queued on it. So the end, either way, goes through `callback` when there is one.
 */
class ParseOnly extends EventEmitter {
  callback?: (error: Error | null, result?: unknown) => void;

  constructor(private readonly settle: (error: Error | undefined) => void) {
    super();
  }

  private done(error: Error | undefined): void {
    this.callback?.(error ?? null);
    this.settle(error);
  }

  submit(connection: Connection): void {
    for (const [name, text] of Object.entries(PREAMBLE_STATEMENTS)) connection.parse({ name, text });
    connection.sync();
  }

  handleError(error: Error): void {
    this.done(error);
  }

  handleReadyForQuery(connection: Connection): void {
    Object.assign(connection.parsedStatements, PREAMBLE_STATEMENTS);
    this.done(undefined);
  }
}

type RawQuery = (...args: unknown[]) => Promise<unknown>;

/**
 * Makes sure the session behind `client` has the preamble statements parsed. What a session has
 * parsed is kept on its connection, not the client: on the embedded engine one session outlives
 * the clients that use it, and parsing a statement it already has would fail.
 */
export async function markPrepared(client: pg.ClientBase): Promise<void> {
  const { connection } = client as unknown as { connection: Connection };
  if (Object.keys(PREAMBLE_STATEMENTS).every((name) => connection.parsedStatements[name] !== undefined))
    return;
  await new Promise<void>((resolve, reject) => {
    (client.query as unknown as (submittable: ParseOnly) => void)(
      new ParseOnly((error) => (error ? reject(error) : resolve())),
    );
  });
}

/**
 * Sends `text` through `client`, with the current unit of work's preamble ahead of it if it has
 * not gone out yet. Returns undefined when there is no preamble to send, for the caller's usual path.
 */
export async function sendWithPreamble(
  client: pg.PoolClient,
  query: RawQuery,
  text: string,
  values: unknown[],
  name: string | undefined,
): Promise<unknown> {
  const pending = pendingScope.getStore();
  if (!pending) return undefined;
  if (pending.sent) {
    if (pending.single) throw new Error('a single-statement unit of work ran a second statement');
    return undefined;
  }
  await markPrepared(client);
  pending.sent = true;
  return new Promise((resolve, reject) => {
    const callback = (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result));
    void query(new PreambleQuery({ name, text, values, queryMode: 'extended', callback }, pending.preamble));
  });
}
