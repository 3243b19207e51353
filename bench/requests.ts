/**
 * Requests at scale.
 *
 *   npm run bench -- requests
 *
 * On PostgreSQL (BENCH_DATABASE_URL, default the local server; a database is created and dropped,
 * or kept with BENCH_KEEP_DATABASE=1):
 *
 * (a) the write ceiling: a bare Fastify route (no Tandem) inserting one row in a transaction over a
 *     pool as large as Tandem's, in a process of its own;
 * (b) POST /api/v1/requests with valid bearer tokens, spread over the partners' people whose
 *     organisations take the offering (each connection keeps one person's token);
 *     (a) and (b) at 32 connections, taken in turns;
 * (b′) what no raise can do without, measured beside them: a raise's own last statement alone (the
 *     request, its events, queue row, audit entry and acknowledgement, in the organisation's number
 *     order, in a unit of work under row level security), its values made in advance from a request
 *     (b) raised, served by (a)'s process through the same repository function the route uses. It
 *     leaves out everything else a raise does (the caller's token, the input's checks, the
 *     offering's resolution, the clocks): if (b′) falls short of (b)'s target, so must (b);
 * (c) the agents' queue (GET /api/v1/queue) under several filters, sorted by due time, with
 *     BENCH_REQUESTS (1,000,000) requests in the database;
 * (d) full-text search over them: the queue's and the list's `q`;
 *     (c) and (d) at BENCH_READ_CONNECTIONS (4: a handful of agents at once) for their p95, and at 32
 *     (units of work switch PostgreSQL's JIT compiler off: migration 0019);
 * (e) SLA clock replays per second in the kernel (`readClocks`) over the histories `tandem seed
 *     --requests` gives (realistic lives: pauses, priority changes, reopening), beside a baseline of
 *     one working-minutes count per history, in this process.
 *
 * The million: BENCH_SEED_REQUESTS (20,000) requests with whole histories from `tandem seed
 * --requests`, then copies of them in bulk SQL (generate_series) up to BENCH_REQUESTS — the request
 * and its queue row, due times spread over days, without their events (no read measured here replays
 * them) — then VACUUM ANALYZE.
 *
 * Targets: (b) ≥ 50% of (a) with p99 < 50 ms at 32 connections; (c) p95 < 20 ms; (d) p95 < 50 ms;
 * (e) ≥ 200,000 histories/s. BENCH_SECONDS (10) is each route's measured time, in BENCH_ROUNDS (2) turns.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { readClocks, type ClockHistory, type ClockPolicy } from '../src/kernel/sla-clock.js';
import { workingMinutesBetween } from '../src/kernel/working-time.js';
import { clockPolicyOf, type SlaSnapshot } from '../src/modules/requests/clocks/sla-snapshot.js';
import { clockHistoryOf, priorityAtSubmission } from '../src/modules/requests/clocks/history.js';
import type { Priority, RequestEvent } from '../src/modules/requests/request.js';
import { loadConfig } from '../src/config.js';
import { commitWith, inScope, openDatabase } from '../src/platform/db/index.js';
import { raisingRepository } from '../src/modules/requests/raising/raising.repository.js';
import { raisedMail } from '../src/modules/requests/notifications/notify.js';
import type { StoredClocks } from '../src/modules/requests/clocks/stored.js';
import type { RequestRecord } from '../src/modules/requests/request.js';
import { recordOf } from '../src/modules/requests/requests.repository.js';
import { benchDatabase, child, fmt, percentile, runTandem, stop } from './_support.js';

const CONNECTIONS = 32;
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TOTAL = Number(process.env.BENCH_REQUESTS ?? 1_000_000);
const SEEDED = Math.min(TOTAL, Number(process.env.BENCH_SEED_REQUESTS ?? 20_000));
const POOL_SIZE = loadConfig({}).databasePoolSize;
/** Which of (a)–(e) to measure: BENCH_PARTS=ab measures the writes only, without seeding the million. */
const PARTS = process.env.BENCH_PARTS ?? 'abcde';
const WRITES = /[ab]/.test(PARTS);
const READS = /[cde]/.test(PARTS);
/** What (d) searches for: words of the seeded subjects and answers, a phrase, and a whole reference. */
const WORDS = ['printer', 'laptop new starter', 'invoice', 'password', 'WDC-000123'];

// ---------------------------------------------------------------------------------------------

