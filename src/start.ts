import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { startOpening, migrate, refuseUnsafeApplicationRole, type Database } from './platform/db/index.js';
import { logFormatFor } from './platform/logging.js';

export interface Running {
  address: string;
  close(): Promise<void>;
}

/** Opens the database, brings it up to date, seeds a new embedded one, and starts serving. */
export async function startTandem(
  config: Config,
  options: { log?: (line: string) => void } = {},
): Promise<Running> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // A person at a terminal reads one short line per request; anything else gets JSON lines.
  const logFormat = logFormatFor(process.env, process.stdout.isTTY === true);
  const times: string[] = [];
  const lap = (what: string) => times.push(`${what} ${(performance.now() / 1000).toFixed(2)} s`);
  lap('started');
  // Start opening the database first, then load and build the web app while it opens: the embedded
  // engine opens off the main thread, so the two overlap. Queries wait until it is open.
  const opening = startOpening({
    databaseUrl: config.databaseUrl,
    migrationUrl: config.databaseMigrationUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    pipelines: config.databasePipelines,
  });
  const modules = Promise.all([import('./app.js'), import('./demo.js')]);
  // Whichever fails first is reported below; neither failure may be left unhandled meanwhile.
  void modules.then(
    () => lap('app loaded'),
    () => {},
  );
  const { db, opened } = await opening;
  void opened.then(
    () => lap('database open'),
    () => {},
  );

  let app: FastifyInstance | undefined;
  try {
    const [{ buildApp }, { DEMO_PASSWORD, DEMO_USERS, seedDemo }] = await modules;
    app = await buildApp(config, db, { logFormat });
    await app.ready();
    lap('app built');
    await opened;
    const applied = await migrate(db, { onApplied: (file) => log(`migrated: ${file}`) });
    if (db.engine === 'embedded' && db.created) {
      log('New embedded database: loading the demo partnership…');
      await seedDemo(db, (message) => log(`  seeding ${message}`));
    } else if (applied.length === 0) {
      log('Database is up to date.');
    }
    lap('migrated');
    // On a server in production, not as a role that could step past row level security (roles.ts).
    if (config.production) await refuseUnsafeApplicationRole(db);
    await app.listen({ port: config.port, host: config.host });
    lap('listening');

    const port = (app.server.address() as { port: number }).port;
    const address = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    log('');
    log(
      `Tandem is running at ${address}  (database: ${db.engine === 'embedded' ? `embedded, ${config.dataDir}` : 'PostgreSQL server'})`,
    );
    log(`Start-up, since the process began: ${times.join(', ')}`);
    if (db.engine === 'embedded') {
      log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
      for (const user of DEMO_USERS) {
        const roles = user.memberships.map((m) => `${m.roles.join(', ')} @ ${m.org}`).join('; ');
        log(`  ${user.email.padEnd(34)} ${roles}`);
      }
    }
    return { address, close: closeOnSignals(app, db, log) };
  } catch (error) {
    await app?.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}

/** How to stop: stop accepting, let requests in flight finish, then close the database. */
function closeOnSignals(
  app: FastifyInstance,
  db: Database,
  log: (line: string) => void,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await db.close();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: finishing requests in flight, then stopping`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return close;
}
