import './requests.messages.js';
import './requests.errors.js';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { isRole, type Principal } from '../../platform/auth/index.js';
import { inScope, type Database } from '../../platform/db/index.js';
import { DomainError } from '../../platform/errors.js';
import { now } from '../../platform/clock.js';
import { requestsService } from './requests.service.js';
import { seedRequests } from './demo/seed.js';

export const REQUESTS_USAGE = `  requests import FILE.json [--as EMAIL]
                                Import past requests (a JSON list, as POST /api/v1/requests/import takes): all
                                or none; --as names the host's platform administrator or service manager to
                                act as (without it, the only platform administrator)
  seed --requests N             Add N synthetic requests over the last six months (for benchmarks)`;

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

function problem(message: string): DomainError {
  return new DomainError('ERR_BAD_REQUEST', message);
}

/** Who the import acts as: the platform administrator or service manager named, or the only administrator. */
async function actingImporter(db: Database, email: string | undefined): Promise<Principal> {
  const { rows } = await inScope(db, OPERATOR, (tx) =>
    sql<{
      user_id: string;
      email: string;
      name: string;
      org_id: string;
      code: string;
      org_name: string;
      roles: string[];
    }>`
      select u.id as user_id, u.email, u.name, o.id as org_id, o.code, o.name as org_name, m.roles
        from memberships m join organisations o on o.id = m.org_id join users u on u.id = m.user_id
       where o.role = 'host' and u.disabled_at is null
         and m.roles && ${email ? ['platform_administrator', 'service_manager'] : ['platform_administrator']}::text[]
         and (${email ?? null}::text is null or u.email = lower(${email ?? ''}))`.execute(tx),
  );
  if (rows.length !== 1) {
    throw problem(
      email
        ? `${email} is not a platform administrator or service manager of the host`
        : 'say whom to act as with --as EMAIL (a platform administrator or service manager of the host)',
    );
  }
  const found = rows[0]!;
  const org = {
    orgId: found.org_id,
    code: found.code,
    name: found.org_name,
    role: 'host' as const,
    roles: found.roles.filter(isRole),
  };
  return {
    userId: found.user_id,
    email: found.email,
    name: found.name,
    org,
    memberships: [org],
    via: 'token',
  };
}

/** An import's refusal with each problem on a line of its own. */
function explain(error: unknown): never {
  if (error instanceof DomainError) {
    const problems = (error.details?.problems as string[] | undefined) ?? [];
    const fields = (error.details?.fields as Record<string, string> | undefined) ?? {};
    const lines = problems.length
      ? problems.map((line) => `  ${line}`)
      : Object.entries(fields).map(([f, m]) => `  ${f}: ${m}`);
    throw new DomainError(
      error.code,
      [`${error.message} (${error.code})`, ...lines].join('\n'),
      error.details,
    );
  }
  throw error;
}

/** `tandem requests import FILE.json [--as EMAIL]`. */
export async function runRequestsCommand(
  db: Database,
  argv: string[],
  out: (line: string) => void,
): Promise<void> {
  const [, sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { as: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw problem((error as Error).message.split('\n')[0] ?? 'unreadable options');
  }
  if (sub !== 'import') throw problem(`unknown command "requests ${sub ?? ''}"`.trim());
  const file = parsed.positionals[0];
  if (!file) throw problem('name the file to read');
  let list: unknown;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw problem(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const principal = await actingImporter(db, parsed.values.as);
  const { imported } = await requestsService(db, { now }).importRequests({ principal }, list).catch(explain);
  out(`Requests imported: ${imported.length}.`);
}

/** `tandem seed --requests N`: synthetic requests for benchmarks, in batches, with progress. */
export async function seedRequestsCommand(
  db: Database,
  count: string,
  out: (line: string) => void,
): Promise<void> {
  if (!/^\d{1,8}$/.test(count) || Number(count) < 1)
    throw problem('--requests takes a whole number of requests, like 100000');
  const started = Date.now();
  const added = await seedRequests(db, {
    count: Number(count),
    now: now(),
    seed: Math.floor(Math.random() * 2 ** 31),
    batchSize: 2000,
    onProgress: (message) => out(`seeding ${message}`),
  });
  out(`Requests added: ${added} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
