/**
 * Usage ingestion and recharge runs at scale.
 *
 *   npm run bench -- recharging
 *
 * On PostgreSQL (BENCH_DATABASE_URL, default the local server; a database is created and dropped,
 * or kept with BENCH_KEEP_DATABASE=1), after the demo and BENCH_ORGANISATIONS (100) organisations in
 * all taking the Finance line, charged per unit:
 *
 * (a) the ingestion ceiling: COPY of a usage file's rows straight into a bare table (the file's
 *     columns in their types, no index, no check), streamed from this process (pg-copy-streams);
 * (b) `tandem usage import FILE.csv` of the same BENCH_IMPORT_EVENTS (1,000,000) rows: every row
 *     checked, staged, matched to its organisation, offering and agreement, and recorded once;
 *     target ≥ 20,000 events/s and ≥ 40% of (a);
 * (b′) what no import can do without, measured beside them: the rows (b) recorded, COPYed from a
 *     file straight into tables shaped as the events' and the keys' are, with their indexes (the
 *     events' by organisation and by host, the keys' that keep a key once) and nothing else: no
 *     check, no row level security, no trigger. If (b′) falls short of (b)'s target, so must (b);
 * (c) one raw SQL aggregate of BENCH_RUN_EVENTS (10,000,000) usage events of one month by
 *     organisation and offering (the floor of any run over them);
 * (d) `tandem recharge run` for that month over the same events, for every organisation: priced,
 *     apportioned, written as draft statements; target within 1.5× (c) and under 30 s.
 *
 * (b) and (d) are whole command-line runs, process start-up included; the start-up of the same
 * command with nothing to do (`tandem help`) is printed beside them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { benchDatabase, fmt, runTandem } from './_support.js';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 100);
const IMPORT_EVENTS = Number(process.env.BENCH_IMPORT_EVENTS ?? 1_000_000);
const RUN_EVENTS = Number(process.env.BENCH_RUN_EVENTS ?? 10_000_000);
/** The month the run charges (its events are made in SQL), and the month the imported events fall in. */
const RUN_MONTH = { period: '2026-10', from: '2026-10-01', days: 31 };
const IMPORT_MONTH = '2026-11';

/** The organisations charged, and the Finance offerings they are charged for, as the demo and this bench made them. */
async function chargeable(owner: pg.Client) {
  const orgs = await owner.query<{ code: string }>(
    `select o.code from organisations o
      where o.code like 'BENCH-%' order by o.code`,
  );
  const offerings = await owner.query<{ code: string; id: string }>(
    `select o.code, o.id from offerings o join service_lines l on l.id = o.service_line_id
      where l.code = 'FIN' and o.status = 'active' and o.unit <> 'hour'
        and exists (select 1 from tariffs t where t.offering_id = o.id and t.org_id = o.org_id and t.valid_to is null)
      order by o.code`,
  );
  return { orgs: orgs.rows.map((r) => r.code), offerings: offerings.rows };
}

/** Adds partner organisations taking the Finance line from 2020, each charged per unit for it. */
async function addOrganisations(owner: pg.Client, count: number): Promise<void> {
  await owner.query(
    `with host as (select id from organisations where role = 'host' order by created_at limit 1),
          line as (select l.id from service_lines l, host where l.code = 'FIN' and l.org_id = host.id),
          made as (
            insert into organisations (code, name, role, kind, bank_holiday_division)
            select 'BENCH-' || lpad(g::text, 4, '0'), 'Bench partner ' || g, 'partner', 'local_authority',
                   'england-and-wales'
              from generate_series(1, $1::int) g
            returning id),
          agreed as (
            insert into service_agreements (org_id, host_org_id, service_line_id, valid_from)
            select made.id, host.id, line.id, date '2020-01-01' from made, host, line
            returning org_id)
     insert into charging_arrangements (org_id, host_org_id, service_line_id, model, valid_from)
     select agreed.org_id, host.id, line.id, 'per_unit', date '2020-01-01' from agreed, host, line`,
    [count],
  );
}

