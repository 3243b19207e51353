// The `tandem` command. Each command loads only what it needs, so that `serve` can start opening the
// database while the web app's modules are still loading.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.js';
import { DataDirLockedError, MigrationError } from './platform/db/index.js';
import { DomainError } from './platform/errors.js';
import { out, readStdin, UsageError, withDatabase } from './cli-support.js';

async function usage(): Promise<string> {
  const { CATALOGUE_USAGE } = await import('./modules/catalogue/index.js');
  return `Usage: tandem <command> [options]

Commands:
  serve                         Start the web server (migrates first; seeds a new embedded database)
  migrate                       Apply database migrations that have not been applied yet
  seed --demo                   Load the demo partnership (adds only what is missing)
  user add --email E --name N [--org CODE --roles r1,r2] [--password-stdin]
                                Add a user; without --password-stdin a random password is printed once
  token create --email E --org CODE [--name N] [--days 90]
                                Create an API token acting as that user in that organisation; printed once
${CATALOGUE_USAGE}

Database: the embedded one in TANDEM_DATA_DIR (default ./data), or DATABASE_URL.`;
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
          options: { demo: { type: 'boolean' } },
          strict: true,
        });
        if (!values.demo) throw new UsageError('say what to seed: tandem seed --demo');
        const { seedDemo } = await import('./demo.js');
        await withDatabase(config, async (db) => {
          const { added } = await seedDemo(db, (message) => out(`seeding ${message}`));
          out(
            added
              ? `Demo data loaded (${added} records added).`
              : 'Demo data was already there; nothing added.',
          );
        });
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
