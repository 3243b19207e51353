// The embedded database (PGlite), in a thread of its own.
//
// Opening PGlite is a second or so of work on whichever thread runs it; here it runs while the
// main thread loads the web app, and queries afterwards run beside the requests being handled.
// The main thread sends bytes of the PostgreSQL wire protocol and gets the server's reply bytes
// back (see embedded.ts). Requests are answered one at a time, in the order they came.
//
// Plain JavaScript, so that the same file runs from the sources, the tests and the bundle.
import { Blob } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {{ dataDir?: string, dump?: ArrayBuffer }} */
const options = workerData;

// PostgreSQL's default pool of 128 MB of shared buffers is zeroed at every start, which in
// WebAssembly takes about half a second; one session over a modest database needs far less.
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

const opening = options.dump
  ? PGlite.create({ loadDataDir: new Blob([options.dump]), startParams })
  : PGlite.create(options.dataDir, { startParams });
// A failure to open is reported to the first request (always 'open'), not left unhandled.
opening.catch(() => {});

/**
 * @param {{ op: 'open' | 'exec' | 'dump' | 'close', bytes?: Uint8Array }} request
 * @returns {Promise<{ bytes?: Uint8Array, dump?: ArrayBuffer }>}
 */
async function handle(request) {
  const db = await opening;
  switch (request.op) {
    case 'open':
      return {};
    case 'exec':
      return { bytes: await db.execProtocolRaw(request.bytes) };
    case 'dump':
      return { dump: await (await db.dumpDataDir('none')).arrayBuffer() };
    case 'close':
      await db.close();
      return {};
    default:
      throw new Error(`unknown request: ${String(request.op)}`);
  }
}

let queue = Promise.resolve();
parentPort.on('message', (/** @type {{ id: number } & Parameters<typeof handle>[0]} */ request) => {
  queue = queue.then(async () => {
    try {
      const reply = await handle(request);
      const transfer = [reply.bytes?.buffer, reply.dump].filter((buffer) => buffer !== undefined);
      parentPort.postMessage({ id: request.id, ...reply }, transfer);
    } catch (error) {
      const { message, stack } = error instanceof Error ? error : new Error(String(error));
      parentPort.postMessage({ id: request.id, error: { message, stack } });
    }
  });
});
