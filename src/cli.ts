// The `tandem` command. Each command loads only what it needs, so that `serve` can start opening the
// database while the web app's modules are still loading.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.js';
import { DataDirLockedError, MigrationError, UnsafeDatabaseRoleError } from './platform/db/index.js';
import { DomainError } from './platform/errors.js';
import { out, readStdin, UsageError, withDatabase } from './cli-support.js';

async function usage(): Promise<string> {
  const { CATALOGUE_USAGE } = await import('./modules/catalogue/index.js');
  const { REQUESTS_USAGE } = await import('./modules/requests/index.js');
  const { METERING_USAGE } = await import('./modules/metering/index.js');
  const { BILLING_USAGE } = await import('./modules/billing/index.js');
  const { APPRAISE_USAGE } = await import('./modules/planning/index.js');
  return `Usage: tandem <command> [options]

Commands:
  serve                         Start the web server (migrates first; seeds a new embedded database)
  migrate                       Apply database migrations that have not been applied yet
  seed --demo                   Load the demo partnership (adds only what is missing)
  user add --email E --name N [--org CODE --roles r1,r2] [--password-stdin]
                                Add a user; without --password-stdin a random password is printed once
  token create --email E --org CODE [--name N] [--days 90]
                                Create an API token acting as that user in that organisation; printed once
  audit verify                  Check every organisation's audit chain; name any entry changed or
                                missing, and exit 1 if there is one
${CATALOGUE_USAGE}
${REQUESTS_USAGE}
${METERING_USAGE}
${BILLING_USAGE}
${APPRAISE_USAGE}

Database: the embedded one in TANDEM_DATA_DIR (default ./data), or DATABASE_URL (migrations as
DATABASE_MIGRATION_URL, if set).`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    const config = loadConfig();
    switch (command) {
      case 'serve': {
        const { startTandem } = await import('./start.js');
        await startTandem(config);
        return -1; // keep running
      }
      case 'migrate': {
        await withDatabase(config, async () => out('Database is up to date.'));
        return 0;
      }
      case 'seed': {
        const { values } = parseArgs({
          args: [sub ?? '', ...rest].filter(Boolean),
          options: { demo: { type: 'boolean' }, requests: { type: 'string' } },
          strict: true,
        });
        if (!values.demo && values.requests === undefined)
          throw new UsageError('say what to seed: tandem seed --demo, or --requests N');
        if (values.demo) {
          const { seedDemo } = await import('./demo.js');
          await withDatabase(config, async (db) => {
            const { added } = await seedDemo(db, (message) => out(`seeding ${message}`));
            out(
              added
                ? `Demo data loaded (${added} records added).`
                : 'Demo data was already there; nothing added.',
            );
          });
        }
        if (values.requests !== undefined) {
          const { seedRequestsCommand } = await import('./modules/requests/index.js');
          await withDatabase(config, (db) => seedRequestsCommand(db, values.requests!, out));
        }
        return 0;
      }
      case 'user': {
        if (sub !== 'add') throw new UsageError('tandem user add …');
        const { addUser } = await import('./commands.js');
        await withDatabase(config, await addUser(rest, { out, readStdin }));
        return 0;
      }
      case 'token': {
        if (sub !== 'create') throw new UsageError('tandem token create …');
        const { createToken } = await import('./commands.js');
        await withDatabase(config, createToken(rest, { out }));
        return 0;
      }
      case 'audit': {
        if (sub !== 'verify') throw new UsageError('tandem audit verify');
        const { verifyAudit } = await import('./commands.js');
        const intact = await withDatabase(config, verifyAudit(rest, { out }));
        return intact ? 0 : 1;
      }
      case 'usage': {
        const { runMeteringCommand } = await import('./modules/metering/index.js');
        await withDatabase(config, (db) => runMeteringCommand(db, [sub ?? '', ...rest], out));
        return 0;
      }
      case 'recharge':
      case 'cost-pools':
      case 'drivers': {
        const { runBillingCommand } = await import('./modules/billing/index.js');
        await withDatabase(config, (db) => runBillingCommand(db, argv, out));
        return 0;
      }
      case 'appraise': {
        // Arithmetic on the file alone: no database is opened.
        const { appraiseCommand } = await import('./modules/planning/index.js');
        return appraiseCommand([sub ?? '', ...rest].filter(Boolean), {
          out,
          err: (line) => process.stderr.write(`${line}\n`),
        });
      }
      case 'requests': {
        const { runRequestsCommand } = await import('./modules/requests/index.js');
        await withDatabase(config, (db) => runRequestsCommand(db, argv, out));
        return 0;
      }
      case 'calendar':
      case 'tariffs':
      case 'holidays': {
        const { runCatalogueCommand } = await import('./modules/catalogue/index.js');
        await withDatabase(config, (db) => runCatalogueCommand(db, argv, out));
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        out(await usage());
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      process.stderr.write(`tandem: ${(error as Error).message}\n\n${await usage()}\n`);
      return 2;
    }
    if (
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof MigrationError ||
      error instanceof UnsafeDatabaseRoleError ||
      error instanceof DomainError
    ) {
      process.stderr.write(`tandem: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
