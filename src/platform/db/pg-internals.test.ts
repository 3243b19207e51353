import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

/**
 * A canary on the parts of node-postgres (pg) and pg-protocol that are not its public interface and
 * that pipeline.ts, pipelined.ts and embedded.ts rely on (README.md in this folder says what each
 * relies on and why). After an upgrade of pg, a failure here names what changed; fix the code that
 * relies on it (or pin pg) before anything else. No database is needed.
 */
const changed = (what: string, user: string) =>
  `pg changed: ${what}. ${user} relies on it (src/platform/db/README.md)`;

/** A connection that records the protocol messages a Client or Query sends, and answers nothing. */
class RecordingConnection extends EventEmitter {
  sent: string[] = [];
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};
  _connecting = false;
  ended = false;
  readonly stream = { cork: () => {}, uncork: () => {}, destroy: () => this.end() };

  connect(): void {
    this._connecting = true;
    setImmediate(() => this.emit('readyForQuery', { status: 'I' }));
  }
  parse(): void {
    this.sent.push('parse');
  }
  bind(): void {
    this.sent.push('bind');
  }
  describe(): void {
    this.sent.push('describe');
  }
  execute(): void {
    this.sent.push('execute');
  }
  sync(): void {
    this.sent.push('sync');
  }
  flush(): void {
    this.sent.push('flush');
  }
  close(): void {
    this.sent.push('close');
  }
  query(): void {
    this.sent.push('query');
  }
  end(): void {
    this.ended = true;
    setImmediate(() => this.emit('end'));
  }
  ref(): void {}
  unref(): void {}
}

interface QueryInternals {
  prepare(connection: unknown): void;
  submit(connection: unknown): Error | null;
  handleCommandComplete(message: unknown, connection: unknown): void;
}
const PgQuery = (pg as unknown as { Query: new (config: object) => QueryInternals }).Query;
type ClientInternals = pg.Client & { connection: unknown; pipeline: boolean };

