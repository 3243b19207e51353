import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { streamCsv } from '../../platform/csv.js';
import type { Engine, Tx } from '../../platform/db/index.js';
import { MAX_LISTED_PROBLEMS, usageRejected, type UsageProblem } from './metering.errors.js';
import { meteringRepository as repo, resolveUsage } from './metering.repository.js';
import { checkUsage } from './usage.input.js';
import { openStaging } from './usage.staging.js';
import { resolvedProblems } from './usage.problems.js';

export const USAGE_CSV_COLUMNS = [
  'key',
  'organisation',
  'offering',
  'quantity',
  'occurred_at',
  'note',
] as const;

export interface ImportOptions {
  engine: Engine;
  hostOrgId: string;
  /** Lines the importer may record (a service manager's); null for all. */
  lineIds: string[] | null;
  recordedBy: string | null;
  /** Told how far the import has got, now and then. */
  onProgress?: (message: string) => void;
}

export interface ImportResult {
  /** Rows read from the file. */
  rows: number;
  recorded: number;
  /** Rows whose key was already recorded with the same content (or repeated in the file). */
  ignored: number;
}

const PROGRESS_EVERY = 100_000;
const KEEP_PROBLEMS = 10 * MAX_LISTED_PROBLEMS;

/**
 * Imports a usage file in the caller's transaction, all or none. Rows are read as a stream and
 * staged (COPY on a server, batched inserts on the embedded engine); then they are checked and
 * moved in a few set-based statements. Every bad line is reported with its number (the first 100,
 * and a count of the rest), and nothing is recorded unless there are none.
 *
 * Keys: in the usual case every key is new, so the keys are written straight away and the database's
 * primary key proves it. If that fails, the file repeats a key or carries one recorded before: the
 * write is undone to a savepoint and each such line is compared with the first of its key (exactly
 * the same content: ignored; other content: a numbered error).
 */
export async function importUsage(tx: Tx, input: Readable, options: ImportOptions): Promise<ImportResult> {
  const progress = options.onProgress ?? (() => {});
  const problems: UsageProblem[] = [];
  // Every bad line is counted; only the first few thousand are kept to be listed.
  let uncounted = 0;
  const collect = (found: UsageProblem[]) => {
    if (problems.length < KEEP_PROBLEMS) problems.push(...found);
    else uncounted += found.length;
  };
  const staging = await openStaging(tx, options.engine);
  let rows = 0;
  for await (const item of streamCsv(input, USAGE_CSV_COLUMNS)) {
    if ('problems' in item) {
      collect(item.problems.map((found) => ({ at: found.line, problem: 'csv', message: found.message })));
      continue;
    }
    rows++;
    const { line, values } = item;
    const found: UsageProblem[] = [];
    const checked = checkUsage(
      {
        key: values.key,
        organisation: values.organisation,
        offering: values.offering,
        quantity: values.quantity,
        occurredAt: values.occurred_at,
        note: values.note,
      },
      line,
      'import',
      found,
    );
    if (found.length) collect(found);
    if (checked)
      await staging.add({
        at: line,
        key: checked.key,
        orgCode: checked.orgCode!,
        offeringCode: checked.offeringCode!,
        quantity: checked.quantity,
        occurredAt: checked.occurredAt,
        note: checked.note,
      });
    if (rows % PROGRESS_EVERY === 0) progress(`read ${rows.toLocaleString('en-GB')} rows`);
  }
  await staging.finish();
  if (!rows && !problems.length)
    problems.push({ at: 1, problem: 'csv', message: 'The file has no rows after its header' });
  progress(`read ${rows.toLocaleString('en-GB')} rows; checking`);

  await sql`
    create temporary table usage_resolved on commit drop as
    select nextval('usage_event_ids') as id, r.*
      from (${resolveUsage(
        sql`(select *, 'import'::text as source, null::uuid as org_id, null::uuid as offering_id,
                                       null::uuid as request_id, null::text as request_reference,
                                       null::text as reverses from usage_staging)`,
        {
          by: 'code',
          hostOrgId: options.hostOrgId,
          lineIds: options.lineIds,
          reversals: false,
        },
      )}) r`.execute(tx);
  await sql`analyze usage_resolved`.execute(tx);

  const flagged = await sql<FlaggedRow>`
    select at, org_code, offering_code, occurred_on::text, unknown_org, unknown_offering, not_taken, not_managed,
           false as reverses_unknown, false as reverses_mismatch, count(*) over () as total
      from usage_resolved
     where unknown_org or unknown_offering or not_taken or not_managed
     order by at limit ${MAX_LISTED_PROBLEMS + 1}`.execute(tx);
  for (const row of flagged.rows) problems.push(...resolvedProblems(row, row.at));
  const flaggedTotal = Number(flagged.rows[0]?.total ?? 0);

  if (problems.length) {
    // Report the keys' problems too, so that one pass over the file names everything wrong with it.
    problems.push(...(await keyProblems(tx)).conflicts);
    throw withUncounted(usageRejected(problems, 'line'), uncounted + flaggedTotal - flagged.rows.length);
  }

  progress('recording');
  await repo.holdUsageLock(tx);
  await sql`savepoint usage_import`.execute(tx);
  let ignored = 0;
  try {
    await writeKeys(tx, sql`true`);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    await sql`rollback to savepoint usage_import`.execute(tx);
    const keys = await keyProblems(tx);
    if (keys.conflicts.length) throw usageRejected(keys.conflicts, 'line');
    ignored = keys.ignored;
    await writeKeys(tx, sql`not exists (select 1 from usage_ignored i where i.at = r.at)`);
  }
  const written = await sql`
    insert into usage_events (id, org_id, host_org_id, service_line_id, offering_id, quantity, occurred_at,
                              occurred_on, priced_on, source, key, note, recorded_by)
    select r.id, r.org_id, r.host_org_id, r.service_line_id, r.offering_id, r.quantity, r.occurred_at,
           r.occurred_on, r.priced_on, 'import', r.key, r.note, ${options.recordedBy}::uuid
      from usage_resolved r
     where ${ignored ? sql`not exists (select 1 from usage_ignored i where i.at = r.at)` : sql`true`}`.execute(
    tx,
  );
  await sql`release savepoint usage_import`.execute(tx);
  const recorded = Number(written.numAffectedRows ?? 0n);
  progress(`recorded ${recorded.toLocaleString('en-GB')} events`);
  return { rows, recorded, ignored };
}

