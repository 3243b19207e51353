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

/**
 * The statements every connection prepares once, before its first unit of work: those that open
 * one, ahead of its first query, and the COMMIT that may follow its last (`commitWithNext`).
 */
export const PREAMBLE_STATEMENTS: Record<string, string> = {
  tandem_begin: 'begin',
  tandem_enter_scope: 'call app_enter_scope($1, $2, $3)',
  tandem_commit: 'commit',
};

/** What a unit of work has still to send ahead of its first query, carried across its awaits. */
export interface PendingScope {
  preamble: Preamble[];
  /** True once the preamble has gone out with a query. */
  sent: boolean;
  /** A single-statement unit of work refuses a second query. */
  single: boolean;
  /** The next query is the unit of work's last: COMMIT goes with it, in the same message batch. */
  commitWithNext?: boolean;
  /** True once a query has gone out, and succeeded, with the COMMIT: nothing may follow it. */
  committed?: boolean;
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

/**
 * A query that binds and executes its preamble first and its postamble after, in the same message
 * batch: one Sync for them all, so PostgreSQL runs them back to back and stops at the first error.
 */
class PreambleQuery extends PgQuery {
  private skip: number;
  private completed = false;

  constructor(
    config: {
      name?: string | undefined;
      text: string;
      values: unknown[];
      queryMode: 'extended';
      callback: (error: Error | null, result: unknown) => void;
    },
    private readonly preamble: Preamble[],
    private readonly postamble: Preamble[] = [],
  ) {
    super(config);
    this.skip = preamble.length;
  }

  override prepare(connection: Connection): void {
    for (const statement of this.preamble) executeBound(connection, statement);
    if (this.postamble.length > 0) {
      // The query's own messages end with its Sync; the postamble goes just ahead of it.
      const hadOwn = Object.prototype.hasOwnProperty.call(connection, 'sync');
      const sync = connection.sync.bind(connection);
      connection.sync = () => {
        if (hadOwn) connection.sync = sync;
        else delete (connection as Partial<Connection>).sync;
        for (const statement of this.postamble) executeBound(connection, statement);
        sync();
      };
    }
    super.prepare(connection);
  }

  // The preamble's statements complete first, the postamble's last; only the query's own
  // completion is its result.
  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    if (this.completed) return;
    this.completed = true;
    super.handleCommandComplete(message, connection);
  }
}

function executeBound(connection: Connection, statement: Preamble): void {
  connection.bind({ statement: statement.name, values: statement.values });
  connection.execute({});
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
    for (const [name, text] of Object.entries(PREAMBLE_STATEMENTS))
      if (connection.parsedStatements[name] === undefined) connection.parse({ name, text });
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
  // After COMMIT the connection is out of the transaction and its scope: nothing may run there.
  if (pending.committed) throw new Error('a statement after its unit of work committed');
  const commit = pending.commitWithNext === true;
  if (pending.sent && !commit) {
    if (pending.single) throw new Error('a single-statement unit of work ran a second statement');
    return undefined;
  }
  await markPrepared(client);
  const preamble = pending.sent ? [] : pending.preamble;
  const postamble: Preamble[] = commit ? [{ name: 'tandem_commit', values: [] }] : [];
  pending.sent = true;
  pending.commitWithNext = false;
  return new Promise((resolve, reject) => {
    const callback = (error: Error | null, result: unknown) => {
      if (error) return reject(error);
      if (commit) pending.committed = true;
      resolve(result);
    };
    void query(
      new PreambleQuery({ name, text, values, queryMode: 'extended', callback }, preamble, postamble),
    );
  });
}
