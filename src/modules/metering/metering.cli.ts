import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { isRole, type Principal, type Role } from '../../platform/auth/index.js';
import { inScope, type Database } from '../../platform/db/index.js';
import { DomainError } from '../../platform/errors.js';
import { meteringService } from './metering.service.js';

export const METERING_USAGE = `  usage import FILE.csv [--as EMAIL]
                                Record usage (key,organisation,offering,quantity,occurred_at,note): all or none
  usage export [--org CODE] [--from DATE] [--to DATE] [--as EMAIL]
                                Write usage as CSV to standard output
                                --as names the finance officer (or a service manager) to act as; without it,
                                the host's only finance officer`;

const OPERATOR = { orgIds: [] as string[], platformAdmin: true };

export function commandProblem(message: string): DomainError {
  return new DomainError('ERR_BAD_REQUEST', message);
}

/**
 * The host's person a command acts as: the one named by email, who must hold one of `roles` in the
 * host, or the only person who does. Commands act as someone so that the audit log names them and
 * row level security applies as it would to them.
 */
export async function actingAs(
  db: Database,
  email: string | undefined,
  roles: readonly Role[],
): Promise<Principal> {
  const wanted = email?.trim().toLowerCase();
  const candidates = await inScope(db, OPERATOR, async (tx) => {
    const result = await sql<{
      user_id: string;
      email: string;
      name: string;
      org_id: string;
      code: string;
      org_name: string;
      roles: string[];
    }>`
      select u.id as user_id, u.email, u.name, o.id as org_id, o.code, o.name as org_name, m.roles
        from memberships m
        join organisations o on o.id = m.org_id
        join users u on u.id = m.user_id
       where o.role = 'host' and u.disabled_at is null and m.roles && ${[...roles]}::text[]
         and (${wanted ?? null}::text is null or u.email = ${wanted ?? null})
       order by u.email`.execute(tx);
    return result.rows;
  });
  if (candidates.length !== 1) {
    const who = roles.map((role) => role.replace(/_/g, ' ')).join(' or ');
    throw commandProblem(
      wanted
        ? `${wanted} is not a ${who} of the host`
        : `say whom to act as with --as EMAIL (a ${who} of the host)`,
    );
  }
  const found = candidates[0]!;
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

/** A domain error as a command prints it: the message, then each problem on a line of its own. */
export function explainForCommand(error: unknown): never {
  if (error instanceof DomainError) {
    const problems =
      ((error.details?.problems ?? error.details?.rows) as
        Array<{ line?: number; index?: number; message: string }> | undefined) ?? [];
    const fields = (error.details?.fields as Record<string, string> | undefined) ?? {};
    const unlisted = Number(error.details?.unlisted ?? 0);
    const lines = [
      `${error.message} (${error.code})`,
      ...problems.map(
        (p) => `  ${p.line !== undefined ? `line ${p.line}` : `item ${p.index}`}: ${p.message}`,
      ),
      ...Object.entries(fields).map(([field, message]) => `  ${field}: ${message}`),
      ...(unlisted > 0 ? [`  … and ${unlisted.toLocaleString('en-GB')} more`] : []),
    ];
    throw new DomainError(error.code, lines.join('\n'), error.details);
  }
  throw error;
}

/** `tandem usage …`. */
export async function runMeteringCommand(
  db: Database,
  args: string[],
  out: (line: string) => void,
  write: (chunk: string) => void = (chunk) => process.stdout.write(chunk),
): Promise<void> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        as: { type: 'string' },
        org: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw commandProblem((error as Error).message.split('\n')[0] ?? 'unreadable options');
  }
  const { values, positionals } = parsed;
  const metering = meteringService(db);

  if (sub === 'import') {
    const file = positionals[0];
    if (!file) throw commandProblem('name the file to import: tandem usage import FILE.csv');
    if (!fs.existsSync(file)) throw commandProblem(`cannot read ${file}`);
    const principal = await actingAs(
      db,
      values.as,
      values.as ? ['finance_officer', 'service_manager'] : ['finance_officer'],
    );
    const started = Date.now();
    const result = await metering
      .importCsv({ principal }, fs.createReadStream(file), (message) => out(message))
      .catch(explainForCommand);
    const seconds = (Date.now() - started) / 1000;
    out(
      `Usage imported: ${result.recorded.toLocaleString('en-GB')} events recorded, ` +
        `${result.ignored.toLocaleString('en-GB')} already recorded, from ${result.rows.toLocaleString('en-GB')} rows ` +
        `in ${seconds.toFixed(1)} s.`,
    );
    return;
  }

  if (sub === 'export') {
    const principal = await actingAs(
      db,
      values.as,
      values.as ? ['finance_officer', 'service_manager', 'executive'] : ['finance_officer'],
    );
    const chunks = await metering
      .exportCsv({ principal }, { organisation: values.org, from: values.from, to: values.to })
      .catch(explainForCommand);
    for await (const chunk of chunks) write(chunk);
    return;
  }

  throw commandProblem(`unknown command "usage ${sub ?? ''}"`.trim());
}
