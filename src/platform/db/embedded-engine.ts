import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromRoot } from '../paths.js';
import { acquireLock } from './lock.js';

/**
 * The embedded database (PGlite), run in a worker thread (embedded-worker.mjs), as the main thread
 * sees it: protocol bytes in, reply bytes out, and the lock on its folder. The node-postgres
 * connection that speaks through it is in embedded.ts.
 */
interface Reply {
  id: number;
  bytes?: Uint8Array;
  dump?: ArrayBuffer;
  error?: { message: string; stack?: string };
}

type Request = { op: 'open' | 'dump' | 'close' } | { op: 'exec'; bytes: Uint8Array };

export class EmbeddedWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private nextId = 1;
  private failure: Error | undefined;

  private constructor(options: { dataDir?: string; dump?: ArrayBuffer }) {
    this.worker = new Worker(fromRoot('src', 'platform', 'db', 'embedded-worker.mjs'), {
      workerData: options,
      transferList: options.dump ? [options.dump] : [],
    });
    this.worker.on('message', (reply: Reply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if (reply.error) {
        const error = new Error(reply.error.message);
        if (reply.error.stack) error.stack = reply.error.stack;
        waiting.reject(error);
      } else waiting.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      // The first failure is the cause (a database that would not open, say); later ones follow from it.
      for (const waiting of this.waiting.values()) waiting.reject(this.failure);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the embedded database stopped (exit code ${code})`)));
  }

  /**
   * Starts the worker, which opens the database (a folder, a dump, or in memory). Requests can be
   * sent at once: they wait in the worker until it is open. `opened` settles when it is; if it
   * fails, the worker has been stopped and every request fails with the same error.
   */
  static start(options: { dataDir?: string; dump?: ArrayBuffer }): {
    engine: EmbeddedWorker;
    opened: Promise<void>;
  } {
    const engine = new EmbeddedWorker(options);
    const opened = engine.request({ op: 'open' }).then(
      () => {},
      async (error: unknown) => {
        engine.failure ??= error instanceof Error ? error : new Error(String(error));
        await engine.worker.terminate();
        throw error;
      },
    );
    return { engine, opened };
  }

  private request(request: Request): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(
        { id, ...request },
        request.op === 'exec' ? [request.bytes.buffer as ArrayBuffer] : [],
      );
    });
  }

  /** Sends protocol messages; resolves with the server's reply messages, as bytes. */
  async exec(bytes: Uint8Array): Promise<Uint8Array> {
    return (await this.request({ op: 'exec', bytes })).bytes ?? new Uint8Array(0);
  }

  async dump(): Promise<Blob> {
    const reply = await this.request({ op: 'dump' });
    return new Blob([reply.dump ?? new ArrayBuffer(0)], { type: 'application/x-gzip' });
  }

  async close(): Promise<void> {
    try {
      await this.request({ op: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }
}

/** An embedded database being opened (see `startOpening` in database.ts). */
export interface EmbeddedOpening {
  engine: EmbeddedWorker;
  /** Settles once the database is open; if it cannot be, the engine has stopped (the lock is kept). */
  opened: Promise<void>;
  /** True when there was no database in the folder before. */
  created: boolean;
  /** Gives up the folder's lock. */
  readonly release: () => void;
}

/**
 * Starts the embedded engine on a folder (taking its lock first, since two processes writing one
 * folder corrupt it), on a dump, or in memory.
 */
export async function startEmbedded(options: {
  dataDir?: string | undefined;
  loadDataDir?: Blob | undefined;
}): Promise<EmbeddedOpening> {
  if (options.loadDataDir) {
    const started = EmbeddedWorker.start({ dump: await options.loadDataDir.arrayBuffer() });
    return { ...started, created: false, release: () => {} };
  }
  if (options.dataDir === undefined || options.dataDir === 'memory://') {
    return { ...EmbeddedWorker.start({}), created: true, release: () => {} };
  }
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const release = acquireLock(`${dataDir}.lock`);
  try {
    const created = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
    fs.mkdirSync(dataDir, { recursive: true });
    return { ...EmbeddedWorker.start({ dataDir }), created, release };
  } catch (error) {
    release();
    throw error;
  }
}
