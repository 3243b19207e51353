import { CompiledQuery } from 'kysely';
import plans from 'pg-boss/src/plans.js';
import { APP_ROLE, inScope, NO_SCOPE, type Database, type Tx } from '../db/index.js';
import { pendingScope } from '../db/pipeline.js';

/** The schema pg-boss's tables live in (created by migration 0012). */
export const BOSS_SCHEMA = 'pgboss';

/** What pg-boss asks of a database: one statement (or script) at a time, and its rows. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss's workers record a job's outcome without waiting for it (pg-boss 10's manager), so a
 * failure there would be an unhandled rejection, which stops the process. For these two statements
 * a failure is reported instead, and the job stays active until it expires and is retried.
 */
const UNAWAITED = new Set([plans.completeJobs(BOSS_SCHEMA), plans.failJobsById(BOSS_SCHEMA)]);

/** pg-boss's maintenance runs as scripts that open and commit a transaction of their own. */
const SCRIPT = /^\s*BEGIN;/;

/**
 * pg-boss's statements sent through the application's own database handle: on the embedded engine
 * there is one connection, shared with every request, and nothing may go round it. Each statement
 * runs as the application role (`tandem_app`), as units of work do, so pg-boss has at run time the
 * rights migration 0012 grants and no more, on both engines.
 *
 * It also counts what is in flight (statements, and job handlers through `track`), so that stopping
 * can wait for all of it before the database is closed.
 */
export class BossDatabase implements BossDb {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly report: (error: unknown) => void,
  ) {}

  executeSql(text: string, values: unknown[] = []): Promise<{ rows: unknown[] }> {
    const run = this.track(this.run(text, values));
    if (!UNAWAITED.has(text)) return run;
    return run.catch((error: unknown) => {
      this.report(error);
      return { rows: [{ count: '0' }] };
    });
  }

  private async run(text: string, values: unknown[]): Promise<{ rows: unknown[] }> {
    if (pendingScope.getStore()) {
      // On the embedded engine this would wait for ever for the connection the unit of work holds.
      throw new Error(
        'jobs used inside a unit of work: pass its tx (send(…, { tx })), or send after it commits',
      );
    }
    if (SCRIPT.test(text)) {
      // Several statements, so not through a prepared statement; the role lasts as long as the
      // script's own transaction. A script that fails leaves that transaction open: end it here,
      // before the connection goes back to the pool.
      const script = text.replace(SCRIPT, `BEGIN; SET LOCAL ROLE ${APP_ROLE};`);
      await this.db.kysely.connection().execute(async (connection) => {
        try {
          await connection.executeQuery(CompiledQuery.raw(script));
        } catch (error) {
          await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
          throw error;
        }
      });
      return { rows: [] };
    }
    return inScope(this.db, NO_SCOPE, async (tx) => {
      const result = await tx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows };
    });
  }

  /** Counts `work` as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const settled = () => this.inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }

  /** Waits until nothing is in flight, including what settling work starts next. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.inFlight.size > 0) {
        await Promise.allSettled([...this.inFlight]);
        continue;
      }
      // A statement that has just answered may be followed at once by more (a fetch by its handler).
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inFlight.size === 0) return;
    }
  }
}

/** pg-boss's statements sent inside a unit of work, so that they commit or roll back with it. */
export function inTransaction(tx: Tx): BossDb {
  return {
    async executeSql(text, values = []) {
      const result = await tx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows };
    },
  };
}
