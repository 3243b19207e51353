import { parseArgs } from 'node:util';
import { inScope, type Database } from './platform/db/index.js';
import {
  hashPassword,
  hashSecret,
  isRole,
  newApiToken,
  newSecret,
  type Role,
} from './platform/auth/index.js';
import { translate } from './platform/web/index.js';
import { identityRepository, passwordProblem } from './modules/identity/index.js';
import { organisationsRepository } from './modules/organisations/index.js';
import { recordAudit, recordHostAudit, verifyAuditLog } from './modules/audit/index.js';
import { UsageError } from './cli-support.js';

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

/** What a command needs from where it runs: somewhere to print, and standard input. */
export interface CommandIo {
  out(line: string): void;
  readStdin(): Promise<string>;
}

/** A command whose arguments have been checked: what it does with the database. */
export type Work = (db: Database) => Promise<void>;

/**
 * `tandem user add`: checks the arguments (and reads and checks the password) before anything
 * touches the database, then adds the user and their roles in one unit of work.
 */
export async function addUser(args: string[], io: CommandIo): Promise<Work> {
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
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new UsageError('--email must be an email address');
  if (!name) throw new UsageError('--name is required');
  const roles = (values.roles ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (values.org && roles.length === 0) throw new UsageError('--roles is required with --org');
  if (!values.org && roles.length > 0) throw new UsageError('--org is required with --roles');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
  const generated = !values['password-stdin'];
  const password = generated ? newSecret().slice(0, 20) : await io.readStdin();
  const problem = passwordProblem(password, email);
  if (problem) throw new UsageError(translate(problem));
  const passwordHash = await hashPassword(password);

  return (db) =>
    inScope(db, OPERATOR, async (tx) => {
      if (await identityRepository.findUserByEmail(tx, email))
        throw new UsageError(`a user with email ${email} already exists`);
      const org = values.org
        ? await organisationsRepository.findByCode(tx, values.org.toUpperCase())
        : undefined;
      if (values.org && !org) throw new UsageError(`no organisation has the code ${values.org}`);
      const user = await identityRepository.insertUser(tx, { email, name, passwordHash });
      // Added with no organisation, the host answers for it (see recordHostAudit).
      const added = {
        actorUserId: null,
        action: 'user.add',
        entityType: 'user',
        entityId: user.id,
        after: { email, name, source: 'cli' },
      };
      await (org ? recordAudit(tx, { ...added, orgId: org.id }) : recordHostAudit(tx, added));
      if (org) {
        await identityRepository.upsertMembership(tx, org.id, user.id, roles as Role[]);
        await recordAudit(tx, {
          actorUserId: null,
          orgId: org.id,
          action: 'membership.add',
          entityType: 'membership',
          entityId: `${org.id}:${user.id}`,
          after: { roles, source: 'cli' },
        });
      }
      io.out(`Added ${name} <${email}>${org ? ` with ${roles.join(', ')} in ${org.code}` : ''}`);
      if (generated) io.out(`Password (shown once): ${password}`);
    });
}

/** `tandem token create`: an API token acting as that user in that organisation, printed once. */
export function createToken(args: string[], io: Pick<CommandIo, 'out'>): Work {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      org: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string' },
    },
    strict: true,
  });
  const email = values.email?.trim().toLowerCase();
  const code = values.org?.trim().toUpperCase();
  if (!email) throw new UsageError('--email is required');
  if (!code) throw new UsageError('--org is required');
  const days = Number(values.days ?? '90');
  if (!Number.isInteger(days) || days < 1 || days > 365)
    throw new UsageError('--days must be a whole number from 1 to 365');
  const name = values.name?.trim() || 'Command line';
  if (name.length > 100) throw new UsageError('--name must be 100 characters or fewer');

  return async (db) => {
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
      await recordAudit(tx, {
        actorUserId: user.id,
        orgId: org.id,
        action: 'api-token.create',
        entityType: 'api_token',
        entityId: token.id,
        after: { name, source: 'cli' },
      });
    });
    io.out(secret);
  };
}

/**
 * `tandem audit verify`: checks every organisation's audit chain and prints where any breaks, or
 * that all are whole with the hash at the end of each (kept elsewhere, those show later whether a
 * chain was rewritten whole). Resolves to whether the log is intact.
 */
export function verifyAudit(args: string[], io: Pick<CommandIo, 'out'>): (db: Database) => Promise<boolean> {
  parseArgs({ args, options: {}, strict: true });
  return async (db) => {
    const check = await verifyAuditLog(db, OPERATOR);
    const chains = `${check.entries} entries in ${check.chains.length} organisations' chains`;
    if (check.breaks.length > 0) {
      io.out(`The audit log is broken (${chains}). Where each chain breaks:`);
      for (const broken of check.breaks) io.out(`  ${broken}`);
      if (check.more) io.out('  … and more: put these right and check again to see the rest');
      return false;
    }
    io.out(`The audit log is intact: ${chains}. The hash at the end of each:`);
    for (const chain of check.chains)
      io.out(`  ${chain.organisation.padEnd(16)} ${String(chain.entries).padStart(8)}  ${chain.head}`);
    return true;
  };
}