interface FlaggedRow {
  at: number;
  org_code: string | null;
  offering_code: string | null;
  occurred_on: string;
  unknown_org: boolean;
  unknown_offering: boolean;
  not_taken: boolean;
  not_managed: boolean;
  reverses_unknown: boolean;
  reverses_mismatch: boolean;
  total: string;
}

async function writeKeys(tx: Tx, where: ReturnType<typeof sql>) {
  await sql`
    insert into usage_keys (org_id, source, key, host_org_id, event_id, occurred_on)
    select r.org_id, 'import', r.key, r.host_org_id, r.id, r.occurred_on from usage_resolved r where ${where}`.execute(
    tx,
  );
}

/**
 * The lines whose key is repeated in the file or was recorded before: with other content, a
 * conflict; with the same, left in `usage_ignored` to be skipped.
 */
async function keyProblems(tx: Tx): Promise<{ conflicts: UsageProblem[]; ignored: number }> {
  await sql`
    create temporary table if not exists usage_ignored (at integer primary key) on commit drop`.execute(tx);
  const same = (a: string, b: string) =>
    sql.raw(`(${a}.offering_id is not distinct from ${b}.offering_id and ${a}.quantity = ${b}.quantity
              and ${a}.occurred_at = ${b}.occurred_at and ${a}.note is not distinct from ${b}.note
              and ${b}.request_id is null and ${b}.request_reference is null and ${b}.reverses is null)`);
  const result = await sql<{ at: number; key: string; first_at: number | null; differs: boolean }>`
    with ranked as (
      select r.at, r.key, first_value(r.at) over w as first_at,
             row(r.offering_id, r.quantity, r.occurred_at, r.note) as content,
             first_value(row(r.offering_id, r.quantity, r.occurred_at, r.note)) over w as first_content
        from usage_resolved r
       where r.org_id is not null
      window w as (partition by r.org_id, r.key order by r.at)
    ),
    repeats as (
      select at, key, first_at, content is distinct from first_content as differs from ranked where at <> first_at
    ),
    existing as (
      select at, key, null::integer as first_at, differs from (
        select r.at, r.key,
               (select not ${same('r', 'e')}
                  from usage_keys k
                  join usage_events e on (e.org_id, e.occurred_on, e.id) = (k.org_id, k.occurred_on, k.event_id)
                 where k.org_id = r.org_id and k.source = 'import' and k.key = r.key) as differs
          from usage_resolved r) x
       where differs is not null
    )
    select * from repeats union all select * from existing order by at`.execute(tx);
  const conflicts: UsageProblem[] = [];
  const ignore = new Set<number>();
  const conflicting = new Set<number>();
  for (const row of result.rows) if (row.differs) conflicting.add(row.at);
  for (const row of result.rows) {
    if (row.differs && conflicts.at(-1)?.at !== row.at)
      conflicts.push({
        at: row.at,
        field: 'key',
        problem: 'key_conflict',
        message:
          row.first_at === null
            ? `Key ${row.key} was recorded before with other content`
            : `Key ${row.key} is on line ${row.first_at} with other content`,
      });
    else if (!conflicting.has(row.at)) ignore.add(row.at);
  }
  if (ignore.size)
    await sql`insert into usage_ignored (at) select unnest(${[...ignore]}::int[]) on conflict do nothing`.execute(
      tx,
    );
  return { conflicts, ignored: ignore.size };
}

function withUncounted<E extends Error & { details?: Record<string, unknown> }>(error: E, more: number): E {
  if (more > 0 && error.details) {
    error.details.count = Number(error.details.count) + more;
    error.details.unlisted = Number(error.details.unlisted) + more;
  }
  return error;
}
