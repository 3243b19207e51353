import type { Tx } from '../db/index.js';

/**
 * Work done apart from the request that asked for it: sending e-mail, flipping SLA clocks as time
 * passes, recharge runs. Jobs are rows in PostgreSQL (pg-boss), so they outlive a restart, and every
 * Tandem process sharing a database works them; each job is taken by one process at a time.
 */
export interface Jobs {
  /**
   * Adds a job to the queue `name` (created on first use). Returns the job's id, or null when a job
   * with the same `singletonKey` is already waiting to run, in which case nothing is added.
   *
   * Inside a unit of work, pass its `tx`: the job is then added in that transaction, and exists only
   * if it commits. Without `tx`, sending from inside a unit of work is refused (on the embedded
   * engine it would wait for the one connection the unit of work holds, for ever).
   */
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  /**
   * Runs `handler` for the queue's jobs, in this process, once jobs have started. A handler that
   * throws (or rejects) fails its jobs, which are retried as they were sent to be.
   */
  work<T extends object>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<void>;
  /**
   * Sends a job with `data` to `name` on a cron schedule ("0 7 * * 1-5": 7am on weekdays), in UK
   * time (Europe/London).
   * Cron counts in minutes; once per minute is the finest. One job per tick across all processes.
   * Scheduling a name again replaces its schedule.
   */
  schedule(name: string, cron: string, data?: object): Promise<void>;
  /** Starts working the queues; what was registered before starting is set up now. */
  start(): Promise<void>;
  /**
   * Stops taking jobs, lets the ones in hand finish (up to a time limit, after which they are failed
   * and so retried later), and waits for every query it started. Safe to call twice.
   */
  stop(): Promise<void>;
}

export interface SendOptions {
  /** While a job with this key waits in this queue, another sent with it is not added. */
  singletonKey?: string;
  /** Not before this instant. */
  startAfter?: Date;
  /** Further attempts after a failure; 2 unless given. */
  retryLimit?: number;
  /** Seconds before a retry (with back-off, before the first one; it doubles each time). */
  retryDelaySeconds?: number;
  /** Double the delay before each further retry, with jitter. */
  retryBackoff?: boolean;
  /** A handler still running after this long has failed; 15 minutes unless given. */
  expireInSeconds?: number;
  /** The unit of work to add the job in (see `send`). */
  tx?: Tx;
}

export interface WorkOptions {
  /** Jobs handed to the handler at once; 1 unless given. If the handler throws, they all fail. */
  batchSize?: number;
}

/** A job as a handler receives it. */
export interface Job<T extends object = object> {
  id: string;
  name: string;
  data: T;
}

export type JobHandler<T extends object = object> = (jobs: Job<T>[]) => Promise<void>;

/** Queue names: lower case, digits, `.`, `_`, `-` ("mail.dispatch"); checked by the database too. */
export const QUEUE_NAME = /^[a-z][a-z0-9_.-]{0,62}$/;
