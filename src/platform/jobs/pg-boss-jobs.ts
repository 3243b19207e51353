import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database } from '../db/index.js';
import { BOSS_SCHEMA, BossDatabase, inTransaction, type BossDb } from './boss-database.js';
import { QUEUE_NAME, type JobHandler, type Jobs, type SendOptions, type WorkOptions } from './jobs.js';

export interface JobsOptions {
  /** How often each queue worked here is asked for jobs, in seconds (at least 0.5); 2 unless given. */
  pollingIntervalSeconds?: number;
  /** How often scheduled jobs are looked for, in seconds (1–45); 30 unless given. */
  cronMonitorIntervalSeconds?: number;
  /** How often jobs from schedules are handed to their queues, in seconds (1–45); 5 unless given. */
  cronWorkerIntervalSeconds?: number;
  /** How long `stop` lets handlers in hand finish before failing them (so they are retried). */
  stopTimeoutMs?: number;
  /** Where failures met in the background go (a poll that could not reach the database, say). */
  onError?: (error: unknown) => void;
}

/** Cron schedules read as the time in the UK, where Tandem's services are delivered. */
const SCHEDULE_ZONE = 'Europe/London';

function assertQueueName(name: string): void {
  if (!QUEUE_NAME.test(name)) throw new TypeError(`not a job queue name: ${JSON.stringify(name)}`);
}

function assertCount(value: number | undefined, what: string, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new TypeError(`${what} must be a whole number from ${min}; it is ${String(value)}`);
  }
}

/**
 * Jobs on pg-boss 10, on either engine, through the application's database handle (see
 * boss-database.ts). pg-boss's tables are made by migration 0012; it is started with `migrate: false`
 * and refuses to start if they are not the version it expects.
 *
 * Queues are created on first use, by the database's owner (`app_create_job_queue`). Every queue has
 * pg-boss's `short` policy, which gives `singletonKey` its meaning here: at most one waiting job per
 * key. A job sent without a key gets one of its own, so it is never held back.
 */
class PgBossJobs implements Jobs {
  private readonly boss: PgBoss;
  private readonly database: BossDatabase;
  /** Queues made (or being made) outside any caller's transaction, so for good. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Set-up asked for before `start`: queues and schedules first, then workers once pg-boss runs. */
  private readonly beforeStart: Array<() => Promise<void>> = [];
  private readonly afterStart: Array<() => Promise<void>> = [];
  private state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    db: Database,
    private readonly options: JobsOptions,
  ) {
    const report =
      options.onError ??
      ((error: unknown) => process.stderr.write(`jobs: ${(error as Error)?.message ?? String(error)}\n`));
    this.database = new BossDatabase(db, report);
    this.boss = new PgBoss({
      db: this.database,
      schema: BOSS_SCHEMA,
      migrate: false,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
      cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
      cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds ?? 5,
    });
    this.boss.on('error', report);
  }

  private ensureQueue(name: string, db: BossDb, lasting: boolean): Promise<void> {
    const known = this.queues.get(name);
    if (known) return known;
    const made = db.executeSql('select app_create_job_queue($1)', [name]).then(() => {});
    // Made inside a caller's transaction, it exists only if that commits: ask again next time.
    if (!lasting) return made;
    // Asked for twice at once, it is made once; a failure is forgotten, to be tried again.
    this.queues.set(name, made);
    made.catch(() => this.queues.delete(name));
    return made;
  }

  async send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    assertQueueName(name);
    assertCount(options.retryLimit, 'retryLimit', 0);
    assertCount(options.retryDelaySeconds, 'retryDelaySeconds', 0);
    assertCount(options.expireInSeconds, 'expireInSeconds', 1);
    if (options.startAfter && Number.isNaN(options.startAfter.getTime())) {
      throw new TypeError('startAfter is not a valid date');
    }
    const db = options.tx ? inTransaction(options.tx) : this.database;
    await this.ensureQueue(name, db, !options.tx);
    return this.boss.send(name, data, {
      db: db,
      singletonKey: options.singletonKey ?? randomUUID(),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.retryLimit !== undefined ? { retryLimit: options.retryLimit } : {}),
      ...(options.retryDelaySeconds !== undefined ? { retryDelay: options.retryDelaySeconds } : {}),
      ...(options.retryBackoff !== undefined ? { retryBackoff: options.retryBackoff } : {}),
      ...(options.expireInSeconds !== undefined ? { expireInSeconds: options.expireInSeconds } : {}),
    });
  }

  async work<T extends object>(
    name: string,
    handler: JobHandler<T>,
    options: WorkOptions = {},
  ): Promise<void> {
    assertQueueName(name);
    assertCount(options.batchSize, 'batchSize', 1);
    const queue = () => this.ensureQueue(name, this.database, true);
    const worker = async () => {
      await this.boss.work<T>(
        name,
        {
          batchSize: options.batchSize ?? 1,
          pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2,
        },
        (jobs) => this.database.track(handler(jobs.map(({ id, name, data }) => ({ id, name, data })))),
      );
    };
    await this.setUp(queue, worker);
  }

  async schedule(name: string, cron: string, data: object = {}): Promise<void> {
    assertQueueName(name);
    await this.setUp(async () => {
      await this.ensureQueue(name, this.database, true);
      await this.boss.schedule(name, cron, data, { tz: SCHEDULE_ZONE });
    });
  }

  /** Runs set-up now if started; otherwise keeps it for `start`. */
  private async setUp(before: () => Promise<void>, after?: () => Promise<void>): Promise<void> {
    if (this.state === 'stopped') throw new Error('jobs have stopped');
    if (this.state === 'started') {
      await before();
      await after?.();
      return;
    }
    this.beforeStart.push(before);
    if (after) this.afterStart.push(after);
    // Registered while starting: start picks it up (it runs the lists until they are empty).
  }

  start(): Promise<void> {
    if (this.state === 'stopped') return Promise.reject(new Error('jobs have stopped'));
    this.starting ??= (async () => {
      this.state = 'starting';
      // Queues and schedules before pg-boss starts, so that its first look at the schedules sees them.
      while (this.beforeStart.length > 0) await this.beforeStart.shift()!();
      await this.boss.start();
      while (this.afterStart.length > 0 || this.beforeStart.length > 0) {
        const next = this.beforeStart.shift() ?? this.afterStart.shift()!;
        await next();
      }
      this.state = 'started';
    })();
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const wasStarting = this.starting;
      this.state = 'stopped';
      if (!wasStarting) return;
      await wasStarting.catch(() => {});
      await this.boss.stop({
        graceful: true,
        wait: true,
        close: false,
        timeout: this.options.stopTimeoutMs ?? 10_000,
      });
      await this.database.drain();
    })();
    return this.stopping;
  }
}

/** Jobs on the application's database. Nothing runs until `start`. */
export function createJobs(db: Database, options: JobsOptions = {}): Jobs {
  return new PgBossJobs(db, options);
}