async function connectedClient(): Promise<{ client: ClientInternals; connection: RecordingConnection }> {
  const connection = new RecordingConnection();
  const client = new pg.Client({ connection } as pg.ClientConfig) as ClientInternals;
  await client.connect();
  return { client, connection };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the node-postgres internals Tandem relies on', () => {
  it('pg exports its Query class, the one Client makes for queries given as text', () => {
    expect(typeof PgQuery, changed('pg.Query is no longer exported', 'pipeline.ts (PreambleQuery)')).toBe(
      'function',
    );
    expect(
      (pg.Client as unknown as { Query: unknown }).Query,
      changed('Client.Query is not pg.Query', 'pipeline.ts'),
    ).toBe(PgQuery);
    for (const method of [
      'prepare',
      'submit',
      'handleCommandComplete',
      'handleError',
      'handleReadyForQuery',
    ]) {
      expect(
        typeof (PgQuery.prototype as unknown as Record<string, unknown>)[method],
        changed(
          `Query.prototype.${method} is gone`,
          'pipeline.ts (PreambleQuery overrides prepare and handleCommandComplete)',
        ),
      ).toBe('function');
    }
  });

  it('an extended query is sent by prepare(): Parse (unless the connection has parsed it), Bind, Describe, Execute, Sync', () => {
    const connection = new RecordingConnection();
    let prepared = 0;
    class Watched extends PgQuery {
      override prepare(on: unknown): void {
        prepared++;
        super.prepare(on);
      }
    }
    const config = { name: 'canary', text: 'select $1::int', values: [1], queryMode: 'extended' };
    expect(new Watched(config).submit(connection)).toBeNull();
    expect(
      prepared,
      changed('submit() no longer calls prepare()', 'pipeline.ts (the preamble goes out in prepare)'),
    ).toBe(1);
    expect(connection.sent, changed('the messages of an extended query', 'pipeline.ts')).toEqual([
      'parse',
      'bind',
      'describe',
      'execute',
      'sync',
    ]);
    // What the connection says it has parsed is not parsed again: the embedded session, shared by
    // its clients, keeps that list (embedded.ts), and markPrepared adds to it (pipeline.ts).
    connection.sent = [];
    connection.parsedStatements.canary = config.text;
    new Watched(config).submit(connection);
    expect(
      connection.sent,
      changed(
        'a query parsed already on the connection (parsedStatements) is parsed again',
        'embedded.ts and pipeline.ts',
      ),
    ).toEqual(['bind', 'describe', 'execute', 'sync']);
  });

  it('a Client takes the connection it is given, and listens to it for the messages by name', async () => {
    const { client, connection } = await connectedClient();
    expect(
      client.connection,
      changed('the Client no longer takes a `connection` option', 'embedded.ts'),
    ).toBe(connection);
    for (const event of [
      'readyForQuery',
      'errorMessage',
      'rowDescription',
      'dataRow',
      'commandComplete',
      'parseComplete',
      'emptyQuery',
      'portalSuspended',
      'copyInResponse',
      'copyData',
      'notice',
      'notification',
      'error',
      'end',
    ]) {
      expect(
        connection.listenerCount(event),
        changed(
          `the Client no longer listens for '${event}' on its connection`,
          'embedded.ts (it emits them)',
        ),
      ).toBeGreaterThan(0);
    }
    await client.end();
    expect(
      connection.ended,
      changed('Client.end() does not end a connection marked _connecting', 'embedded.ts'),
    ).toBe(true);
  });

  it('a named statement that parses is recorded in the connection’s parsedStatements', async () => {
    const { client, connection } = await connectedClient();
    const answered = client.query({ name: 'canary_named', text: 'select 1' });
    await tick();
    connection.emit('parseComplete', { name: 'parseComplete' });
    connection.emit('commandComplete', { text: 'SELECT 0' });
    connection.emit('readyForQuery', { status: 'I' });
    await answered;
    expect(
      connection.parsedStatements.canary_named,
      changed(
        'parsed statements are no longer kept on the connection',
        'embedded.ts (one session, many clients)',
      ),
    ).toBe('select 1');
    await client.end();
  });

  it('an error ends the active query at once: its ReadyForQuery goes to nobody', async () => {
    const { client, connection } = await connectedClient();
    const calls: string[] = [];
    const submittable = {
      submit: (on: RecordingConnection) => on.sync(),
      handleError: () => calls.push('error'),
      handleReadyForQuery: () => calls.push('ready'),
    };
    void client.query(submittable as unknown as pg.QueryConfig);
    await tick();
    connection.emit('errorMessage', Object.assign(new Error('boom'), { name: 'error' }));
    connection.emit('readyForQuery', { status: 'I' });
    expect(
      calls,
      changed('how a submittable hears of an error', 'pipeline.ts (ParseOnly ends on the error)'),
    ).toEqual(['error']);
    await client.end();
  });

  it('in pipeline mode a Client sends every query at once, answers them in order, and takes a Query subclass', async () => {
    const { client, connection } = await connectedClient();
    client.pipeline = true;
    class Subclassed extends PgQuery {}
    const answers = [
      client.query('select 1'),
      client.query({ text: 'select $1::int', values: [2] }),
      new Promise((resolve, reject) => {
        void client.query(
          new Subclassed({
            text: 'select 3',
            queryMode: 'extended',
            callback: (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result)),
          }) as unknown as pg.QueryConfig,
        );
      }),
    ];
    await tick();
    expect(
      connection.sent.filter((message) => message === 'sync' || message === 'query'),
      changed('pipeline mode no longer sends queries before the answers to those ahead', 'pipelined.ts'),
    ).toHaveLength(3);
    for (const command of ['SELECT 1', 'SELECT 2', 'SELECT 3']) {
      connection.emit('commandComplete', { text: command });
      connection.emit('readyForQuery', { status: 'I' });
    }
    const results = (await Promise.all(answers)) as Array<{ command: string; rowCount: number }>;
    expect(
      results.map((result) => result.rowCount),
      changed('pipelined answers are not matched to queries in order', 'pipelined.ts'),
    ).toEqual([1, 2, 3]);
    await client.end();
  });

  it('with a read timeout, a submittable’s `callback` (set by the Client) is what stops its timer', async () => {
    const connection = new RecordingConnection();
    const client = new pg.Client({ connection, query_timeout: 50 } as pg.ClientConfig) as ClientInternals;
    await client.connect();
    const submittable: {
      submit(on: RecordingConnection): void;
      handleReadyForQuery(): void;
      callback?: (error: Error | null) => void;
    } = {
      submit: (on) => on.sync(),
      handleReadyForQuery: () => submittable.callback?.(null),
    };
    void client.query(submittable as unknown as pg.QueryConfig);
    expect(
      typeof submittable.callback,
      changed(
        'the read timeout no longer wraps a submittable’s callback',
        'pipeline.ts (ParseOnly calls it)',
      ),
    ).toBe('function');
    await tick();
    connection.emit('readyForQuery', { status: 'I' });
    client.pipeline = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      connection.ended,
      changed('calling the callback no longer stops the read timer', 'pipeline.ts'),
    ).toBe(false);
    await client.end();
    expect(
      (client as unknown as { _ended: boolean })._ended,
      changed('an ended Client no longer says so in _ended', 'pipelined.ts (gone)'),
    ).toBe(true);
  });

  it('a socket connection’s stream can be corked and uncorked', () => {
    const { connection } = new pg.Client() as unknown as {
      connection: { stream: { cork?: unknown; uncork?: unknown } };
    };
    expect(typeof connection.stream.cork, changed('Connection.stream cannot be corked', 'pipelined.ts')).toBe(
      'function',
    );
    expect(
      typeof connection.stream.uncork,
      changed('Connection.stream cannot be uncorked', 'pipelined.ts'),
    ).toBe('function');
  });

  it('pg-protocol: the parser embedded.ts imports names messages as the Client listens for them', () => {
    const message = (code: string, body: Buffer) => {
      const header = Buffer.alloc(5);
      header.write(code, 0, 'latin1');
      header.writeInt32BE(body.length + 4, 1);
      return Buffer.concat([header, body]);
    };
    const bytes = Buffer.concat([
      message('1', Buffer.alloc(0)),
      message('C', Buffer.from('SELECT 1\0')),
      message('E', Buffer.from('SERROR\0C22012\0Mdivision by zero\0\0')),
      message('Z', Buffer.from('I')),
    ]);
    const names: string[] = [];
    new Parser().parse(bytes, (parsed: BackendMessage) => names.push(parsed.name));
    expect(names, changed('pg-protocol names backend messages differently', 'embedded.ts')).toEqual([
      'parseComplete',
      'commandComplete',
      'error',
      'readyForQuery',
    ]);
    for (const name of [
      'query',
      'parse',
      'bind',
      'execute',
      'describe',
      'close',
      'flush',
      'sync',
      'copyData',
      'copyDone',
      'copyFail',
    ]) {
      expect(
        typeof (serialize as unknown as Record<string, unknown>)[name],
        changed(`pg-protocol's serialize.${name} is gone`, 'embedded.ts'),
      ).toBe('function');
    }
  });

  it('pg uses the same pg-protocol that embedded.ts imports', () => {
    const here = createRequire(import.meta.url);
    const pgsOwn = createRequire(here.resolve('pg')).resolve('pg-protocol');
    expect(
      pgsOwn,
      changed("pg's pg-protocol is not the one in package.json: keep them at one version", 'embedded.ts'),
    ).toBe(here.resolve('pg-protocol'));
  });
});