/** Starts a server process and resolves once `probe` answers. */
async function serve(args: string[], env: NodeJS.ProcessEnv, probe: string): Promise<ChildProcess> {
  const started = child(args, env);
  let output = '';
  started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    if (started.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      const response = await fetch(probe, { method: probe.endsWith('/rows') ? 'POST' : 'GET' });
      await response.text();
      if (response.status < 500) return started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Route {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  /** One request per connection, taken in turn (a person's token and body each). */
  perConnection?: Array<{ headers: Record<string, string>; body?: string }>;
  /** Several paths, taken in turn by each connection (filters of the queue). */
  paths?: string[];
  headers?: Record<string, string>;
}

interface Load {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** One autocannon run, with every response's time kept (autocannon reports no p95 of its own). */
function once(route: Route, connections: number, duration: number) {
  return new Promise<{ result: autocannon.Result; times: number[] }>((resolve, reject) => {
    const times: number[] = [];
    let next = 0;
    const base = new URL(route.url);
    const instance = autocannon(
      {
        url: route.url,
        method: route.method ?? 'GET',
        connections,
        duration,
        headers: route.headers ?? {},
        ...(route.paths ? { requests: route.paths.map((path) => ({ method: 'GET' as const, path })) } : {}),
        ...(route.perConnection
          ? {
              setupClient: (client: autocannon.Client) => {
                const given = route.perConnection![next++ % route.perConnection!.length]!;
                client.setHeadersAndBody({ ...given.headers, host: base.host }, given.body ?? '');
              },
            }
          : {}),
      },
      (error: unknown, result) =>
        error
          ? reject(error instanceof Error ? error : new Error(JSON.stringify(error)))
          : resolve({ result, times }),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
}

/**
 * Measures routes in turns, as bench/foundation.ts does: the machine's drift meets every route
 * alike. Requests/s is the turns' mean; the percentiles are over every response of every turn.
 */
async function loadInTurns(routes: Route[], connections: number): Promise<Load[]> {
  for (const route of routes) await once(route, connections, 2);
  const runs = routes.map(() => [] as Array<{ result: autocannon.Result; times: number[] }>);
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, route] of routes.entries())
      runs[i]!.push(await once(route, connections, SECONDS / ROUNDS));
  return routes.map((route, i) => {
    const turns = runs[i]!;
    const times = turns.flatMap((turn) => turn.times).sort((a, b) => a - b);
    return {
      name: route.name,
      connections,
      rps: turns.reduce((sum, turn) => sum + turn.result.requests.average, 0) / turns.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      errors: turns.reduce((sum, turn) => sum + turn.result.errors + turn.result.non2xx, 0),
    };
  });
}

/** Copies the seeded requests (and their queue rows) in bulk until there are `total`. */
async function multiply(client: pg.Client, total: number, log: (line: string) => void): Promise<void> {
  const { rows } = await client.query<{ n: string }>('select count(*) as n from requests');
  const have = Number(rows[0]!.n);
  if (have >= total) return;
  await client.query(`create temporary table seed_source as
    select r.id, row_number() over (order by r.id) as n from requests r join request_work w on w.request_id = r.id`);
  const sources = Number(
    (await client.query<{ n: string }>('select count(*) as n from seed_source')).rows[0]!.n,
  );
  const copies = Math.ceil((total - have) / sources);
  let added = 0;
  for (let copy = 1; copy <= copies && added < total - have;) {
    // A few copies per transaction: about 100,000 rows each.
    const last = Math.min(copies, copy + Math.max(1, Math.floor(100_000 / sources)) - 1);
    const want = total - have - added;
    await client.query('begin');
    await client.query(
      `create temporary table seed_batch on commit drop as
         select gen_random_uuid() as new_id, s.id as old_id, g,
                make_interval(mins => ((g * 7919 + s.n * 104729) % 20160)::int) as shift
           from seed_source s, generate_series($1::int, $2::int) g
          order by g, s.n
          limit $3`,
      [copy, last, want],
    );
    const inserted = await client.query(
      `insert into requests (id, org_id, host_org_id, reference, service_line_id, offering_id, variant_id,
                             catalogue_entry, requester_user_id, requester_name, requester_email, subject, answers,
                             priority, status, sla, submitted_at, response_state, response_due_at, resolution_state,
                             resolution_due_at, sla_next_check_at, resolved_at, closed_at, version, search)
       select b.new_id, r.org_id, r.host_org_id, r.reference || '.' || b.g, r.service_line_id, r.offering_id,
              r.variant_id, r.catalogue_entry, r.requester_user_id, r.requester_name, r.requester_email, r.subject,
              r.answers, r.priority, r.status, r.sla, r.submitted_at - b.shift, r.response_state,
              r.response_due_at - b.shift, r.resolution_state, r.resolution_due_at - b.shift,
              r.sla_next_check_at, r.resolved_at - b.shift, r.closed_at - b.shift, r.version, r.search
         from seed_batch b join requests r on r.id = b.old_id`,
    );
    await client.query(
      `insert into request_work (request_id, org_id, partner_org_id, service_line_id, team_id, assignee_user_id,
                                 status, priority, offering_id, due_at, sla_state, active)
       select b.new_id, w.org_id, w.partner_org_id, w.service_line_id, w.team_id, w.assignee_user_id, w.status,
              w.priority, w.offering_id, w.due_at - b.shift, w.sla_state, w.active
         from seed_batch b join request_work w on w.request_id = b.old_id`,
    );
    await client.query('commit');
    added += inserted.rowCount ?? 0;
    log(`  ${(have + added).toLocaleString('en-GB')} requests`);
    copy = last + 1;
  }
  await client.query('drop table seed_source');
}

interface HistoryRow {
  sla: SlaSnapshot;
  submitted_at: Date;
  priority: Priority;
  events: Array<{
    at: string;
    kind: RequestEvent['kind'];
    from: string | null;
    to: string | null;
    byHost: boolean;
  }>;
}

/** (e): the seeded requests' histories replayed by the kernel, against one working-minutes count each. */
async function replays(client: pg.Client, now: Date, seededFrom: Date) {
  const { rows } = await client.query<HistoryRow>(
    `
    select r.sla, r.submitted_at, r.priority,
           (select json_agg(json_build_object('at', e.at, 'kind', e.kind, 'from', e.from_value, 'to', e.to_value,
                                              'byHost', e.by_host) order by e.at, e.id)
              from request_events e where e.request_id = r.id) as events
      from requests r where r.created_at >= $1 and r.id in (select request_id from request_events)`,
    [seededFrom],
  );
  const divisions = await client.query<{ division: string; dates: string[] }>(
    `select division, array_agg(date::text order by date) as dates from bank_holidays group by division`,
  );
  const holidays = new Map(divisions.rows.map((row) => [row.division, row.dates]));
  const inputs: Array<{ policy: ClockPolicy; history: ClockHistory }> = rows.map((row) => {
    const events: RequestEvent[] = row.events.map((event) => ({
      at: new Date(event.at),
      kind: event.kind,
      actorKind: 'system',
      actorUserId: null,
      actorName: null,
      staffUserId: null,
      from: event.from,
      to: event.to,
      reason: null,
      body: null,
      byHost: event.byHost,
    }));
    return {
      policy: clockPolicyOf(row.sla, holidays.get(row.sla.calendar.holidays ?? '') ?? []),
      history: clockHistoryOf(row.submitted_at, priorityAtSubmission(row.priority, events), events),
    };
  });
  const perSecond = (work: (input: (typeof inputs)[number]) => unknown) => {
    let sink = 0;
    for (const input of inputs.slice(0, 2_000)) sink += Number(Boolean(work(input))); // warm-up
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < 3_000) {
      for (const input of inputs) sink += Number(Boolean(work(input)));
      done += inputs.length;
    }
    if (sink < 0) console.log(sink);
    return (done * 1000) / (performance.now() - started);
  };
  const events = inputs.reduce((sum, input) => sum + input.history.events.length, 0) / inputs.length;
  const baseline = perSecond(({ policy, history }) =>
    workingMinutesBetween(policy.calendar, history.submittedAt, now),
  );
  const kernel = perSecond(({ policy, history }) => readClocks(policy, history, now));
  return { histories: inputs.length, events, baseline, kernel };
}

/** (c), (d) and (e): the million requests seeded, then the queue, search and clock replays. */
async function readsAt(
  owner: pg.Client,
  env: NodeJS.ProcessEnv,
  base: string,
  agent: string,
  log: (line: string) => void,
) {
  const seededFrom = (await owner.query<{ now: Date }>('select now()')).rows[0]!.now;
  log(`seeding ${SEEDED.toLocaleString('en-GB')} requests with whole histories (tandem seed --requests)…`);
  await runTandem(['seed', '--requests', String(SEEDED)], env);
  log(`copying them up to ${TOTAL.toLocaleString('en-GB')} in bulk SQL…`);
  await multiply(owner, TOTAL, log);
  log('VACUUM ANALYZE…');
  await owner.query('vacuum analyze requests');
  await owner.query('vacuum analyze request_work');
  const count = Number((await owner.query<{ n: string }>('select count(*) as n from requests')).rows[0]!.n);
  const active = Number(
    (await owner.query<{ n: string }>('select count(*) as n from request_work where active')).rows[0]!.n,
  );

  const asAgent = { authorization: `Bearer ${agent}` };
  const queue: Route = {
    name: '(c) queue, filtered, by due time',
    url: `${base}/api/v1/queue`,
    headers: asAgent,
    paths: [
      '/api/v1/queue',
      '/api/v1/queue?partner=WDC',
      '/api/v1/queue?priority=high',
      '/api/v1/queue?sla=breached',
      '/api/v1/queue?team=mine',
      '/api/v1/queue?assignee=none&status=open',
    ],
  };
  const search: Route[] = [
    {
      name: '(d) queue ?q= words',
      url: `${base}/api/v1/queue`,
      headers: asAgent,
      paths: WORDS.map((q) => `/api/v1/queue?q=${encodeURIComponent(q)}`),
    },
    {
      name: '(d) list ?q= words',
      url: `${base}/api/v1/requests`,
      headers: asAgent,
      paths: WORDS.map((q) => `/api/v1/requests?q=${encodeURIComponent(q)}`),
    },
  ];
  log(`(c) and (d): ${READ_CONNECTIONS} and ${CONNECTIONS} connections…`);
  const reads: Load[] = [
    ...(await loadInTurns([queue, ...search], READ_CONNECTIONS)),
    ...(await loadInTurns([queue, ...search], CONNECTIONS)),
  ];

  log('(e) clock replays…');
  const clocks = await replays(owner, new Date(), seededFrom);
  return { count, active, reads, clocks };
}

async function main() {
  const database = await benchDatabase('requests');
  const { url, env } = database;
  const owner = new pg.Client({ connectionString: url.toString() });
  let tandem: ChildProcess | undefined;
  let ceiling: ChildProcess | undefined;
  const started = performance.now();
  const log = (line: string) => console.log(`[${fmt((performance.now() - started) / 1000)} s] ${line}`);
  try {
    log('migrating and loading the demo…');
    await runTandem(['seed', '--demo'], env);
    await owner.connect();
    await owner.query(`create table bench_ceiling (id bigint generated always as identity primary key,
      subject text not null, created_at timestamptz not null default now())`);
    await owner.query('grant select, insert on bench_ceiling to public');

    const people: Array<[string, string]> = [
      ['requester@wyvern.example', 'WDC'],
      ['manager@wyvern.example', 'WDC'],
      ['requester@merciafire.example', 'MFRS'],
      ['requester@severnvale.example', 'SVCT'],
      ['requester@brightwater.example', 'BWF'],
      ['shared.officer@mercia.example', 'MCC-CHS'],
    ];
    const tokenOf = async (email: string, org: string) =>
      (await runTandem(['token', 'create', '--email', email, '--org', org, '--name', 'bench'], env)).output
        .trim()
        .split('\n')
        .pop()!
        .trim();
    const tokens = await Promise.all(people.map(([email, org]) => tokenOf(email, org)));
    const agent = await tokenOf('agent@mercia.example', 'MCC');

    const port = 3800 + (process.pid % 50);
    const ceilingPort = port + 50;
    tandem = await serve(
      ['bin/tandem.js', 'serve'],
      { ...env, PORT: String(port), HOST: '127.0.0.1' },
      `http://127.0.0.1:${port}/healthz`,
    );
    ceiling = await serve(
      ['--import', 'tsx', 'bench/requests.ts'],
      { BENCH_CEILING_URL: url.toString(), PORT: String(ceilingPort) },
      `http://127.0.0.1:${ceilingPort}/rows`,
    );
    const base = `http://127.0.0.1:${port}`;

    // What each person raises: the first of these that their organisation takes.
    const offerings = [
      {
        offering: 'IT-FAULT',
        subject: 'The printer on floor 2 is jammed',
        answers: { what_is_affected: 'Printer', what_happened: 'It jams on every page' },
      },
      { offering: 'FIN-PAYSLIP', subject: 'A copy of my March payslip', answers: {} },
      { offering: 'PRT-POST', subject: 'Letters to tenants', answers: { number_of_letters: 40 } },
    ].map((body) => JSON.stringify(body));
    const raisers: Array<{ headers: Record<string, string>; body: string }> = [];
    const raisedBy: Array<{ headers: Record<string, string>; body: string }> = [];
    const organisations = new Set<string>();
    for (const [i, token] of tokens.entries()) {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      for (const body of offerings) {
        const response = await fetch(`${base}/api/v1/requests`, { method: 'POST', headers, body });
        await response.text();
        if (response.status !== 201) continue;
        raisers.push({ headers, body });
        raisedBy.push({
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ org: people[i]![1] }),
        });
        organisations.add(people[i]![1]);
        break;
      }
    }
    if (raisers.length === 0) throw new Error('no one in the demo could raise a request');

    log(`(a) and (b): ${CONNECTIONS} connections, ${SECONDS} s each in ${ROUNDS} turns…`);
    const writes = !WRITES
      ? []
      : await loadInTurns(
          [
            {
              name: '(a) bare Fastify, one-row insert in a transaction',
              url: `http://127.0.0.1:${ceilingPort}/rows`,
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              perConnection: [
                { headers: { 'content-type': 'application/json' }, body: '{"subject":"bench"}' },
              ],
            },
            {
              name: `(b) POST /api/v1/requests (${organisations.size} partners)`,
              url: `${base}/api/v1/requests`,
              method: 'POST',
              perConnection: raisers,
            },
            {
              name: "(b′) a raise's last statement alone",
              url: `http://127.0.0.1:${ceilingPort}/raised-rows`,
              method: 'POST',
              perConnection: raisedBy,
            },
          ],
          CONNECTIONS,
        );
    await stop(ceiling);
    ceiling = undefined;

    const measured = READS ? await readsAt(owner, env, base, agent, log) : undefined;

    // -------------------------------------------------------------------------------------------
    const reads = measured?.reads ?? [];
    console.log('');
    console.log(
      `server: ${os.availableParallelism()} cores, pool ${POOL_SIZE}` +
        (measured ? `; ${fmt(measured.count)} requests (${fmt(measured.active)} in queues)` : ''),
    );
    console.log(
      'route'.padEnd(46),
      'conns'.padStart(5),
      'req/s'.padStart(8),
      'p50 ms'.padStart(7),
      'p95 ms'.padStart(7),
      'p99 ms'.padStart(7),
      'errors'.padStart(7),
    );
    for (const r of [...writes, ...reads])
      console.log(
        r.name.padEnd(46),
        String(r.connections).padStart(5),
        fmt(r.rps).padStart(8),
        fmt(r.p50, 1).padStart(7),
        fmt(r.p95, 1).padStart(7),
        fmt(r.p99, 1).padStart(7),
        String(r.errors).padStart(7),
      );
    console.log('');
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    if (WRITES) {
      const [ceilingLoad, raise, rowsAlone] = writes as [Load, Load, Load];
      const ratio = raise.rps / ceilingLoad.rps;
      console.log(`(b)/(a) = ${fmt(100 * ratio, 1)}%  (target ≥ 50%)  ${verdict(ratio >= 0.5)}`);
      console.log(`(b) p99 = ${fmt(raise.p99, 1)} ms  (target < 50 ms)  ${verdict(raise.p99 < 50)}`);
      console.log(
        `(b′)/(a) = ${fmt((100 * rowsAlone.rps) / ceilingLoad.rps, 1)}%, p99 ${fmt(rowsAlone.p99, 1)} ms: ` +
          `a raise's last statement alone; (b) is ${fmt((100 * raise.rps) / rowsAlone.rps, 1)}% of it`,
      );
    }
    if (measured) {
      const { clocks } = measured;
      const [c, dQueue, dList] = reads as [Load, Load, Load];
      console.log(
        `(c) p95 = ${fmt(c.p95, 1)} ms at ${READ_CONNECTIONS} connections  (target < 20 ms)  ${verdict(c.p95 < 20)}`,
      );
      const d = Math.max(dQueue.p95, dList.p95);
      console.log(
        `(d) p95 = ${fmt(d, 1)} ms at ${READ_CONNECTIONS} connections, the worse of queue and list  (target < 50 ms)  ${verdict(d < 50)}`,
      );
      console.log(
        `(e) ${fmt(clocks.kernel)} histories/s over ${fmt(clocks.histories)} seeded histories of ${fmt(clocks.events, 1)} clock events on average  (target ≥ 200,000)  ${verdict(clocks.kernel >= 200_000)}`,
      );
      console.log(
        `    baseline, one working-minutes count per history: ${fmt(clocks.baseline)}/s; a replay costs ${fmt(clocks.baseline / clocks.kernel, 1)} of them`,
      );
    }
    log('done');
  } finally {
    await stop(ceiling);
    await stop(tandem);
    await owner.end().catch(() => {});
    await database.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// (a)'s server, when this file is started as it (BENCH_CEILING_URL set): Fastify and a pg pool,
// and (b′) through Tandem's own database handle.
async function ceilingServer(connectionString: string) {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE });
  const db = await openDatabase({ databaseUrl: connectionString, poolSize: POOL_SIZE });
  const app = Fastify({ logger: false });
  app.post<{ Body: { subject?: string } }>('/rows', async (request, reply) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        'insert into bench_ceiling (subject) values ($1) returning id',
        [request.body?.subject ?? ''],
      );
      await client.query('commit');
      return reply.status(201).send({ id: rows[0]!.id });
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  });
  const templates = new Map<string, Promise<RaisedTemplate>>();
  app.post<{ Body: { org?: string } }>('/raised-rows', async (request, reply) => {
    const org = String(request.body?.org);
    if (!templates.has(org)) templates.set(org, raisedTemplate(pool, org));
    const template = await templates.get(org)!;
    const raised = template.next();
    const reference = await inScope(db, template.scope, (tx) =>
      commitWith(() => raisingRepository.insertRaised(tx, raised)),
    );
    return reply.status(201).send({ reference });
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => Promise.all([pool.end(), db.close()])));
}

