import pg from 'pg';
import { markPrepared } from './pipeline.js';

/**
 * Connections shared by many requests at once, for reads that are one statement each.
 *
 * A pooled connection carries one unit of work at a time, and each costs its own writes and reads
 * on the socket; on this kind of machine those system calls, not PostgreSQL, bound how many
 * requests a second a server answers. In PostgreSQL's pipeline mode a connection takes the next
 * statement before the last one's answer is back, and answers them in order. The statements
 * issued in one turn of the event loop leave in one write, and their answers mostly arrive in one
 * read. Each statement ends with its own Sync, so each is its own implicit transaction: the scope
 * set ahead of it (see pipeline.ts) ends with it, and an error in one leaves the others alone.
 *
 * Only `readInScope` sends work here: a single statement, no transaction to hold open. A slow
 * statement holds up those queued behind it on its connection, so these are for quick reads.
 */
export interface PipelinedPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

type Shared = pg.Client & { release(): void };

/** The longest a shared read may take, unless told otherwise. */
const READ_TIMEOUT_MS = 30_000;

/** Holds the socket's writes until the event loop has run everything that is ready now. */
function writeOncePerTurn(client: pg.Client): void {
  const stream = (client as unknown as { connection: { stream: NodeJS.WritableStream & Corkable } })
    .connection.stream;
  let corked = false;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      stream.cork();
      setImmediate(() => {
        corked = false;
        stream.uncork();
      });
    }
    return query(...args);
  }) as typeof client.query;
}

function gone(client: Shared): boolean {
  const internals = client as unknown as {
    _ending: boolean;
    _ended: boolean;
    connection: { stream: { destroyed: boolean } };
  };
  return internals._ending || internals._ended || internals.connection.stream.destroyed;
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

export function pipelinedPool(
  connectionString: string,
  size: number,
  readTimeoutMs = READ_TIMEOUT_MS,
): PipelinedPool {
  const slots: Array<Promise<Shared> | undefined> = new Array<Promise<Shared> | undefined>(size);
  // The clients once open, to see at once that one has gone: its socket is destroyed (by a read
  // that timed out) before the client hears of it and says so.
  const opened: Array<Shared | undefined> = new Array<Shared | undefined>(size);
  let next = 0;
  let ended = false;

  const open = (slot: number): Promise<Shared> => {
    const client = new pg.Client({
      connectionString,
      application_name: 'tandem reads',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      // A read that has not answered in this time fails, and with it the connection, so that those
      // queued behind it fail rather than wait for ever, and the next request opens a new one.
      query_timeout: readTimeoutMs,
      statement_timeout: readTimeoutMs,
    }) as Shared;
    const opening = (async () => {
      const forget = () => {
        if (slots[slot] === opening) slots[slot] = undefined;
      };
      // A lost connection fails the statements on it; the next request opens a new one.
      client.on('error', forget);
      client.on('end', forget);
      await client.connect();
      try {
        // The scope statements are parsed before the connection starts pipelining.
        await markPrepared(client);
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      (client as unknown as { pipeline: boolean }).pipeline = true;
      client.release = () => {};
      writeOncePerTurn(client);
      opened[slot] = client;
      return client;
    })();
    opening.catch(() => {
      if (slots[slot] === opening) slots[slot] = undefined;
    });
    return opening;
  };

  return {
    connect() {
      if (ended) return Promise.reject(new Error('the database has been closed'));
      const slot = next;
      next = (next + 1) % size;
      if (opened[slot] !== undefined && gone(opened[slot])) {
        opened[slot] = undefined;
        slots[slot] = undefined;
      }
      const client = slots[slot] ?? open(slot);
      slots[slot] = client;
      return client;
    },
    async end() {
      ended = true;
      const opened = slots.filter((slot) => slot !== undefined);
      for (let slot = 0; slot < size; slot++) slots[slot] = undefined;
      await Promise.all(
        opened.map(async (opening) => {
          const client = await opening.catch(() => undefined);
          await client?.end().catch(() => {});
        }),
      );
    },
  };
}
