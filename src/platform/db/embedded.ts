import { EventEmitter } from 'node:events';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage, ReadyForQueryMessage } from 'pg-protocol/dist/messages.js';
import type { EmbeddedWorker } from './embedded-engine.js';

/**
 * A node-postgres connection to the embedded database in its worker thread (embedded-engine.ts).
 *
 * The connection gathers the protocol messages of a query until its Sync (or Flush) and sends
 * them to the worker in one message; the worker's reply is every message the server answered
 * with, which are handed to node-postgres as if they had come from a socket.
 */
/**
 * The messages in one array of their own, to move to the worker. (Small Buffers share Node's pool
 * of memory, which must not be moved.)
 */
function bytesOf(messages: Buffer[]): Uint8Array {
  let size = 0;
  for (const message of messages) size += message.length;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const message of messages) {
    bytes.set(message, at);
    at += message.length;
  }
  return bytes;
}

/** What outlives each client: the one database session, what it has prepared, and its state. */
interface Session {
  parsedStatements: Record<string, string>;
  /** As the last ReadyForQuery said: idle ('I'), in a transaction ('T') or in a failed one ('E'). */
  status: string;
}

/**
 * A node-postgres Client class whose clients talk to the database in `engine`. Each client gets a
 * connection of its own, but they all share the one session: what one prepared, the next has.
 */
export function embeddedClient(engine: EmbeddedWorker): typeof pg.Client {
  const session: Session = { parsedStatements: {}, status: 'I' };
  return class EmbeddedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connection: new EmbeddedConnection(engine, session) } as pg.ClientConfig);
    }
  };
}

/**
 * What node-postgres's Client expects of its connection, for a database in a worker: the same
 * methods as its socket connection, emitting the same events.
 */
class EmbeddedConnection extends EventEmitter {
  _connecting = false;
  readonly parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string> = {};
  readonly stream = {
    cork: () => {},
    uncork: () => {},
    destroy: () => this.end(),
  };
  private batch: Buffer[] = [];
  /** Replies are handed on in the order their requests were made. */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: EmbeddedWorker,
    private readonly session: Session,
  ) {
    super();
    this.parsedStatements = session.parsedStatements;
  }

  connect(): void {
    this._connecting = true;
    const { session } = this;
    if (session.status !== 'I') {
      // The client before this one was discarded inside a transaction: end it, so that this one
      // starts as a new connection would, outside any.
      const rollback = this.engine.exec(bytesOf([serialize.query('rollback')]));
      this.pending = this.pending.then(
        () => rollback.then(() => void (session.status = 'I')),
        () => {},
      );
    }
    // There is no start-up exchange: the database is open and trusts its only user.
    this.pending = this.pending.then(() => {
      this.emit('readyForQuery', { status: 'I' });
    });
  }

  private add(message: Buffer): void {
    this.batch.push(message);
  }

  /** Sends what has been gathered, and hands on the messages that come back. */
  private send(last: Buffer): void {
    this.batch.push(last);
    const replied = this.engine.exec(bytesOf(this.batch));
    this.batch = [];
    this.pending = this.pending
      .then(() => replied)
      .then(
        (reply) => {
          const parser = new Parser();
          parser.parse(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength), (message) =>
            this.deliver(message),
          );
        },
        (error: unknown) => {
          // The worker has gone: node-postgres fails this client's queries and discards it.
          this.emit('error', error instanceof Error ? error : new Error(String(error)));
        },
      )
      // Whatever a listener throws, later replies must still be handed on.
      .catch(() => {});
  }

  private deliver(message: BackendMessage): void {
    if (message.name === 'readyForQuery') this.session.status = (message as ReadyForQueryMessage).status;
    this.emit(message.name === 'error' ? 'errorMessage' : message.name, message);
  }

  query(text: string): void {
    this.send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.add(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.add(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.add(serialize.execute(config));
  }
  describe(message: Parameters<typeof serialize.describe>[0]): void {
    this.add(serialize.describe(message));
  }
  close(message: Parameters<typeof serialize.close>[0]): void {
    this.add(serialize.close(message));
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sync(): void {
    this.send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.add(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.send(serialize.copyFail(message));
  }

  // The start-up and authentication exchange does not happen with an embedded database.
  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}
  ref(): void {}
  unref(): void {}

  /** Ends this client's use of the session: 'end' once what it sent has been answered. */
  end(): void {
    this.batch = [];
    this.pending = this.pending.then(() => {
      this.emit('end');
    });
  }
}