type Raised = Parameters<typeof raisingRepository.insertRaised>[1];

interface RaisedTemplate {
  scope: { userId: string; orgIds: string[] };
  /** What `insertRaised` is given for a new request like the organisation's last one, raised now. */
  next(): Raised;
}

/** The organisation's latest request, as the raise that made it gave it to `insertRaised`. */
async function raisedTemplate(pool: pg.Pool, orgCode: string): Promise<RaisedTemplate> {
  const { rows } = await pool.query(
    `select r.*, w.due_at as queue_due_at, w.sla_state as queue_state
       from requests r join organisations o on o.id = r.org_id
       left join request_work w on w.request_id = r.id
      where o.code = $1 and r.requester_user_id is not null
      order by r.submitted_at desc limit 1`,
    [orgCode],
  );
  const row = rows[0];
  if (!row) throw new Error(`no request of ${orgCode} to copy`);
  const events = (
    await pool.query(`select * from request_events where request_id = $1 order by at, id`, [row.id])
  ).rows;
  const dueOrNull = (due: Date | null) => (due && Number.isFinite(due.getTime()) ? due : null);
  const stored: StoredClocks = {
    responseState: row.response_state,
    responseDueAt: row.response_due_at,
    resolutionState: row.resolution_state,
    resolutionDueAt: row.resolution_due_at,
    nextCheckAt: row.sla_next_check_at,
    queueDueAt: dueOrNull(row.queue_due_at),
    queueState: row.queue_state ?? row.resolution_state,
  };
  return {
    scope: { userId: row.requester_user_id, orgIds: [row.org_id] },
    next() {
      const now = new Date();
      const { reference: _reference, version: _version, ...kept } = recordOf(row);
      const record: Omit<RequestRecord, 'reference' | 'version'> = {
        ...kept,
        id: crypto.randomUUID(),
        submittedAt: now,
        resolvedAt: null,
        closedAt: null,
      };
      return {
        record,
        orgCode,
        events: events.map((event) => ({
          at: now,
          kind: event.kind,
          actorKind: event.actor_kind,
          actorUserId: event.actor_user_id,
          actorName: event.actor_name,
          staffUserId: null,
          from: event.from_value,
          to: event.to_value,
          reason: event.reason,
          body: event.body,
          byHost: event.by_host,
        })),
        stored,
        searchText: `${row.subject} ${Object.values(row.answers as Record<string, unknown>).join(' ')}`,
        audit: {
          actorUserId: row.requester_user_id,
          orgId: row.org_id,
          requestId: null,
          after: { offering: row.catalogue_entry.offeringCode, priority: row.priority, status: row.status },
        },
        mail: raisedMail(record),
      };
    },
  };
}

if (process.env.BENCH_CEILING_URL) await ceilingServer(process.env.BENCH_CEILING_URL);
else await main();