/** Writes the import file: `rows` events of the bench organisations in IMPORT_MONTH. */
async function writeUsageFile(
  file: string,
  rows: number,
  orgs: string[],
  offerings: string[],
): Promise<void> {
  function* lines() {
    yield 'key,organisation,offering,quantity,occurred_at,note\n';
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      const minute = String(i % 60).padStart(2, '0');
      chunk +=
        `bench-${i},${orgs[i % orgs.length]},${offerings[i % offerings.length]},` +
        `${(i % 7) + 1}.${String(i % 1000).padStart(3, '0')},${IMPORT_MONTH}-${day}T10:${minute}:00Z,\n`;
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  await pipeline(Readable.from(lines()), fs.createWriteStream(file));
}

/** (a): the file's rows COPYed from this process into a bare table. */
async function copyCeiling(owner: pg.Client, file: string): Promise<number> {
  await owner.query(`create table bench_copy (key text not null, organisation text not null,
    offering text not null, quantity numeric(15, 3) not null, occurred_at timestamptz not null, note text)`);
  const started = performance.now();
  await pipeline(
    fs.createReadStream(file),
    owner.query(copyFrom('copy bench_copy from stdin with (format csv, header true)')),
  );
  return (performance.now() - started) / 1000;
}

/**
 * (b′): the events and keys (b) recorded, written to files and COPYed back from this process into
 * copies of their tables (`like … including all`: columns, defaults, checks and indexes; no policy,
 * no trigger, no foreign key). Seconds for both.
 */
async function rowsAlone(owner: pg.Client, folder: string): Promise<number> {
  const files = { usage_events: path.join(folder, 'events.tsv'), usage_keys: path.join(folder, 'keys.tsv') };
  for (const [table, file] of Object.entries(files)) {
    await pipeline(
      owner.query(copyTo(`copy (select * from ${table} where key like 'bench-%') to stdout`)),
      fs.createWriteStream(file),
    );
    await owner.query(`create table bench_${table} (like ${table} including all)`);
  }
  await owner.query('checkpoint');
  const started = performance.now();
  for (const [table, file] of Object.entries(files))
    await pipeline(fs.createReadStream(file), owner.query(copyFrom(`copy bench_${table} from stdin`)));
  return (performance.now() - started) / 1000;
}

/** The run's events, made in bulk SQL: `total` of them over the month, spread over the organisations and offerings. */
async function makeRunEvents(owner: pg.Client, total: number, log: (line: string) => void): Promise<void> {
  const BATCH = 1_000_000;
  for (let done = 0; done < total; done += BATCH) {
    const upto = Math.min(total, done + BATCH);
    await owner.query(
      `with orgs as (select row_number() over (order by o.code) - 1 as n, o.id
                       from organisations o where o.code like 'BENCH-%'),
            offs as (select row_number() over (order by o.code) - 1 as n, o.id, o.org_id as host, o.service_line_id
                       from offerings o join service_lines l on l.id = o.service_line_id
                      where l.code = 'FIN' and o.status = 'active' and o.unit <> 'hour'
                        and exists (select 1 from tariffs t where t.offering_id = o.id and t.org_id = o.org_id
                                      and t.valid_to is null)),
            counts as (select (select count(*) from orgs) as orgs, (select count(*) from offs) as offs)
       insert into usage_events (org_id, host_org_id, service_line_id, offering_id, quantity, occurred_at,
                                 occurred_on, priced_on, source, key)
       select orgs.id, offs.host, offs.service_line_id, offs.id, 1000 + (g % 5) * 1000,
              (($3::date + (g % $4::int)::int) + time '10:00') at time zone 'Europe/London',
              $3::date + (g % $4::int)::int, $3::date + (g % $4::int)::int, 'import', 'run-' || g
         from generate_series($1::bigint, $2::bigint) g, counts
         join orgs on true join offs on true
        where orgs.n = g % counts.orgs and offs.n = (g / counts.orgs) % counts.offs`,
      [done, upto - 1, RUN_MONTH.from, RUN_MONTH.days],
    );
    log(`  ${fmt(upto)} of ${fmt(total)} events`);
  }
  await owner.query('vacuum analyze usage_events');
}

/** (c): the month's events summed by organisation and offering, in one statement. */
async function rawAggregate(owner: pg.Client): Promise<{ seconds: number; groups: number }> {
  const started = performance.now();
  const result = await owner.query(
    `select org_id, offering_id, sum(quantity) as quantity, count(*) as events
       from usage_events
      where occurred_on >= $1::date and occurred_on < ($1::date + interval '1 month')
      group by org_id, offering_id`,
    [RUN_MONTH.from],
  );
  return { seconds: (performance.now() - started) / 1000, groups: result.rowCount ?? 0 };
}

async function main() {
  const database = await benchDatabase('recharging');
  const { url, env } = database;
  const owner = new pg.Client({ connectionString: url.toString() });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
  const file = path.join(folder, 'usage.csv');
  const started = performance.now();
  const log = (line: string) => console.log(`[${fmt((performance.now() - started) / 1000)} s] ${line}`);
  try {
    log('migrating and loading the demo…');
    await runTandem(['seed', '--demo'], env);
    await owner.connect();
    log(`adding ${fmt(ORGANISATIONS)} organisations taking Finance, charged per unit…`);
    const existing = Number(
      (await owner.query<{ n: string }>(`select count(*) as n from organisations`)).rows[0]!.n,
    );
    await addOrganisations(owner, Math.max(1, ORGANISATIONS - existing));
    const { orgs, offerings } = await chargeable(owner);
    log(`${fmt(orgs.length)} bench organisations, ${fmt(offerings.length)} priced Finance offerings`);

    log(`writing ${fmt(IMPORT_EVENTS)} usage rows to a file…`);
    await writeUsageFile(
      file,
      IMPORT_EVENTS,
      orgs,
      offerings.map((o) => o.code),
    );
    const startup = await runTandem(['help'], env);
    log('(a) COPY into a bare table…');
    await owner.query('checkpoint');
    const ceiling = await copyCeiling(owner, file);
    log('(b) tandem usage import…');
    const imported = await runTandem(['usage', 'import', file], env);
    const recorded = Number(
      (await owner.query<{ n: string }>(`select count(*) as n from usage_events where key like 'bench-%'`))
        .rows[0]!.n,
    );
    if (recorded !== IMPORT_EVENTS) throw new Error(`imported ${recorded} events, not ${IMPORT_EVENTS}`);
    log("(b′) the import's rows alone, COPYed into the events' and keys' shapes…");
    const floor = await rowsAlone(owner, folder);

    log(`making ${fmt(RUN_EVENTS)} events of ${RUN_MONTH.period} in SQL…`);
    await makeRunEvents(owner, RUN_EVENTS, log);
    log('(c) one raw aggregate…');
    await rawAggregate(owner); // warm the cache as the run will find it
    const raw = await rawAggregate(owner);
    log('(d) tandem recharge run…');
    const run = await runTandem(['recharge', 'run', '--period', RUN_MONTH.period], env);
    const statements = Number(
      (await owner.query<{ n: string }>(`select count(*) as n from recharge_statements`)).rows[0]!.n,
    );

    const importRate = IMPORT_EVENTS / imported.seconds;
    const copyRate = IMPORT_EVENTS / ceiling;
    console.log('');
    console.log(`process start-up (tandem help): ${fmt(startup.seconds, 2)} s, included in (b) and (d)`);
    console.log(`(a) COPY ceiling:        ${fmt(copyRate)} rows/s (${fmt(ceiling, 1)} s)`);
    console.log(
      `(b) tandem usage import: ${fmt(importRate)} events/s (${fmt(imported.seconds, 1)} s), ` +
        `${fmt((100 * importRate) / copyRate, 1)}% of (a)   target ≥ 20,000 events/s and ≥ 40%`,
    );
    console.log(
      `(b′) its rows alone:     ${fmt(IMPORT_EVENTS / floor)} events/s (${fmt(floor, 1)} s), ` +
        `${fmt((100 * ceiling) / floor, 1)}% of (a): the events and their keys COPYed into their tables' shapes`,
    );
    console.log(
      `(c) raw aggregate:       ${fmt(raw.seconds, 2)} s, ${fmt(raw.groups)} groups of ${fmt(RUN_EVENTS)} events`,
    );
    console.log(
      `(d) tandem recharge run: ${fmt(run.seconds, 2)} s, ${fmt(run.seconds / raw.seconds, 2)}× (c) ` +
        `(${fmt((run.seconds - startup.seconds) / raw.seconds, 2)}× net of start-up), ` +
        `${fmt(statements)} draft statements   target ≤ 1.5× (c) and < 30 s`,
    );
  } finally {
    await owner.end().catch(() => {});
    fs.rmSync(folder, { recursive: true, force: true });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
