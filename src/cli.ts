import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type Config } from './config.js';
import { openDatabase, migrate, inScope, DataDirLockedError, MigrationError, type Database } from './platform/db/index.js';
import { hashPassword, hashSecret, isRole, newApiToken, newSecret, type Role } from './platform/auth/index.js';
import { DomainError } from './platform/errors.js';
import { translate } from './platform/web/index.js';
import { identityRepository, passwordProblem } from './modules/identity/index.js';
import { organisationsRepository } from './modules/organisations/index.js';
import { recordAudit } from './modules/audit/index.js';
import { CATALOGUE_USAGE, runCatalogueCommand } from './modules/catalogue/index.js';
import { seedDemo } from './demo.js';
import { startTandem } from './start.js';

const USAGE = `Usage: tandem <command> [options]

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

class UsageError extends Error {}

function out(line: string) {
  process.stdout.write(`${line}\n`);
}

async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrate(db, { onApplied: (file) => out(`migrated: ${file}`) });
    return await work(db);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

async function addUser(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string' },
      roles: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const email = values.email?.trim().toLowerCase();
  const name = values.name?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError('--email must be an email address');
  if (!name) throw new UsageError('--name is required');
  const roles = (values.roles ?? '').split(',').map((role) => role.trim()).filter(Boolean);
  if (values.org && roles.length === 0) throw new UsageError('--roles is required with --org');
  if (!values.org && roles.length > 0) throw new UsageError('--org is required with --roles');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
  const generated = !values['password-stdin'];
  const password = generated ? newSecret().slice(0, 20) : await readStdin();
  const problem = passwordProblem(password, email);
  if (problem) throw new UsageError(translate(problem));
  const passwordHash = await hashPassword(password);

  await withDatabase(config, (db) =>
    inScope(db, OPERATOR, async (tx) => {
      if (await identityRepository.findUserByEmail(tx, email)) throw new UsageError(`a user with email ${email} already exists`);
      const org = values.org ? await organisationsRepository.findByCode(tx, values.org.toUpperCase()) : undefined;
      if (values.org && !org) throw new UsageError(`no organisation has the code ${values.org}`);
      const user = await identityRepository.insertUser(tx, { email, name, passwordHash });
      await recordAudit(tx, { actorUserId: null, orgId: org?.id ?? null, action: 'user.add', entityType: 'user', entityId: user.id, after: { email, name, source: 'cli' } });
      if (org) {
        await identityRepository.upsertMembership(tx, org.id, user.id, roles as Role[]);
        await recordAudit(tx, { actorUserId: null, orgId: org.id, action: 'membership.add', entityType: 'membership', entityId: `${org.id}:${user.id}`, after: { roles, source: 'cli' } });
      }
      out(`Added ${name} <${email}>${org ? ` with ${roles.join(', ')} in ${org.code}` : ''}`);
      if (generated) out(`Password (shown once): ${password}`);
    }),
  );
}

async function createToken(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, org: { type: 'string' }, name: { type: 'string' }, days: { type: 'string' } },
    strict: true,
  });
  const email = values.email?.trim().toLowerCase();
  const code = values.org?.trim().toUpperCase();
  if (!email) throw new UsageError('--email is required');
  if (!code) throw new UsageError('--org is required');
  const days = Number(values.days ?? '90');
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new UsageError('--days must be a whole number from 1 to 365');
  const name = values.name?.trim() || 'Command line';
  if (name.length > 100) throw new UsageError('--name must be 100 characters or fewer');

  await withDatabase(config, async (db) => {
    const { user, org } = await inScope(db, OPERATOR, async (tx) => ({
      user: await identityRepository.findUserByEmail(tx, email),
      org: await organisationsRepository.findByCode(tx, code),
    }));
    if (!user || user.disabled_at) throw new UsageError(`no active user has the email ${email}`);
    if (!org) throw new UsageError(`no organisation has the code ${code}`);
    const secret = newApiToken();
    await inScope(db, { userId: user.id, orgIds: [org.id] }, async (tx) => {
      if (!(await identityRepository.findMembership(tx, org.id, user.id))) {
        throw new UsageError(`${email} has no role in ${code}`);
      }
      const token = await identityRepository.insertToken(tx, {
        orgId: org.id,
        userId: user.id,
        name,
        tokenHash: hashSecret(secret),
        expiresAt: new Date(Date.now() + days * 86_400_000),
      });
      await recordAudit(tx, { actorUserId: user.id, orgId: org.id, action: 'api-token.create', entityType: 'api_token', entityId: token.id, after: { name, source: 'cli' } });
    });
    out(secret);
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    const config = loadConfig();
    switch (command) {
      case 'serve':
        await startTandem(config);
        return -1; // keep running
      case 'migrate': {
        await withDatabase(config, async () => out('Database is up to date.'));
        return 0;
      }
      case 'seed': {
        const { values } = parseArgs({ args: [sub ?? '', ...rest].filter(Boolean), options: { demo: { type: 'boolean' } }, strict: true });
        if (!values.demo) throw new UsageError('say what to seed: tandem seed --demo');
        await withDatabase(config, async (db) => {
          const { added } = await seedDemo(db, (message) => out(`seeding ${message}`));
          out(added ? `Demo data loaded (${added} records added).` : 'Demo data was already there; nothing added.');
        });
        return 0;
      }
      case 'user':
        if (sub !== 'add') throw new UsageError('tandem user add …');
        await addUser(config, rest);
        return 0;
      case 'token':
        if (sub !== 'create') throw new UsageError('tandem token create …');
        await createToken(config, rest);
        return 0;
      case 'calendar':
      case 'tariffs':
      case 'holidays':
        await withDatabase(config, (db) => runCatalogueCommand(db, argv, out));
        return 0;
      case undefined:
      case 'help':
      case '--help':
        out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`tandem: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof MigrationError || error instanceof DomainError) {
      process.stderr.write(`tandem: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
